"""Import of CSV and XLSX files through a view's ``import_schema``: preview
with row errors, all-or-nothing writes in the current company with audit
entries, ``company_id`` refused, limits, permissions and CSRF."""
from __future__ import annotations

import html
import io
import re

import openpyxl
import pytest

from core.extensions import db
from core.models import AuditEntry
from tests.fixtures import make_note
from tests.plugins.notes.admin import NoteView
from tests.plugins.notes.models import Note, Tag

URL = "/admin/notes/note/import/"


def upload(client, content, filename="notes.csv", **kw):
    if isinstance(content, str):
        content = content.encode("utf-8")
    return client.post(URL, {"file": (io.BytesIO(content), filename)},
                       content_type="multipart/form-data", **kw)


def preview_url(response):
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    return response.headers["Location"]


def xlsx(rows):
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    for cells in book.active.iter_rows():
        for cell in cells:
            if isinstance(cell.value, str):
                cell.data_type = "s"  # text as a user typed it, not a formula
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def notes_of(app, code):
    from core.models import Company
    with app.app_context():
        company = db.session.query(Company).filter_by(code=code).one()
        rows = db.session.query(Note).filter_by(company_id=company.id).order_by(Note.id).all()
        result = [(n.title, n.priority, n.pinned, n.tag.name if n.tag else None, n.company_id) for n in rows]
        return result


def tag(app, name, code):
    from core.records import tenancy
    from core.models import Company
    with app.app_context():
        company = db.session.query(Company).filter_by(code=code).one()
        with tenancy.acting_as(company):
            db.session.add(Tag(name=name))
            db.session.commit()


def text(response):
    return re.sub(r"\s+", " ", html.unescape(response.get_data(as_text=True)))


GOOD = "title,priority,pinned,tag,body\n便签一,5,是,客户回访,\nSecond,1,false,,hello\nThird,,,,\n"


def test_good_file_previews_then_imports_into_the_current_company(world, app, client_for):
    tag(app, "客户回访", "A")
    tag(app, "客户回访", "B")
    client = client_for("staff@a.test")
    assert client.get(URL).status_code == 200
    url = preview_url(upload(client, GOOD))
    page = client.get(url)
    assert page.status_code == 200
    body = text(page)
    assert "3 data rows: 3 ready, 0 with errors." in body
    assert "便签一" in body and "Import 3 rows" in body
    assert notes_of(app, "A") == []  # the preview writes nothing
    done = client.post(url)
    assert done.status_code == 302
    assert "3 record(s) imported from notes.csv" in text(client.get(done.headers["Location"]))
    world_a, world_b = world.ids["A"], world.ids["B"]
    assert notes_of(app, "A") == [("便签一", 5, True, "客户回访", world_a), ("Second", 1, False, None, world_a),
                                  ("Third", 3, False, None, world_a)]
    assert notes_of(app, "B") == []
    with app.app_context():
        ids = [n.id for n in db.session.query(Note)]
        b_tag = db.session.query(Tag).filter_by(company_id=world_b).one()
        assert all(n.tag_id != b_tag.id for n in db.session.query(Note))
        entries = db.session.query(AuditEntry).filter(AuditEntry.table_name == "notes_note").all()
        assert sorted(e.record_id for e in entries if e.action == "create") == sorted(ids)
        assert {e.company_id for e in entries} == {world_a}
        assert {e.user.email for e in entries} == {"staff@a.test"}
    # the upload is used once
    assert client.post(url).status_code == 404


def test_xlsx_import_works_with_header_labels(world, app, client_for):
    client = client_for("staff@a.test")
    url = preview_url(upload(client, xlsx([["Title", "Priority", "Pinned"], ["from excel", 2, True],
                                           [None, None, None], ["=not a formula", 4.0, False]]),
                             "notes.xlsx"))
    assert client.post(url).status_code == 302
    titles = [(t, p, pin) for t, p, pin, _tag, _c in notes_of(app, "A")]
    assert titles == [("from excel", 2, True), ("=not a formula", 4, False)]


def test_exported_file_imports_back(world, app, client_for):
    make_note(app, "A", title="=1+1", priority=2)
    client = client_for("staff@a.test")
    exported = client.get("/admin/notes/note/export/xlsx/").get_data()
    url = preview_url(upload(client, exported, "notes.xlsx"))
    assert client.post(url).status_code == 302
    assert [n[0] for n in notes_of(app, "A")] == ["=1+1", "=1+1"]


