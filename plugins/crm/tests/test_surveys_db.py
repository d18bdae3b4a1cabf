"""The printed 顾客满意度调查表: the blank form of a survey template
(crm.survey_blank) and a filled-in response (crm.survey_response), printed
over HTTP as a staff user of company A and read back with poppler-utils."""
from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
from decimal import Decimal

import pytest

from core import db

from core.records import tenancy
from plugins.crm.models import ContactPerson, Customer, SurveyAnswer, SurveyQuestion, SurveyResponse, SurveyTemplate
from plugins.crm.services import recompute_csi

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")

QUESTIONS = [("客户经理服务态度", "2"), ("订货、送货的及时性", "1"), ("货源供应满足程度", "1")]
HOSTILE = '<img src="file:///etc/passwd">'


def poppler(tool, pdf, tmp_path, *args):
    path = tmp_path / f"{tool}.pdf"
    path.write_bytes(pdf)
    return subprocess.run([tool, *args, str(path), *(["-"] if tool == "pdftotext" else [])],
                          capture_output=True, text=True, check=True).stdout


def flat(text):
    return re.sub(r"\s+", "", text)


def make_survey(app, world, code="A", scores=(5, 4, None)):
    """A template and one response of company ``code``; their ids."""
    with app.app_context():
        company, user = world.company(code), world.user(f"staff@{code.lower()}.test")
        with tenancy.acting_as(company, user):
            customer = Customer(code=f"K-{code}", name=f"杭州西湖食杂店{code}{HOSTILE}", phone="0571-88881234")
            customer.contacts.append(ContactPerson(name="王丽", phone="13800001111", is_primary=True))
            template = SurveyTemplate(name="2026年度零售客户满意度调查", scale_max=5)
            for i, (text, weight) in enumerate(QUESTIONS):
                template.questions.append(SurveyQuestion(position=i, text=text, weight=Decimal(weight)))
            db.session.add_all([customer, template])
            db.session.flush()
            response = SurveyResponse(template=template, customer=customer, surveyed_on=dt.date(2026, 8, 12),
                                      surveyed_by=user, respondent="王丽（店主）",
                                      remarks="希望送货时间提前到上午。")
            for question, score in zip(template.questions, scores):
                response.answers.append(SurveyAnswer(question=question, score=score))
            db.session.add(response)
            db.session.flush()
            recompute_csi(response)
            db.session.commit()
            return template.id, response.id


@pytest.fixture
def zh_client(client_for):
    client = client_for("staff@a.test")
    client.post("/set-language", {"locale": "zh_Hans_CN"})
    return client


def test_blank_form(app, world, zh_client, tmp_path):
    template_id, _ = make_survey(app, world)
    response = zh_client.get(f"/print/crm.survey_blank/{template_id}.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    pdf = response.data
    text = flat(poppler("pdftotext", pdf, tmp_path))
    for expected in ("顾客满意度调查表", "JL-8.2-01-3", "A/0", "2026年度零售客户满意度调查",
                     "客户名称", "受访人", "调查日期", "顾客签字（盖章）", "意见和建议",
                     "很不满意", "不满意", "一般", "满意", "非常满意", "第1/1页",
                     *(f"{i}{q}{w}" for i, (q, w) in enumerate(QUESTIONS, start=1))):
        assert flat(expected) in text, f"{expected!r} not in the blank form:\n{text}"
    # blank: no customer, no answers, no CSI figure; the formula is explained
    assert "杭州西湖食杂店" not in text and "未作答" not in text
    assert text.count("✓") == 1  # in the instruction only: no box is ticked
    assert flat("CSI = Σ 权重 × 得分/满分 × 100 / Σ 权重") in text
    fonts = poppler("pdffonts", pdf, tmp_path)
    cjk = [line for line in fonts.splitlines() if re.search(r"Noto.*CJK", line)]
    assert cjk and all(line.split()[-5] == "yes" for line in cjk), fonts


def test_filled_in_response(app, world, zh_client, tmp_path):
    # weights 2/1/1, scores 5, 4, unanswered: (2·100 + 1·80) / 3 = 93.33
    _, response_id = make_survey(app, world)
    with app.app_context():
        number = db.session.get(SurveyResponse, response_id).number
    # The company's first survey of the year (sequence crm.survey), not the database id.
    assert re.fullmatch(r"MYD-\d{4}-0001", number), number
    response = zh_client.get(f"/print/crm.survey_response/{response_id}.pdf")
    assert response.status_code == 200
    assert f"filename=survey-{number}.pdf" in response.headers["Content-Disposition"]
    pdf = response.data
    text = flat(poppler("pdftotext", pdf, tmp_path))
    assert f"MYD-{response_id:05d}" not in text
    for expected in ("顾客满意度调查表", "JL-8.2-01-3", number, "2026-08-12",
                     "杭州西湖食杂店A" + HOSTILE, "王丽（店主）", "13800001111", "staff A",
                     "希望送货时间提前到上午。", "93.33", "5/5", "4/5", "未作答",
                     "CSI = Σ 权重 × 得分/满分 × 100 / Σ 权重，仅计已作答的问题",
                     *(q for q, _ in QUESTIONS)):
        assert flat(expected) in text, f"{expected!r} not in the response:\n{text}"
    assert text.count("✓") == 1 + 2  # the instruction, and one tick per answered question


def test_english_labels_in_an_english_interface(app, world, client_for, tmp_path):
    template_id, response_id = make_survey(app, world)
    client = client_for("staff@a.test")  # the test client asks for English
    text = flat(poppler("pdftotext", client.get(f"/print/crm.survey_response/{response_id}.pdf").data, tmp_path))
    for expected in ("Customer satisfaction survey", "Respondent", "Not answered", "Very satisfied", "93.33",
                     "CSI = Σ weight × score/scale × 100 / Σ weight over the answered questions"):
        assert flat(expected) in text, f"{expected!r} not in:\n{text}"
    assert "顾客满意度调查表" not in text and "受访人" not in text
    blank = client.get(f"/print/crm.survey_blank/{template_id}.pdf")
    assert blank.status_code == 200
    assert flat("Please tick one box for each question.") in flat(poppler("pdftotext", blank.data, tmp_path))


def test_other_company_ids_are_not_found(app, world, zh_client):
    template_id, response_id = make_survey(app, world, "B")
    assert zh_client.get(f"/print/crm.survey_blank/{template_id}.pdf").status_code == 404
    assert zh_client.get(f"/print/crm.survey_response/{response_id}.pdf").status_code == 404
    assert zh_client.get("/print/crm.survey_response/999999.pdf").status_code == 404


def test_printing_needs_the_read_permission_of_the_survey_screens(app):
    from core.printing import printable_registry
    with app.app_context():
        registry = printable_registry()
        assert registry.get("crm.survey_blank").needed_permission == "crm.surveytemplate.read"
        assert registry.get("crm.survey_response").needed_permission == "crm.survey.read"
