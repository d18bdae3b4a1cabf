"""Export of list screens: CSV and XLSX, company rows only, formula cells
neutralised in both formats, the row cap respected and announced, read
permission, sensible file names."""
from __future__ import annotations

import csv
import io

import openpyxl
import pytest

from core.calendar.timezone import local_today
from tests.fixtures import make_note
from tests.plugins.notes.admin import NoteView

URL = "/admin/notes/note/export/{}/"


def csv_rows(response):
    text = response.get_data().decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


def xlsx_book(response):
    return openpyxl.load_workbook(io.BytesIO(response.get_data()))


def tag(app, name, code="A"):
    from core.records import tenancy
    from core.extensions import db
    from core.models import Company
    from tests.plugins.notes.models import Tag
    with app.app_context():
        company = db.session.query(Company).filter_by(code=code).one()
        with tenancy.acting_as(company):
            t = Tag(name=name)
            db.session.add(t)
            db.session.commit()
            return t.id


@pytest.fixture
def notes(world, app):
    hostile = ["=HYPERLINK(\"http://evil\",\"x\")", "+1+2", "-3+4", "@SUM(A1)", "plain 便签"]
    for title in hostile:
        make_note(app, "A", title=title)
    make_note(app, "B", title="secret of B")
    return hostile


def test_csv_export_neutralises_formulas_and_keeps_to_the_company(notes, client_for):
    response = client_for("staff@a.test").get(URL.format("csv"))
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    disposition = response.headers["Content-Disposition"]
    assert f"notes_note_{local_today().isoformat()}.csv" in disposition
    rows = csv_rows(response)
    assert rows[0][0] == "Title"
    titles = {r[0] for r in rows[1:]}
    assert "secret of B" not in titles
    assert titles == {"'" + t if t[0] in "=+-@" else t for t in notes}
    assert "X-Qdesk-Export-Truncated" not in response.headers


def test_xlsx_export_neutralises_formulas_and_keeps_to_the_company(notes, client_for, app):
    make_note(app, "A", title="tagged", tag_id=tag(app, "=cmd|' /C calc'!A0"))
    notes = notes + ["tagged"]
    response = client_for("staff@a.test").get(URL.format("xlsx"))
    assert response.status_code == 200
    assert response.mimetype.endswith("spreadsheetml.sheet")
    assert f"notes_note_{local_today().isoformat()}.xlsx" in response.headers["Content-Disposition"]
    sheet = xlsx_book(response).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:4] == ("Title", "Tag", "Priority", "Pinned")
    titles = {r[0] for r in rows[1:]}
    assert "secret of B" not in titles
    assert titles == {"'" + t if t[0] in "=+-@" else t for t in notes}
    # Related values are neutralised too, and no cell is a formula.
    assert "'=cmd|' /C calc'!A0" in {r[1] for r in rows[1:]}
    for cells in sheet.iter_rows(min_row=2):
        for cell in cells:
            assert cell.data_type != "f"


def test_export_row_cap_is_respected_and_said(world, app, client_for, monkeypatch):
    monkeypatch.setattr(NoteView, "export_max_rows", 3)
    for i in range(5):
        make_note(app, "A", title=f"n{i}")
    client = client_for("staff@a.test")
    page = client.get("/admin/notes/note/").get_data(as_text=True)
    assert "Export: first 3 of 5 rows" in page
    response = client.get(URL.format("csv"))
    assert len(csv_rows(response)) == 1 + 3
    assert response.headers["X-Qdesk-Export-Truncated"] == "3/5"
    assert "first-3-of-5" in response.headers["Content-Disposition"]
    assert "limited to the first 3 of 5 rows" in client.get("/admin/notes/note/").get_data(as_text=True)
    response = client.get(URL.format("xlsx"))
    book = xlsx_book(response)
    assert book.worksheets[0].max_row == 1 + 3
    info = {r[0]: r[1] for r in book["Export info"].iter_rows(values_only=True)}
    assert info["Rows exported"] == 3 and info["Rows in the list"] == 5
    assert "first 3 rows" in info["Note"]


def test_export_follows_the_search(notes, client_for):
    rows = csv_rows(client_for("staff@a.test").get(URL.format("csv") + "?search=plain"))
    assert [r[0] for r in rows[1:]] == ["plain 便签"]


def test_readonly_user_may_export_anonymous_may_not(world, app, client_for):
    # readonly users read: they may export
    assert client_for("readonly@a.test").get(URL.format("csv")).status_code == 200
    # without a session: to the login page
    assert app.test_client().get(URL.format("csv")).status_code == 302


def test_export_without_read_permission_is_refused(world, app, client_for, monkeypatch):
    from core.records.permissions import permission_registry
    with app.app_context():
        registry = permission_registry()
        perm = registry.by_name["notes.note.read"]
        monkeypatch.setitem(registry.by_name, "notes.note.read",
                            type(perm)(perm.name, frozenset({"admin"})))
    client = client_for("staff@a.test")
    assert client.get(URL.format("csv")).status_code == 403
    assert client.get(URL.format("xlsx")).status_code == 403


def test_unknown_export_type_is_refused(notes, client_for):
    response = client_for("staff@a.test").get(URL.format("json"))
    assert response.status_code in (302, 404)


# --- any text exports --------------------------------------------------------------
def note_titles(app, code="A"):
    from core.extensions import db
    from core.models import Company
    from tests.plugins.notes.models import Note
    with app.app_context():
        company = db.session.query(Company).filter_by(code=code).one()
        return [n.title for n in db.session.query(Note).filter_by(company_id=company.id).order_by(Note.id)]


def db_dialect(app):
    from core.extensions import db
    with app.app_context():
        return db.engine.dialect.name