def test_bad_rows_are_listed_by_row_number_and_nothing_is_written(world, app, client_for):
    tag(app, "only in B", "B")
    client = client_for("staff@a.test")
    content = ("title,priority,pinned,tag\n"
               "fine,3,true,\n"          # row 2
               ",2,true,\n"              # row 3: title missing
               "too high,9,false,\n"     # row 4: priority out of range
               "\n"                      # row 5: blank, skipped
               "bad bool,2,maybe,\n"     # row 6
               "foreign tag,2,true,only in B\n")  # row 7: B's tag is not found
    url = preview_url(upload(client, content))
    page = client.get(url)
    body = text(page)
    errors = re.findall(r'<tr data-row="(\d+)"><td>\d+</td><td>([^<]*)</td><td>([^<]*)</td>', page.get_data(as_text=True))
    assert [(int(r), c, f) for r, c, f in errors] == [
        (3, "title", "title"), (4, "priority", "priority"), (6, "pinned", "pinned"), (7, "tag", "tag")]
    assert "with errors" in body and "Import 1 rows" not in body
    assert 'No tag "only in B" in this company.' in body
    refused = client.post(url)
    assert refused.status_code == 400
    assert "nothing was imported" in text(refused)
    assert notes_of(app, "A") == [] and notes_of(app, "B") == []


def test_a_database_failure_rolls_back_every_row(world, app, client_for, monkeypatch):
    from core import imports
    monkeypatch.setattr(imports.rows, "CHUNK_SIZE", 2)
    real_flush = db.session.flush
    calls = []

    def flaky_flush(*a, **kw):
        calls.append(1)
        if len(calls) == 2:
            raise RuntimeError("disk full")
        return real_flush(*a, **kw)

    client = client_for("staff@a.test")
    url = preview_url(upload(client, "title\n" + "".join(f"n{i}\n" for i in range(5))))
    monkeypatch.setattr(db.session, "flush", flaky_flush, raising=False)
    response = client.post(url)
    monkeypatch.undo()
    assert response.status_code == 400
    assert "Rows 4–5 could not be saved" in text(response)
    assert notes_of(app, "A") == []


@pytest.mark.parametrize("column", ["company_id", "Company id", "version", "created_by_id"])
def test_a_company_id_column_is_refused(world, app, client_for, column):
    client = client_for("staff@a.test")
    response = upload(client, f"title,{column}\nmoved,{world.ids['B']}\n")
    assert response.status_code == 400
    body = text(response)
    assert "which no import may set" in body and "Nothing was imported." in body
    assert notes_of(app, "A") == [] and notes_of(app, "B") == []


def test_the_company_always_comes_from_the_session(world, app, client_for):
    from core import imports
    from core.models import Company
    schema_row = imports.Checked(columns={0: "title"}, header=["title"],
                                 records=[(2, {"title": "x", "company_id": world.ids["B"]})])
    from core.records import tenancy
    from core.models import User
    with app.app_context():
        a = db.session.query(Company).filter_by(code="A").one()
        user = db.session.query(User).filter_by(email="staff@a.test").one()
        with tenancy.acting_as(a, user), pytest.raises(imports.ImportRefused):
            imports.write(Note, schema_row)
    assert notes_of(app, "B") == [] and notes_of(app, "A") == []


@pytest.mark.parametrize("content, filename, message", [
    ("", "notes.csv", "The file is empty."),
    ("title,priority\n", "notes.csv", "no data rows"),
    ("title,colour\nx,red\n", "notes.csv", "Unknown column(s): colour."),
    ("priority\n3\n", "notes.csv", "Required column(s) missing: Title."),
    ("title,Title\nx,y\n", "notes.csv", "both fill the field title"),
    ("title\nx\n", "notes.txt", "Wrong file type"),
    ("title\nx\n", "notes.xls", "Old .xls workbooks"),
    ("title\nx\n", "notes.xlsx", "not a valid .xlsx"),
    (b"PK\x03\x04broken", "notes.xlsx", "not a valid .xlsx"),
    (b"\x89PNG\r\n\x1a\n\x00\x00", "notes.csv", "not a CSV text file"),
])
def test_bad_files_get_a_clear_message_and_nothing_is_written(world, app, client_for, content,
                                                               filename, message):
    response = upload(client_for("staff@a.test"), content, filename)
    assert response.status_code == 400
    assert message in text(response)
    assert notes_of(app, "A") == []


