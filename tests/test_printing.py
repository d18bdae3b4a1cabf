"""The printing service: PDFs with Chinese text and an embedded CJK font,
inert hostile values, a fetcher that reads nothing but qdesk's static files,
the module gate, permissions and company scope on every way in (URL, list
action, details/edit buttons, CLI), the print log, and a 200-record batch.

PDFs are checked with poppler-utils (``pdftotext``, ``pdffonts``,
``pdfinfo``, ``pdfdetach``), as a user's viewer would read them.
"""
from __future__ import annotations

import logging
import re
import shutil
import subprocess
import time
from pathlib import Path

import pytest
from core import printing
from core.records import tenancy
from core.cli import main
from core.extensions import db
from core.models import PrintJob
from core.plugin.modules import disable_module
from core.printing import PrintFetchRefused, StaticOnlyURLFetcher, render
from tests.factories import make
from tests.fixtures import make_note
from tests.plugins.notes.models import Note
from tests.plugins.tasks.models import Task

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")

HOSTILE_TITLE = '<img src="file:///etc/passwd"> <script>alert(1)</script>'
HOSTILE_BODY = ('<link rel=attachment href="file:///etc/passwd"> '
                '<img src="http://127.0.0.1:1/x.png"> 空调维修后运行正常')


def poppler(tool: str, pdf: bytes, tmp_path, *args: str) -> str:
    path = tmp_path / f"{tool}-{time.monotonic_ns()}.pdf"
    path.write_bytes(pdf)
    out = subprocess.run([tool, *args, str(path), *(["-"] if tool == "pdftotext" else [])],
                         capture_output=True, text=True, check=True)
    return out.stdout


def page_count(pdf: bytes, tmp_path) -> int:
    return int(re.search(r"^Pages:\s+(\d+)", poppler("pdfinfo", pdf, tmp_path), re.M).group(1))


def flat(text: str) -> str:
    """pdftotext output without line breaks and spaces (table cells wrap)."""
    return re.sub(r"\s+", "", text)


def jobs(app) -> list[PrintJob]:
    with app.app_context():
        rows = db.session.query(PrintJob).order_by(PrintJob.id).all()
        db.session.expunge_all()
        return rows


# --- a printed form ------------------------------------------------------------

LABELS = {
    "zh_Hans_CN": ("便签记录单", "经办人", "审核", "批准", "第 1 / 1 页", "标题", "记录编号", "打印人"),
    "en": ("Note record", "Prepared by", "Checked by", "Approved by", "Page 1 / 1", "Title",
           "Record No.", "Printed by"),
}


@pytest.mark.parametrize("language", ["zh_Hans_CN", "en"])
def test_printed_note_has_chinese_text_and_embeds_a_cjk_font(app, world, client_for, tmp_path, language):
    """The form follows the user's language; Chinese record text prints in
    both, with the CJK font embedded."""
    nid = make_note(app, "A", title="客户回访：空调维修", body="顾客对维修结果满意。")
    client = client_for("staff@a.test")
    client.post("/set-language", {"locale": language})
    response = client.get(f"/print/notes.note/{nid}.pdf")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert f'filename=note-{nid}.pdf' in response.headers["Content-Disposition"]
    pdf = response.data
    assert pdf.startswith(b"%PDF")
    text = poppler("pdftotext", pdf, tmp_path)
    for expected in ("客户回访：空调维修", "顾客对维修结果满意。", "Company A",
                     "JL-7.5-02-3", "A/0", f"NT-{nid:05d}", "staff A", *LABELS[language]):
        assert flat(expected) in flat(text), f"{expected!r} not in the printed form:\n{text}"
    other = LABELS["en" if language != "en" else "zh_Hans_CN"]
    assert not [label for label in other if flat(label) in flat(text)], text
    fonts = poppler("pdffonts", pdf, tmp_path)
    cjk = [line for line in fonts.splitlines() if re.search(r"Noto.*CJK", line)]
    assert cjk, fonts
    assert all(line.split()[-5] == "yes" for line in cjk), f"CJK font not embedded:\n{fonts}"


