"""Spreadsheet import (CSV and XLSX) of company-owned records, all or nothing.

A screen becomes importable by declaring ``import_schema`` (a marshmallow
schema) on its view; the admin shell (``admin/imports.py``) drives the
upload → preview → import flow and this module does the work, with no
Flask-Admin in it so scripts can use it too:

* :func:`read_table` turns an uploaded file into a header and data rows,
  refusing wrong file types, empty files and files over the row cap; an
  XLSX file is read without XML entities (a DTD in any part refuses the
  file, and openpyxl parses through defusedxml), and any failure to read it,
  at opening or while its rows are read, is a file error, never a crash;
* :func:`map_columns` matches the header to the schema's fields (field name,
  ``data_key`` or label, case-insensitive) and refuses unknown, duplicate,
  missing required and system columns (``company_id`` above all: the company
  is always the current one, stamped by core);
* :func:`validate` loads every row through the schema and collects the errors
  with their spreadsheet row numbers (the header is row 1);
* :func:`write` adds the records in chunks inside one transaction and commits
  once: any failure rolls everything back. ``company_id``, stamps and audit
  entries come from :mod:`core.records`, as for any other insert.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import logging
import zipfile
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable

from flask_babel import gettext
from marshmallow import Schema, ValidationError, fields, pre_load

from core import tenancy
from core.errors import ForeignRecord
from core.extensions import db
from core.records import SYSTEM_COLUMNS

log = logging.getLogger(__name__)

SUFFIXES = (".csv", ".xlsx")
# Columns no file may set: the company, the stamps, the version, the archive flag.
FORBIDDEN_COLUMNS = frozenset((*SYSTEM_COLUMNS, "archived_at", "company"))
# A cell starting with one of these (after any leading spaces) is a formula
# to some spreadsheet program: Excel and LibreOffice take the full-width signs
# of Chinese and Japanese input methods as formula signs too.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")
CHUNK_SIZE = 200
MAX_UNPACKED = 100 * 1024 * 1024  # bytes an .xlsx may unpack to
MAX_COLUMNS = 256                  # columns a sheet may have (no import has nearly as many)
MAX_SHEET_ROWS = 1_048_576         # Excel's last row: a workbook claiming more is not one
# A document type declaration, which is where XML entities are declared. No
# part of a workbook written by a spreadsheet program has one.
_DTD_MARKERS = tuple(marker.encode(encoding) for marker in ("<!DOCTYPE", "<!ENTITY")
                     for encoding in ("utf-8", "utf-16-le", "utf-16-be"))


class ImportRefused(ValueError):
    """The whole file is refused (message for the user); nothing was written."""


@dataclass
class RowError:
    row: int            # spreadsheet row number, header = 1
    column: str         # the column as written in the file ("" for the whole row)
    field: str          # the schema field
    message: str


@dataclass
class Table:
    header: list[str]
    rows: list[tuple[int, list[str]]]   # (spreadsheet row number, cells as text)


@dataclass
class Checked:
    """The outcome of :func:`check`: what would be imported, or why not."""

    columns: dict[int, str]                    # column index → schema field name
    header: list[str]
    records: list[tuple[int, dict[str, Any]]] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


# --- reading ------------------------------------------------------------------
def _text(value: Any) -> str:
    """A cell value as the text a user typed (for CSV and XLSX alike)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    return str(value).strip()


def formula_like(text: str) -> bool:
    """Whether an export must prefix ``text`` with ``'`` so that spreadsheets
    show it as text: it starts, at once or after leading spaces, with a sign
    of :data:`FORMULA_STARTS`; or it is such a text already prefixed (so that
    :func:`_unneutralise` gives back exactly what was exported)."""
    text = text.lstrip("'")
    return text[:1] in FORMULA_STARTS or text.lstrip()[:1] in FORMULA_STARTS


def _unneutralise(value: str) -> str:
    # An exported cell "'=x" (made safe for spreadsheets) comes back as "=x".
    if value[:1] == "'" and formula_like(value[1:]):
        return value[1:]
    return value


