"""Screen of the service agreements and commitments 服务协议/服务承诺."""
from __future__ import annotations

from flask_babel import get_locale, gettext, lazy_gettext as _l

from admin.choices import choice_options, label_formatter
from admin.views import CompanyModelView
from core import db
from core.errors import Invalid

from ..models import TARGET_UNITS, ServiceAgreement
from ..rules import agreement_error


def target_formatter(name):
    """A list/details cell of a ``Targets`` record's ``response`` or
    ``resolution`` target ("0.5 hours"), or "company default"."""
    def fmt(view, context, model, _name):
        text = model.target_text(name, str(get_locale() or "zh"))
        return text if text is not None else gettext("company default")
    return fmt


class ServiceAgreementView(CompanyModelView):
    model = ServiceAgreement
    label = _l("Service agreements")
    column_list = ("number", "customer", "project", "valid_from", "valid_to", "fee", "response_target",
                   "resolution_target")
    column_labels = {"number": _l("Agreement No."), "customer": _l("Customer"), "project": _l("Project"),
                     "valid_from": _l("Valid from"), "valid_to": _l("Valid to"), "scope": _l("Service scope"),
                     "fee": _l("Service fee"), "fee_terms": _l("Fee terms"),
                     "response_amount": _l("Response within"), "response_unit": _l("Response unit"),
                     "resolution_amount": _l("Resolution within"), "resolution_unit": _l("Resolution unit"),
                     "response_target": _l("Response target"), "resolution_target": _l("Resolution target"),
                     "notes": _l("Notes"), "customer.name": _l("Customer")}
    column_searchable_list = ("number", "project", "customer.code", "customer.name")
    column_filters = ("valid_from", "valid_to", "customer.name")
    column_sortable_list = ("number", ("customer", "customer.code"), "project", "valid_from", "valid_to", "fee")
    column_default_sort = ("valid_from", True)
    column_formatters = {"response_target": target_formatter("response"), "resolution_target": target_formatter("resolution"),
                         "response_unit": label_formatter(TARGET_UNITS),
                         "resolution_unit": label_formatter(TARGET_UNITS)}
    column_formatters_detail = column_formatters
    column_formatters_export = column_formatters
    column_details_list = ("number", "customer", "project", "valid_from", "valid_to", "scope", "fee", "fee_terms",
                           "response_target", "resolution_target", "notes", "created_at", "updated_at")
    # Core keeps the number (sequence after_sales.agreement).
    form_columns = ("customer", "project", "valid_from", "valid_to", "scope", "fee", "fee_terms",
                    "response_amount", "response_unit", "resolution_amount", "resolution_unit", "notes")
    form_choices = {"response_unit": [("", "—"), *choice_options(TARGET_UNITS)],
                    "resolution_unit": [("", "—"), *choice_options(TARGET_UNITS)]}
    form_ajax_refs = {"customer": {"fields": ("code", "name"), "page_size": 20}}
    form_args = {"response_amount": {"description": _l("Left empty: the company's default.")},
                 "resolution_amount": {"description": _l("Left empty: the company's default.")}}

    def search_placeholder(self):
        return gettext("Customer, project or agreement No.")

    def on_model_change(self, form, model, is_created):
        super().on_model_change(form, model, is_created)
        model.project = (model.project or "").strip() or None
        for name in ("response_unit", "resolution_unit"):
            if not getattr(model, name):
                setattr(model, name, None)
        with db.session.no_autoflush:
            problem = agreement_error(model)
        if problem:
            raise Invalid(problem[1], field=problem[0])