def test_hostile_values_print_as_inert_text(app, world, client_for, tmp_path):
    nid = make_note(app, "A", title=HOSTILE_TITLE, body=HOSTILE_BODY)
    pdf = client_for("staff@a.test").get(f"/print/notes.note/{nid}.pdf").data
    text = flat(poppler("pdftotext", pdf, tmp_path))
    for value in (HOSTILE_TITLE, HOSTILE_BODY):
        assert flat(value) in text  # shown as text, not interpreted
    assert "root:" not in text
    assert poppler("pdfdetach", pdf, tmp_path, "-list").startswith("0 embedded files")


def test_fetcher_allows_data_and_static_files_only(tmp_path):
    fetcher = StaticOnlyURLFetcher()
    css = printing.PRINT_CSS
    assert b"@page" in fetcher.fetch(css.as_uri()).read()
    assert fetcher.fetch("data:text/plain;base64,5Lit5paH").read() == "中文".encode()
    secret = tmp_path / "secret.txt"
    secret.write_text("secret")
    for url in ("file:///etc/passwd", secret.as_uri(), css.parent.as_uri() + "/../../templates/print/frame.html",
                f"file://{printing.STATIC_DIR}/%2e%2e/printing.py", "file://evil.example/etc/passwd",
                "http://127.0.0.1:1/x.png", "https://example.com/x.css", "ftp://example.com/x"):
        with pytest.raises(PrintFetchRefused):
            fetcher.fetch(url)


def test_weasyprint_skips_refused_resources_and_logs(tmp_path, caplog):
    # Even HTML that asks for them directly (not through an escaped value)
    # gets no file and no network: WeasyPrint logs the refusal and goes on.
    from weasyprint import HTML
    html = ('<p>正文</p><img src="file:///etc/passwd"><img src="http://127.0.0.1:1/x.png">'
            '<link rel="attachment" href="file:///etc/passwd">'
            '<link rel="stylesheet" href="file:///etc/passwd">')
    with caplog.at_level(logging.ERROR, logger="weasyprint"):
        pdf = HTML(string=html, url_fetcher=StaticOnlyURLFetcher()).write_pdf()
    assert pdf.startswith(b"%PDF")
    assert "root:" not in poppler("pdftotext", pdf, tmp_path)
    assert poppler("pdfdetach", pdf, tmp_path, "-list").startswith("0 embedded files")
    refused = [r.getMessage() for r in caplog.records if "printing refuses" in r.getMessage()]
    assert len(refused) >= 3, caplog.text


# --- gate, permission, scope ---------------------------------------------------

def test_print_url_needs_login(app, world):
    nid = make_note(app, "A")
    response = app.test_client().get(f"/print/notes.note/{nid}.pdf")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_disabled_module_other_company_and_permission(app, world, client_for):
    nid = make_note(app, "A")
    nid_b = make_note(app, "B")
    staff, readonly = client_for("staff@a.test"), client_for("readonly@a.test")
    assert staff.get(f"/print/notes.note/{nid_b}.pdf").status_code == 404  # B's id
    assert staff.get("/print/notes.note/987654.pdf").status_code == 404
    assert staff.get("/print/notes.note/abc.pdf").status_code == 404
    assert staff.get(f"/print/no.such/{nid}.pdf").status_code == 404
    with app.app_context():
        a = world.company("A")
        task_id = make(Task, a, world.user("staff@a.test")).id
    assert staff.get(f"/print/tasks.task/{task_id}.pdf").status_code == 200
    assert readonly.get(f"/print/tasks.task/{task_id}.pdf").status_code == 403  # no tasks.task.read
    assert readonly.get(f"/print/notes.note/{nid}.pdf").status_code == 200
    with app.app_context():
        disable_module(world.company("A"), "tasks")
    assert staff.get(f"/print/tasks.task/{task_id}.pdf").status_code == 404
    assert [j.printable for j in jobs(app)] == ["tasks.task", "notes.note"]


