"""The company's list of work-order categories 工单类别: seeded with the
eight of AS-1/AS-50 (安装 调试 维修 培训 咨询 退货 换货 投诉) when the module
is enabled, then the company's own to edit (rename, add, give a category its
own targets); 投诉 is marked as a complaint for part 2."""
from __future__ import annotations

from typing import Any

from core import db
from core.records.tenancy import acting_as, scoped_query

from .models import DEFAULT_CATEGORIES, WorkOrderCategory


def ensure_defaults(company: Any) -> int:
    """Add the default categories ``company`` lacks (by code); commit.
    Returns how many were added (0 when the company has them all)."""
    with acting_as(company):
        have = {code for (code,) in scoped_query(WorkOrderCategory, company).with_entities(WorkOrderCategory.code)}
        added = 0
        for sort, (code, (zh, en, complaint)) in enumerate(DEFAULT_CATEGORIES.items(), start=1):
            if code not in have:
                db.session.add(WorkOrderCategory(company_id=company.id, code=code, name_zh=zh, name_en=en,
                                                 is_complaint=complaint, sort=sort * 10))
                added += 1
        db.session.commit()
    return added


def by_code(code: str, company: Any = None) -> WorkOrderCategory | None:
    """The company's category ``code`` (``repair``), or None."""
    return scoped_query(WorkOrderCategory, company).filter(WorkOrderCategory.code == code).first()
