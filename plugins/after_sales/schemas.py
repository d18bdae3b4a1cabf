"""Marshmallow schemas of the after-sales imports (the Import tab of the
product and unit lists): bring in a product catalogue and the 销售台账."""
from __future__ import annotations

from flask_babel import gettext
from marshmallow import ValidationError, fields, post_load, validate, validates

from core.imports import ChoiceCell, CompanyRecord, RowSchema
from core.records.inputs import YEAR_MAX, YEAR_MIN

from .models import WARRANTY_BASES, Product, UnitSold


class DateCell(fields.Date):
    """A date ``2023-03-15`` within the years every screen accepts (1900–2199)."""

    def _deserialize(self, value, attr, data, **kwargs):
        day = super()._deserialize(value, attr, data, **kwargs)
        if not YEAR_MIN <= day.year <= YEAR_MAX:
            raise ValidationError(gettext("Give a date between the years %(lo)s and %(hi)s.", lo=YEAR_MIN, hi=YEAR_MAX))
        return day


class ProductSchema(RowSchema):
    """One product per row; its model 型号 must be new in the company (and in
    the file). An empty warranty period means the company's setting."""

    model = fields.String(required=True, validate=validate.Length(min=1, max=60),
                          metadata={"label": "型号 / Model"})
    name = fields.String(required=True, validate=validate.Length(min=1, max=200),
                         metadata={"label": "产品名称 / Name"})
    spec = fields.String(load_default=None, validate=validate.Length(max=200), metadata={"label": "规格 / Spec"})
    warranty_months = fields.Integer(load_default=None, allow_none=True, strict=False,
                                     validate=validate.Range(min=1, max=120),
                                     metadata={"label": "三包期（月） / Warranty months"})
    warranty_basis = ChoiceCell(WARRANTY_BASES, load_default="sale",
                                metadata={"label": "三包起算 / Warranty from"})
    notes = fields.String(load_default=None)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._seen: set[str] = set()

    @validates("model")
    def _model_is_new(self, value, **kwargs):
        from core.records.tenancy import scoped_query
        model = value.strip()
        if model in self._seen:
            raise ValidationError(gettext("Model %(model)s appears more than once in the file.", model=model))
        self._seen.add(model)
        if scoped_query(Product).filter(Product.model == model).first() is not None:
            raise ValidationError(gettext("Model %(model)s already exists.", model=model))

    @post_load
    def _strip(self, data, **kwargs):
        data["model"] = data["model"].strip()
        return data


class UnitSoldSchema(RowSchema):
    """One unit (出厂编号) or lot (批号 with its quantity) per row; the
    customer by its code, the product by its model. A serial must be new for
    its product in the company (and in the file)."""

    customer = CompanyRecord("crm.customer", by="code", required=True,
                             metadata={"label": "客户编码 / Customer code", "what": "customer code"})
    product = CompanyRecord(Product, by="model", required=True,
                            metadata={"label": "型号 / Model", "what": "product model"})
    serial = fields.String(required=True, validate=validate.Length(min=1, max=60),
                           metadata={"label": "出厂编号/批号 / Serial or lot"})
    quantity = fields.Integer(load_default=1, strict=False, validate=validate.Range(min=1, max=1_000_000),
                              metadata={"label": "数量 / Quantity"})
    sale_date = DateCell(required=True, metadata={"label": "销售（开票）日期 / Sale date"})
    invoice_no = fields.String(load_default=None, validate=validate.Length(max=60),
                               metadata={"label": "发票号 / Invoice No."})
    delivery_date = DateCell(load_default=None, allow_none=True, metadata={"label": "交付日期 / Delivery date"})
    installation_date = DateCell(load_default=None, allow_none=True,
                                 metadata={"label": "安装日期 / Installation date"})
    notes = fields.String(load_default=None)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._seen: set[tuple[int, str]] = set()

    @post_load
    def _serial_is_new(self, data, **kwargs):
        from core.records.tenancy import scoped_query
        data["serial"] = data["serial"].strip()
        product = data["product"]
        key = (product.id, data["serial"])
        if key in self._seen:
            raise ValidationError(gettext("Serial %(serial)s of %(model)s appears more than once in the file.",
                                          serial=key[1], model=product.model), "serial")
        self._seen.add(key)
        if scoped_query(UnitSold).filter(UnitSold.product_id == key[0], UnitSold.serial == key[1]).first():
            raise ValidationError(gettext("Serial %(serial)s of %(model)s already exists.",
                                          serial=key[1], model=product.model), "serial")
        from .rules import date_order_error
        problem = date_order_error(data["sale_date"], data.get("delivery_date"), data.get("installation_date"))
        if problem:
            raise ValidationError(problem[1], problem[0])
        return data
