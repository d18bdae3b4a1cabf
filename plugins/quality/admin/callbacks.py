"""Screens of the callback and sampling chain 回访/抽访 (002-A, D-8).

* **Runs** (回访/抽访): create one per level, period and service centre (a
  sample names the completed run it is drawn from); the workflow's buttons
  "Generate the list / draw the sample" and "Complete" are core's; the
  record page shows the seed, the population size, the rate and the sample
  size, the lines (panel, plugins/quality/panels.py) and links to record the
  outcomes and to **verify the draw** (the sample redrawn from its seed).
* **Callbacks** (the lines): outcome, date, by whom, remarks and the
  follow-up; ``?run=<id>`` lists one run's lines, the tab "My follow-ups"
  the open follow-ups of the user's department and the user's own.
"""
from __future__ import annotations

from flask import request
from flask_babel import gettext, lazy_gettext as _l
from markupsafe import Markup
from sqlalchemy import inspect

from admin.choices import choice_options, label_formatter
from admin.errors import http_errors
from admin.views import CompanyModelView, scoped_expose
from core.calendar.timezone import local_today
from core.records import access
from core.records.inputs import parse_id

from ..callbacks_rules import apply_outcome, prepare, verify_draw
from ..models.callbacks import LEVELS, OUTCOMES, Callback, CallbackRun

RUN_LABELS = {"number": _l("Run No."), "level": _l("Level"), "period": _l("Period"),
              "department": _l("Service centre"), "responsible": _l("Carried out by"),
              "source": _l("Drawn from run"), "rate": _l("Rate"), "seed": _l("Random seed"),
              "population_size": _l("Population size (N)"), "sample_size": _l("Sample size"),
              "progress": _l("Called back"), "verify": _l("Verify the draw"), "notes": _l("Notes"),
              "state": _l("State"), "period_start": _l("Period from"), "period_end": _l("Period to"),
              "department.name": _l("Service centre")}

LINE_LABELS = {"run": _l("Run"), "seq": _l("No."), "order_number": _l("Work order No."),
               "customer_name": _l("User"), "phone": _l("Phone"), "service": _l("Service"),
               "service_date": _l("Service date"), "outcome": _l("Outcome"), "called_on": _l("Called on"),
               "called_by": _l("Called by"), "remarks": _l("Problems / opinions"),
               "department": _l("Follow-up by (department)"), "responsible": _l("Follow-up by"),
               "follow_up_result": _l("Follow-up result"), "follow_up_done_on": _l("Follow-up done on"),
               "work_order": _l("Work order"), "run.number": _l("Run"), "department.name": _l("Follow-up by")}


def _rate(view, context, model, name):
    if model.rate is None:
        return gettext("by count") if model.level == "resample" and model.seed is not None else "—"
    return f"{(model.rate * 100).normalize():f} %"


def _progress(view, context, model, name):
    done = sum(1 for line in model.lines if line.outcome)
    link = view.get_url("quality_callback.index_view", run=model.id) if model.id else None
    text = gettext("%(done)s of %(total)s", done=done, total=len(model.lines))
    if not link or not model.lines:
        return text
    return Markup('{} · <a href="{}">{}</a>').format(text, link, gettext("Record the outcomes"))


def _verify(view, context, model, name):
    if model.seed is None:
        return gettext("Not a sample (a full callback, 100%) or not drawn yet.")
    return Markup('<a href="{}">{}</a>').format(view.get_url(".verify_view", id=model.id),
                                                gettext("Redo the draw from the seed"))


class CallbackRunView(CompanyModelView):
    model = CallbackRun
    label = _l("Callback runs")
    column_list = ("number", "level", "period", "department", "responsible", "source", "population_size",
                   "sample_size", "state")
    column_labels = RUN_LABELS
    column_filters = ("level", "state", "period", "department.name")
    column_sortable_list = ("number", "level", "period", "population_size", "sample_size", "state")
    column_default_sort = ("id", True)
    column_formatters = {"level": label_formatter(LEVELS),
                         "state": lambda v, c, m, n: v.workflow.state_label(getattr(m, n))}
    column_formatters_detail = {**column_formatters, "rate": _rate, "progress": _progress, "verify": _verify}
    column_formatters_export = column_formatters
    column_details_list = ("number", "level", "state", "period", "period_start", "period_end", "department",
                           "responsible", "source", "population_size", "rate", "sample_size", "seed", "verify",
                           "progress", "notes", "created_at", "updated_at")
    # Core keeps the number and the state; "generate" fills the rest.
    form_columns = ("level", "period", "source", "department", "responsible", "notes")
    form_choices = {"level": choice_options(LEVELS)}
    form_ajax_refs = {"source": {"fields": ("number", "period"), "page_size": 20}}
    form_args = {"period": {"description": _l("A month (2026-11), a quarter (2026-Q4) or a range "
                                              "(2026-11-01..2026-11-15). A sample takes its run's.")},
                 "source": {"description": _l("Levels 2 and 3: the completed run of the level below.")},
                 "department": {"description": _l("The service centre (empty: the whole company).")}}
    form_create_defaults = {"period": lambda: _last_month()}

    def on_model_change(self, form, model, is_created):
        super().on_model_change(form, model, is_created)
        prepare(model)

    @scoped_expose("/verify/", "read")
    def verify_view(self):
        """The draw redone from the stored seed and population: the same
        work orders, or the difference (a record changed since). Without
        an id: the samples drawn, to choose one."""
        if not request.args.get("id"):
            samples = (self.get_query().filter(CallbackRun.seed.is_not(None))
                       .order_by(CallbackRun.id.desc()).limit(200).all())
            return self.render("quality/callbacks_verify.html", run=None, samples=samples,
                               return_url=self.get_url(".index_view"))
        with http_errors():
            run = access.get(CallbackRun, request.args.get("id"))
        result = verify_draw(run)
        numbers = {int(pair[0]): pair[1] for pair in (run.population or [])}
        return self.render("quality/callbacks_verify.html", run=run, result=result, numbers=numbers,
                           rate=_rate(self, None, run, "rate"),
                           return_url=self.get_url(".details_view", id=run.id))


