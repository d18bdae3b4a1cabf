"""Satisfaction surveys 顾客满意度调查: templates of weighted questions and
customers' responses. The CSI arithmetic is plugins/crm/surveys.py."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import Boolean, CheckConstraint, Date, ForeignKey, Index, Integer, Numeric, String, Text, \
    UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core import CompanyOwnedMixin, db
from core.models import User

from .customers import Customer


class SurveyTemplate(CompanyOwnedMixin, db.Model):
    """A survey form: its questions (edited inline), each with a weight,
    answered on a scale 1..``scale_max``."""

    __tablename__ = "crm_survey_template"
    __table_args__ = (CheckConstraint("scale_max BETWEEN 2 AND 10", name="scale_2_to_10"),)

    name: Mapped[str] = mapped_column(String(120))
    description: Mapped[str | None] = mapped_column(Text)
    scale_max: Mapped[int] = mapped_column(Integer, default=5)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    questions: Mapped[list[SurveyQuestion]] = relationship(
        back_populates="template", order_by="(SurveyQuestion.position, SurveyQuestion.id)")

    def __str__(self) -> str:
        return self.name or ""

    @property
    def active_questions(self) -> list[SurveyQuestion]:
        return [q for q in self.questions if q.archived_at is None]


class SurveyQuestion(CompanyOwnedMixin, db.Model):
    __tablename__ = "crm_survey_question"
    __table_args__ = (CheckConstraint("weight > 0", name="weight_positive"),)

    template_id: Mapped[int] = mapped_column(ForeignKey("crm_survey_template.id"), index=True)
    template: Mapped[SurveyTemplate] = relationship(back_populates="questions")
    position: Mapped[int] = mapped_column(Integer, default=0)
    text: Mapped[str] = mapped_column(String(300))
    weight: Mapped[Decimal] = mapped_column(Numeric(6, 2), default=Decimal(1))

    def __str__(self) -> str:
        return self.text or ""


class SurveyResponse(CompanyOwnedMixin, db.Model):
    """One customer's filled-in survey. ``csi`` is recomputed from the
    answers whenever they are saved (plugins/crm/services.py)."""

    __tablename__ = "crm_survey_response"
    __table_args__ = (Index("uq_crm_survey_response_company_number", "company_id", "number", unique=True),)

    #: 调查表编号, e.g. ``MYD-2026-0001``: assigned by core from the sequence
    #: ``crm.survey`` when the response is saved (plugins/crm/numbers.py).
    number: Mapped[str | None] = mapped_column(String(30))

    template_id: Mapped[int] = mapped_column(ForeignKey("crm_survey_template.id"), index=True)
    template: Mapped[SurveyTemplate] = relationship()
    customer_id: Mapped[int] = mapped_column(ForeignKey("crm_customer.id"), index=True)
    customer: Mapped[Customer] = relationship()
    surveyed_on: Mapped[dt.date] = mapped_column(Date, index=True)
    surveyed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    surveyed_by: Mapped[User | None] = relationship(foreign_keys=[surveyed_by_id])
    respondent: Mapped[str | None] = mapped_column(String(60))
    remarks: Mapped[str | None] = mapped_column(Text)
    csi: Mapped[Decimal | None] = mapped_column(Numeric(5, 2))
    answers: Mapped[list[SurveyAnswer]] = relationship(back_populates="response", order_by="SurveyAnswer.id")

    def __str__(self) -> str:
        return f"{self.number or ''} {self.surveyed_on or ''} {self.customer or ''}".strip()

    def answer_for(self, question: SurveyQuestion) -> SurveyAnswer | None:
        return next((a for a in self.answers if question.id in (a.question_id, a.question and a.question.id)),
                    None)


class SurveyAnswer(CompanyOwnedMixin, db.Model):
    """The score (1..scale_max, or empty: not answered) given to one question."""

    __tablename__ = "crm_survey_answer"
    __table_args__ = (UniqueConstraint("response_id", "question_id", name="uq_crm_survey_answer_question"),
                      CheckConstraint("score IS NULL OR score >= 1", name="score_positive"))

    response_id: Mapped[int] = mapped_column(ForeignKey("crm_survey_response.id"), index=True)
    response: Mapped[SurveyResponse] = relationship(back_populates="answers")
    question_id: Mapped[int] = mapped_column(ForeignKey("crm_survey_question.id"), index=True)
    question: Mapped[SurveyQuestion] = relationship()
    score: Mapped[int | None] = mapped_column(Integer)
    comment: Mapped[str | None] = mapped_column(String(300))
