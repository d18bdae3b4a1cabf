"""Return visits 回访 and customer care: list, planning for key customers."""
from __future__ import annotations

from flask import flash, redirect, request
from flask_admin.contrib.sqla.filters import BaseSQLAFilter
from flask_babel import gettext, lazy_gettext as _l
from sqlalchemy import and_, not_
from wtforms.validators import NumberRange, Optional

from admin.choices import choice_options, label_formatter
from admin.views import CompanyModelView, overdue_badge, scoped_action, scoped_expose
from core import db
from core.records import tenancy
from core.settings import get_setting

from ..models import VISIT_KINDS, ReturnVisit, local_now
from ..services import plan_key_customer_visits


def _state_formatter(view, context, model, name):
    if model.done:
        return gettext("Done")
    if model.is_overdue():
        return overdue_badge(gettext("overdue"))
    return gettext("Planned")


class VisitStateFilter(BaseSQLAFilter):
    """Planned (not done), done, or overdue (not done, planned date passed)."""

    def apply(self, query, value, alias=None):
        not_done = ReturnVisit.done_at.is_(None)
        if value == "done":
            return query.filter(not_(not_done))
        if value == "overdue":
            return query.filter(and_(not_done, ReturnVisit.planned_date < local_now().date()))
        return query.filter(not_done)

    def operation(self):
        return _l("is")


class ReturnVisitView(CompanyModelView):
    model = ReturnVisit
    label = _l("Return visits")
    column_list = ("planned_date", "customer", "kind", "visited_by", "state", "done_at", "satisfaction",
                   "generated")
    column_labels = {"planned_date": _l("Planned date"), "customer": _l("Customer"), "kind": _l("Visit kind"),
                     "visited_by": _l("Visited by"), "state": _l("State"), "done_at": _l("Done at"),
                     "outcome": _l("Outcome"), "satisfaction": _l("Satisfaction (1-5)"),
                     "generated": _l("Planned automatically"), "visited_by.name": _l("Visited by"),
                     "customer.is_key": _l("Key customer")}
    column_export_list = ("planned_date", "customer", "kind", "visited_by", "state", "done_at", "satisfaction",
                          "outcome", "generated")
    column_sortable_list = ("planned_date", ("customer", "customer.code"), "kind", ("visited_by", "visited_by.name"),
                            "done_at", "satisfaction")
    column_default_sort = ("planned_date", True)
    column_formatters = {"kind": label_formatter(VISIT_KINDS), "state": _state_formatter}
    column_formatters_detail = column_formatters
    column_formatters_export = {"kind": label_formatter(VISIT_KINDS),
                                "state": lambda v, c, m, n: "done" if m.done else "planned"}
    column_filters = ("kind", "planned_date", "visited_by.name", "customer.is_key",
                      VisitStateFilter(ReturnVisit.done_at, _l("State"),
                                       options=(("planned", _l("Planned")), ("overdue", _l("Overdue")),
                                                ("done", _l("Done")))))
    column_searchable_list = ("outcome",)
    column_details_list = ("customer", "kind", "planned_date", "visited_by", "state", "done_at", "satisfaction",
                           "outcome", "generated", "created_at", "updated_at")
    column_bulk_assign = ("visited_by",)
    form_columns = ("customer", "kind", "planned_date", "visited_by", "done_at", "satisfaction", "outcome")
    form_choices = {"kind": choice_options(VISIT_KINDS)}
    form_args = {"satisfaction": {"validators": [Optional(), NumberRange(1, 5)],
                                  "description": _l("1 very dissatisfied … 5 very satisfied")},
                 "done_at": {"description": _l("Fill in when the visit took place.")}}
    form_ajax_refs = {"customer": {"fields": ("code", "name"), "page_size": 20}}
    form_create_defaults = {"planned_date": lambda: local_now().date(), "visited_by": tenancy.current_user}

    def list_tabs(self):
        return [(gettext("Plan key-customer visits"), "plan_view")]

    @scoped_expose("/plan/", "create", methods=("GET", "POST"))
    def plan_view(self):
        company = tenancy.require_company()
        if request.method == "POST":
            planned = plan_key_customer_visits(company)
            db.session.commit()
            flash(gettext("%(n)s return visit(s) planned for key customers.", n=len(planned)), "success")
            return redirect(self.get_url(".index_view"))
        return self.render("crm/plan_visits.html", every=get_setting("crm.key_customer_visit_days", company),
                           return_url=self.get_url(".index_view"))

    @scoped_action("mark_done", _l("Mark as done"), _l("Mark the selected visits as done now?"))
    def action_mark_done(self, records):
        now, me = local_now(), tenancy.current_user()
        done = 0
        for visit in records:
            if visit.done_at is None:
                visit.done_at = now
                visit.visited_by = visit.visited_by or me
                done += 1
        db.session.commit()
        flash(gettext("%(n)s visit(s) marked as done.", n=done), "success")
