"""Screen of the warranty spare-part ledger 三包备件登记台账 (JL-7.5-02-2).

Read-only: its lines are posted when a 三包 notice ships
(plugins/after_sales/ledger.py), so nobody creates or deletes one (the
entity grants no create and no delete); only 旧件回收 (the old part came
back) and the remark change afterwards. Filters by 登记日期 (a period),
customer and part; each line links to its notice. The period report
(printing/notices.py, ``Report(entity="after_sales.ledger")``) is offered
beside the filters.
"""
from __future__ import annotations

from flask_babel import gettext, lazy_gettext as _l

from admin.formatting import record_link
from admin.views import CompanyModelView

from ..models import LedgerLine

LEDGER_LABELS = {
    "posted_on": _l("Posted on"), "notice": _l("Notice No."), "notice_line": _l("Notice line"),
    "report": _l("Service report"), "customer": _l("Customer"), "unit_sold": _l("Unit sold (model / serial)"),
    "part_name": _l("Part name"), "spec": _l("Specification / model"), "quantity": _l("Quantity"),
    "unit": _l("Unit"), "shipped_on": _l("Shipped on"), "receiver": _l("Receiver"),
    "old_part_returned": _l("Old part returned"), "remark": _l("Remark"),
    "customer.name": _l("Customer"), "notice.number": _l("Notice No."),
}


def _notice_link(view, context, model, name):
    return record_link(model.notice, model.notice.number or model.notice.id) if model.notice is not None else ""


def _returned(view, context, model, name):
    return gettext("Returned") if model.old_part_returned else gettext("Not returned")


class LedgerView(CompanyModelView):
    model = LedgerLine
    label = _l("Warranty parts ledger")
    column_list = ("posted_on", "notice", "customer", "unit_sold", "part_name", "spec", "quantity", "unit",
                   "shipped_on", "old_part_returned", "remark")
    column_export_list = ("posted_on", "notice", "report", "customer", "unit_sold", "part_name", "spec", "quantity",
                          "unit", "shipped_on", "receiver", "old_part_returned", "remark")
    column_labels = LEDGER_LABELS
    column_searchable_list = ("part_name", "spec", "notice.number", "customer.name", "customer.code")
    column_filters = ("posted_on", "shipped_on", "customer.name", "part_name", "spec", "old_part_returned",
                      "notice.number")
    column_sortable_list = ("posted_on", ("notice", "notice.number"), ("customer", "customer.code"), "part_name",
                            "spec", "quantity", "shipped_on", "old_part_returned")
    column_default_sort = [("posted_on", True), ("id", True)]
    column_formatters = {"notice": _notice_link}
    column_formatters_detail = {**column_formatters, "old_part_returned": _returned}
    column_formatters_export = {"notice": lambda v, c, m, n: m.notice.number if m.notice else "",
                                "report": lambda v, c, m, n: m.report.number if m.report else "",
                                "old_part_returned": _returned}
    column_details_list = ("posted_on", "notice", "notice_line", "report", "customer", "unit_sold", "part_name",
                           "spec", "quantity", "unit", "shipped_on", "receiver", "old_part_returned", "remark",
                           "created_at", "updated_at")
    # Posted, never typed: the clerk ticks 旧件回收 and writes a remark, nothing else.
    form_columns = ("old_part_returned", "remark")
    column_editable_list = ("old_part_returned", "remark")

    def search_placeholder(self):
        return gettext("Part, specification, notice No. or customer")


VIEWS = [LedgerView]
