"""Purchase figures 购进量 and the classification 客户分类 run."""
from __future__ import annotations

from flask import flash, redirect, request
from flask_babel import gettext, lazy_gettext as _l
from wtforms.validators import ValidationError

from admin.views import CompanyModelView, scoped_expose
from core import db
from core.records import tenancy

from ..models import PurchaseFigure
from ..periods import normalise_period
from ..services import CrmError, classify_period, period_error


def _valid_period(form, field):
    try:
        field.data = normalise_period(field.data)
    except ValueError:
        raise ValidationError(period_error(field.data)) from None


class PurchaseFigureView(CompanyModelView):
    model = PurchaseFigure
    label = _l("Purchase figures")
    column_list = ("period", "customer", "quantity", "amount", "score", "rank", "group_size", "class_code")
    column_labels = {"period": _l("Period"), "customer": _l("Customer"), "quantity": _l("Quantity purchased"),
                     "amount": _l("Amount"), "score": _l("Score"), "rank": _l("Rank"),
                     "group_size": _l("Customers in format"), "class_code": _l("Classification"),
                     "customer.code": _l("Customer code"), "customer.business_format": _l("Business format")}
    column_filters = ("period", "class_code", "customer.code", "customer.business_format")
    column_searchable_list = ("period", "class_code")
    column_sortable_list = ("period", "quantity", "amount", "score", "rank", "class_code")
    column_default_sort = [("period", True), ("rank", False)]
    column_descriptions = {"score": _l("(quantity share + amount share) / 2 within the business format")}
    form_columns = ("customer", "period", "quantity", "amount")
    form_args = {"period": {"validators": [_valid_period],
                            "description": _l("A year (2026), a quarter (2026-Q3) or a month (2026-10).")}}
    form_ajax_refs = {"customer": {"fields": ("code", "name"), "page_size": 20}}

    def on_model_change(self, form, model, is_created):
        super().on_model_change(form, model, is_created)
        if not is_created and _changed(model) & {"quantity", "amount", "period", "customer"}:
            # The old result no longer follows from the figures: clear it
            # until the period is classified again.
            model.score = model.rank = model.group_size = model.class_code = None

    def list_tabs(self):
        return [(gettext("Classify a period"), "classify_view")]

    @scoped_expose("/classify/", "write", methods=("GET", "POST"))
    def classify_view(self):
        company = tenancy.require_company()
        periods = [p for (p,) in tenancy.scoped_query(PurchaseFigure).filter(PurchaseFigure.archived_at.is_(None))
                   .with_entities(PurchaseFigure.period).distinct().order_by(PurchaseFigure.period.desc())]
        if request.method == "POST":
            period = request.form.get("period", "")
            try:
                run = classify_period(company, period)
            except CrmError as exc:
                db.session.rollback()
                flash(str(exc), "error")
            else:
                db.session.commit()
                flash(gettext("%(period)s: %(n)s customers classified (scale 1: %(s1)s, scale 2: %(s2)s, "
                              "scale 3: %(s3)s); %(updated)s customer codes updated.", period=run.period,
                              n=run.classified, s1=run.by_scale[1], s2=run.by_scale[2], s3=run.by_scale[3],
                              updated=run.customers_updated), "success")
                return redirect(self.get_url(".index_view", flt0_0=run.period))
        return self.render("crm/classify.html", periods=periods, return_url=self.get_url(".index_view"))


def _changed(model) -> set[str]:
    state = db.inspect(model)
    return {attr.key for attr in state.attrs if attr.history.has_changes()}