def _blank(cells: Any) -> bool:
    """No cell holds anything (counted in C: a sheet's gaps come as up to a
    million rows padded to :data:`MAX_COLUMNS` cells)."""
    if not isinstance(cells, (list, tuple)):
        cells = list(cells)
    empty = cells.count(None)
    return empty == len(cells) or empty + cells.count("") == len(cells)


def _decode(data: bytes) -> str:
    if b"\x00" in data[:4096]:
        raise ImportRefused(gettext("The file is not a CSV text file. Upload a .csv or .xlsx file."))
    for encoding in ("utf-8-sig", "gb18030"):  # Excel in China saves CSV as GBK
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ImportRefused(gettext("The CSV file is neither UTF-8 nor GBK text. Save it as \"CSV UTF-8\"."))


def _csv_rows(data: bytes) -> Iterable[list[Any]]:
    text = _decode(data)
    # The delimiter is the one the header line uses most (Excel writes ";"
    # in some locales, tab for "Unicode text"); "," by default.
    first = text.split("\n", 1)[0]
    delimiter = max(",;\t", key=lambda d: (first.count(d), d == ","))
    return csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)


def _not_a_workbook() -> ImportRefused:
    return ImportRefused(gettext("The file is not a valid .xlsx workbook."))


def _entities_refused() -> ImportRefused:
    return ImportRefused(gettext(
        "The workbook declares XML entities or a document type, which spreadsheet programs never "
        "write; it is refused for safety. Save it again from your spreadsheet program, or as CSV."))


def _declares_entities(archive: zipfile.ZipFile) -> bool:
    """Whether any part of ``archive`` holds a DTD (in UTF-8 or UTF-16).

    Every part is looked at, whatever its name: the workbook's relations may
    point anywhere. This lock does not depend on how openpyxl parses; the
    second one (defusedxml in openpyxl, see :func:`_xlsx_rows`) catches what
    a byte scan cannot (an exotic encoding)."""
    overlap = max(len(m) for m in _DTD_MARKERS)
    for info in archive.infolist():
        with archive.open(info) as part:
            tail = b""
            while chunk := part.read(1 << 20):
                window = tail + chunk
                if any(marker in window for marker in _DTD_MARKERS):
                    return True
                tail = window[-overlap:]
    return False


def _defused() -> bool:
    """Whether openpyxl parses with entity expansion off (defusedxml, or lxml
    with ``resolve_entities=False`` for whole parts): openpyxl chooses at import
    time, from what is installed and OPENPYXL_DEFUSEDXML."""
    from openpyxl.xml import functions
    return functions.iterparse.__module__.startswith("defusedxml") and (
        functions.fromstring.__module__.startswith("defusedxml")
        or getattr(functions, "safe_parser", None) is not None)


def _xlsx_rows(data: bytes) -> Iterable[tuple[Any, ...]]:
    """The rows of the first sheet; :class:`ImportRefused` for any file that
    cannot be read, when opened or (openpyxl reads lazily) while rows are read."""
    from defusedxml import DefusedXmlException
    import openpyxl
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
            if unpacked > MAX_UNPACKED:
                # A small upload that unpacks to hundreds of MB (a zip bomb).
                raise ImportRefused(gettext("The workbook is too large once unpacked; save it as CSV or split it."))
            if _declares_entities(archive):
                raise _entities_refused()
    except ImportRefused:
        raise
    except Exception as exc:  # a bad zip: headers, CRC, compression, encryption...
        log.info("XLSX upload refused: %s: %s", type(exc).__name__, exc)
        raise _not_a_workbook() from exc
    if not _defused():
        log.error("openpyxl does not parse with defusedxml; XLSX imports are refused")
        raise _entities_refused()
    book = None
    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        if not book.worksheets:
            # Every workbook has a sheet; openpyxl skips those whose part is missing.
            raise _not_a_workbook()
        sheet = book.worksheets[0]
        # The size a sheet claims is not trusted: openpyxl would pad every row
        # to it (a forged "A1:XFD1048576" makes millions of cells).
        sheet.reset_dimensions()
        for number, row in enumerate(sheet.iter_rows(max_col=MAX_COLUMNS + 1, values_only=True), start=1):
            if number > MAX_SHEET_ROWS:
                raise _not_a_workbook()
            yield row
    except ImportRefused:
        raise
    except Exception as exc:  # any damage openpyxl meets: XML, zip, values, parts
        cause: BaseException | None = exc
        seen: set[int] = set()
        while cause is not None and id(cause) not in seen:  # openpyxl re-raises as a bare ValueError
            if isinstance(cause, DefusedXmlException):
                log.info("XLSX upload refused: %s", cause)
                raise _entities_refused() from exc
            seen.add(id(cause))
            cause = cause.__cause__ or cause.__context__
        log.info("XLSX upload refused: %s: %s", type(exc).__name__, exc)
        raise _not_a_workbook() from exc
    finally:
        if book is not None:
            book.close()


