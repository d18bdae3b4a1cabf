"""Satisfaction surveys 顾客满意度调查: templates with weighted questions,
and responses entered one score per question."""
from __future__ import annotations

from flask import request
from flask_admin.model.form import InlineFormAdmin
from flask_babel import get_locale, gettext, lazy_gettext as _l
from wtforms import HiddenField, SelectField
from wtforms.validators import NumberRange, Optional, ValidationError

from admin.views import CompanyModelView, text_lines
from core import db
from core.records import tenancy

from ..models import SurveyAnswer, SurveyQuestion, SurveyResponse, SurveyTemplate, local_now
from ..services import recompute_csi, template_csi

SCALE5_LABELS = {1: ("很不满意", "Very dissatisfied"), 2: ("不满意", "Dissatisfied"), 3: ("一般", "Neutral"),
                 4: ("满意", "Satisfied"), 5: ("非常满意", "Very satisfied")}


def score_choices(scale_max: int) -> list[tuple[str, str]]:
    """``[("", "—"), ("1", "1 很不满意"), ...]``: named steps on a 5-point scale."""
    zh = str(get_locale() or "zh").startswith("zh")
    choices = [("", "— " + gettext("not answered"))]
    for score in range(1, scale_max + 1):
        name = SCALE5_LABELS[score][0 if zh else 1] if scale_max == 5 else ""
        choices.append((str(score), f"{score} {name}".strip()))
    return choices


class TemplateChoice(HiddenField):
    """The template a new response is entered on (its questions are the
    form's fields). It only chooses: the response's template is set from
    the company's templates in use on create and never changes after."""

    def populate_obj(self, obj, name):
        pass


class QuestionInline(InlineFormAdmin):
    form_columns = ("id", "position", "text", "weight")
    form_label = _l("Questions")
    column_labels = {"position": _l("No."), "text": _l("Question"), "weight": _l("Weight")}
    form_args = {"weight": {"validators": [NumberRange(min=0.01)]}}


class SurveyTemplateView(CompanyModelView):
    model = SurveyTemplate
    label = _l("Survey templates")
    column_list = ("name", "scale_max", "is_active", "questions", "csi")
    column_labels = {"name": _l("Survey name"), "description": _l("Description"), "scale_max": _l("Scale (1 to)"),
                     "is_active": _l("In use"), "questions": _l("Questions"),
                     "csi": _l("CSI (number of responses)")}
    column_formatters = {"questions": lambda v, c, m, n: len(m.active_questions),
                         "csi": lambda v, c, m, n: _template_csi_text(m)}
    form_columns = ("name", "description", "scale_max", "is_active", "questions")
    form_args = {"scale_max": {"validators": [NumberRange(2, 10)],
                               "description": _l("5: 很不满意 … 非常满意")}}
    inline_models = (QuestionInline(SurveyQuestion),)

    def on_model_change(self, form, model, is_created):
        super().on_model_change(form, model, is_created)
        # A question customers have answered stays: their CSI depends on it.
        with db.session.no_autoflush:  # the pending DELETE must not reach the database first
            answered = [q for q in list(db.session.deleted) if isinstance(q, SurveyQuestion) and q.id is not None
                        and tenancy.scoped_query(SurveyAnswer).filter(SurveyAnswer.question_id == q.id).first()]
        if answered:
            raise ValidationError(gettext("Questions already answered cannot be deleted: %(questions)s. Create a "
                                          "new template (and stop using this one) to change the form.",
                                          questions="; ".join(q.text for q in answered)))

    def after_model_change(self, form, model, is_created):
        # Weights or the scale changed: the stored CSIs follow.
        responses = tenancy.scoped_query(SurveyResponse).filter(SurveyResponse.template_id == model.id).all()
        for response in responses:
            recompute_csi(response)
        if responses:
            db.session.commit()


