"""The work order sheet 售后服务工单（派工单）: one order per page, what the
engineer takes on site (AS-13: the repair task fixed before departure) and
brings back with the result and the user's opinion."""
from core import Printable


def printables() -> list:
    from ..models import WorkOrder
    # The seeds name no record code for the work order (QP-7.5-02 lists only
    # JL-7.5-02-1…3), so the header leaves 表单编号 blank ("—").
    return [Printable("after_sales.work_order", title_zh="售后服务工单（派工单）",
                      title_en="Work order (dispatch sheet)", model=WorkOrder, template="print/work_order.html",
                      filename="work-order-{record.number}.pdf", number="{record.number}", edition="A/0")]
