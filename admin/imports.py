"""Export (CSV, XLSX) and import (CSV, XLSX) on every company-scoped screen.

Mixed into :class:`admin.views.CompanyModelView`; the work is in
:mod:`core.imports`. Export needs ``<plugin>.<entity>.read`` and exports the
current company's rows of the list (its search, filters and sort), at most
``export_max_rows``; a cut export says so (flash, file name, an "Export
info" sheet in XLSX, the ``X-Qdesk-Export-Truncated`` header). Any text
exports, in both formats: characters a spreadsheet cannot hold (control
characters but tab and line breaks) are dropped; formula-like cells (``= + -
@``, a tab or CR, their full-width forms, also after leading spaces) are
prefixed with ``'``, which the import takes off again; CSV cells holding a
separator (``, ; tab``), a quote or a line break are quoted, so they stay one
cell whatever list separator Excel uses.

Import is offered only when the view declares ``import_schema`` and needs
``<plugin>.<entity>.create``. Flow: upload (``/import/``) → the file is kept
in ``<instance>/imports/`` under a random token bound to the user, the
company and the screen → preview (``/import/<token>/``) with the column
mapping, the first rows and every row error → "Import" re-reads and
re-checks the file and writes all rows in one transaction, or nothing.
The import runs synchronously in the request, flushed in chunks; the
preview page shows the row counts and a progress bar while it runs.
"""
from __future__ import annotations

import datetime as dt
import decimal
import io
import json
import os
import re
import secrets
import time
from typing import Any

from flask import Response, abort, current_app, flash, redirect, request, url_for
from flask_admin import expose
from flask_admin.model import typefmt
from flask_babel import gettext
from werkzeug.utils import secure_filename

from core import imports

from core.records import tenancy
from core.imports import FORMULA_STARTS  # noqa: F401  (text starting so is a formula to spreadsheets)
from core.models import utcnow
from core.calendar.timezone import format_local, is_stamp, local_today, to_local

STORE_SECONDS = 3600
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PLAIN = (str, int, float, bool, decimal.Decimal, dt.date, dt.datetime, dt.time)
# What no spreadsheet cell can hold: the control characters XML 1.0 forbids
# (openpyxl's ILLEGAL_CHARACTERS_RE; tab, LF and CR are kept), lone
# surrogates and the non-characters U+FFFE/U+FFFF.
UNWRITABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
# A CSV cell holding one of these is quoted: "," is our separator, ";" and
# tab are Excel's in other locales, and quotes and line breaks need it anyway.
CSV_QUOTED = re.compile('[,;\t\r\n"]')


class SpreadsheetText(str):
    """Text already made safe by :func:`neutralise`, so that a second call
    (a view's ``get_export_value``, then the export) leaves it alone."""

    __slots__ = ()


def neutralise(value: Any) -> Any:
    """``value`` made safe for spreadsheets: characters no cell can hold are
    dropped, and text a spreadsheet could read as a formula
    (:func:`core.imports.formula_like`: = + - @, a tab or CR, or their
    full-width forms, also after leading spaces) gets a leading ``'``, which
    the import takes off again. Numbers, dates and booleans stay as they are;
    other values (related records, Markup) become plain text first."""
    if value is None or isinstance(value, SpreadsheetText):
        return value
    if isinstance(value, PLAIN) and not isinstance(value, str):
        return value
    text = UNWRITABLE.sub("", "".join(str(value)))  # a plain str, never Markup
    if imports.formula_like(text):
        text = "'" + text
    return SpreadsheetText(text)


def export_datetime(view: Any, value: dt.datetime, name: Any) -> dt.datetime:
    """A date-time cell of an export: a stamp column (naive UTC,
    :func:`core.calendar.timezone.is_stamp`) in the company's zone, any other
    (user-entered, company-local) as stored; still a date-time, so XLSX keeps
    a date cell and CSV writes ``2026-12-01 15:55:46``."""
    return to_local(value) if is_stamp(getattr(view, "model", None), name) else value


#: Type formatters of exports: Flask-Admin's, with stamps in company-local time.
EXPORT_FORMATTERS = {**typefmt.EXPORT_FORMATTERS, dt.datetime: export_datetime}


def csv_cell(value: Any) -> str:
    """One CSV cell, quoted (quotes doubled) when it holds a separator, a
    quote or a line break."""
    text = "" if value is None else str(value)
    if CSV_QUOTED.search(text):
        return '"' + text.replace('"', '""') + '"'
    return text