def test_xlsx_zip_bomb_is_refused(world, app, client_for, monkeypatch):
    from core import imports
    monkeypatch.setattr(imports.files, "MAX_UNPACKED", 1000)
    content = xlsx([["title"]] + [["x" * 1000] for _ in range(200)])
    response = upload(client_for("staff@a.test"), content, "notes.xlsx")
    assert response.status_code == 400
    assert "too large once unpacked" in text(response)


def test_semicolon_and_tab_separated_csv(world, app, client_for):
    client = client_for("staff@a.test")
    for content in ("title;priority\nsemi, with comma;2\n", "title\tpriority\ntabbed;x,y\t4\n"):
        assert client.post(preview_url(upload(client, content))).status_code == 302
    assert [(n[0], n[1]) for n in notes_of(app, "A")] == [("semi, with comma", 2), ("tabbed;x,y", 4)]


def test_gbk_csv_from_chinese_excel_is_read(world, app, client_for):
    client = client_for("staff@a.test")
    url = preview_url(upload(client, "title,pinned\n中文标题,是\n".encode("gb18030")))
    assert client.post(url).status_code == 302
    assert notes_of(app, "A")[0][:3] == ("中文标题", 3, True)


def test_a_huge_file_is_refused(world, app, client_for, monkeypatch):
    monkeypatch.setattr(NoteView, "import_max_bytes", 1024 * 1024)
    client = client_for("staff@a.test")
    content = "title\n" + "x" * 70 + "\n" * 1 + ("a note\n" * 200_000)
    response = upload(client, content)
    assert response.status_code == 413
    assert "The file is too large: at most 1.0 MB" in text(response)
    assert notes_of(app, "A") == []


def test_too_many_rows_are_refused(world, app, client_for, monkeypatch):
    monkeypatch.setattr(NoteView, "import_max_rows", 10)
    client = client_for("staff@a.test")
    response = upload(client, "title\n" + "".join(f"n{i}\n" for i in range(11)))
    assert response.status_code == 400
    assert "more than 10 rows" in text(response)
    url = preview_url(upload(client, "title\n" + "".join(f"n{i}\n" for i in range(10))))
    assert client.post(url).status_code == 302
    assert len(notes_of(app, "A")) == 10


def test_large_import_is_written_in_chunks(world, app, client_for):
    client = client_for("staff@a.test")
    url = preview_url(upload(client, "title,priority\n" + "".join(f"n{i},{i % 5 + 1}\n" for i in range(1200))))
    assert "1200 data rows: 1200 ready" in text(client.get(url))
    assert client.post(url).status_code == 302
    assert len(notes_of(app, "A")) == 1200


def test_readonly_user_is_refused(world, app, client_for):
    client = client_for("readonly@a.test")
    assert client.get(URL).status_code == 403
    assert upload(client, GOOD).status_code == 403
    assert "import-tab" not in client.get("/admin/notes/note/").get_data(as_text=True)
    assert "import-tab" in client_for("staff@a.test").get("/admin/notes/note/").get_data(as_text=True)
    assert notes_of(app, "A") == []


def test_csrf_token_is_needed(world, app, client_for):
    client = client_for("staff@a.test")
    assert upload(client, GOOD, csrf=False).status_code == 400
    url = preview_url(upload(client, GOOD))
    assert client.post(url, csrf=False).status_code == 400
    assert notes_of(app, "A") == []


def test_an_upload_belongs_to_its_user_and_company(world, app, client_for):
    staff = client_for("staff@a.test")
    url = preview_url(upload(staff, GOOD))
    other = client_for("manager@a.test")
    assert other.get(url).status_code == 404
    assert other.post(url).status_code == 404
    assert client_for("staff@b.test").post(url).status_code == 404
    assert notes_of(app, "A") == []


def test_views_without_import_schema_have_no_import(world, client_for):
    client = client_for("admin@a.test")
    assert client.get("/admin/notes/tag/import/").status_code == 404
    assert "import-tab" not in client.get("/admin/notes/tag/").get_data(as_text=True)


# --- in a browser ----------------------------------------------------------------
from tests.test_browser import browser, demo, live_server, login, page  # noqa: E402,F401


