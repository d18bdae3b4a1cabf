"""Periodic jobs plugins run per company: ``qdesk jobs run`` (from cron).

A plugin declares :class:`Job` objects in ``register_jobs``; core runs each
one for every active company that has the plugin's module enabled, acting as
that company (no user: the system), and commits each company's work on its
own. A job that fails is rolled back, logged and reported; the others still
run. So a plugin never loops over companies itself::

    Job("crm.plan_visits", "安排重点客户回访", "Plan key-customer visits",
        run=lambda company: f"{len(plan_key_customer_visits(company))} planned")
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any, Callable, Iterable

from core.records import tenancy
from core.plugin.declarations import Keyed, NamespacedRegistry
from core.extensions import db

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Job(Keyed):
    """A unit of periodic work: ``run(company)`` does it for one company and
    returns a short summary for the log (or ``None``).

    :param key: ``<plugin>.<name>``.
    :param label_zh: Chinese name.
    :param label_en: English name.
    """

    key: str
    label_zh: str
    label_en: str
    run: Callable[[Any], str | None]

    def __post_init__(self) -> None:
        if "." not in self.key:
            raise ValueError(f"job key {self.key!r} must be '<plugin>.<name>'")
        if not callable(self.run):
            raise TypeError(f"job {self.key!r}: run must be callable")



@dataclass(frozen=True)
class JobResult:
    company: str
    job: str
    ok: bool
    message: str


class JobRegistry(NamespacedRegistry[Job]):
    """Every declared job, by key (``app.extensions["qdesk.jobs"]``)."""

    kind, item_type, hook, extension = "job", Job, "register_jobs", "qdesk.jobs"


def job_registry() -> JobRegistry:
    """The app's :class:`JobRegistry`."""
    return JobRegistry.current()


def run_jobs(keys: Iterable[str] = (), companies: Iterable[Any] | None = None) -> list[JobResult]:
    """Run the jobs ``keys`` (all when empty) for ``companies`` (default:
    every active company), each where its module is enabled. Unknown keys
    raise ``KeyError`` before anything runs."""
    from core.models import Company
    registry = job_registry()
    wanted = list(keys)
    unknown = [k for k in wanted if k not in registry.by_key]
    if unknown:
        declared = ", ".join(sorted(registry.by_key)) or "none"
        raise KeyError(f"unknown job(s): {', '.join(unknown)} (declared: {declared})")
    jobs = [registry.by_key[k] for k in (wanted or sorted(registry.by_key))]
    if companies is None:
        companies = db.session.query(Company).filter(Company.active.is_(True)).order_by(Company.code).all()
    results = []
    for company in companies:
        for job in jobs:
            if not tenancy.module_enabled(job.module, company):
                continue
            with tenancy.acting_as(company, None):
                try:
                    message = job.run(company) or ""
                    db.session.commit()
                except Exception as exc:  # one company's failure must not stop the others
                    db.session.rollback()
                    log.exception("job %s failed for company %s", job.key, company.code)
                    results.append(JobResult(company.code, job.key, False, f"{type(exc).__name__}: {exc}"))
                    continue
            results.append(JobResult(company.code, job.key, True, message))
    return results