def test_every_printable_refuses_other_company_ids(app, world, client_for):
    """Generated from the registry: a new printable is covered without a test."""
    registry = app.extensions["qdesk.printables"]
    assert registry.by_key
    with app.app_context():
        ids = {key: make(p.model, world.company("A"), world.user("admin@a.test"), relations=True).id
               for key, p in registry.by_key.items()}
        own = {key: make(p.model, world.company("B"), world.user("admin@b.test"), relations=True).id
               for key, p in registry.by_key.items()}
    admin_b = client_for("admin@b.test")
    for key in registry.by_key:
        assert admin_b.get(f"/print/{key}/{ids[key]}.pdf").status_code == 404, key
        assert admin_b.get(f"/print/{key}/{own[key]}.pdf").status_code == 200, key  # control
    assert all(j.company_id == world.ids["B"] for j in jobs(app))
    # ... and every printable is gone (404) where its module is disabled.
    registry_plugins = app.extensions["qdesk.plugins"]
    with app.app_context():
        b = world.company("B")
        for module in sorted({p.module for p in registry.by_key.values()},
                             key=lambda k: -len(registry_plugins.dependency_closure(k))):
            for dependent in registry_plugins.dependents(module):
                disable_module(b, dependent)
            disable_module(b, module)
    for key in registry.by_key:
        assert admin_b.get(f"/print/{key}/{own[key]}.pdf").status_code == 404, key


# --- list action, buttons, the print log ---------------------------------------

def test_details_and_edit_pages_have_print_buttons(app, world, client_for):
    nid = make_note(app, "A")
    staff = client_for("staff@a.test")
    for page in (f"/admin/notes/note/details/?id={nid}", f"/admin/notes/note/edit/?id={nid}"):
        html = staff.get(page).get_data(as_text=True)
        assert f'href="/print/notes.note/{nid}.pdf"' in html, page
        assert f'href="/print/notes.register/{nid}.pdf"' in html, page
    with app.app_context():
        task_id = make(Task, world.company("A"), world.user("staff@a.test")).id
    readonly = client_for("readonly@a.test")
    html = readonly.get(f"/admin/notes/note/details/?id={nid}").get_data(as_text=True)
    assert "/print/notes.note/" in html
    # Readonly users cannot open the task screen at all (403 by the view).
    assert readonly.get(f"/admin/tasks/task/details/?id={task_id}").status_code == 403


def test_batch_print_of_200_notes_is_one_pdf(app, world, client_for, tmp_path):
    with app.app_context():
        a, staff = world.company("A"), world.user("staff@a.test")
        with tenancy.acting_as(a, staff):
            notes = [Note(title=f"第{i}号便签", body="回访记录", priority=i % 5) for i in range(200)]
            db.session.add_all(notes)
            db.session.commit()
            ids = [n.id for n in notes]
    nid_b = make_note(app, "B")
    client = client_for("staff@a.test")
    page = client.get("/admin/notes/note/").get_data(as_text=True)
    assert "print_notes_note" in page and "print_notes_register" in page  # listed actions

    started = time.monotonic()
    response = client.post("/admin/notes/note/action/", {
        "action": "print_notes_note", "rowid": [str(i) for i in ids] + [str(nid_b)]})
    elapsed = time.monotonic() - started
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert page_count(response.data, tmp_path) == 200  # one form per note, B's id dropped
    logging.getLogger("qdesk.tests").info("200 forms printed in %.1f s", elapsed)

    response = client.post("/admin/notes/note/action/", {
        "action": "print_notes_register", "rowid": [str(i) for i in ids]})
    assert response.status_code == 200
    info = poppler("pdfinfo", response.data, tmp_path)
    pages = page_count(response.data, tmp_path)
    assert 1 < pages < 40  # one register, many rows a page
    assert re.search(r"Page size:\s+841\.89 x 595\.2", info), info  # A4 landscape
    text = poppler("pdftotext", response.data, tmp_path)
    for expected in ("第199号便签", "200 records", f"Page {pages} / {pages}"):
        assert flat(expected) in flat(text), expected

    forms, register = jobs(app)
    assert (forms.printable, forms.pages, forms.record_ids) == ("notes.note", 200, ids)
    assert (register.printable, register.pages, len(register.record_ids)) == ("notes.register", pages, 200)
    assert forms.company_id == world.ids["A"] and forms.user_id is not None


def test_print_action_needs_the_printable_permission(app, world, client_for):
    with app.app_context():
        a = world.company("A")
        task_id = make(Task, a, world.user("staff@a.test")).id
    staff = client_for("staff@a.test")
    response = staff.post("/admin/tasks/task/action/", {"action": "print_tasks_task", "rowid": [str(task_id)]})
    assert response.mimetype == "application/pdf"
    # Readonly users do not reach the task screen at all.
    readonly = client_for("readonly@a.test")
    response = readonly.post("/admin/tasks/task/action/", {"action": "print_tasks_task", "rowid": [str(task_id)]})
    assert response.status_code == 403


