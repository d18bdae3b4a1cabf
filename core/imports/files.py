"""Reading an uploaded file (CSV or XLSX) into a header and rows, safely:
file types, sizes, row caps, no XML entities, every read failure a file error."""
from __future__ import annotations

import csv
import datetime as dt
import io
import logging
import zipfile
from dataclasses import dataclass, field
from typing import Any, Iterable

from flask_babel import gettext

from core.records import SYSTEM_COLUMNS

log = logging.getLogger("core.imports")



SUFFIXES = (".csv", ".xlsx")
# Columns no file may set: the company, the stamps, the version, the archive flag.
FORBIDDEN_COLUMNS = frozenset((*SYSTEM_COLUMNS, "archived_at", "company"))
# A cell starting with one of these (after any leading spaces) is a formula
# to some spreadsheet program: Excel and LibreOffice take the full-width signs
# of Chinese and Japanese input methods as formula signs too.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")
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
