"""Mapping a table's columns to a schema, checking every row (with its
spreadsheet row number) and writing them all or nothing."""
from __future__ import annotations

import logging
from typing import Any, Callable

from flask_babel import gettext
from marshmallow import Schema, ValidationError, fields

from core.records import tenancy
from core.errors import ForeignRecord
from core.extensions import db

log = logging.getLogger("core.imports")
from core.imports.files import FORBIDDEN_COLUMNS, Checked, ImportRefused, RowError, Table

#: Rows added per flush while writing (one transaction for the whole file).
CHUNK_SIZE = 200


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