def _last_month() -> str:
    first = local_today().replace(day=1)
    import datetime as dt
    last = first - dt.timedelta(days=1)
    return f"{last.year}-{last.month:02d}"


def _run_link(view, context, model, name):
    run = model.run
    if run is None:
        return ""
    return Markup('<a href="{}">{}</a>').format(view.get_url("quality_callbackrun.details_view", id=run.id),
                                                str(run))


class CallbackView(CompanyModelView):
    model = Callback
    label = _l("Callbacks")
    can_create = False
    column_list = ("run", "seq", "order_number", "customer_name", "phone", "service", "service_date", "outcome",
                   "called_on", "called_by", "remarks", "department", "responsible", "follow_up_result",
                   "follow_up_done_on")
    column_labels = LINE_LABELS
    column_filters = ("outcome", "called_on", "follow_up_done_on", "run.number", "department.name")
    column_searchable_list = ("order_number", "customer_name", "phone")
    column_sortable_list = ("seq", "order_number", "customer_name", "service_date", "outcome", "called_on",
                            "follow_up_done_on")
    column_default_sort = ("seq", False)
    column_formatters = {"outcome": label_formatter(OUTCOMES), "run": _run_link}
    column_formatters_detail = column_formatters
    column_formatters_export = {"outcome": label_formatter(OUTCOMES)}
    column_details_list = ("run", "seq", "work_order", "order_number", "customer_name", "phone", "service",
                           "service_date", "outcome", "called_on", "called_by", "remarks", "department",
                           "responsible", "follow_up_result", "follow_up_done_on", "created_at", "updated_at")
    # The snapshot comes from the work order; the follow-up's owner from the
    # rule (callbacks_rules.apply_outcome).
    form_columns = ("outcome", "called_on", "called_by", "remarks", "follow_up_result", "follow_up_done_on")
    form_choices = {"outcome": [("", "—"), *choice_options(OUTCOMES)]}
    form_args = {"outcome": {"coerce": lambda value: value or None},
                 "called_on": {"description": _l("Left empty: today.")},
                 "called_by": {"description": _l("Left empty: you.")},
                 "follow_up_result": {"description": _l("For a dissatisfied user: what the follow-up found.")}}

    def search_placeholder(self):
        return gettext("Work order No., user or phone")

    def list_tabs(self):
        return [(gettext("My follow-ups"), "follow_ups_view")]

    @scoped_expose("/follow-ups/", "read")
    def follow_ups_view(self):
        """"My follow-ups": the dissatisfied users whose follow-up is open,
        of the user's department (and those under it) and the user's own
        (core.org.my_department_clause); the list's ``?mine=department&follow=open``."""
        from core.org import my_department_clause
        from core.records import tenancy
        lines = (self.get_query().filter(my_department_clause(Callback, tenancy.current_user()),
                                         Callback.outcome == "dissatisfied", Callback.follow_up_done_on.is_(None))
                 .order_by(Callback.id).limit(500).all())
        return self.render("quality/callbacks_follow_ups.html", lines=lines,
                           list_url=self.get_url(".index_view", mine="department", follow="open"))

    def _narrow(self, query):
        run_id = parse_id(request.args.get("run"))
        if run_id is not None:
            query = query.filter(Callback.run_id == run_id)
        if request.args.get("follow") == "open":
            query = query.filter(Callback.outcome == "dissatisfied", Callback.follow_up_done_on.is_(None))
        return query

    def get_query(self):
        return self._narrow(super().get_query())

    def get_count_query(self):
        return self._narrow(super().get_count_query())

    def on_model_change(self, form, model, is_created):
        super().on_model_change(form, model, is_created)
        history = inspect(model).attrs.outcome.history
        before = history.deleted[0] if history.deleted else (history.unchanged[0] if history.unchanged else None)
        if not history.has_changes():
            before = model.outcome
        for name in ("remarks", "follow_up_result"):
            value = getattr(model, name)
            if isinstance(value, str) and not value.strip():
                setattr(model, name, None)
        apply_outcome(model, before)


VIEWS = [CallbackRunView, CallbackView]

__all__ = ["VIEWS", "CallbackRunView", "CallbackView"]
