"""Marshmallow schemas of the CRM (the Import tab of the customer list;
the API to come)."""
from marshmallow import Schema, ValidationError, fields, pre_load, validate, validates

from .models import KINDS, MARKET_TYPES

TRUTHY = {"true", "True", "TRUE", "1", "yes", "y", "是", "Y"}
FALSY = {"false", "False", "FALSE", "0", "no", "n", "否", "N", ""}


def _code_of(values: dict):
    """Accept a stored code (``urban``) or its Chinese/English label (``城镇``)."""
    lookup = {code: code for code in values}
    for code, (zh, en) in values.items():
        lookup[zh] = code
        lookup[en.lower()] = code
    return lookup


class ChoiceField(fields.String):
    def __init__(self, values: dict, **kwargs):
        self.lookup = _code_of(values)
        super().__init__(**kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs).strip()
        if not text and self.allow_none:
            return None
        code = self.lookup.get(text) or self.lookup.get(text.lower())
        if code is None:
            raise ValidationError(f"Unknown value {text!r}; one of: {', '.join(self.lookup)}")
        return code


class CustomerSchema(Schema):
    """One customer per row. The code must be new in the current company
    (the unique constraint refuses duplicates in the whole file)."""

    code = fields.String(required=True, validate=validate.Length(min=1, max=40),
                         metadata={"label": "客户编码 / Code"})
    name = fields.String(required=True, validate=validate.Length(min=1, max=200),
                         metadata={"label": "客户名称 / Name"})
    short_name = fields.String(load_default=None, validate=validate.Length(max=60))
    kind = ChoiceField(KINDS, load_default="organisation")
    province = fields.String(load_default=None, validate=validate.Length(max=50))
    city = fields.String(load_default=None, validate=validate.Length(max=50))
    address = fields.String(load_default=None, validate=validate.Length(max=300))
    phone = fields.String(load_default=None, validate=validate.Length(max=50))
    email = fields.Email(load_default=None, allow_none=True)
    business_format = fields.String(load_default=None, validate=validate.Length(max=50))
    market_type = ChoiceField(MARKET_TYPES, load_default=None, allow_none=True)
    is_key = fields.Boolean(load_default=False, truthy=TRUTHY, falsy=FALSY)
    notes = fields.String(load_default=None)

    @pre_load
    def _blanks_are_missing(self, data, **kwargs):
        # An empty cell means "not given": the field's default applies.
        return {k: v for k, v in data.items() if not (isinstance(v, str) and not v.strip())}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # One schema instance checks a whole file (core.imports.check): a
        # code met on an earlier row is a duplicate within the file.
        self._codes_seen: set[str] = set()

    @validates("code")
    def _code_is_new(self, value, **kwargs):
        from core.tenancy import scoped_query
        from .models import Customer
        code = value.strip()
        if code in self._codes_seen:
            raise ValidationError(f"Customer code {code!r} appears more than once in the file.")
        self._codes_seen.add(code)
        if scoped_query(Customer).filter(Customer.code == code).first() is not None:
            raise ValidationError(f"Customer code {code!r} already exists.")
