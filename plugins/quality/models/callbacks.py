"""The callback and sampling chain 回访/抽访 (002-A, AS-42 … AS-44, D-8):
tables ``quality_callback_run`` (a run per level, period and service
centre) and ``quality_callback`` (its lines, one per work order).

* Level 1 (``centre``): the service centre calls back **100 %** of the
  work orders closed or called back in the period; the run's "generate"
  fills it with one line per such order and stores the population.
* Level 2 (``sample``): 直效营销科 calls back a **5 %** sample (the rate a
  company setting) of the level-1 run's **qualified** lines (not fake).
* Level 3 (``resample``): 顾客服务部 re-samples "若干" level-2 records (a
  setting: a count or a per cent).

A sample stores its random ``seed`` and its population (the work-order
ids in the stored order): anyone can redo the draw
(plugins/quality/callbacks_sampling.py) and get the same records.

A run belongs to its service centre (``department``, optional: the whole
company) and the person who carries it (``responsible``); a line belongs
to whoever must **follow up** a dissatisfied user (``department`` /
``responsible``, both empty otherwise: ``?mine=`` lists "my follow-ups").
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import JSON, BigInteger, Date, ForeignKey, Index, Integer, Numeric, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core import CompanyOwnedMixin, OrgOwnedMixin, db
from core.records.choices import Labelled, enum_column

#: The three levels of 002-A, with the department that calls (the printed boxes).
LEVELS = {"centre": ("服务管理中心 100% 回访", "Service centre, 100 % callback"),
          "sample": ("直效营销科 5% 抽访", "Direct marketing, 5 % sample"),
          "resample": ("顾客服务部复抽", "Customer service, re-sample")}
#: The level each level is drawn from.
SOURCE_LEVEL = {"sample": "centre", "resample": "sample"}
#: open → in progress (the list generated or the sample drawn) → completed.
RUN_STATES = {"open": ("待生成", "Open"), "in_progress": ("回访中", "In progress"),
              "completed": ("已完成", "Completed")}
#: 满意度 of a callback; ``fake`` is a 假单/不合格单 (to 财务科 for 扣罚).
OUTCOMES = {"satisfied": ("满意", "Satisfied"), "dissatisfied": ("不满意", "Dissatisfied"),
            "fake": ("假单/不合格单", "Fake or non-conforming record")}


class CallbackRun(Labelled, CompanyOwnedMixin, OrgOwnedMixin, db.Model):
    """One 回访/抽访 run: a level, a period, a service centre, its lines."""

    __tablename__ = "quality_callback_run"
    CHOICES = {"level": LEVELS, "state": RUN_STATES}
    __table_args__ = (
        Index("uq_quality_callback_run_company_number", "company_id", "number", unique=True),
        Index("ix_quality_callback_run_company_period", "company_id", "level", "period_start"),
    )

    #: 回访单号, e.g. ``HF-2026-0001`` (sequence quality.callbackrun).
    number: Mapped[str | None] = mapped_column(String(30))
    level: Mapped[str] = mapped_column(enum_column(LEVELS, "quality_callback_run_level"), default="centre")
    #: The period as written (``2026-11``: a month by default, core.calendar.periods).
    period: Mapped[str | None] = mapped_column(String(30), info={"examples": ("2026-11", "2026-10", "2026-Q4")})
    period_start: Mapped[dt.date | None] = mapped_column(Date)
    period_end: Mapped[dt.date | None] = mapped_column(Date)
    #: The completed run of the level below a sample is drawn from.
    source_id: Mapped[int | None] = mapped_column(ForeignKey("quality_callback_run.id"), index=True)
    source: Mapped["CallbackRun | None"] = relationship(remote_side="CallbackRun.id", foreign_keys=[source_id])
    #: The rate used (0.05 for 5 %), or for a re-sample by count None.
    rate: Mapped[Decimal | None] = mapped_column(Numeric(7, 4))
    #: The random seed of the draw (levels 2 and 3), stored so that anyone can redo it.
    seed: Mapped[int | None] = mapped_column(BigInteger)
    #: The population as it was: ``[[work order id, number], ...]`` in the draw's order.
    population: Mapped[list | None] = mapped_column(JSON)
    population_size: Mapped[int | None] = mapped_column(Integer)
    sample_size: Mapped[int | None] = mapped_column(Integer)
    notes: Mapped[str | None] = mapped_column(Text)
    state: Mapped[str] = mapped_column(enum_column(RUN_STATES, "quality_callback_run_state"), default="open")
    lines: Mapped[list["Callback"]] = relationship(back_populates="run", order_by="Callback.seq",
                                                   foreign_keys="Callback.run_id")

    def __str__(self) -> str:
        return self.number or f"{self.period or ''} {self.level or ''}".strip()


class Callback(Labelled, CompanyOwnedMixin, OrgOwnedMixin, db.Model):
    """One line of a run: a work order called back, its outcome and, for a
    dissatisfied user, the follow-up (who must follow up: ``department`` /
    ``responsible``; the result and the day it was done)."""

    __tablename__ = "quality_callback"
    CHOICES = {"outcome": OUTCOMES}
    __table_args__ = (
        Index("uq_quality_callback_run_order", "run_id", "work_order_id", unique=True),
    )

    run_id: Mapped[int] = mapped_column(ForeignKey("quality_callback_run.id"), index=True)
    run: Mapped[CallbackRun] = relationship(back_populates="lines", foreign_keys=[run_id])
    #: 序号 on the printed form.
    seq: Mapped[int] = mapped_column(Integer, default=0)
    work_order_id: Mapped[int] = mapped_column(ForeignKey("after_sales_work_order.id"), index=True)
    work_order: Mapped["WorkOrder"] = relationship("WorkOrder")  # noqa: F821 (after_sales, a dependency)
    # The snapshot of the order as it was when the line was made (the printed columns).
    order_number: Mapped[str | None] = mapped_column(String(30))
    customer_name: Mapped[str | None] = mapped_column(String(200))
    phone: Mapped[str | None] = mapped_column(String(50))
    service: Mapped[str | None] = mapped_column(String(200))
    service_date: Mapped[dt.date | None] = mapped_column(Date)
    outcome: Mapped[str | None] = mapped_column(enum_column(OUTCOMES, "quality_callback_outcome"))
    called_on: Mapped[dt.date | None] = mapped_column(Date)
    called_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    called_by: Mapped["User | None"] = relationship("User", foreign_keys=[called_by_id])  # noqa: F821
    #: 问题/意见.
    remarks: Mapped[str | None] = mapped_column(Text)
    #: 跟踪结果 of the follow-up, and when it was done.
    follow_up_result: Mapped[str | None] = mapped_column(Text)
    follow_up_done_on: Mapped[dt.date | None] = mapped_column(Date)

    def __str__(self) -> str:
        return f"{self.run} #{self.seq} {self.order_number or ''}".strip()

    @property
    def follow_up_open(self) -> bool:
        """A dissatisfied user whose follow-up is not done yet."""
        return self.outcome == "dissatisfied" and self.follow_up_done_on is None


MODELS: list = [CallbackRun, Callback]