def control_text(app):
    # Every control character (NUL where the database stores it: PostgreSQL
    # text cannot hold one), plus tab and line breaks, which cells keep.
    first = 0 if db_dialect(app) == "sqlite" else 1
    return "bell" + "".join(chr(c) for c in range(first, 32)) + "end"


@pytest.mark.parametrize("kind", ["xlsx", "csv"])
def test_control_characters_are_stripped_instead_of_breaking_the_export(world, app, client_for, kind):
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    hostile = control_text(app)
    make_note(app, "A", title=hostile, tag_id=tag(app, "tag\x07\x1b"))
    make_note(app, "A", title="an ordinary note")
    response = client_for("staff@a.test").get(URL.format(kind))
    assert response.status_code == 200
    rows = (list(xlsx_book(response).worksheets[0].iter_rows(values_only=True)) if kind == "xlsx"
            else csv_rows(response))
    exported = {r[0]: r[1] for r in rows[1:]}
    # What spreadsheets cannot hold is gone, the rest (and the other rows) stays.
    kept = ILLEGAL_CHARACTERS_RE.sub("", hostile)
    assert kept.startswith("bell\t\n") and kept.endswith("end")
    if kind == "xlsx":
        kept = kept.replace("\r", "\n")  # XML reads a carriage return as a line break
    assert exported == {kept: "tag", "an ordinary note": ("" if kind == "csv" else None)}


SEPARATED = ["comma, here", "semi; colon", "tab\there", "line\nbreak", 'say "hi"', "all,;\t\"\r\n of them"]


def test_csv_cells_holding_separators_stay_one_cell_whatever_the_list_separator(world, app, client_for):
    for title in SEPARATED:
        make_note(app, "A", title=title, priority=2)
    body = client_for("staff@a.test").get(URL.format("csv")).get_data().decode("utf-8-sig")
    # Excel splits a CSV line at its list separator: "," here, ";" in much of
    # Europe, tab for Unicode text. A quoted cell stays one cell for each.
    for separator in ",;\t":
        cells = [c for row in csv.reader(io.StringIO(body, newline=""), delimiter=separator) for c in row]
        for title in SEPARATED:
            assert any(title in c for c in cells), (separator, title)
    assert [r[0] for r in csv.reader(io.StringIO(body, newline=""))][1:] == SEPARATED


def test_rows_that_tie_on_the_sorted_column_keep_one_order_oldest_or_newest_first(world, app, client_for):
    # Six notes of one priority: sorted by priority, they tie. Each page and
    # each export must list them in one order (PostgreSQL returns ties in any
    # order, and a row would show on two pages and be missing from another):
    # the order they were entered in, newest first when sorting descending.
    titles = [f"第{n}条" for n in range(1, 7)]
    for title in titles:
        make_note(app, "A", title=title, priority=2)
    staff = client_for("staff@a.test")
    by_priority = NoteView.column_list.index("priority")
    ascending = [r[0] for r in csv_rows(staff.get(URL.format("csv") + f"?sort={by_priority}"))[1:]]
    descending = [r[0] for r in csv_rows(staff.get(URL.format("csv") + f"?sort={by_priority}&desc=1"))[1:]]
    assert ascending == titles
    assert descending == titles[::-1]


FORMULAS = ["=1+1", "+1+1", "-1+1", "@SUM(A1)", "\t=1+1", "\r=1+1", " =1+1", "   +1", "\u3000=1+1",
            "\u00a0@x", "\n-1", "＝1+1", "＋1", "－1", "＠SUM(A1)", " ＝1", "-", "'=1+1", "''+1"]
SAFE = ["a = b", "1-2", "mail@example.com", "'quoted", "plain 便签"]
STARTS = ("=", "+", "-", "@", "＝", "＋", "－", "＠")


def formula_like(text):
    """What a spreadsheet may start a formula with: one of STARTS, or a tab
    or CR, at the start or after leading spaces."""
    return text[:1] in ("\t", "\r") or text.lstrip()[:1] in STARTS


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_formulas_are_neutralised_wherever_a_spreadsheet_could_start_a_cell(world, app, client_for, kind):
    for title in FORMULAS + SAFE:
        make_note(app, "A", title=title)
    response = client_for("staff@a.test").get(URL.format(kind))
    if kind == "xlsx":
        sheet = xlsx_book(response).worksheets[0]
        assert all(cell.data_type != "f" for cells in sheet.iter_rows() for cell in cells)
        titles = [r[0] for r in sheet.iter_rows(min_row=2, values_only=True)]
    else:
        titles = [r[0] for r in csv_rows(response)[1:]]
    assert len(titles) == len(FORMULAS + SAFE)
    for title in titles:
        assert not formula_like(title), repr(title)
    assert set(SAFE) <= set(titles)  # ordinary text is left alone


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_an_exported_file_imports_back_to_the_same_text(world, app, client_for, kind):
    # Formulas, already-quoted text and separators come back exactly as they
    # were (a carriage return only in CSV: XML reads it as a line break).
    titles = [t for t in FORMULAS + SAFE + SEPARATED if kind == "csv" or "\r" not in t]
    titles = [t for t in titles if t == t.rstrip()]  # the import trims the end of a cell
    for title in titles:
        make_note(app, "A", title=title, tag_id=tag(app, "=cmd|' /C calc'!A0") if title == "-" else None)
    client = client_for("staff@a.test")
    exported = client.get(URL.format(kind)).get_data()
    response = client.post("/admin/notes/note/import/", {"file": (io.BytesIO(exported), f"notes.{kind}")},
                           content_type="multipart/form-data")
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    assert client.post(response.headers["Location"]).status_code == 302
    imported = note_titles(app)[len(titles):]  # in the list's order, which the database picks
    assert sorted(imported) == sorted(titles)