def read_table(filename: str, data: bytes, max_rows: int) -> Table:
    """The header and the non-blank data rows of the first sheet of ``data``."""
    name = (filename or "").lower()
    if name.endswith(".xls"):
        raise ImportRefused(gettext("Old .xls workbooks are not supported: save the file as .xlsx or CSV."))
    if not name.endswith(SUFFIXES):
        raise ImportRefused(gettext("Wrong file type: upload a .csv or .xlsx file."))
    if not data.strip():
        raise ImportRefused(gettext("The file is empty."))
    if name.endswith(".xlsx"):
        if not data.startswith(b"PK"):
            raise _not_a_workbook()
        source = _xlsx_rows(data)
    else:
        source = _csv_rows(data)
    header: list[str] | None = None
    rows: list[tuple[int, list[str]]] = []
    try:
        for number, raw in enumerate(source, start=1):
            if _blank(raw):
                if header is None:
                    raise ImportRefused(gettext("The first row must hold the column names."))
                continue  # blank lines are skipped, row numbers stay right
            cells = list(raw)
            while cells and (cells[-1] is None or cells[-1] == ""):
                cells.pop()  # a sheet's rows come padded to its width
            cells = [_text(c) for c in cells]
            if header is None:
                if not any(cells):
                    raise ImportRefused(gettext("The first row must hold the column names."))
                if len(cells) > MAX_COLUMNS:
                    raise ImportRefused(gettext(
                        "The sheet has more than %(max)s columns; keep only the columns to import.",
                        max=MAX_COLUMNS))
                header = cells
                continue
            if not any(cells):
                continue
            rows.append((number, [_unneutralise(c) for c in cells]))
            if len(rows) > max_rows:
                raise ImportRefused(gettext(
                    "The file has more than %(max)s rows; import at most %(max)s rows at a time "
                    "(split the file).", max=max_rows))
    except csv.Error as exc:
        raise ImportRefused(gettext("The CSV file cannot be read: %(error)s", error=str(exc))) from exc
    if header is None:
        raise ImportRefused(gettext("The file is empty."))
    if not rows:
        raise ImportRefused(gettext("The file has column names but no data rows."))
    while header and not header[-1]:
        header.pop()
    return Table(header, rows)


# --- mapping ------------------------------------------------------------------
def field_label(name: str, schema_field: fields.Field, label_for: Callable[[str], Any] | None) -> str:
    label = schema_field.metadata.get("label")
    if label is None and label_for is not None:
        label = label_for(name)
    return str(label) if label is not None else name


