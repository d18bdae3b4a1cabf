"""Customer visit reception 顾客来访/参观接待 (seed 001-I 6.2): the request
the project team reports, its arrangements, what is introduced and what
the customer asked. Core keeps the number (sequence crm.visitreception),
the state and the sign-off (workflow crm.visitreception: 核准 by the
管理者代表 or the 总经理), and the documents the customer leaves (the
record page's Attachments panel)."""
from __future__ import annotations

import datetime as dt

from flask_babel import get_locale, gettext, lazy_gettext as _l
from wtforms.validators import NumberRange, Optional

from admin.choices import label_formatter
from admin.views import CompanyModelView, text_lines
from core.org import employee_of
from core.records import tenancy

from ..models import RECEPTION_STATES, TOPICS, VisitReception, local_now

# "Introduce: …" on the form and in the history, where the box stands alone.
TOPIC_LABELS = {"intro_profile": _l("Introduce: company profile"), "intro_history": _l("Introduce: company history"),
                "intro_production": _l("Introduce: production"),
                "intro_operations": _l("Introduce: business operations"), "intro_sales": _l("Introduce: sales"),
                "intro_quality": _l("Introduce: quality"), "intro_staff": _l("Introduce: staff qualifications")}
if set(TOPIC_LABELS) != set(TOPICS):  # a topic added to the model needs its label here
    raise RuntimeError(f"crm: topics without a screen label: {sorted(set(TOPICS) ^ set(TOPIC_LABELS))}")


def _topics_text(view, context, model, name):
    """The topics ticked, in the seed's order, or a dash."""
    locale = str(get_locale() or "zh")
    chosen = [label for label, ticked in model.topics(locale) if ticked]
    return ("、" if locale.startswith("zh") else ", ").join(chosen) if chosen else "—"


def _lines(view, context, model, name):
    return text_lines((getattr(model, name) or "").splitlines())


def _my_employee():
    """The current user's employee in this company (the reception's default
    responsible employee), or None."""
    return employee_of(tenancy.current_user())


def _my_department():
    employee = _my_employee()
    return employee.department if employee is not None else None


def _tomorrow_morning():
    """Visits are reported ahead: tomorrow 09:00, company time."""
    return dt.datetime.combine(local_now().date() + dt.timedelta(days=1), dt.time(9, 0))


class VisitReceptionView(CompanyModelView):
    model = VisitReception
    label = _l("Customer visit receptions")
    column_list = ("number", "planned_at", "customer", "purpose", "department", "responsible", "state",
                   "received_at")
    column_labels = {
        "number": _l("Reception No."), "customer": _l("Customer"), "planned_at": _l("Visit at"),
        "visitors": _l("Visitors"), "visitor_count": _l("Number of visitors"), "purpose": _l("Purpose of visit"),
        "department": _l("Project team"), "responsible": _l("Reception lead"),
        "accommodation": _l("Accommodation"), "transport": _l("Transport"), "topics": _l("To introduce"),
        "questions": _l("Questions asked by the customer"), "notes": _l("Reception notes"),
        "outcome": _l("Reception outcome"), "received_at": _l("Reception done at"), "state": _l("State"),
        "department.name": _l("Project team"), "responsible.name": _l("Reception lead"),
        "customer.code": _l("Customer code"), **TOPIC_LABELS,
    }
    column_descriptions = {"department": _l("The project team (项目组) that reports and receives the visit."),
                           "questions": _l("Record them during or after the visit; needed to mark it received "
                                           "(write 无 if there were none).")}
    column_searchable_list = ("number", "purpose", "visitors")
    column_sortable_list = ("number", "planned_at", ("customer", "customer.code"), "visitor_count",
                            ("department", "department.name"), ("responsible", "responsible.name"), "state",
                            "received_at")
    column_default_sort = ("planned_at", True)
    column_filters = ("state", "planned_at", "department.name", "responsible.name", "customer.code")
    column_formatters = {"state": label_formatter(RECEPTION_STATES)}
    # Several lines typed (one visitor, one question per line) stay lines.
    column_formatters_detail = {**column_formatters, "topics": _topics_text,
                                **{name: _lines for name in ("visitors", "questions", "notes", "outcome")}}
    column_formatters_export = {**column_formatters, "topics": _topics_text}
    column_details_list = ("number", "customer", "planned_at", "visitors", "visitor_count", "purpose", "department",
                           "responsible", "accommodation", "transport", "topics", "state", "questions", "notes",
                           "outcome", "received_at", "created_at", "updated_at")
    column_export_list = ("number", "planned_at", "customer", "visitors", "visitor_count", "purpose", "department",
                          "responsible", "accommodation", "transport", "topics", "questions", "notes", "outcome",
                          "state", "received_at")
    # In the order of the paper form: the request, the arrangements (住、行),
    # what to introduce, then what happened. No number, state or
    # received_at: core keeps them (the sequence, the workflow's actions on
    # the record page, the "receive" stamp).
    form_columns = ("customer", "planned_at", "visitors", "visitor_count", "purpose", "department", "responsible",
                    "accommodation", "transport", *TOPICS, "questions", "notes", "outcome")
    form_args = {"visitor_count": {"validators": [Optional(), NumberRange(1, 999)]},
                 "visitors": {"description": _l("Names and positions, one per line.")},
                 "accommodation": {"description": _l("Hotel, nights, who books and pays.")},
                 "transport": {"description": _l("Pick-up, cars, train or flight times.")}}
    form_widget_args = {"visitors": {"rows": 3}, "questions": {"rows": 4}, "notes": {"rows": 4}}
    form_ajax_refs = {"customer": {"fields": ("code", "name"), "page_size": 20}}
    form_create_defaults = {"planned_at": _tomorrow_morning, "department": _my_department, "responsible": _my_employee,
                            "intro_profile": lambda: True}

    def search_placeholder(self):
        return gettext("Number, purpose or visitors")
