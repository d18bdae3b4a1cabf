// Inline list edits (column_editable_list) post "<id>:<version>" as the pk,
// so core refuses an edit made from an outdated list (409). After a save the
// server answers the record's new pk: every editable cell of that row takes
// it, so the next cell of the same row can be edited without a reload.
(function () {
  "use strict";
  function rowId(pk) { return String(pk).split(":")[0]; }
  function cells() { return $("[data-role^='x-editable']"); }
  $(function () {
    cells().on("save", function (event, params) {
      var answer = params && params.response;
      if (!answer || !answer.pk) { return; }
      var id = rowId(answer.pk);
      cells().filter(function () { return rowId($(this).attr("data-pk")) === id; }).each(function () {
        $(this).attr("data-pk", answer.pk);
        $(this).editable("option", "pk", answer.pk);
      });
    });
  });
})();
