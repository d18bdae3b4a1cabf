"""Attachments (core.attachments) through the record page of the example
plugin ``notes`` (images, PDFs, Office files; at most 2 MB and 5 files a
note; evidence for the note's author) and the CRM contact log (images and
PDFs, plain deletes).

Every upload here is real bytes: a PE program renamed ``.jpg``, a zip bomb
made with :mod:`zipfile`, a JPEG with EXIF written by Pillow, PDFs; every
refusal is checked for its message and for "nothing stored" (no row, no
new file in the store), with an accepted upload as positive control.
"""
from __future__ import annotations

import hashlib
import io
import re
import subprocess
import zipfile

import pytest
from PIL import Image

from core.attachments import Attachment
from core.extensions import db
from core.models import AuditEntry
from core.records.permissions import Permission
from tests.factories import make, png as _png, stored_files, url_of
from tests.fixtures import make_note
from tests.test_hooks import make_app, plugin_source  # noqa: F401  (make_app: a fixture)

VIEW = "notes_note"


def _jpeg_with_exif() -> bytes:
    image = Image.new("RGB", (64, 48), (10, 120, 200))
    exif = Image.Exif()
    exif[0x010F] = "SpyCamMaker"   # Make
    exif[0x0131] = "SecretSoft 1.0"  # Software
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif.tobytes())
    return out.getvalue()


def _pdf(text="hello") -> bytes:
    return (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
            b"trailer<</Root 1 0 R>>\n%% " + text.encode() + b"\n%%EOF\n")


def _pe_program() -> bytes:
    """A Windows program's header: MZ, the DOS stub, PE\\0\\0 at 0x80."""
    dos = bytearray(b"MZ" + b"\x90\x00" + b"\x00" * 0x38 + (0x80).to_bytes(4, "little"))
    dos += b"This program cannot be run in DOS mode.\r\r\n$".ljust(0x80 - len(dos), b"\x00")
    return bytes(dos[:0x80]) + b"PE\x00\x00" + b"\x4c\x01" + b"\x00" * 200


