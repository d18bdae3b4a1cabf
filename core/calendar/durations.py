"""Durations between two date-time columns, in SQL, on every database
qdesk runs on: an average handling time (received → resolved) is one
``AVG`` in the database, never a loop over rows in Python.

    select(func.avg(hours_between(WorkOrder.received_at, WorkOrder.resolved_at)))

Both columns must hold the same kind of time (both company-local, or both
UTC stamps); the result is a floating-point number of hours, negative when
``end`` is before ``start``, NULL when either is NULL.
"""
from __future__ import annotations

from typing import Any

from sqlalchemy import Float
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.expression import FunctionElement

__all__ = ["hours_between"]


class hours_between(FunctionElement):  # noqa: N801 - used like a SQL function
    """``hours_between(start, end)``: hours from ``start`` to ``end`` (a SQL
    expression): ``(julianday(end) - julianday(start)) * 24`` on SQLite,
    ``EXTRACT(EPOCH FROM end - start) / 3600`` on PostgreSQL."""

    type = Float()
    name = "hours_between"
    inherit_cache = True


@compiles(hours_between)
def _hours_default(element: hours_between, compiler: Any, **kw: Any) -> str:
    start, end = list(element.clauses)
    return (f"(EXTRACT(EPOCH FROM ({compiler.process(end, **kw)} - {compiler.process(start, **kw)}))"
            " / 3600.0)")


@compiles(hours_between, "sqlite")
def _hours_sqlite(element: hours_between, compiler: Any, **kw: Any) -> str:
    start, end = list(element.clauses)
    return f"((julianday({compiler.process(end, **kw)}) - julianday({compiler.process(start, **kw)})) * 24.0)"
