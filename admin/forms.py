"""How the admin screens build forms and read list arguments: relation
choices and ajax lookups limited to the current company, and every value
bounded by its column's type (:mod:`core.records.inputs`), for every plugin's screen
without code of its own."""
from __future__ import annotations

import datetime
import decimal
from typing import Any

from flask import request
from flask_admin.contrib.sqla.ajax import QueryAjaxModelLoader
from flask_admin.contrib.sqla.form import AdminModelConverter
from flask_babel import LazyString, gettext
from sqlalchemy.types import Boolean, Date, DateTime, Enum, Integer, Numeric, String, Text, TypeDecorator

from core.records import inputs, tenancy
from core.models import User


def _is_company_owned(model: type) -> bool:
    return hasattr(model, "company_id")


class ScopedAjaxLoader(QueryAjaxModelLoader):
    """Ajax relation lookups limited to the current company."""

    def get_query(self) -> Any:
        query = super().get_query()
        return query.filter(self.model.company_id == tenancy.require_company().id) \
            if _is_company_owned(self.model) else query

    def get_one(self, pk: Any) -> Any:
        # The pk comes from the form as text: PostgreSQL (psycopg 3) refuses
        # `integer = varchar`, so parse it (not an id: no record).
        pk = inputs.parse_id(pk)
        return None if pk is None else self.get_query().filter(self.model.id == pk).one_or_none()

    def get_list(self, term: str, offset: int = 0, limit: int = 10) -> Any:
        # ajax_lookup passes ?offset= and ?limit= as any int: bounded here.
        term = inputs.strip_controls(str(term or ""))[:inputs.SEARCH_MAX]
        return super().get_list(term, inputs.bounded_int(offset, 0, 0, inputs.OFFSET_MAX),
                                inputs.bounded_int(limit, 10, 1, inputs.LOOKUP_LIMIT_MAX))


def bound_list_args(args: Any) -> Any:
    """A list's ``ViewArgs`` with ``?page=``, ``?page_size=``, ``?sort=``
    and ``?desc=`` re-read by :mod:`core.records.inputs` (Flask-Admin reads them
    with ``int()``: any size, so an offset the database refuses, and unicode
    digits), the search term and filter values cut to
    :data:`core.records.inputs.SEARCH_MAX` characters without control characters.
    ``CompanyModelView`` applies it; any other ``ModelView`` can too::

        def _get_list_extra_args(self):
            return bound_list_args(super()._get_list_extra_args())
    """
    get = request.args.get
    args.page = inputs.bounded_int(get("page"), 0, 0, inputs.PAGE_MAX)
    args.page_size = inputs.bounded_int(get("page_size"), 0, 0, inputs.LOOKUP_LIMIT_MAX * 10)
    args.sort = inputs.parse_int(get("sort"), 0, 10_000)
    args.sort_desc = bool(inputs.parse_int(get("desc")))
    if args.search:
        args.search = inputs.strip_controls(args.search)[:inputs.SEARCH_MAX] or None
    if args.filters:
        args.filters = [(idx, name, inputs.strip_controls(value)[:inputs.SEARCH_MAX]
                         if isinstance(value, str) else value) for idx, name, value in args.filters]
    return args


class ColumnBounds:
    """Form validator: the value typed into the field of a number, date or
    datetime column is one the column can store and later pages can show
    (:mod:`core.records.inputs`): ASCII digits, a year within 1900–2199, a finite
    number within the column's range (``Integer`` 32 bits,
    ``Numeric(precision, scale)``). Added to every such field by
    :class:`ScopedModelConverter`; a value outside is a field error."""

    def __init__(self, column_type: Any) -> None:
        self.column_type = column_type

    def __call__(self, form: Any, field: Any) -> None:
        from wtforms.validators import StopValidation
        raw = field.raw_data[0] if getattr(field, "raw_data", None) else None
        if not inputs.is_ascii_number_text(raw):
            raise StopValidation(gettext("Write it with the digits 0-9."))
        value = field.data
        if value is None or isinstance(value, bool) or field.process_errors:
            return
        if isinstance(value, (datetime.date, datetime.datetime)):
            if not inputs.year_ok(value.year):
                raise StopValidation(gettext("Enter a date in the years %(min)s to %(max)s.",
                                             min=inputs.YEAR_MIN, max=inputs.YEAR_MAX))
        elif isinstance(value, int):
            lo, hi = inputs.int_range(self.column_type)
            if not lo <= value <= hi:
                raise StopValidation(gettext("Enter a whole number from %(min)s to %(max)s.", min=lo, max=hi))
        elif isinstance(value, (float, decimal.Decimal)) and not inputs.numeric_fits(value, self.column_type):
            limit = inputs.numeric_limit(self.column_type)
            raise StopValidation(gettext("Enter a number greater than -%(max)s and less than %(max)s.",
                                         max=limit))


