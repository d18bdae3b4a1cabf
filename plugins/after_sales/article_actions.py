""""Save as article" 存为知识库条目 (AS-30): on the page of a work order that
is resolved (or called back, or closed) and not yet linked to an article,
a button that writes a knowledge-base article from it and links the order
to it (``WorkOrder.article``). Core offers it only where after_sales is
enabled and to holders of ``after_sales.article.create``; the article and
the order's link are written through core's access layer, so the module
gate, the permissions (the order's ``write`` too), the version and the
audit hold as on the screens."""
from __future__ import annotations

from typing import Any

KEY = "after_sales.save_as_article"


def actions(company, record, user) -> list:
    from core.links import RecordAction
    from .models import SOLVED_STATES, WorkOrder
    if not isinstance(record, WorkOrder) or record.state not in SOLVED_STATES or record.article_id is not None:
        return []
    return [RecordAction(KEY, "存为知识库条目", "Save as article", permission="after_sales.article.create",
                         run=save_as_article)]


def _cause(order) -> str | None:
    """The cause the engineer found (the order's latest service report),
    when the user may read service reports."""
    from core.records import access
    from .models import ServiceReport
    if not access.can("after_sales.report", "read"):
        return None
    report = (access.query("after_sales.report")
              .filter(ServiceReport.work_order_id == order.id, ServiceReport.cause_analysis.isnot(None))
              .order_by(ServiceReport.id.desc()).first())
    return report.cause_analysis if report is not None else None


def save_as_article(order, user) -> Any:
    """A new article prefilled from ``order``: the subject as its title, the
    user's description as the problem, the order's resolution as the
    solution, the product of its unit sold, its category, and the cause its
    service report names; the order then points at it. Flushed, not
    committed (core commits and links the two records)."""
    from core.records import access
    article = access.create("after_sales.article", {
        "title": order.subject,
        "problem": order.description or order.subject,
        "cause": _cause(order),
        "solution": order.resolution,
        "product": order.unit.product if order.unit is not None else None,
        "category": order.category,
    })
    access.update(order, {"article": article}, order.version)
    return article
