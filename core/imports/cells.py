"""The marshmallow fields of import schemas: yes/no, coded choices,
company-local date-times, records of the current company by code."""
from __future__ import annotations

import datetime as dt
from typing import Any

from flask_babel import gettext
from marshmallow import Schema, ValidationError, fields, pre_load

from core.records import tenancy



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
    """A coded value (:mod:`core.records.choices`) given as its code (``urban``) or
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
    another company's records are never found.

    ``model`` may be an entity key (``CompanyRecord("crm.customer",
    by="code")``), resolved through core when the first row is read: a
    plugin names another plugin's records without importing its models."""

    def __init__(self, model: type | str, by: str = "name", **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._model, self.by = model, by
        self._cache: dict[tuple[Any, str], Any] = {}

    @property
    def model(self) -> type:
        """The model of the related records (an entity key resolved through core)."""
        if isinstance(self._model, str):
            from core.records.entities import EntityRegistry
            entity = EntityRegistry.current().by_key.get(self._model)
            if entity is None:
                raise KeyError(f"CompanyRecord: no entity {self._model!r}")
            return entity.model
        return self._model

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