class BoundedModelConverter(AdminModelConverter):
    """Every field of a number, date or datetime column is bounded
    (:class:`ColumnBounds`) and texts lose control characters
    (:func:`core.records.inputs.strip_controls`), whatever the view declares."""

    def convert(self, model: Any, mapper: Any, name: str, prop: Any, field_args: Any, hidden_pk: bool) -> Any:
        columns = getattr(prop, "columns", None)
        column = columns[0] if columns and len(columns) == 1 else None
        ctype = getattr(column, "type", None)
        if ctype is not None and not column.primary_key and not column.foreign_keys:
            base = ctype.impl_instance if isinstance(ctype, TypeDecorator) else ctype
            field_args = dict(field_args or {})
            if isinstance(base, (Date, DateTime, Integer, Numeric)) and not isinstance(base, Boolean):
                field_args["validators"] = [*(field_args.get("validators") or []), ColumnBounds(base)]
            elif isinstance(base, (String, Text)) and not isinstance(base, Enum):
                field_args["filters"] = [*(field_args.get("filters") or []), inputs.strip_controls]
        return super().convert(model, mapper, name, prop, field_args, hidden_pk)


def choose_text(what: Any) -> LazyString:
    """"Choose a customer" (请选择客户) for a relation labelled ``what``:
    what a picker's empty choice and placeholder say (Flask-Admin's own
    says "Please select model")."""
    return LazyString(lambda: gettext("Choose %(what)s", what=str(what)))


class ScopedModelConverter(BoundedModelConverter):
    """Relation dropdowns list only the current company's records; fields
    are bounded as :class:`BoundedModelConverter` bounds them."""

    def _model_select_field(self, prop: Any, multiple: Any, remote_model: type, **kwargs: Any) -> Any:
        # Ajax relations (form_ajax_refs) use the scoped ajax loader instead;
        # their fields take no query_factory.
        ajax = (getattr(self.view, "_form_ajax_refs", None) or {}).get(prop.key)
        if ajax is None and kwargs.get("allow_blank"):  # the empty choice says what to pick
            what = kwargs.get("label") or prop.key
            kwargs.setdefault("blank_text", choose_text(what))
            kwargs.setdefault("render_kw", {}).setdefault("data-placeholder", choose_text(what))
        if ajax is None and "query_factory" not in kwargs:
            if _is_company_owned(remote_model):  # not archived, not inactive, in the model's order
                kwargs["query_factory"] = lambda: tenancy.pickable(remote_model)
            elif remote_model is User:  # people pickers: the company's members only
                kwargs["query_factory"] = tenancy.company_members
        return super()._model_select_field(prop, multiple, remote_model, **kwargs)


def keep_current_choices(form: Any, record: Any) -> None:
    """Let each relation dropdown of ``record``'s edit form keep the value
    the record holds even when :func:`core.records.tenancy.pickable` no
    longer offers it (an archived category, an employee who left): the
    page still shows it, and saving another field does not fail with
    "Not a valid choice"."""
    for field in form:
        factory = getattr(field, "query_factory", None)
        current = getattr(record, field.name, None) if factory is not None else None
        if not current:
            continue
        held = list(current) if isinstance(current, (list, tuple, set)) else [current]

        def with_held(factory: Any = factory, held: list = held) -> list:
            offered = list(factory())
            return offered + [kept for kept in held if kept not in offered]
        field.query_factory = with_held