def test_import_in_the_browser(page, demo, tmp_path):
    from playwright.sync_api import expect
    login(page, "staff@hz.demo", demo["password"])
    page.goto("/admin/notes/note/")
    page.click("#import-tab")
    expect(page.locator("#import-columns")).to_contain_text("Title")
    bad = tmp_path / "notes.csv"
    bad.write_text("title,priority\nfrom the browser,2\n,9\n", encoding="utf-8")
    page.set_input_files("input[name=file]", str(bad))
    with page.expect_navigation():
        page.click("#import-upload button[type=submit]")
    expect(page.locator("#import-errors tr[data-row='3']")).to_have_count(2)
    expect(page.locator("#import-run")).to_have_count(0)
    good = tmp_path / "good.xlsx"
    good.write_bytes(xlsx([["Title", "Priority", "Pinned"], ["浏览器导入", 4, True], ["second", 1, False]]))
    # booleans are shown as yes / no in the preview
    page.goto("/admin/notes/note/import/")
    page.set_input_files("input[name=file]", str(good))
    with page.expect_navigation():
        page.click("#import-upload button[type=submit]")
    expect(page.locator("#import-counts")).to_have_text("2 data rows: 2 ready, 0 with errors.")
    expect(page.locator("#import-preview")).to_contain_text("浏览器导入")
    expect(page.locator("#import-preview tbody tr").first).to_contain_text("yes")
    with page.expect_navigation():
        page.click("#import-run button[type=submit]")
    expect(page.locator(".alert-success")).to_contain_text("2 record(s) imported from good.xlsx")
    expect(page.locator("table")).to_contain_text("浏览器导入")


# --- hostile and damaged workbooks -------------------------------------------------
# Workbooks are assembled part by part (the parts Excel writes), so each case
# below differs from a file that imports (test_a_hand_built_workbook_imports)
# only by its trick.
import zipfile  # noqa: E402

MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
SST_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
SHEET = "xl/worksheets/sheet1.xml"
STRINGS = "xl/sharedStrings.xml"
LAUGHS = ('<!ENTITY lol "lol">'
          + "".join(f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">'
                    for i in range(1, 10)))


def inline(ref, value):
    return f'<c r="{ref}" t="inlineStr"><is><t>{value}</t></is></c>'


def shared(ref, index):
    return f'<c r="{ref}" t="s"><v>{index}</v></c>'


def number(ref, value):
    return f'<c r="{ref}"><v>{value}</v></c>'


def sheet_xml(*rows, doctype="", dimension="A1:B2"):
    """A worksheet part; ``rows`` are (row number, cells xml)."""
    body = "".join(f'<row r="{r}">{cells}</row>' for r, cells in rows)
    return (f'<?xml version="1.0" encoding="UTF-8"?>{doctype}<worksheet xmlns="{MAIN_NS}">'
            f'<dimension ref="{dimension}"/><sheetData>{body}</sheetData></worksheet>').encode()


def strings_xml(*texts, doctype=""):
    items = "".join(f"<si><t>{t}</t></si>" for t in texts)
    return (f'<?xml version="1.0" encoding="UTF-8"?>{doctype}<sst xmlns="{MAIN_NS}" count="{len(texts)}" '
            f'uniqueCount="{len(texts)}">{items}</sst>').encode()


HEADER = (1, inline("A1", "title") + inline("B1", "priority"))


def workbook(parts=None, drop=(), strings=True):
    """A workbook whose sheet reads ``title, priority`` / ``from parts, 2``
    (the title from the shared strings), with ``parts`` replaced or added and
    the ``drop`` parts left out."""
    with zipfile.ZipFile(io.BytesIO(xlsx([["x"]]))) as base:
        files = {name: base.read(name) for name in base.namelist()}
    files[SHEET] = sheet_xml(HEADER, (2, shared("A2", 0) + number("B2", 2)))
    if strings:
        files[STRINGS] = strings_xml("from parts")
        files["[Content_Types].xml"] = files["[Content_Types].xml"].replace(
            b"</Types>", f'<Override PartName="/{STRINGS}" ContentType="{SST_TYPE}"/></Types>'.encode())
    files.update(parts or {})
    for name in drop:
        files.pop(name)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return out.getvalue()


def with_doctype(part, doctype):
    """``part`` of the hand-built workbook with ``doctype`` after its XML declaration."""
    with zipfile.ZipFile(io.BytesIO(workbook())) as archive:
        content = archive.read(part)
    if content.startswith(b"<?xml"):
        end = content.index(b"?>") + 2
        return content[:end] + doctype.encode() + content[end:]
    return doctype.encode() + content