def map_columns(header: list[str], schema: Schema,
                label_for: Callable[[str], Any] | None = None) -> dict[int, str]:
    """Column index → schema field name; :class:`ImportRefused` on a bad header."""
    names: dict[str, str] = {}
    for name, f in schema.load_fields.items():
        for alias in (name, f.data_key, f.metadata.get("label"), label_for(name) if label_for else None):
            if alias is not None and str(alias).strip():
                names.setdefault(str(alias).strip().casefold(), name)
    columns: dict[int, str] = {}
    unknown, forbidden, seen = [], [], {}
    for index, title in enumerate(header):
        key = title.strip().casefold()
        if not key:
            continue
        if key in FORBIDDEN_COLUMNS or key.replace(" ", "_") in FORBIDDEN_COLUMNS:
            forbidden.append(title)
        elif key in names:
            target = names[key]
            if target in seen:
                raise ImportRefused(gettext("Columns \"%(a)s\" and \"%(b)s\" both fill the field %(field)s.",
                                            a=seen[target], b=title, field=target))
            seen[target] = title
            columns[index] = target
        else:
            unknown.append(title)
    if forbidden:
        raise ImportRefused(gettext(
            "The file has the column(s) %(columns)s, which no import may set: records are always "
            "imported into the current company, and core fills these values. Remove the column(s).",
            columns=", ".join(forbidden)))
    if unknown:
        expected = ", ".join(field_label(n, f, label_for) for n, f in schema.load_fields.items())
        raise ImportRefused(gettext("Unknown column(s): %(columns)s. The columns are: %(expected)s.",
                                    columns=", ".join(unknown), expected=expected))
    missing = [field_label(n, f, label_for) for n, f in schema.load_fields.items()
               if f.required and n not in columns.values()]
    if missing:
        raise ImportRefused(gettext("Required column(s) missing: %(columns)s.", columns=", ".join(missing)))
    return columns


# --- validating and writing ---------------------------------------------------
def _messages(errors: Any) -> list[str]:
    if isinstance(errors, dict):
        return [m for v in errors.values() for m in _messages(v)]
    if isinstance(errors, (list, tuple)):
        return [m for v in errors for m in _messages(v)]
    return [str(errors)]


def check(table: Table, schema: Schema, label_for: Callable[[str], Any] | None = None) -> Checked:
    """Map the columns and load every row; errors carry spreadsheet row numbers."""
    columns = map_columns(table.header, schema, label_for)
    by_field = {target: table.header[i] for i, target in columns.items()}
    checked = Checked(columns=columns, header=table.header)
    for number, cells in table.rows:
        raw = {}
        for index, target in columns.items():
            value = cells[index] if index < len(cells) else ""
            if value != "":
                key = schema.load_fields[target].data_key or target
                raw[key] = value
        try:
            checked.records.append((number, schema.load(raw)))
        except ValidationError as exc:
            messages = exc.messages if isinstance(exc.messages, dict) else {"_schema": exc.messages}
            for key, errors in messages.items():
                target = next((n for n, f in schema.load_fields.items() if (f.data_key or n) == key), key)
                for message in _messages(errors):
                    checked.errors.append(RowError(number, by_field.get(target, ""),
                                                   "" if target == "_schema" else target, message))
    return checked


def write(model: type, checked: Checked, progress: Callable[[int, int], None] | None = None) -> int:
    """Insert every checked record in one transaction; all or nothing.

    Records are flushed in chunks of :data:`CHUNK_SIZE` (``progress(done,
    total)`` after each); a database error on any row rolls back every row
    and raises :class:`ImportRefused` naming the chunk's rows.
    """
    if not checked.ok:
        raise ImportRefused(gettext("The file has errors; nothing was imported."))
    tenancy.require_company()
    total = len(checked.records)
    done = 0
    try:
        for start in range(0, total, CHUNK_SIZE):
            chunk = checked.records[start:start + CHUNK_SIZE]
            for _number, data in chunk:
                record = data if isinstance(data, model) else model(**data)
                if getattr(record, "company_id", None) is not None:
                    raise ImportRefused(gettext("An import cannot choose the company of a record."))
                db.session.add(record)
            try:
                db.session.flush()
            except ForeignRecord as exc:
                raise ImportRefused(gettext(
                    "Rows %(first)s–%(last)s point at a record this company does not have (%(field)s); "
                    "nothing was imported.", first=chunk[0][0], last=chunk[-1][0], field=exc.field)) from exc
            except Exception as exc:
                # The database's own words (tables, values) go to the log only.
                log.error("import into %s: rows %s-%s refused", model.__tablename__, chunk[0][0],
                          chunk[-1][0], exc_info=exc)
                raise ImportRefused(gettext(
                    "Rows %(first)s–%(last)s could not be saved: the database refused them (a value "
                    "already used, out of range, or missing); nothing was imported.",
                    first=chunk[0][0], last=chunk[-1][0])) from exc
            done += len(chunk)
            if progress:
                progress(done, total)
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise
    return done


