"""Before every flush: company and user stamps, links, parents.

The company comes from the current company on insert (never from input) and
cannot change afterwards; created/updated by and at are set here.
"""
from __future__ import annotations

from typing import Any

from sqlalchemy import event, inspect
from sqlalchemy.orm import Session

from core.models import utcnow
from core.records import tenancy
from core.records.links import check_links
from core.records.mixin import CompanyOwnedMixin
from core.records.parents import touch_parents

@event.listens_for(Session, "before_flush")
def _stamp(session: Session, flush_context: Any, instances: Any) -> None:
    user = tenancy.current_user()
    company = tenancy.current_company()
    now = utcnow()
    for obj in session.new:
        if isinstance(obj, CompanyOwnedMixin):
            if obj.company_id is None:
                if company is None:
                    raise tenancy.NoCurrentCompany(
                        f"cannot create {type(obj).__name__} without a current company")
                obj.company_id = company.id
            elif company is not None and obj.company_id != company.id:
                raise ValueError(f"{type(obj).__name__}: cannot create a record of another "
                                 "company than the current one")
            obj.created_by_id = obj.created_by_id or (user.id if user else None)
            obj.created_at = obj.created_at or now
    # Links first: a part's forged parent id must be refused before the
    # parent is looked up to be touched.
    check_links(session, company)
    touch_parents(session)
    for obj in session.dirty:
        if isinstance(obj, CompanyOwnedMixin) and session.is_modified(obj, include_collections=False):
            hist = inspect(obj).attrs.company_id.history
            if hist.deleted and hist.deleted[0] is not None:
                raise ValueError(f"{type(obj).__name__} {obj.id}: a record cannot move to another company")
            obj.updated_at = now
            obj.updated_by_id = user.id if user else None
