"""Printing benchmark: WeasyPrint (qdesk's engine) beside wkhtmltopdf
(the engine of Odoo and ERPNext), on the same HTML.

    .venv/bin/python bench/print.py [--forms 1000]

Cases, each in its own process so peak memory (max RSS) is its own:
  weasyprint-one     one note form, best of 5 renders after a warm-up
  weasyprint-batch   N note forms → one PDF (qdesk's render_pdf)
  wkhtmltopdf-one    the same one-form HTML through `wkhtmltopdf`
  wkhtmltopdf-batch  the same N HTML documents → one PDF
The HTML is what qdesk renders (shared frame, Chinese text); for wkhtmltopdf
the print CSS is inlined (it cannot be handed parsed stylesheets) and the N
forms are joined into one document with page breaks, because Debian's build
(unpatched Qt) accepts one input only. wkhtmltopdf ignores CSS paged-media
margin boxes, so its pages lack the "page x / y" and printed-by footer:
its figures are a lower bound for the same job.
Needs the Debian package `wkhtmltopdf` for its two rows (skipped with a note
when absent). Results are printed as a table; nothing is asserted.
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def make_app(workdir: Path, forms: int):
    """An app on a throwaway SQLite file with the example plugins and ``forms`` notes."""
    from tests.fixtures import install_entry_points
    install_entry_points(workdir / "site", "qdesk-bench-plugins",
                         {"notes": "tests.plugins.notes", "tasks": "tests.plugins.tasks"})
    os.environ["QDESK_INSTANCE_PATH"] = str(workdir)
    from core import create_app, migrate
    from core.records import tenancy
    from core.extensions import db
    from core.models import Company
    from core.plugin.modules import enable_module
    from tests.plugins.notes.models import Note, Tag
    app = create_app({"DATABASE_URL": f"sqlite:///{workdir / 'bench.db'}",
                      "PLUGINS_TOML": str(workdir / "none.toml")})
    with app.app_context():
        migrate.upgrade()
        company = Company(code="BM", name="杭州瑞达电器有限公司", province="浙江")
        db.session.add(company)
        db.session.commit()
        enable_module(company, "notes")
        with tenancy.acting_as(company):
            tag = Tag(name="客户回访")
            db.session.add(tag)
            for i in range(forms):
                db.session.add(Note(title=f"用户来电登记 第 {i + 1} 号：空调不制冷，要求上门维修", tag=tag,
                                    priority=1 + i % 5,
                                    body="客户反映空调开机后不制冷，已电话指导检查滤网，仍无效。"
                                         "约定明日上午上门检修，责任人：王工。" * 3))
            db.session.commit()
    return app


def run_case(case: str, forms: int) -> dict:
    workdir = Path(tempfile.mkdtemp(prefix="qdesk-bench-"))
    count = 1 if case.endswith("-one") else forms
    app = make_app(workdir, count)
    from core import printing
    from core.records import tenancy
    from core.extensions import db
    from core.models import Company
    from tests.plugins.notes.models import Note
    with app.test_request_context(), app.app_context():
        company = db.session.query(Company).one()
        with tenancy.acting_as(company):
            printable = printing.printable_registry().get("notes.note")
            records = tenancy.scoped_query(Note).order_by(Note.id).all()
            if case.startswith("weasyprint"):
                printing.render_pdf(printable, records[:1], company, None)  # warm-up: fonts, CSS
                runs = 5 if count == 1 else 1
                times = []
                for _ in range(runs):
                    start = time.perf_counter()
                    pdf, pages = printing.render_pdf(printable, records, company, None)
                    times.append(time.perf_counter() - start)
                seconds, size = min(times), len(pdf)
                rss_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
            else:
                css = printing.PRINT_CSS.read_text(encoding="utf-8")
                page = f"<style>{css}\n@page {{ size: {printable.paper} {printable.orientation}; }}</style>"
                # Debian's wkhtmltopdf (unpatched Qt) takes one input document:
                # the forms go into one HTML, a page break between them.
                htmls = printing.render_html(printable, records, company, None)
                head = htmls[0].split("<body", 1)[0].replace("</head>", page + "</head>", 1)
                bodies = [h.split("<body", 1)[1].split(">", 1)[1].rsplit("</body>", 1)[0] for h in htmls]
                path = workdir / "forms.html"
                path.write_text(head + "<body>" + '<div style="page-break-after: always"></div>'.join(bodies)
                                + "</body></html>", encoding="utf-8")
                files = [str(path)]
                out = workdir / "out.pdf"
                subprocess.run(["wkhtmltopdf", "--quiet", files[0], str(workdir / "warm.pdf")], check=True)
                runs = 5 if count == 1 else 1
                times = []
                for _ in range(runs):
                    start = time.perf_counter()
                    subprocess.run(["wkhtmltopdf", "--quiet", "--page-size", printable.paper,
                                    "--orientation", printable.orientation.title(), *files, str(out)],
                                   check=True)
                    times.append(time.perf_counter() - start)
                seconds, size = min(times), out.stat().st_size
                pages = int(next(line.split()[-1] for line in subprocess.run(
                    ["pdfinfo", str(out)], capture_output=True, text=True).stdout.splitlines()
                    if line.startswith("Pages:")))
                rss_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    shutil.rmtree(workdir, ignore_errors=True)
    return dict(case=case, forms=count, pages=pages, seconds=seconds, rss_mb=rss_kb / 1024, kb=size / 1024)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--forms", type=int, default=1000, help="forms in the batch cases")
    parser.add_argument("--case", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.case:
        print(json.dumps(run_case(args.case, args.forms)))
        return
    cases = ["weasyprint-one", "weasyprint-batch"]
    if shutil.which("wkhtmltopdf"):
        cases += ["wkhtmltopdf-one", "wkhtmltopdf-batch"]
    else:
        print("note: wkhtmltopdf not installed (apt-get install wkhtmltopdf); its rows are skipped")
    rows = []
    for case in cases:
        done = subprocess.run([sys.executable, __file__, "--case", case, "--forms", str(args.forms)],
                              capture_output=True, text=True)
        if done.returncode != 0:
            print(f"{case}: failed\n{done.stderr[-2000:]}")
            continue
        rows.append(json.loads(done.stdout.strip().splitlines()[-1]))
    print(f"\n{'case':<20}{'forms':>7}{'pages':>7}{'seconds':>10}{'forms/s':>10}{'peak RSS MB':>13}{'PDF KB':>10}")
    for r in rows:
        print(f"{r['case']:<20}{r['forms']:>7}{r['pages']:>7}{r['seconds']:>10.2f}"
              f"{r['forms'] / r['seconds']:>10.1f}{r['rss_mb']:>13.0f}{r['kb']:>10.0f}")


if __name__ == "__main__":
    main()