def test_print_log_screen_for_company_admins(app, world, client_for):
    nid = make_note(app, "A", title="日志测试")
    client_for("staff@a.test").get(f"/print/notes.note/{nid}.pdf")
    client_for("staff@b.test").get(f"/print/notes.note/{make_note(app, 'B')}.pdf")
    (job_a, job_b) = jobs(app)
    assert (job_a.printable, job_a.record_ids, job_a.pages) == ("notes.note", [nid], 1)
    assert job_a.at is not None and job_b.company_id == world.ids["B"]

    admin_a = client_for("admin@a.test")
    html = admin_a.get("/admin/core/printjob/").get_data(as_text=True)
    assert "notes.note" in html and "staff A" in html and "staff B" not in html
    assert "Print log" in admin_a.get("/admin/").get_data(as_text=True)
    assert client_for("manager@a.test").get("/admin/core/printjob/").status_code == 403
    assert client_for("staff@a.test").get("/admin/core/printjob/").status_code == 403
    assert admin_a.get(f"/admin/core/printjob/details/?id={job_b.id}").status_code == 404
    assert admin_a.get("/admin/core/printjob/new/").status_code in (302, 403)


# --- CLI --------------------------------------------------------------------------

def test_qdesk_print_writes_a_pdf_and_logs_it(app, world, tmp_path):
    first, second = make_note(app, "A", title="命令行打印一"), make_note(app, "A", title="命令行打印二")
    out = tmp_path / "notes.pdf"
    runner = app.test_cli_runner()
    result = runner.invoke(main, ["print", "notes.note", str(first), str(second), "--company", "A",
                                  "-o", str(out)])
    assert result.exit_code == 0, result.output
    pdf = out.read_bytes()
    assert page_count(pdf, tmp_path) == 2
    text = poppler("pdftotext", pdf, tmp_path)
    assert "命令行打印一" in text and "命令行打印二" in text and "system" in text
    (job,) = jobs(app)
    assert (job.user_id, job.record_ids, job.company_id) == (None, [first, second], world.ids["A"])

    # Acts as the company: B's ids, unknown printables, disabled modules are refused.
    result = runner.invoke(main, ["print", "notes.note", str(first), "--company", "B", "-o", str(out)])
    assert result.exit_code != 0 and "not every id" in result.output
    result = runner.invoke(main, ["print", "notes.nope", str(first), "--company", "A", "-o", str(out)])
    assert result.exit_code != 0 and "no printable" in result.output
    with app.app_context():
        disable_module(world.company("A"), "tasks")
        disable_module(world.company("A"), "notes")
    result = runner.invoke(main, ["print", "notes.note", str(first), "--company", "A", "-o", str(out)])
    assert result.exit_code != 0 and "not enabled" in result.output
    assert len(jobs(app)) == 1


# --- fonts ---------------------------------------------------------------------

def test_missing_cjk_font_gives_one_clear_warning(monkeypatch, caplog):
    monkeypatch.setattr(render, "cjk_fonts", lambda: [])
    with caplog.at_level(logging.WARNING, logger="qdesk.printing"):
        assert printing.check_cjk_font(force=True) is False
        printing.check_cjk_font()  # once per process
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1 and "fonts-noto-cjk" in warnings[0].getMessage()
    monkeypatch.setattr(render, "cjk_fonts", lambda: ["Noto Sans CJK SC"])
    assert printing.check_cjk_font(force=True) is True


def test_cjk_fonts_are_installed_here():
    families = printing.cjk_fonts()
    assert families is None or any("CJK" in f for f in families), families


