"""Marshmallow schemas of the CRM (the Import tab of the customer list;
the API to come)."""
from flask_babel import gettext
from marshmallow import ValidationError, fields, post_load, validate, validates

from core.imports import ChoiceCell, CompanyRecord, LocalDateTime, RowSchema, YesNo

from .models import CHANNELS, DIRECTIONS, KINDS, MARKET_TYPES, Customer


class CustomerSchema(RowSchema):
    """One customer per row. A code given must be new in the current
    company (the unique constraint refuses duplicates in the whole file); an
    empty cell (or no code column) gets the next code of the company's
    sequence ``crm.customer``."""

    code = fields.String(load_default=None, validate=validate.Length(min=1, max=40),
                         metadata={"label": "客户编码 / Code"})
    name = fields.String(required=True, validate=validate.Length(min=1, max=200),
                         metadata={"label": "客户名称 / Name"})
    short_name = fields.String(load_default=None, validate=validate.Length(max=60))
    kind = ChoiceCell(KINDS, load_default="organisation")
    province = fields.String(load_default=None, validate=validate.Length(max=50))
    city = fields.String(load_default=None, validate=validate.Length(max=50))
    address = fields.String(load_default=None, validate=validate.Length(max=300))
    phone = fields.String(load_default=None, validate=validate.Length(max=50))
    email = fields.Email(load_default=None, allow_none=True)
    business_format = fields.String(load_default=None, validate=validate.Length(max=50))
    market_type = ChoiceCell(MARKET_TYPES, load_default=None, allow_none=True)
    is_key = YesNo(load_default=False)
    notes = fields.String(load_default=None)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # One schema instance checks a whole file (core.imports.check): a
        # code met on an earlier row is a duplicate within the file.
        self._codes_seen: set[str] = set()

    @validates("code")
    def _code_is_new(self, value, **kwargs):
        from core.records.tenancy import scoped_query
        if value is None:  # no code: the next one of the sequence
            return
        code = value.strip()
        if code in self._codes_seen:
            raise ValidationError(f"Customer code {code!r} appears more than once in the file.")
        self._codes_seen.add(code)
        if scoped_query(Customer).filter(Customer.code == code).first() is not None:
            raise ValidationError(f"Customer code {code!r} already exists.")


class PurchaseFigureSchema(RowSchema):
    """One customer's purchases in one period per row (the Import tab of
    Purchase figures). The customer is given by its code."""

    customer = CompanyRecord(Customer, by="code", required=True,
                             metadata={"label": "客户编码 / Customer code", "what": "customer code"})
    period = fields.String(required=True, metadata={"label": "期间 / Period"})
    quantity = fields.Decimal(required=True, places=2, validate=validate.Range(min=0),
                              metadata={"label": "购进数量 / Quantity"})
    amount = fields.Decimal(required=True, places=2, validate=validate.Range(min=0),
                            metadata={"label": "购进金额 / Amount"})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._seen: set[tuple[int, str]] = set()

    @validates("period")
    def _period_is_known(self, value, **kwargs):
        from .periods import parse_period
        from .services import period_error
        try:
            parse_period(value.strip().upper())
        except ValueError:
            raise ValidationError(period_error(value)) from None

    @post_load
    def _one_figure_per_customer_and_period(self, data, **kwargs):
        from core.records.tenancy import scoped_query
        from .models import PurchaseFigure
        data["period"] = data["period"].strip().upper()
        key = (data["customer"].id, data["period"])
        if key in self._seen:
            raise ValidationError(gettext("%(code)s already has a figure for %(period)s in this file.",
                                          code=data["customer"].code, period=key[1]), "period")
        self._seen.add(key)
        exists = scoped_query(PurchaseFigure).filter(PurchaseFigure.customer_id == key[0],
                                                     PurchaseFigure.period == key[1]).first()
        if exists is not None:
            raise ValidationError(gettext("%(code)s already has a figure for %(period)s; edit it on the list instead.",
                                          code=data["customer"].code, period=key[1]), "period")
        return data


class ContactLogSchema(RowSchema):
    """One contact-log entry per row (the Import tab of the contact log, to
    bring in a paper or spreadsheet register). There is no number column
    (a file with one is refused): each entry gets the next 登记编号 of the
    sequence. Nor are there reply-due, replied-at or state columns: core
    counts the reply due time, and an entry is answered through its
    workflow, as on the screen."""

    customer = CompanyRecord(Customer, by="code", required=True,
                             metadata={"label": "客户编码 / Customer code", "what": "customer code"})
    occurred_at = LocalDateTime(required=True, metadata={"label": "发生时间 / Occurred at"})
    channel = ChoiceCell(CHANNELS, load_default="phone")
    direction = ChoiceCell(DIRECTIONS, load_default="in")
    subject = fields.String(required=True, validate=validate.Length(min=1, max=200))
    content = fields.String(load_default=None)
