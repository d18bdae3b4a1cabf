"""Customer visit reception 顾客来访/参观接待 (seed 001-I 6.2): a customer's
visit to the company, approved beforehand by the 管理者代表 or the 总经理,
received by the project team (its department and responsible employee),
with the questions the customer asked and the documents they left."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, CheckConstraint, DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core import CompanyOwnedMixin, OrgOwnedMixin, db
from core.records.choices import Labelled, enum_column

from .customers import Customer

#: The reception's states (workflow crm.visitreception, plugins/crm/workflows.py).
RECEPTION_STATES = {"requested": ("待核准", "Awaiting approval"), "approved": ("已核准", "Approved"),
                    "received": ("已接待", "Received"), "rejected": ("未核准", "Not approved"),
                    "cancelled": ("已取消", "Cancelled")}

#: What the company introduces to the visitors (the seed's list, in its
#: order): a check box each, stored as a boolean column.
TOPICS = {"intro_profile": ("公司简介", "Company profile"),
          "intro_history": ("发展历程", "Company history"),
          "intro_production": ("生产状况", "Production"),
          "intro_operations": ("经营状况", "Business operations"),
          "intro_sales": ("销售状况", "Sales"),
          "intro_quality": ("质量状况", "Quality"),
          "intro_staff": ("人员素质状况", "Staff qualifications")}


class VisitReception(Labelled, CompanyOwnedMixin, OrgOwnedMixin, db.Model):
    """One customer visit: requested (待核准), approved (已核准) by a holder of
    core.management_rep or core.general_manager, then received (已接待).
    The department is the project team (项目组) that reports and receives
    the visit; the responsible employee leads the reception."""

    __tablename__ = "crm_visit_reception"
    CHOICES = {"state": RECEPTION_STATES}
    __table_args__ = (Index("uq_crm_visit_reception_company_number", "company_id", "number", unique=True),
                      Index("ix_crm_visit_reception_company_planned", "company_id", "planned_at"),
                      CheckConstraint("visitor_count IS NULL OR visitor_count BETWEEN 1 AND 999",
                                      name="visitor_count_1_to_999"))

    #: 接待编号, e.g. ``JD-2026-0001``: assigned by core from the sequence
    #: ``crm.visitreception`` when the reception is saved (plugins/crm/numbers.py).
    number: Mapped[str | None] = mapped_column(String(30))
    customer_id: Mapped[int] = mapped_column(ForeignKey("crm_customer.id"), index=True)
    customer: Mapped[Customer] = relationship()
    #: 来访时间: when the visitors are expected, company-local wall-clock time
    #: as the clerk typed it (D-3, like the contact log's occurred_at).
    planned_at: Mapped[dt.datetime] = mapped_column(DateTime)
    #: 来访人员: names and positions, one per line.
    visitors: Mapped[str] = mapped_column(Text)
    visitor_count: Mapped[int | None] = mapped_column(Integer)
    purpose: Mapped[str] = mapped_column(String(300))
    #: 住宿安排 / 交通安排 (the seed's 住、行).
    accommodation: Mapped[str | None] = mapped_column(Text)
    transport: Mapped[str | None] = mapped_column(Text)
    intro_profile: Mapped[bool] = mapped_column(Boolean, default=False)
    intro_history: Mapped[bool] = mapped_column(Boolean, default=False)
    intro_production: Mapped[bool] = mapped_column(Boolean, default=False)
    intro_operations: Mapped[bool] = mapped_column(Boolean, default=False)
    intro_sales: Mapped[bool] = mapped_column(Boolean, default=False)
    intro_quality: Mapped[bool] = mapped_column(Boolean, default=False)
    intro_staff: Mapped[bool] = mapped_column(Boolean, default=False)
    #: 顾客提出的问题: recorded during or after the visit; needed to mark it received.
    questions: Mapped[str | None] = mapped_column(Text)
    #: 接待记录 and 接待结果.
    notes: Mapped[str | None] = mapped_column(Text)
    outcome: Mapped[str | None] = mapped_column(Text)
    #: 接待完成时间: stamped (company-local) by the workflow's "receive".
    received_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    #: Changed only by the workflow crm.visitreception's transitions.
    state: Mapped[str] = mapped_column(enum_column(RECEPTION_STATES, "crm_visit_reception_state"),
                                       default="requested", index=True)

    def __str__(self) -> str:
        when = self.planned_at.strftime("%Y-%m-%d") if self.planned_at else ""
        customer = self.customer.name if self.customer is not None else ""
        return f"{self.number or ''} {when} {customer}".strip()

    def topics(self, locale: str | None = None) -> list[tuple[str, bool]]:
        """``[(公司简介, True), ...]``: each topic of the seed's list, in its
        order, and whether it is to be (or was) introduced."""
        english = (locale or "zh").startswith("en")
        return [(labels[1] if english else labels[0], bool(getattr(self, name))) for name, labels in TOPICS.items()]

    def decision(self, locale: str | None = None) -> str:
        """The approver's decision as the form prints it: ``已核准：同意接待``
        (or ``未核准：…``) from the latest sign-off, its comment after a
        colon; empty before anyone decided (a line for a pen)."""
        from core.org import signoffs_of
        signed = signoffs_of(self)
        if not signed:
            return ""
        outcome = {"approve": "approved", "reject": "rejected"}.get(signed[-1].transition, "approved")
        label = RECEPTION_STATES[outcome][1 if (locale or "zh").startswith("en") else 0]
        return f"{label}：{signed[-1].comment}" if signed[-1].comment else label

    def documents(self) -> list[str]:
        """The names of the files attached to the reception (the documents
        the customer provided), oldest first, through core's attachments."""
        from core.attachments import listing
        return [a.name for a in listing("crm.visitreception", self.id)] if self.id is not None else []