def test_a_configured_font_file_is_used_and_only_it_is_readable(app, world, client_for, monkeypatch,
                                                                tmp_path, caplog):
    font = Path("/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc")
    if not font.is_file():
        pytest.skip("fonts-noto-cjk not installed")
    monkeypatch.setitem(app.extensions, "qdesk.print_font", font)
    nid = make_note(app, "A", title="配置字体", body="正文")
    with caplog.at_level(logging.WARNING):
        response = client_for("staff@a.test").get(f"/print/notes.note/{nid}.pdf")
    assert response.status_code == 200
    assert "printing refuses" not in caplog.text
    assert "配置字体" in poppler("pdftotext", response.data, tmp_path)
    fonts = poppler("pdffonts", response.data, tmp_path)
    used = [line for line in fonts.splitlines() if "qdesk-configured-font" in line]
    assert used and all(line.split()[-5] == "yes" for line in used), fonts  # embedded, first choice
    fetcher = render._fetcher_for(font)
    assert fetcher.allowed_path(font.as_uri()) == font.resolve()
    with pytest.raises(PrintFetchRefused):
        fetcher.fetch(font.parent.joinpath("NotoSansCJK-Regular.ttc").as_uri())


def test_a_screen_print_is_limited_in_size(app, world, client_for, monkeypatch):
    ids = [make_note(app, "A", title=f"n{i}") for i in range(3)]
    monkeypatch.setitem(app.config, "PRINT_MAX_RECORDS", 2)
    response = client_for("staff@a.test").post("/admin/notes/note/action/", {
        "action": "print_notes_note", "rowid": [str(i) for i in ids]})
    assert response.status_code == 302
    assert jobs(app) == []


def test_shared_css_and_font_configuration_are_made_once(app, world, client_for):
    make_note(app, "A")
    with app.app_context():
        first = render._stylesheets("A4", "portrait")
        assert render._stylesheets("A4", "portrait")[0] is first[0]  # print.css parsed once
        assert render._stylesheets("A4", "landscape")[0] is first[0]
        assert render._font_config() is render._font_config()
        assert render._fetcher() is render._fetcher()


def test_each_form_takes_its_code_edition_and_chinese_title_from_company_settings(app, world, client_for,
                                                                                  tmp_path):
    """D-13/D-16: core declares ``<printable>.form_code``, ``.edition`` and
    ``.title`` for every printable and report (defaults: the declaration's
    code and edition, no title of its own). Company A prints its own code,
    edition and Chinese title; B keeps the declared ones; English prints keep
    the English title; a code the header cannot print is refused."""
    from core.extensions import db
    from core.records import tenancy
    from core.settings import SettingsError, get_setting, set_settings
    from tests.fixtures import make_note
    with app.app_context():
        declared = app.extensions["qdesk.settings"].by_key
        for key in ("notes.note", "notes.register", "crm.contact_log_period"):  # printables and a report
            assert {f"{key}.form_code", f"{key}.edition", f"{key}.title"} <= set(declared), key
        assert get_setting("notes.note.form_code", company=world.company("A")) == "JL-7.5-02-3"
    a_note, b_note = make_note(app, "A", title="空调异响"), make_note(app, "B", title="电梯维保")
    with app.app_context(), tenancy.acting_as(world.company("A"), world.user("admin@a.test")):
        set_settings({"notes.note.form_code": "QR-08-12", "notes.note.edition": "B/1",
                      "notes.note.title": "顾客便签登记表"}, world.company("A"))
        db.session.commit()
        with pytest.raises(SettingsError, match="Use letters, digits and"):
            set_settings({"notes.note.form_code": "QR-08<12>"}, world.company("A"))
        db.session.rollback()
    a_staff, b_staff = client_for("staff@a.test"), client_for("staff@b.test")
    for client in (a_staff, b_staff):
        client.post("/set-language", {"locale": "zh_Hans_CN"})
    a_text = flat(poppler("pdftotext", a_staff.get(f"/print/notes.note/{a_note}.pdf").data, tmp_path))
    assert "QR-08-12" in a_text and "B/1" in a_text and "顾客便签登记表" in a_text
    assert "JL-7.5-02-3" not in a_text and "便签记录单" not in a_text
    b_text = flat(poppler("pdftotext", b_staff.get(f"/print/notes.note/{b_note}.pdf").data, tmp_path))
    assert "JL-7.5-02-3" in b_text and "A/0" in b_text and "便签记录单" in b_text and "QR-08-12" not in b_text
    a_staff.post("/set-language", {"locale": "en"})
    en_text = flat(poppler("pdftotext", a_staff.get(f"/print/notes.note/{a_note}.pdf").data, tmp_path))
    assert "Noterecord" in en_text and "QR-08-12" in en_text and "顾客便签登记表" not in en_text