def _shown(value: Any) -> str:
    """A loaded value as the preview shows it."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return gettext("yes") if value else gettext("no")
    return str(value)


class ImportExportMixin:
    """Export in CSV/XLSX and the import flow for views with ``import_schema``."""

    export_types = ["csv", "xlsx"]
    column_type_formatters_export = EXPORT_FORMATTERS
    #: A marshmallow schema class; its fields are the importable columns.
    import_schema: type | None = None
    import_max_bytes = 2 * 1024 * 1024
    import_max_rows = 5000
    import_preview_rows = 20
    import_template = "qdesk/import.html"

    # --- export --------------------------------------------------------------
    def get_export_name(self, export_type: str = "csv") -> str:
        return f"{self.endpoint}_{local_today().isoformat()}.{export_type}"  # the company's date

    def _export_rows(self) -> tuple[list[str], list[list[Any]], int]:
        count, data = self._export_data()
        titles = [neutralise(str(c[1])) for c in self._export_columns]
        rows = [[neutralise(self.get_export_value(row, c[0])) for c in self._export_columns]
                for row in data]
        if count and count > len(rows):
            flash(gettext("The export was limited to the first %(n)s of %(total)s rows; narrow the list "
                          "with a search or filters to export the rest.", n=len(rows), total=count),
                  "warning")
        return titles, rows, count or len(rows)

    def _export_response(self, body: bytes, export_type: str, mimetype: str,
                         exported: int, total: int) -> Response:
        name = self.get_export_name(export_type)
        if total > exported:
            stem, ext = name.rsplit(".", 1)
            name = f"{stem}_first-{exported}-of-{total}.{ext}"
        response = Response(body, mimetype=mimetype,
                            headers={"Content-Disposition": f"attachment;filename={secure_filename(name)}"})
        response.headers["X-Qdesk-Export-Rows"] = str(exported)
        if total > exported:
            response.headers["X-Qdesk-Export-Truncated"] = f"{exported}/{total}"
        return response

    def _export_csv(self, return_url: Any) -> Response:
        titles, rows, total = self._export_rows()
        lines = [",".join(csv_cell(v) for v in row) for row in (titles, *rows)]
        # The BOM lets Excel open UTF-8 (Chinese) text correctly.
        body = ("\ufeff" + "".join(line + "\r\n" for line in lines)).encode("utf-8")
        return self._export_response(body, "csv", "text/csv; charset=utf-8", len(rows), total)

    def _export_tablib(self, export_type: str, return_url: str) -> Response:
        if export_type != "xlsx":
            abort(404)
        import openpyxl
        titles, rows, total = self._export_rows()
        book = openpyxl.Workbook()
        sheet = book.active
        name = UNWRITABLE.sub("", str(self.name))
        sheet.title = "".join(c for c in name if c not in "[]:*?/\\")[:31] or "export"
        sheet.append(titles)
        for row in rows:
            sheet.append([v.replace(tzinfo=None) if isinstance(v, dt.datetime) else v for v in row])
        for cells in sheet.iter_rows(min_row=2):
            for cell in cells:
                if isinstance(cell.value, str):
                    cell.data_type = "s"  # text, never a formula
        info = book.create_sheet("Export info")
        company = tenancy.current_company()
        user = tenancy.current_user()
        for label, value in ((gettext("Screen"), str(self.name)),
                             (gettext("Company"), company.name if company else ""),
                             (gettext("Exported by"), str(user) if user else ""),
                             # Company-local, with the zone: "2026-12-01 15:55 Asia/Shanghai (UTC+08:00)".
                             (gettext("Exported at"), format_local(utcnow(), zone="both")),
                             (gettext("Rows exported"), len(rows)),
                             (gettext("Rows in the list"), total)):
            info.append([neutralise(label), neutralise(value)])
        if total > len(rows):
            info.append([neutralise(gettext("Note")), neutralise(gettext(
                "Limited to the first %(n)s rows (export_max_rows); narrow the list with a search "
                "or filters to export the rest.", n=len(rows)))])
        out = io.BytesIO()
        book.save(out)
        return self._export_response(out.getvalue(), "xlsx", XLSX_MIME, len(rows), total)

    # --- import ----------------------------------------------------------------
    @property
    def can_import(self) -> bool:
        return self.import_schema is not None and self.allowed("create")

    def _import_label(self, name: str) -> Any:
        return self.get_column_name(name)

    def _store_dir(self) -> str:
        path = os.path.join(current_app.instance_path, "imports")
        os.makedirs(path, mode=0o700, exist_ok=True)
        return path

    def _store(self, filename: str, data: bytes) -> str:
        folder = self._store_dir()
        now = time.time()
        for entry in os.scandir(folder):  # forget abandoned uploads
            if entry.is_file() and now - entry.stat().st_mtime > STORE_SECONDS:
                try:
                    os.remove(entry.path)
                except OSError:
                    pass
        token = secrets.token_urlsafe(18)
        user, company = tenancy.current_user(), tenancy.require_company()
        with open(os.path.join(folder, token + ".data"), "wb") as f:
            f.write(data)
        with open(os.path.join(folder, token + ".json"), "w") as f:
            json.dump({"filename": filename, "user_id": user.id, "company_id": company.id,
                       "endpoint": self.endpoint}, f)
        return token

    def _load(self, token: str) -> tuple[dict[str, Any], bytes]:
        if not re.fullmatch(r"[A-Za-z0-9_-]{16,64}", token):
            abort(404)
        base = os.path.join(self._store_dir(), token)
        try:
            with open(base + ".json") as f:
                meta = json.load(f)
            with open(base + ".data", "rb") as f:
                data = f.read()
        except OSError:
            abort(404)
        user, company = tenancy.current_user(), tenancy.require_company()
        if (meta.get("user_id"), meta.get("company_id"), meta.get("endpoint")) != \
                (user.id, company.id, self.endpoint):
            abort(404)  # another user's, company's or screen's upload does not exist here
        return meta, data

    def _forget(self, token: str) -> None:
        for ext in (".data", ".json"):
            try:
                os.remove(os.path.join(self._store_dir(), token + ext))
            except OSError:
                pass

    def _check(self, filename: str, data: bytes) -> imports.Checked:
        table = imports.read_table(filename, data, self.import_max_rows)
        return imports.check(table, self.import_schema(), self._import_label)

    def _render_import(self, status: int = 200, **kwargs: Any) -> Any:
        kwargs.setdefault("return_url", self.get_url(".index_view"))
        return self.render(self.import_template, max_bytes=self.import_max_bytes,
                           max_rows=self.import_max_rows, **kwargs), status

    def _too_large(self) -> str:
        return gettext("The file is too large: at most %(mb)s MB may be imported at once (split the file).",
                       mb=round(self.import_max_bytes / 1048576, 1))

    @expose("/import/", methods=("GET", "POST"))
    def import_view(self) -> Any:
        if self.import_schema is None:
            abort(404)
        if request.method == "GET":
            return self._render_import()
        if request.content_length and request.content_length > self.import_max_bytes + 65536:
            return self._render_import(413, error=self._too_large())
        upload = request.files.get("file")
        if upload is None or not upload.filename:
            return self._render_import(400, error=gettext("Choose a .csv or .xlsx file to import."))
        data = upload.stream.read(self.import_max_bytes + 1)
        if len(data) > self.import_max_bytes:
            return self._render_import(413, error=self._too_large())
        filename = os.path.basename(upload.filename)
        try:
            self._check(filename, data)
        except imports.ImportRefused as exc:
            return self._render_import(400, error=str(exc), filename=filename)
        token = self._store(filename, data)
        return redirect(url_for(".import_preview_view", token=token))

    @expose("/import/<token>/", methods=("GET", "POST"))
    def import_preview_view(self, token: str) -> Any:
        if self.import_schema is None:
            abort(404)
        meta, data = self._load(token)
        filename = meta["filename"]
        try:
            checked = self._check(filename, data)
        except imports.ImportRefused as exc:
            self._forget(token)
            return self._render_import(400, error=str(exc), filename=filename)
        if request.method == "POST":
            if checked.ok:
                try:
                    count = imports.write(self.model, checked)
                except imports.ImportRefused as exc:
                    return self._render_import(400, error=str(exc), filename=filename,
                                               checked=checked, token=token, preview=self._preview(checked))
                self._forget(token)
                flash(gettext("%(n)s record(s) imported from %(file)s.", n=count, file=filename), "success")
                return redirect(self.get_url(".index_view"))
            return self._render_import(400, error=gettext("The file has errors; nothing was imported."),
                                       filename=filename, checked=checked, token=token,
                                       preview=self._preview(checked))
        return self._render_import(filename=filename, checked=checked, token=token,
                                   preview=self._preview(checked))

    def _preview(self, checked: imports.Checked) -> dict[str, Any]:
        fields_ = list(dict.fromkeys(checked.columns.values()))
        rows = []
        for number, data in checked.records[:self.import_preview_rows]:
            get = data.get if isinstance(data, dict) else (lambda k, d=data: getattr(d, k, None))
            rows.append((number, [_shown(get(f)) for f in fields_]))
        return {
            "fields": [(f, str(self._import_label(f))) for f in fields_],
            "mapping": [(checked.header[i], f, str(self._import_label(f))) for i, f in checked.columns.items()],
            "rows": rows,
            "total": len(checked.records) + len({e.row for e in checked.errors}),
            "bad_rows": len({e.row for e in checked.errors}),
            "errors": checked.errors[:200],
        }