def corrupted(data, part):
    """``data`` with bytes in the middle of ``part``'s compressed stream flipped."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        info = archive.getinfo(part)
    raw = bytearray(data)
    name_len, extra_len = int.from_bytes(raw[info.header_offset + 26:info.header_offset + 28], "little"), \
        int.from_bytes(raw[info.header_offset + 28:info.header_offset + 30], "little")
    start = info.header_offset + 30 + name_len + extra_len
    for i in range(start + info.compress_size // 3, start + info.compress_size // 3 + 8):
        raw[i] ^= 0x5A
    return bytes(raw)


ENTITY_MESSAGE = "declares XML entities or a document type"
SECRET = "INJECTED-BY-ENTITY"


def entity_cases():
    internal = f'<!DOCTYPE x [<!ENTITY e "{SECRET}">]>'
    external = '<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
    parameter = '<!DOCTYPE x [<!ENTITY % p SYSTEM "file:///etc/passwd"> %p;]>'
    laughs = f"<!DOCTYPE x [{LAUGHS}]>"
    sheet = lambda doctype, ref: {SHEET: sheet_xml(HEADER, (2, inline("A2", ref) + number("B2", 2)),  # noqa: E731
                                                   doctype=doctype)}
    strings = lambda doctype, ref: {STRINGS: strings_xml(ref, doctype=doctype)}  # noqa: E731
    utf16 = sheet_xml(HEADER, (2, inline("A2", "&e;")), doctype=internal).decode().replace(
        'encoding="UTF-8"', 'encoding="UTF-16"').encode("utf-16")
    return {
        "internal entity in the shared strings": strings(internal, "&e;"),
        "external entity in the shared strings": strings(external, "&e;"),
        "billion laughs in the shared strings": strings(laughs, "&lol9;"),
        "internal entity in the sheet": sheet(internal, "&e;"),
        "external entity in the sheet": sheet(external, "&e;"),
        "parameter entity in the sheet": sheet(parameter, "x"),
        "billion laughs in the sheet": sheet(laughs, "&lol9;"),
        "internal entity in a UTF-16 sheet": {SHEET: utf16},
        "entity in the workbook part": {"xl/workbook.xml": with_doctype("xl/workbook.xml", internal)},
        "entity in the content types": {"[Content_Types].xml": with_doctype("[Content_Types].xml", internal)},
        "external entity in the document properties": {
            "docProps/core.xml": with_doctype("docProps/core.xml", external)},
    }


def refused_entity_upload(client, parts):
    response = upload(client, workbook(parts), "notes.xlsx")
    body = text(response)
    assert response.status_code == 400, body[:2000]
    assert ENTITY_MESSAGE in body
    assert SECRET not in body and "root:" not in body and "lol" not in body
    return response


def test_a_hand_built_workbook_imports(world, app, client_for):
    # The control for the cases below: the same parts, without their trick, import.
    client = client_for("staff@a.test")
    assert client.post(preview_url(upload(client, workbook(), "notes.xlsx"))).status_code == 302
    assert [(n[0], n[1]) for n in notes_of(app, "A")] == [("from parts", 2)]


@pytest.mark.parametrize("case", list(entity_cases()))
def test_an_xlsx_with_xml_entities_is_refused_and_nothing_of_them_appears(world, app, client_for, case):
    refused_entity_upload(client_for("staff@a.test"), entity_cases()[case])
    assert notes_of(app, "A") == []
    with app.app_context():
        texts = [n.title + (n.body or "") for n in db.session.query(Note)]
    assert not any(SECRET in t or "root:" in t for t in texts)


@pytest.mark.parametrize("case", ["internal entity in the shared strings", "external entity in the sheet",
                                  "billion laughs in the sheet", "internal entity in a UTF-16 sheet"])
def test_entities_are_refused_by_the_xml_parser_too(world, app, client_for, monkeypatch, case):
    """Two locks: without qdesk's scan for DTDs, openpyxl's parser (defusedxml)
    still refuses the entities; their text never comes through."""
    import openpyxl.xml.functions as xml_functions

    from core import imports
    assert xml_functions.iterparse.__module__.startswith("defusedxml")
    monkeypatch.setattr(imports.files, "_declares_entities", lambda archive: False)
    refused_entity_upload(client_for("staff@a.test"), entity_cases()[case])
    assert notes_of(app, "A") == []


def broken_cases():
    good = workbook()
    cut = sheet_xml(HEADER, (2, shared("A2", 0) + number("B2", 2)))
    word_types = (b'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                  b'<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-'
                  b'officedocument.wordprocessingml.document.main+xml"/></Types>')

    def zipped(files):
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w") as archive:
            for name, content in files.items():
                archive.writestr(name, content)
        return out.getvalue()

    return {
        "a sheet that is not XML": workbook({SHEET: b"this is not XML at all"}),
        "a sheet cut off after the header": workbook({SHEET: cut[:cut.index(b'<row r="2">') + 30]}),
        "a sheet with a number that is not one": workbook({SHEET: sheet_xml(
            HEADER, (2, inline("A2", "x") + number("B2", "twelve")))}),
        "a sheet with a row number that is not one": workbook({SHEET: sheet_xml(
            HEADER, ("two", inline("A2", "x")))}),
        "a sheet past Excel's last row": workbook({SHEET: sheet_xml(
            HEADER, (1048577, inline("A1048577", "x")))}),
        "a shared string that does not exist": workbook({SHEET: sheet_xml(HEADER, (2, shared("A2", 99)))}),
        "a broken sharedStrings.xml": workbook({STRINGS: b"<sst><si><t>from parts</t>"}),
        "a sharedStrings.xml that is not XML": workbook({STRINGS: b"\x00\x01 not xml"}),
        "no sheet part": workbook(drop=[SHEET]),
        "no workbook part": workbook(drop=["xl/workbook.xml"]),
        "no workbook relations": workbook(drop=["xl/_rels/workbook.xml.rels"]),
        "no content types": workbook(drop=["[Content_Types].xml"]),
        "no shared strings": workbook(drop=[STRINGS]),
        "a zip of a text file": zipped({"readme.txt": b"hello"}),
        "a Word document": zipped({"[Content_Types].xml": word_types, "word/document.xml": b"<w/>"}),
        "a cut-off zip": good[:len(good) // 2],
        "a damaged compressed sheet": corrupted(good, SHEET),
        "damaged compressed shared strings": corrupted(workbook({STRINGS: strings_xml(*["from parts"] * 400)}),
                                                       STRINGS),
    }


@pytest.mark.parametrize("case", list(broken_cases()))
def test_a_damaged_xlsx_is_a_file_error_and_nothing_is_written(world, app, client_for, case):
    response = upload(client_for("staff@a.test"), broken_cases()[case], "notes.xlsx")
    body = text(response)
    assert response.status_code == 400, body[:2000]
    assert "The file is not a valid .xlsx workbook." in body
    assert notes_of(app, "A") == []


def test_forged_sheet_dimensions_and_far_rows_are_read_as_written(world, app, client_for):
    # Claims 16384 columns and a million rows, has a styled empty cell in the
    # last column and a row at Excel's very last row: read quickly, as written.
    sheet = sheet_xml(HEADER, (2, inline("A2", "first") + number("B2", 1)), (3, '<c r="XFD3" s="0"/>'),
                      (1048576, inline("A1048576", "last") + number("B1048576", 5)),
                      dimension="A1:XFD1048576")
    client = client_for("staff@a.test")
    url = preview_url(upload(client, workbook({SHEET: sheet}), "notes.xlsx"))
    assert "2 data rows: 2 ready" in text(client.get(url))
    assert client.post(url).status_code == 302
    assert [(n[0], n[1]) for n in notes_of(app, "A")] == [("first", 1), ("last", 5)]


def test_a_sheet_with_too_many_columns_is_refused(world, app, client_for):
    from core import imports
    cells = "".join(inline(f"{openpyxl.utils.get_column_letter(i)}1", f"c{i}")
                    for i in range(1, imports.MAX_COLUMNS + 2))
    response = upload(client_for("staff@a.test"),
                      workbook({SHEET: sheet_xml((1, cells), (2, inline("A2", "x")))}), "notes.xlsx")
    assert response.status_code == 400
    assert f"more than {imports.MAX_COLUMNS} columns" in text(response)
    assert notes_of(app, "A") == []


def test_each_import_finds_its_own_companys_related_records(world, app, client_for):
    # A related record is looked up by name for each import, in its company:
    # nothing found for one company (or one upload) is reused for another.
    tag(app, "客户回访", "A")
    tag(app, "客户回访", "B")
    content = "title,tag\nwith a tag,客户回访\n"
    for email in ("staff@a.test", "staff@b.test"):
        client = client_for(email)
        assert client.post(preview_url(upload(client, content))).status_code == 302
    with app.app_context():
        for note in db.session.query(Note):
            assert note.tag.company_id == note.company_id
    assert [n[3] for n in notes_of(app, "A") + notes_of(app, "B")] == ["客户回访", "客户回访"]
