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
* :func:`check` loads every row through the schema and collects the errors
  with their spreadsheet row numbers (the header is row 1);
* :func:`write` adds the records in chunks inside one transaction and commits
  once: any failure rolls everything back. ``company_id``, stamps and audit
  entries come from :mod:`core.records`, as for any other insert.

The parts: :mod:`core.imports.files` (reading), :mod:`core.imports.rows`
(mapping, checking, writing), :mod:`core.imports.cells` (schema fields).
"""
from core.imports.files import (FORBIDDEN_COLUMNS, FORMULA_STARTS, MAX_COLUMNS, MAX_SHEET_ROWS, MAX_UNPACKED,
                                SUFFIXES, Checked, ImportRefused, RowError, Table, formula_like, read_table)
from core.imports.rows import CHUNK_SIZE, check, field_label, map_columns, write
from core.imports.cells import NO_WORDS, YES_WORDS, ChoiceCell, CompanyRecord, LocalDateTime, RowSchema, YesNo

__all__ = ["FORBIDDEN_COLUMNS", "FORMULA_STARTS", "MAX_COLUMNS", "MAX_SHEET_ROWS", "MAX_UNPACKED", "SUFFIXES",
           "Checked", "ImportRefused", "RowError", "Table", "formula_like", "read_table", "CHUNK_SIZE", "check",
           "field_label", "map_columns", "write", "NO_WORDS", "YES_WORDS", "ChoiceCell", "CompanyRecord",
           "LocalDateTime", "RowSchema", "YesNo"]
