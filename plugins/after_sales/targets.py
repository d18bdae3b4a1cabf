"""Which service agreement is in force for a customer on a day: the work
orders of this module (and later plugins) ask :func:`targets_for` for the
response and resolution targets that replace the company's defaults.

Rules:

* an agreement is in force from its ``valid_from`` to its ``valid_to``, both
  days included, unless it is archived;
* asked for a project, an agreement of that project wins over the
  customer's general one (no project); asked for none, only a general one
  counts (a project's promise does not cover the customer's other work);
* two agreements of the same customer and project never overlap
  (:func:`overlapping` refuses it on every save and import), so at most one
  agreement answers.
"""
from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import or_

from core.records.tenancy import scoped_query

from .models import ServiceAgreement


def _same_project(project: str | None):
    project = (project or "").strip()
    if project:
        return ServiceAgreement.project == project
    return or_(ServiceAgreement.project.is_(None), ServiceAgreement.project == "")


def _in_force(customer: Any, on_date: dt.date, project: str | None, company: Any):
    return (scoped_query(ServiceAgreement, company)
            .filter(ServiceAgreement.customer_id == customer.id, ServiceAgreement.archived_at.is_(None),
                    ServiceAgreement.valid_from <= on_date, ServiceAgreement.valid_to >= on_date,
                    _same_project(project))
            .order_by(ServiceAgreement.valid_from.desc(), ServiceAgreement.id.desc()).first())


def targets_for(customer: Any, on_date: dt.date, project: str | None = None,
                company: Any = None) -> ServiceAgreement | None:
    """The agreement in force for ``customer`` on ``on_date`` (a company-local
    date), for ``project`` when given (else the customer's general
    agreement), or None: then the company's default targets apply.

    Its :attr:`~ServiceAgreement.response_rule` and
    :attr:`~ServiceAgreement.resolution_rule` are
    :class:`core.deadlines.DeadlineRule` values ready for
    ``core.deadlines.due_at``, or None where the agreement promises nothing
    of its own. Reads the current company (or ``company``) only.
    """
    if project and (project or "").strip():
        found = _in_force(customer, on_date, project, company)
        if found is not None:
            return found
    return _in_force(customer, on_date, None, company)


def overlapping(agreement: ServiceAgreement, company: Any = None) -> ServiceAgreement | None:
    """Another agreement (not archived) of the same customer and project whose
    服务期限 overlaps ``agreement``'s, or None."""
    customer_id = agreement.customer.id if agreement.customer is not None else agreement.customer_id
    if customer_id is None or agreement.valid_from is None or agreement.valid_to is None:
        return None
    return (scoped_query(ServiceAgreement, company)
            .filter(ServiceAgreement.customer_id == customer_id, ServiceAgreement.archived_at.is_(None),
                    ServiceAgreement.id != (agreement.id or 0), _same_project(agreement.project),
                    ServiceAgreement.valid_from <= agreement.valid_to,
                    ServiceAgreement.valid_to >= agreement.valid_from)
            .order_by(ServiceAgreement.valid_from).first())
