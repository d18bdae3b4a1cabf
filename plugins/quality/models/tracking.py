"""Quality tracking 质量跟踪 (002-S, AS-62 … AS-68; table ``quality_tracking``).

One record per contact with a customer about the quality of what we
delivered: the date, the channel (AS-64), the five topics of AS-63 ticked,
the customer's opinion and problems, and what cannot be solved at once.
The sales person who tracked (the record's responsible employee,
``core.OrgOwnedMixin``, of 销售部) fills in the 《质量跟踪记录表》; the head of
销售部 signs it (AS-66, sign-off ``quality.sales_head``); a problem left
open goes to 质管部, whose receipt (stamped by the workflow) starts the
15 working-day solve deadline (AS-67, ``quality.tracking.solve``): cause
analysis, handling opinion, solved date, and the date the user was told,
needed to close. Finding AS-65: misuse (pointed out on the spot) or a
product defect (handled on its merits).
"""
from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, Date, DateTime, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core import CompanyOwnedMixin, OrgOwnedMixin, db
from core.records.choices import Labelled, enum_column

#: 跟踪方式 (AS-64).
TRACKING_CHANNELS = {"phone": ("电话", "Phone"), "letter": ("信函", "Letter"), "fax": ("传真", "Fax"),
                     "email": ("电子邮件", "E-mail"), "callback": ("回访", "Callback visit"),
                     "maintenance": ("上门维护", "Maintenance visit")}

#: The five topics of AS-63, in the order of the form: (field, 中文, English).
TOPICS = (("topic_process", "工艺技术符合要求", "Process and technology meet the requirements"),
          ("topic_standards", "质量满足标准法规", "Quality meets standards and regulations"),
          ("topic_delivery", "按期交货", "Delivered on time"),
          ("topic_service", "安装调试维修质量及承诺", "Installation, commissioning, repair and promises kept"),
          ("topic_complaints", "投诉处理及时满意", "Complaints handled in time and to satisfaction"))

#: 问题性质 (AS-65): misuse is pointed out on the spot; a defect is handled on its merits.
FINDINGS = {"none": ("无问题", "No problem"), "misuse": ("使用不当（已当场指出）", "Misuse (pointed out on the spot)"),
            "defect": ("产品缺陷", "Product defect"), "other": ("其他", "Other")}

#: The workflow quality.tracking (plugins/quality/workflows.py).
TRACKING_STATES = {"draft": ("填写中", "Draft"), "signed": ("销售部已审核", "Signed by 销售部"),
                   "filed": ("已归档", "Filed"), "received": ("质管部已接收", "Received by 质管部"),
                   "solved": ("已解决", "Solved"), "closed": ("已告知用户，关闭", "User told, closed")}


class QualityTracking(Labelled, OrgOwnedMixin, CompanyOwnedMixin, db.Model):
    """质量跟踪记录: one tracking contact with one customer."""

    __tablename__ = "quality_tracking"
    CHOICES = {"channel": TRACKING_CHANNELS, "finding": FINDINGS, "state": TRACKING_STATES}
    __table_args__ = (Index("uq_quality_tracking_company_number", "company_id", "number", unique=True),
                      # The due-for-tracking list: the last tracking day per customer.
                      Index("ix_quality_tracking_company_customer_day", "company_id", "customer_id", "tracked_on"))

    #: 编号, e.g. ``ZLGZ-2026-0001``: sequence quality.tracking.
    number: Mapped[str | None] = mapped_column(String(30))
    #: 跟踪日期 (company-local day).
    tracked_on: Mapped[dt.date] = mapped_column(Date)
    customer_id: Mapped[int] = mapped_column(ForeignKey("crm_customer.id"), index=True)
    customer: Mapped["Customer"] = relationship("Customer")  # noqa: F821 (crm)
    #: 产品/合同号.
    product: Mapped[str | None] = mapped_column(String(200))
    contract_no: Mapped[str | None] = mapped_column(String(60))
    channel: Mapped[str] = mapped_column(enum_column(TRACKING_CHANNELS, "quality_tracking_channel"), default="phone")
    #: 跟踪内容 ☑ (AS-63): ticked = asked about and found in order.
    topic_process: Mapped[bool] = mapped_column(Boolean, default=False)
    topic_standards: Mapped[bool] = mapped_column(Boolean, default=False)
    topic_delivery: Mapped[bool] = mapped_column(Boolean, default=False)
    #: A late delivery caused by force majeure: whether the customer's understanding was obtained.
    force_majeure_late: Mapped[bool] = mapped_column(Boolean, default=False)
    force_majeure_understood: Mapped[bool] = mapped_column(Boolean, default=False)
    topic_service: Mapped[bool] = mapped_column(Boolean, default=False)
    topic_complaints: Mapped[bool] = mapped_column(Boolean, default=False)
    #: 顾客意见 / 问题.
    opinion: Mapped[str | None] = mapped_column(Text)
    problems: Mapped[str | None] = mapped_column(Text)
    #: 暂不能解决的问题: what goes to 质管部 (needed to hand it over).
    unsolved_problems: Mapped[str | None] = mapped_column(Text)
    #: 问题性质 (AS-65).
    finding: Mapped[str] = mapped_column(enum_column(FINDINGS, "quality_tracking_finding"), default="none")
    #: 质管部接收日期: stamped by the transition "receive"; the solve deadline runs from it.
    qm_received_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    #: 质管部经办人: told when the solve deadline comes close or is breached.
    qm_handler_id: Mapped[int | None] = mapped_column(ForeignKey("employees.id"), index=True)
    qm_handler: Mapped["Employee | None"] = relationship("Employee", foreign_keys=[qm_handler_id])  # noqa: F821
    #: 解决期限 (接收 + 15 工作日): kept by core (deadline quality.tracking.solve).
    solve_due: Mapped[dt.datetime | None] = mapped_column(DateTime, index=True)
    cause_analysis: Mapped[str | None] = mapped_column(Text)
    handling_opinion: Mapped[str | None] = mapped_column(Text)
    #: 解决日期: stamped by "solve".
    solved_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    #: 告知用户日期: needed to close.
    user_informed_on: Mapped[dt.date | None] = mapped_column(Date)
    notes: Mapped[str | None] = mapped_column(Text)
    state: Mapped[str] = mapped_column(enum_column(TRACKING_STATES, "quality_tracking_state"), default="draft",
                                       index=True)

    def __str__(self) -> str:
        return self.number or ""

    def topics(self) -> list[tuple[str, str, bool]]:
        """``[(中文, English, ticked), ...]`` in the form's order (AS-63)."""
        return [(zh, en, bool(getattr(self, name))) for name, zh, en in TOPICS]


MODELS: list = [QualityTracking]