# --- fields for import schemas --------------------------------------------------
class RowSchema(Schema):
    """Base of import schemas: an empty cell means "not given", so the
    field's default (``load_default``) applies instead of an empty string."""

    @pre_load
    def _blanks_are_missing(self, data: Any, **kwargs: Any) -> Any:
        return {k: v for k, v in data.items() if not (isinstance(v, str) and not v.strip())}


#: Cell texts read as yes / no (English and Chinese).
YES_WORDS = frozenset({"true", "True", "TRUE", "1", "yes", "y", "Y", "是"})
NO_WORDS = frozenset({"false", "False", "FALSE", "0", "no", "n", "N", "否", ""})


class YesNo(fields.Boolean):
    """A yes/no cell: ``是``/``否``, ``yes``/``no``, ``1``/``0``, ``true``/``false``."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(truthy=set(YES_WORDS), falsy=set(NO_WORDS), **kwargs)


class ChoiceCell(fields.String):
    """A coded value (:mod:`core.choices`) given as its code (``urban``) or
    either label (``城镇``, ``Urban``, any case); loads the code."""

    def __init__(self, values: Any, **kwargs: Any) -> None:
        self.lookup = {code: code for code in values}
        for code, (zh, en) in values.items():
            self.lookup[zh] = code
            self.lookup[en.lower()] = code
        super().__init__(**kwargs)

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> Any:
        text = super()._deserialize(value, attr, data, **kwargs).strip()
        if not text and self.allow_none:
            return None
        code = self.lookup.get(text) or self.lookup.get(text.lower())
        if code is None:
            raise ValidationError(f"Unknown value {text!r}; one of: {', '.join(self.lookup)}")
        return code


class LocalDateTime(fields.Field):
    """``2026-10-08 09:30`` (or ``2026-10-08T09:30:00``, or a date alone:
    midnight) as a naive local date-time, like the times on the screens."""

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> Any:
        text = str(value).strip()
        try:
            return dt.datetime.fromisoformat(text).replace(tzinfo=None)
        except ValueError:
            raise ValidationError(gettext("Not a date and time: %(value)s (write 2026-10-08 09:30).",
                                          value=text)) from None


class CompanyRecord(fields.Field):
    """A related record of the current company, given by a column value
    (``CompanyRecord(Tag, by="name")``): unknown names are a row error, and
    another company's records are never found."""

    def __init__(self, model: type, by: str = "name", **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.model, self.by = model, by
        self._cache: dict[tuple[Any, str], Any] = {}

    def _bind_to_schema(self, field_name: str, parent: Any) -> None:
        # Each schema instance (one per upload check) gets its own copy of the
        # field, but a shallow one: without a fresh cache, records found for
        # one company and one session would be reused by every later import.
        super()._bind_to_schema(field_name, parent)
        self._cache = {}

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> Any:
        company = tenancy.require_company()
        key = (company.id, str(value).strip())
        if key not in self._cache:
            self._cache[key] = tenancy.scoped_query(self.model).filter(
                getattr(self.model, self.by) == key[1]).first()
        if self._cache[key] is None:
            raise ValidationError(gettext("No %(what)s \"%(value)s\" in this company.",
                                          what=self.metadata.get("what", self.by), value=key[1]))
        return self._cache[key]

    def _serialize(self, value: Any, attr: Any, obj: Any, **kwargs: Any) -> Any:
        return None if value is None else getattr(value, self.by)
