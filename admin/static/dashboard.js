/* Draws the home page charts (admin/templates/qdesk/dashboard.html).
 * The Chart.js configurations come as JSON in <script type="application/json"
 * id="qdesk-dashboard-data">: nothing is evaluated, no inline script is needed
 * (CSP script-src 'self' is enough). The charts are kept in window.qdeskCharts. */
(function () {
  "use strict";
  function draw() {
    var data = document.getElementById("qdesk-dashboard-data");
    window.qdeskCharts = [];
    if (!data || typeof window.Chart === "undefined") {
      return;
    }
    var configs = JSON.parse(data.textContent);
    var canvases = document.querySelectorAll("canvas.qdesk-chart[data-chart-index]");
    Array.prototype.forEach.call(canvases, function (canvas) {
      var config = configs[Number(canvas.getAttribute("data-chart-index"))];
      if (config) {
        window.qdeskCharts.push(new window.Chart(canvas, config));
      }
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