class SurveyResponseView(CompanyModelView):
    model = SurveyResponse
    label = _l("Satisfaction surveys")
    column_list = ("number", "surveyed_on", "customer", "template", "respondent", "surveyed_by", "csi")
    column_labels = {"number": _l("Survey No."), "surveyed_on": _l("Surveyed on"), "customer": _l("Customer"), "template": _l("Survey"),
                     "respondent": _l("Respondent"), "surveyed_by": _l("Surveyed by"), "remarks": _l("Remarks"),
                     "csi": _l("CSI"), "answers": _l("Answers"), "surveyed_by.name": _l("Surveyed by"),
                     "template.name": _l("Survey")}
    column_default_sort = ("surveyed_on", True)
    column_filters = ("surveyed_on", "template.name", "csi", "surveyed_by.name")
    column_searchable_list = ("number", "respondent")
    column_details_list = ("number", "customer", "template", "surveyed_on", "surveyed_by", "respondent", "answers", "csi",
                           "remarks", "created_at", "updated_at")
    column_formatters_detail = {"answers": lambda v, c, m, n: _answers_text(m)}
    column_descriptions = {"csi": _l("Σ weight × score ÷ scale × 100 ÷ Σ weight, over the answered questions")}
    # No "number": core assigns it from the sequence crm.survey on save.
    form_columns = ("customer", "surveyed_on", "surveyed_by", "respondent", "remarks")
    form_ajax_refs = {"customer": {"fields": ("code", "name"), "page_size": 20}}
    create_template = "crm/survey_response_create.html"
    form_create_defaults = {"surveyed_on": lambda: local_now().date(), "surveyed_by": tenancy.current_user}

    # --- one score field per question of the survey's template --------------
    def chosen_template(self, obj=None) -> SurveyTemplate | None:
        """The response's template; on create ``?template=<id>`` or the
        newest template in use."""
        if obj is not None and obj.template_id:
            return obj.template
        templates = self.templates_in_use()
        wanted = request.values.get("template_id") or request.args.get("template")
        return next((t for t in templates if str(t.id) == str(wanted)), templates[0] if templates else None)

    def templates_in_use(self) -> list[SurveyTemplate]:
        return (tenancy.scoped_query(SurveyTemplate)
                .filter(SurveyTemplate.archived_at.is_(None), SurveyTemplate.is_active.is_(True))
                .order_by(SurveyTemplate.id.desc()).all())

    def form_class_for(self, form_class, obj=None):
        template = self.chosen_template(obj)
        if template is None:
            return form_class
        fields = {"template_id": TemplateChoice(default=template.id)}
        for number, question in enumerate(template.active_questions, start=1):
            answer = obj.answer_for(question) if obj is not None else None
            fields[f"q_{question.id}"] = SelectField(
                f"{number}. {question.text} (×{question.weight.normalize():f})",
                choices=score_choices(template.scale_max), validators=[Optional()],
                default=str(answer.score) if answer and answer.score else "")
        return type("SurveyResponseForm", (form_class,), fields)

    def on_model_change(self, form, model, is_created):
        super().on_model_change(form, model, is_created)
        with db.session.no_autoflush:  # the new response has no template yet
            template = self.chosen_template(None if is_created else model)
        if template is None:
            raise ValidationError(gettext("Create a survey template with questions first."))
        if is_created:
            model.template = template
        for question in template.active_questions:
            field = form[f"q_{question.id}"] if f"q_{question.id}" in form else None
            if field is None:
                continue
            score = int(field.data) if field.data else None
            answer = model.answer_for(question)
            if answer is None:
                answer = SurveyAnswer(question=question)
                model.answers.append(answer)
            answer.score = score
        recompute_csi(model)


def _template_csi_text(template: SurveyTemplate) -> str:
    csi, count = template_csi(template)
    return f"{csi} ({count})" if csi is not None else "— (0)"


def _answers_text(response: SurveyResponse):
    lines = []
    for number, question in enumerate(response.template.active_questions, start=1):
        answer = response.answer_for(question)
        score = answer.score if answer and answer.score else "—"
        lines.append(f"{number}. {question.text}: {score} / {response.template.scale_max}")
    return text_lines(lines)