def _office(entries: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in entries.items():
            z.writestr(name, data)
    return out.getvalue()


def _docx() -> bytes:
    return _office({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document/>"})


def _zip_bomb() -> bytes:
    """A .docx whose document unpacks to 60 MB of zeros (about 60 KB packed)."""
    return _office({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"\x00" * (60 * 1024 * 1024)})


def _urls(app, note_id, attachment=None):
    return dict(details=url_of(app, VIEW, "details_view", id=note_id),
                upload=url_of(app, VIEW, "attachment_upload_view"),
                delete=url_of(app, VIEW, "attachment_delete_view"),
                download=url_of(app, VIEW, "attachment_view", id=note_id, attachment=attachment or 0))


def _upload(client, app, note_id, name, data):
    response = client.post(_urls(app, note_id)["upload"], {"id": str(note_id), "file": (io.BytesIO(data), name)})
    assert response.status_code == 302, response.status_code
    return client.get(response.headers["Location"]).get_data(as_text=True)


def _rows(app):
    with app.app_context():
        return [(a.id, a.name, a.kind, a.size, a.archived_at is not None, a.storage_key)
                for a in db.session.query(Attachment).order_by(Attachment.id)]


def _stored(app, key):
    return app.extensions["qdesk.attachment_storage"].open(key)


@pytest.fixture
def note(app, world):
    """A note of A written by A's manager (its author: protected from removing its files)."""
    return make_note(app, "A", email="manager@a.test")


def _refused(app, client, note_id, name, data, message):
    rows, files = _rows(app), stored_files(app)
    page = _upload(client, app, note_id, name, data)
    assert message in page, re.findall(r'class="alert[^"]*"[^>]*>(.*?)</div>', page, re.S)
    assert _rows(app) == rows, "a refused upload left a row"
    assert stored_files(app) == files, "a refused upload left a file in the store"


# --- what is accepted ------------------------------------------------------------------

def test_an_image_is_attached_listed_and_downloaded(app, world, client_for, note):
    staff = client_for("staff@a.test")
    png = _png()
    files = stored_files(app)
    page = _upload(staff, app, note, "现场照片.png", png)
    assert "Attached 现场照片.png." in page and 'id="attachments"' in page
    [(pk, name, kind, size, archived, key)] = _rows(app)
    assert (name, kind, archived) == ("现场照片.png", "image", False)
    assert set(stored_files(app)) - set(files) == {key} and re.fullmatch(r"[0-9a-f]{32}", key)
    stored = _stored(app, key)
    with app.app_context():
        row = db.session.get(Attachment, pk)
        assert (row.size, row.sha256, row.content_type) == (len(stored), hashlib.sha256(stored).hexdigest(),
                                                            "image/png")
        assert row.created_by_id == world.user("staff@a.test").id
    # Listed with its size, who and when (company-local time).
    assert f'data-attachment="{pk}"' in page and "staff A" in page and re.search(r"\d{4}-\d\d-\d\d \d\d:\d\d", page)
    response = client_for("readonly@a.test").get(_urls(app, note, pk)["download"])
    assert response.status_code == 200 and response.mimetype == "image/png" and response.data == stored
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Content-Disposition"].startswith("inline")
    assert "filename*=UTF-8''%E7%8E%B0%E5%9C%BA%E7%85%A7%E7%89%87.png" in response.headers["Content-Disposition"]


def test_a_pdf_is_a_download_and_keeps_its_chinese_name(app, world, client_for, note):
    staff = client_for("staff@a.test")
    page = _upload(staff, app, note, "检测报告\x07 .pdf", _pdf())
    [(pk, name, kind, *_rest)] = _rows(app)
    assert (name, kind) == ("检测报告 .pdf", "pdf") and "检测报告 .pdf" in page  # control character gone
    response = staff.get(_urls(app, note, pk)["download"])
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.data == _pdf()  # PDFs are stored as they came
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment") and "filename*=UTF-8''%E6%A3%80%E6%B5%8B" in disposition
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_a_word_document_is_accepted_and_named_by_its_content(app, world, client_for, note):
    _upload(client_for("staff@a.test"), app, note, "minutes", _docx())
    [(_pk, name, kind, *_rest)] = _rows(app)
    assert (name, kind) == ("minutes.docx", "docx")


def test_a_jpeg_is_re_encoded_without_its_exif(app, world, client_for, note):
    original = _jpeg_with_exif()
    assert b"SpyCamMaker" in original and Image.open(io.BytesIO(original)).getexif()  # control
    _upload(client_for("staff@a.test"), app, note, "photo.jpg", original)
    [(_pk, name, kind, _size, _archived, key)] = _rows(app)
    stored = _stored(app, key)
    assert (name, kind) == ("photo.jpg", "image") and stored != original
    assert b"SpyCamMaker" not in stored and b"SecretSoft" not in stored and b"Exif" not in stored
    image = Image.open(io.BytesIO(stored))
    assert (image.format, image.size) == ("JPEG", (64, 48)) and not image.getexif()


# --- what is refused ------------------------------------------------------------------

def test_a_program_renamed_jpg_is_refused(app, world, client_for, note):
    _refused(app, client_for("staff@a.test"), note, "holiday.jpg", _pe_program(),
             "“holiday.jpg” is not accepted: its content is a Windows program, whatever its name says.")


def test_an_oversized_file_is_refused(app, world, client_for, note):
    big = _pdf() + b"\x00" * (2 * 1024 * 1024)
    _refused(app, client_for("staff@a.test"), note, "scan.pdf", big,
             f"“scan.pdf” is {len(big):,} bytes; files here may be at most {2 * 1024 * 1024:,} bytes. "
             "Nothing was stored.")


def test_a_zip_bomb_is_refused(app, world, client_for, note):
    bomb = _zip_bomb()
    assert len(bomb) < 2 * 1024 * 1024  # under the size cap: the unpacked size is what gives it away
    _refused(app, client_for("staff@a.test"), note, "report.docx", bomb,
             "“report.docx” would unpack to far more than its size (a zip bomb?); nothing was stored.")


def test_a_zip_with_a_path_outside_is_refused(app, world, client_for, note):
    evil = _office({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w/>", "../../evil.sh": b"#!"})
    _refused(app, client_for("staff@a.test"), note, "report.docx", evil, "holds a file with a folder path")


def test_a_path_traversal_name_is_refused(app, world, client_for, note):
    _refused(app, client_for("staff@a.test"), note, "../../etc/passwd.png", _png(),
             "The file name “../../etc/passwd.png” contains a folder path; nothing was stored.")
    # A Windows path (old browsers sent one) reaches the screen as its bare
    # name (Werkzeug keeps what follows the last backslash); core refuses any left.
    from core.attachments import safe_name
    from core.errors import Invalid
    for name in ("..\\..\\boot.png", "C:\\boot.png", "/etc/passwd", ".."):
        with pytest.raises(Invalid, match="folder path"):
            safe_name(name)
    assert safe_name(" 报告..final.pdf. ") == "报告..final.pdf"


def test_a_decompression_bomb_image_is_refused(app, world, client_for, note):
    out = io.BytesIO()
    Image.new("1", (9000, 9000)).save(out, format="PNG")  # 81 million pixels in a few KB
    _refused(app, client_for("staff@a.test"), note, "huge.png", out.getvalue(), "million pixels")


def test_an_empty_upload_and_no_file_are_refused(app, world, client_for, note):
    staff = client_for("staff@a.test")
    _refused(app, staff, note, "empty.pdf", b"", "“empty.pdf” is empty; nothing was stored.")
    response = staff.post(_urls(app, note)["upload"], {"id": str(note)}, follow_redirects=True)
    assert "Choose a file to attach." in response.get_data(as_text=True)


def test_the_count_cap_is_kept(app, world, client_for, note):
    staff = client_for("staff@a.test")
    for n in range(5):
        _upload(staff, app, note, f"p{n}.png", _png((10 + n, 10)))
    assert len(_rows(app)) == 5
    page = staff.get(_urls(app, note)["details"]).get_data(as_text=True)
    assert 'id="attachment-upload"' not in page and "(5 / 5)" in page  # no upload form at the cap
    _refused(app, staff, note, "p6.png", _png(), "This record already has 5 attachments, the most allowed here")


def test_readonly_users_may_not_upload(app, world, client_for, note):
    reader = client_for("readonly@a.test")
    assert 'id="attachment-upload"' not in reader.get(_urls(app, note)["details"]).get_data(as_text=True)
    files = stored_files(app)
    response = reader.post(_urls(app, note)["upload"], {"id": str(note), "file": (io.BytesIO(_png()), "x.png")})
    assert response.status_code == 403 and _rows(app) == [] and stored_files(app) == files


# --- company and permission ------------------------------------------------------------

def test_another_companys_attachment_is_not_found(app, world, client_for, note):
    _upload(client_for("staff@a.test"), app, note, "a.png", _png())
    [(pk, *_rest)] = _rows(app)
    b_note = make_note(app, "B")
    other = client_for("admin@b.test")
    for record in (note, b_note, 987654321):
        assert other.get(_urls(app, record, pk)["download"]).status_code == 404
        response = other.post(_urls(app, record)["delete"], {"id": str(record), "attachment": str(pk)})
        assert response.status_code == 404
    assert [r[4] for r in _rows(app)] == [False]  # still there, not archived
    assert client_for("staff@a.test").get(_urls(app, note, pk)["download"]).status_code == 200  # control


def test_a_user_without_read_permission_gets_403(app, world, client_for, note, monkeypatch):
    _upload(client_for("staff@a.test"), app, note, "a.png", _png())
    [(pk, *_rest)] = _rows(app)
    url = _urls(app, note, pk)["download"]
    reader = client_for("readonly@a.test")
    assert reader.get(url).status_code == 200  # control: readonly users read notes by default
    perms = app.extensions["qdesk.permissions"].by_key
    monkeypatch.setitem(perms, "notes.note.read",
                        Permission("notes.note.read", frozenset({"admin", "manager", "staff"})))
    assert reader.get(url).status_code == 403
    assert client_for("staff@a.test").get(url).status_code == 200


# --- evidence --------------------------------------------------------------------------

def test_the_named_person_cannot_remove_evidence_a_managers_delete_archives_it(app, world, client_for, note):
    _upload(client_for("staff@a.test"), app, note, "complaint.png", _png())
    [(pk, _name, _kind, _size, _archived, key)] = _rows(app)
    author = client_for("manager@a.test")  # wrote the note: named in protected_from (created_by_id)
    page = author.get(_urls(app, note)["details"]).get_data(as_text=True)
    assert "complaint.png" in page and 'name="attachment"' not in page  # no button for the author
    response = author.post(_urls(app, note)["delete"], {"id": str(note), "attachment": str(pk)},
                           follow_redirects=True)
    assert "you cannot remove its attachments: they are kept as evidence" in response.get_data(as_text=True)
    assert _rows(app)[0][4] is False and key in stored_files(app)

    admin = client_for("admin@a.test")
    assert 'name="attachment"' in admin.get(_urls(app, note)["details"]).get_data(as_text=True)
    response = admin.post(_urls(app, note)["delete"], {"id": str(note), "attachment": str(pk)},
                          follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "complaint.png was archived: it is kept as evidence" in page
    assert 'data-attachment="' not in page  # hidden from the list
    assert _rows(app)[0][4] is True and _stored(app, key)  # kept, with its file
    with app.app_context():
        assert db.session.query(AuditEntry).filter_by(table_name="attachments", record_id=pk,
                                                      action="archive").count() == 1
    assert admin.get(_urls(app, note, pk)["download"]).status_code == 404  # archived: gone from the screens


def test_staff_may_not_delete_attachments(app, world, client_for, note):
    _upload(client_for("staff@a.test"), app, note, "a.png", _png())
    [(pk, *_rest)] = _rows(app)
    response = client_for("staff@a.test").post(_urls(app, note)["delete"], {"id": str(note), "attachment": str(pk)})
    assert response.status_code == 403 and _rows(app)[0][4] is False


def test_a_plain_delete_removes_row_and_file(app, world, client_for):
    """The contact log's attachments are not evidence: a manager's delete removes them."""
    from plugins.crm.models import ContactLog
    with app.app_context():
        log = make(ContactLog, world.company("A"), world.user("staff@a.test"))
        log_id = log.id
    upload = url_of(app, "crm_contactlog", "attachment_upload_view")
    staff = client_for("staff@a.test")
    response = staff.post(upload, {"id": str(log_id), "file": (io.BytesIO(_pdf()), "名片.pdf")})
    assert response.status_code == 302
    [(pk, name, _kind, _size, _archived, key)] = _rows(app)
    assert name == "名片.pdf" and key in stored_files(app)
    delete = url_of(app, "crm_contactlog", "attachment_delete_view")
    page = client_for("manager@a.test").post(delete, {"id": str(log_id), "attachment": str(pk)},
                                             follow_redirects=True).get_data(as_text=True)
    assert "名片.pdf was removed." in page
    assert _rows(app) == [] and key not in stored_files(app)
    # The contact log takes no Office files.
    response = staff.post(upload, {"id": str(log_id), "file": (io.BytesIO(_docx()), "x.docx")},
                          follow_redirects=True)
    assert "its content is a zip archive" in response.get_data(as_text=True) and _rows(app) == []


def test_a_rolled_back_upload_leaves_no_file(app, world):
    from core import attachments
    from core.records import tenancy
    with app.app_context():
        note_id = make_note(app, "A")
        files = stored_files(app)
        with tenancy.acting_as(world.company("A"), world.user("staff@a.test")):
            attachments.add("notes.note", note_id, "x.png", _png())
            assert len(stored_files(app)) == len(files) + 1
            db.session.rollback()
        assert stored_files(app) == files and _rows(app) == []


# --- printing ----------------------------------------------------------------------------

def test_a_printed_note_places_its_images(app, world, client_for, note, tmp_path):
    staff = client_for("staff@a.test")
    _upload(staff, app, note, "现场.png", _png((120, 90), (0, 160, 60)))
    _upload(staff, app, note, "report.pdf", _pdf())  # not an image: not placed
    response = staff.get(f"/print/notes.note/{note}.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    path = tmp_path / "note.pdf"
    path.write_bytes(response.data)
    listing = subprocess.run(["pdfimages", "-list", str(path)], capture_output=True, text=True, check=True).stdout
    images = [line.split() for line in listing.splitlines()[2:]]
    assert [(i[3], i[4]) for i in images] == [("120", "90")], listing
    assert "现场.png" in subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True).stdout
    # Control: the same note without attachments prints no image.
    other = make_note(app, "A")
    response = staff.get(f"/print/notes.note/{other}.pdf")
    path.write_bytes(response.data)
    listing = subprocess.run(["pdfimages", "-list", str(path)], capture_output=True, text=True, check=True).stdout
    assert listing.splitlines()[2:] == []


def test_the_print_fetcher_serves_only_images_of_the_records_printed(app, world, note):
    from core import attachments
    from core.printing import PrintFetchRefused, StaticOnlyURLFetcher
    from core.records import tenancy
    from tests.plugins.notes.models import Note
    other = make_note(app, "A")
    b_note = make_note(app, "B")
    with app.test_request_context():
        with tenancy.acting_as(world.company("A"), world.user("staff@a.test")):
            mine = attachments.add("notes.note", note, "a.png", _png()).id
            theirs = attachments.add("notes.note", other, "b.png", _png()).id
            db.session.commit()
        with tenancy.acting_as(world.company("B"), world.user("staff@b.test")):
            foreign = attachments.add("notes.note", b_note, "c.png", _png()).id
            db.session.commit()
        fetcher = StaticOnlyURLFetcher()
        with tenancy.acting_as(world.company("A"), world.user("staff@a.test")):
            with attachments.printing([db.session.get(Note, note)]):
                assert fetcher.fetch(f"attachment:{mine}").read().startswith(b"\x89PNG")
                for url in (f"attachment:{theirs}", f"attachment:{foreign}", "attachment:../../etc/passwd",
                            "attachment:99999", "file:///etc/passwd", "http://example.com/x.png"):
                    with pytest.raises(PrintFetchRefused):
                        fetcher.fetch(url)
            with pytest.raises(PrintFetchRefused):  # outside a print of that note
                fetcher.fetch(f"attachment:{mine}")


# --- declarations ------------------------------------------------------------------------

def test_declarations_are_checked_at_start():
    from core import Attachments
    with pytest.raises(ValueError, match="kinds must be a tuple"):
        Attachments(kinds="image")
    with pytest.raises(ValueError, match="positive"):
        Attachments(max_bytes=0)


@pytest.mark.parametrize("declaration, message", [
    ('Attachments(kinds=("image", "exe"))', r"plugin 'files': entity 'files\.task': Attachments\.kinds has exe"),
    ('Attachments(protected_from=("author",))', r"plugin 'files'.*protected_from names author, which Task does not have"),
])
def test_an_unknown_kind_or_field_stops_the_start(app, make_app, declaration, message):
    with pytest.raises(ValueError, match=message):
        make_app({"files": plugin_source("files", f"""
            from core import Attachments, Entity
            from tests.plugins.tasks.models import Task

            @hookimpl
            def register_entities():
                return [Entity("files.task", Task, "任务", "Task", attachments={declaration})]
        """, depends=("tasks",))})


def test_an_oversized_stream_is_not_read_into_memory():
    from core.attachments.content import read_capped

    class Stream(io.BytesIO):
        most = 0

        def read(self, n=-1):
            assert n != -1, "read the whole upload"
            Stream.most = max(Stream.most, n)
            return super().read(n)

    data, size = read_capped(Stream(b"x" * 5_000_000), 1000)
    assert (len(data), size, Stream.most) == (1001, 5_000_000, 1001)
    assert read_capped(b"abc", 10) == (b"abc", 3)


def test_protected_from_names_an_employee_by_its_login_not_by_its_own_id(app, world):
    """An employee has an e-mail of its own: it is still named by its
    ``user_id`` (the login), never mistaken for a user (a complaint's
    被投诉人 is an employee, AS-61)."""
    from types import SimpleNamespace

    from core.attachments import named_users
    from core.org import Employee
    from core.records.entities import Attachments
    from core.records import tenancy
    with app.app_context(), tenancy.acting_as(world.company("A"), world.user("admin@a.test")):
        manager = world.user("manager@a.test")
        filler = Employee(number="E00", name="占位")  # so that the employee's id is not the login's
        accused = Employee(number="E01", name="陈静", email="chen@example.test", user=manager)
        db.session.add_all([filler, accused])
        db.session.flush()
        assert accused.id != manager.id
        decl = Attachments(protected_from=("accused", "author"))
        assert named_users(SimpleNamespace(accused=accused, author=None), decl) == {manager.id}
        assert named_users(SimpleNamespace(accused=None, author=manager), decl) == {manager.id}
        assert named_users(SimpleNamespace(accused=Employee(number="E02", name="无登录"), author=None), decl) == set()
        db.session.rollback()
