"""纠正和预防措施 CAPA (AS-19, AS-77, AS-79; tables ``quality_capa`` and
``quality_capa_action``), company-owned and org-owned (责任部门/责任人).

A CAPA records one nonconformity (不合格事实) from a source (a complaint,
a quality tracking record, a service report, an audit...: the source record
itself is linked through core's record links, ``source_ref`` keeps its
number as printed), what was done at once to contain it (**immediate
containment**, apart from the action plan), the cause analysis, and its
**actions**: corrective or preventive, each with an owner (the action's
responsible employee), a department and a 整改期限 (``due_on``, core's
deadline ``quality.capaaction.due``, reminded to the owner and the
department head). Moving a due date needs a reason, kept in the history
by core (``info={"reason": True}``, core.records.reasons). A done action
is verified by someone other than its owner (verifier, date, effective or
not, comment). The CAPA closes only when every action is done and verified
effective, signed by the 管理者代表 (plugins/quality/capa_rules.py).
"""
from __future__ import annotations

import datetime as dt

from sqlalchemy import Date, DateTime, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core import CompanyOwnedMixin, OrgOwnedMixin, db
from core.records.choices import Labelled, enum_column

#: 来源 of the paper form (and 售后服务报告, 其他).
SOURCES = {"complaint": ("投诉", "Complaint"), "tracking": ("质量跟踪", "Quality tracking"),
           "service_report": ("售后服务报告", "Service report"), "audit": ("内审", "Internal audit"),
           "inspection": ("监督检查", "Inspection"), "appraisal": ("考核", "Appraisal"),
           "adverse_event": ("不良事件", "Adverse event"), "other": ("其他", "Other")}
#: 一般 / 重大 (AS-77: 重大 goes to the management).
SEVERITIES = {"minor": ("一般", "Minor"), "major": ("重大", "Major")}
CAPA_STATES = {"draft": ("草拟", "Draft"), "open": ("已立项", "Open"),
               "in_progress": ("措施实施中", "Actions in progress"), "verification": ("效果验证中", "Verification"),
               "closed": ("已关闭", "Closed"), "cancelled": ("已取消", "Cancelled")}
ACTION_KINDS = {"corrective": ("纠正", "Corrective"), "preventive": ("预防", "Preventive")}
ACTION_STATES = {"open": ("待实施", "To do"), "done": ("已完成", "Done"), "verified": ("已验证", "Verified"),
                 "cancelled": ("已取消", "Cancelled")}
#: 效果结论.
RESULTS = {"effective": ("有效", "Effective"), "not_effective": ("无效", "Not effective")}


class Capa(Labelled, CompanyOwnedMixin, OrgOwnedMixin, db.Model):
    """纠正和预防措施处理单: one nonconformity and what is done about it."""

    __tablename__ = "quality_capa"
    CHOICES = {"source_kind": SOURCES, "severity": SEVERITIES, "state": CAPA_STATES}
    __table_args__ = (Index("uq_quality_capa_company_number", "company_id", "number", unique=True),)

    #: 编号, e.g. ``CAPA-2026-0001`` (sequence quality.capa).
    number: Mapped[str | None] = mapped_column(String(30))
    source_kind: Mapped[str] = mapped_column(enum_column(SOURCES, "quality_capa_source"), default="other")
    #: 关联单号: the source record's number (the record itself: core.links).
    source_ref: Mapped[str | None] = mapped_column(String(60))
    nonconformity: Mapped[str | None] = mapped_column(Text)   # 不合格事实
    severity: Mapped[str] = mapped_column(enum_column(SEVERITIES, "quality_capa_severity"), default="minor")
    containment: Mapped[str | None] = mapped_column(Text)     # 立即采取的控制措施
    cause_analysis: Mapped[str | None] = mapped_column(Text)  # 原因分析
    #: Stamped by the workflow (company-local).
    opened_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    started_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    closed_at: Mapped[dt.datetime | None] = mapped_column(DateTime)  # 关闭日期
    state: Mapped[str] = mapped_column(enum_column(CAPA_STATES, "quality_capa_state"), default="draft", index=True)
    actions: Mapped[list["CapaAction"]] = relationship(back_populates="capa", order_by="CapaAction.id")

    def __str__(self) -> str:
        return self.number or ""

    def live_actions(self) -> list["CapaAction"]:
        """The actions that count (not cancelled, not archived)."""
        return [a for a in self.actions if a.state != "cancelled" and a.archived_at is None]


class CapaAction(Labelled, CompanyOwnedMixin, OrgOwnedMixin, db.Model):
    """One corrective or preventive action of a CAPA; its owner is the
    responsible employee (OrgOwnedMixin), its department the 责任部门."""

    __tablename__ = "quality_capa_action"
    CHOICES = {"kind": ACTION_KINDS, "effectiveness": RESULTS, "state": ACTION_STATES}

    capa_id: Mapped[int] = mapped_column(ForeignKey("quality_capa.id"), index=True)
    capa: Mapped[Capa] = relationship(back_populates="actions")
    kind: Mapped[str] = mapped_column(enum_column(ACTION_KINDS, "quality_capa_action_kind"), default="corrective")
    description: Mapped[str | None] = mapped_column(Text)     # 措施内容
    #: When the action was planned: the deadline counts from here (local now on insert).
    planned_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    #: 整改期限 (a company-local day); a change needs a reason (core.records.reasons).
    due_on: Mapped[dt.date | None] = mapped_column(Date, info={"reason": True})
    #: Kept by core from due_on (deadline quality.capaaction.due): the end of that day.
    due_at: Mapped[dt.datetime | None] = mapped_column(DateTime, index=True)
    #: 实施情况 and when it was done (stamped by "complete").
    result: Mapped[str | None] = mapped_column(Text)
    done_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    #: 验证: by someone other than the owner (plugins/quality/capa_rules.py).
    verifier_id: Mapped[int | None] = mapped_column(ForeignKey("employees.id"), index=True)
    verifier: Mapped["Employee | None"] = relationship("Employee", foreign_keys=[verifier_id])  # noqa: F821
    verified_on: Mapped[dt.date | None] = mapped_column(Date)
    effectiveness: Mapped[str | None] = mapped_column(enum_column(RESULTS, "quality_capa_action_result"))
    verification_comment: Mapped[str | None] = mapped_column(Text)
    verified_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    state: Mapped[str] = mapped_column(enum_column(ACTION_STATES, "quality_capa_action_state"), default="open",
                                       index=True)

    def __str__(self) -> str:
        capa = self.capa.number if self.capa is not None and self.capa.number else ""
        text = (self.description or "").strip().splitlines()[0][:40] if (self.description or "").strip() else ""
        return " · ".join(p for p in (capa, text) if p) or f"#{self.id or ''}"


MODELS: list = [Capa, CapaAction]
