"""Screens of the product catalogue and of the units sold (销售台账)."""
from __future__ import annotations

from flask_babel import format_date, gettext, lazy_gettext as _l

from admin.choices import choice_options, label_formatter
from admin.views import CompanyModelView
from core import db
from core.errors import Invalid
from core.records import tenancy

from ..models import WARRANTY_BASES, Product, UnitSold
from ..rules import date_order_error

PRODUCT_LABELS = {"model": _l("Model"), "name": _l("Product name"), "spec": _l("Specification"),
                  "warranty_months": _l("Warranty period (months)"), "warranty_basis": _l("Warranty from"),
                  "notes": _l("Notes")}


class ProductView(CompanyModelView):
    model = Product
    label = _l("Products")
    column_list = ("model", "name", "spec", "warranty_months", "warranty_basis")
    column_labels = PRODUCT_LABELS
    column_searchable_list = ("model", "name", "spec")
    column_filters = ("warranty_basis",)
    column_sortable_list = ("model", "name", "warranty_months", "warranty_basis")
    column_default_sort = "model"
    column_formatters = {"warranty_basis": label_formatter(WARRANTY_BASES),
                         "warranty_months": lambda v, c, m, n: m.warranty_months or gettext("company default")}
    column_formatters_detail = column_formatters
    column_formatters_export = {"warranty_basis": label_formatter(WARRANTY_BASES)}
    form_columns = ("model", "name", "spec", "warranty_months", "warranty_basis", "notes")
    form_choices = {"warranty_basis": choice_options(WARRANTY_BASES)}
    form_args = {"warranty_months": {"description": _l("Left empty: the company's warranty period "
                                                        "(Settings: Warranty period).")}}

    def on_model_change(self, form, model, is_created):
        super().on_model_change(form, model, is_created)
        if model.warranty_months is not None and not 1 <= model.warranty_months <= 120:
            raise Invalid(gettext("A warranty period is 1 to 120 months; leave it empty for the company's."),
                          field="warranty_months")
        with db.session.no_autoflush:
            other = (tenancy.scoped_query(Product)
                     .filter(Product.model == model.model, Product.id != (model.id or 0)).first())
        if other is not None:
            raise Invalid(gettext("Model %(model)s already exists.", model=model.model), field="model")


def _warranty_end(view, context, model, name):
    # Shown like the other date columns (in the user's language).
    end = model.warranty_end
    return format_date(end, "medium") if end else ""


def _warranty_end_export(view, context, model, name):
    end = model.warranty_end
    return end.isoformat() if end else ""


UNIT_LABELS = {"customer": _l("Customer"), "product": _l("Product"), "serial": _l("Serial or lot No."),
               "quantity": _l("Quantity"), "sale_date": _l("Sale (invoice) date"), "invoice_no": _l("Invoice No."),
               "delivery_date": _l("Delivery date"), "installation_date": _l("Installation date"),
               "warranty_end": _l("Warranty until"), "notes": _l("Notes"),
               "customer.name": _l("Customer"), "product.model": _l("Model")}


class UnitSoldView(CompanyModelView):
    model = UnitSold
    label = _l("Units sold")
    column_list = ("customer", "product", "serial", "quantity", "sale_date", "delivery_date",
                   "installation_date", "warranty_end")
    column_labels = UNIT_LABELS
    column_searchable_list = ("serial", "invoice_no", "product.model", "customer.code", "customer.name")
    column_filters = ("sale_date", "delivery_date", "installation_date", "customer.name", "product.model")
    column_sortable_list = (("customer", "customer.code"), ("product", "product.model"), "serial", "quantity",
                            "sale_date", "delivery_date", "installation_date")
    column_default_sort = ("sale_date", True)
    column_formatters = {"warranty_end": _warranty_end}
    column_formatters_detail = column_formatters
    column_formatters_export = {"warranty_end": _warranty_end_export}
    column_details_list = ("customer", "product", "serial", "quantity", "sale_date", "invoice_no", "delivery_date",
                           "installation_date", "warranty_end", "notes", "created_at", "updated_at")
    form_columns = ("customer", "product", "serial", "quantity", "sale_date", "invoice_no", "delivery_date",
                    "installation_date", "notes")
    form_ajax_refs = {"customer": {"fields": ("code", "name"), "page_size": 20},
                      "product": {"fields": ("model", "name"), "page_size": 20}}
    form_args = {"quantity": {"default": 1, "description": _l("1 for a unit with its own serial; the number of "
                                                               "pieces for a lot.")}}

    def search_placeholder(self):
        return gettext("Serial, lot, invoice No., model or customer")

    def on_model_change(self, form, model, is_created):
        super().on_model_change(form, model, is_created)
        if model.quantity is not None and model.quantity < 1:
            raise Invalid(gettext("The quantity is at least 1."), field="quantity")
        problem = date_order_error(model.sale_date, model.delivery_date, model.installation_date)
        if problem:
            raise Invalid(problem[1], field=problem[0])
        product_id = model.product.id if model.product is not None else model.product_id
        with db.session.no_autoflush:
            other = (tenancy.scoped_query(UnitSold)
                     .filter(UnitSold.product_id == product_id, UnitSold.serial == model.serial,
                             UnitSold.id != (model.id or 0)).first()) if product_id else None
        if other is not None:
            raise Invalid(gettext("Serial %(serial)s of %(model)s already exists.", serial=model.serial,
                                  model=other.product.model), field="serial")
