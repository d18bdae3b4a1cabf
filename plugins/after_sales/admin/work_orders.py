"""Screens of the work orders 工单: the list (deadline badges, "Mine", "My
department", overdue filters from core), the record page with the workflow's
buttons, and the dispatch board 派工看板 by engineer."""
from __future__ import annotations

from flask_babel import gettext, lazy_gettext as _l

from admin.choices import choice_options, label_formatter
from admin.views import CompanyModelView, scoped_expose
from core.calendar.timezone import local_now
from core.deadlines import prefetch
from core.errors import Invalid

from ..models import CHANNELS, OPINIONS, PRIORITIES, STAGES, STATES, WorkOrder
from ..rules import work_order_error

#: The open states shown on the dispatch board, in their order.
BOARD_STATES = ("classified", "dispatched", "in_progress", "waiting")
#: The most orders the board shows (the oldest due first).
BOARD_LIMIT = 500


class WorkOrderView(CompanyModelView):
    model = WorkOrder
    label = _l("Work orders")
    column_list = ("number", "received_at", "customer", "category", "priority", "subject", "responsible",
                   "response_due", "resolution_due", "state")
    column_labels = {"number": _l("Work order No."), "received_at": _l("Received at"), "customer": _l("Customer"),
                     "contact": _l("Contact person"), "unit": _l("Unit sold (serial)"), "project": _l("Project"),
                     "stage": _l("Service stage"), "category": _l("Category"), "priority": _l("Priority"),
                     "channel": _l("Channel"), "subject": _l("Subject"), "description": _l("Problem reported"),
                     "repair_task": _l("Repair task (fixed before departure)"),
                     "department": _l("Service centre"), "responsible": _l("Engineer"),
                     "responded_at": _l("First response at"), "response_due": _l("Response due"),
                     "resolution_due": _l("Resolution due"), "dispatched_at": _l("Dispatched at"),
                     "started_at": _l("Started at"), "resolved_at": _l("Resolved at"),
                     "resolution": _l("Resolution"), "reopened_at": _l("Reopened at"),
                     "callback_at": _l("Callback at"), "callback_opinion": _l("User's opinion"),
                     "callback_notes": _l("Callback notes"), "closed_at": _l("Closed at"),
                     "article": _l("Knowledge article"), "state": _l("State"),
                     "responsible.name": _l("Engineer"), "department.name": _l("Service centre"),
                     "category.name_zh": _l("Category"), "customer.name": _l("Customer")}
    column_sortable_list = ("number", "received_at", ("customer", "customer.code"), "priority", "subject",
                            ("responsible", "responsible.name"), "response_due", "resolution_due", "state")
    column_default_sort = ("received_at", True)
    column_formatters = {"stage": label_formatter(STAGES), "priority": label_formatter(PRIORITIES),
                         "channel": label_formatter(CHANNELS), "state": label_formatter(STATES),
                         "callback_opinion": label_formatter(OPINIONS)}
    column_formatters_detail = column_formatters
    column_formatters_export = column_formatters
    # Core adds the deadlines' filters (overdue, due soon...) and badges.
    column_filters = ("state", "priority", "stage", "channel", "received_at", "category.name_zh",
                      "responsible.name", "department.name", "customer.name")
    column_details_list = ("number", "state", "received_at", "customer", "contact", "unit", "project", "stage",
                           "category", "priority", "channel", "subject", "description", "department", "responsible",
                           "repair_task", "responded_at", "response_due", "dispatched_at", "started_at",
                           "resolution_due", "resolved_at", "resolution", "reopened_at", "callback_at",
                           "callback_opinion", "callback_notes", "closed_at", "article", "created_at", "updated_at")
    # Core keeps the number, the due moments, the state and the stamps of
    # its actions; the first response may be typed (a call returned at 09:00
    # recorded later), else "classify" stamps it.
    form_columns = ("customer", "contact", "unit", "project", "received_at", "channel", "stage", "category",
                    "priority", "subject", "description", "department", "responsible", "repair_task",
                    "responded_at", "resolution", "callback_opinion", "callback_notes", "article")
    form_choices = {"stage": choice_options(STAGES), "priority": choice_options(PRIORITIES),
                    "channel": choice_options(CHANNELS), "callback_opinion": [("", "—"), *choice_options(OPINIONS)]}
    form_ajax_refs = {"customer": {"fields": ("code", "name"), "page_size": 20},
                      "contact": {"fields": ("name", "phone"), "page_size": 20},
                      "unit": {"fields": ("serial",), "page_size": 20},
                      "article": {"fields": ("number", "title"), "page_size": 20}}
    form_args = {"repair_task": {"description": _l("What the engineer is to do on site: fixed before departure "
                                                   "(dispatch needs it).")},
                 "responded_at": {"description": _l("Left empty: stamped when the order is classified.")},
                 "department": {"description": _l("The receiving service centre.")},
                 # "—" is no opinion yet: stored as empty, never as "" (the column's CHECK).
                 "callback_opinion": {"coerce": lambda value: value or None}}
    form_create_defaults = {"received_at": lambda: local_now().replace(second=0, microsecond=0)}

    def list_tabs(self):
        return [(gettext("Dispatch board"), "board_view")]

    def on_model_change(self, form, model, is_created):
        super().on_model_change(form, model, is_created)
        model.subject = (model.subject or "").strip()
        model.project = (model.project or "").strip() or None
        problem = work_order_error(model)
        if problem is not None:
            raise Invalid(problem[1], field=problem[0])

    @scoped_expose("/board/", "read")
    def board_view(self):
        """派工看板: the open orders by engineer (unassigned first), each with
        its deadline badges, so a dispatcher sees who carries what."""
        orders = (self.get_query().filter(WorkOrder.state.in_(BOARD_STATES))
                  .order_by(WorkOrder.resolution_due.is_(None), WorkOrder.resolution_due, WorkOrder.id)
                  .limit(BOARD_LIMIT).all())
        prefetch(orders)
        columns: dict = {}
        for order in orders:
            columns.setdefault(order.responsible, []).append(order)
        engineers = sorted((e for e in columns if e is not None), key=lambda e: (e.name or "", e.id))
        lanes = ([(None, columns[None])] if None in columns else []) + [(e, columns[e]) for e in engineers]
        cell = self.column_formatters["resolution_due"]  # the list's own: due time and badge (core)

        def due(order):
            return cell(self, None, order, "resolution_due")
        return self.render("after_sales/board.html", lanes=lanes, due=due, total=len(orders), shown_limit=BOARD_LIMIT,
                           return_url=self.get_url(".index_view"))


VIEWS = [WorkOrderView]
