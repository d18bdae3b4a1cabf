"""The quality demo (plugins/quality/demo_*.py) in both demo companies,
loaded once (a demo load is the slow part) and checked per concern:

* complaints: several states each, a 重大 case from the 消协 (the 法律事务部
  told), HZ's complaint about our own staff waiting for the 总经理;
* quality tracking: five trackings moved through core's workflow, one
  overdue at 质管部; the four-month-old and the never-tracked customers due;
* callbacks: a completed 100 % run with one fake and one dissatisfied user
  (its follow-up with the outlet's engineer), and its 5 % sample drawn from
  the qualified lines with a stored seed that redraws the same records;
* CAPA: one from the demo service report 技质部 marked 需采取纠正/预防措施,
  linked both ways and numbered on the report, with two actions (one
  verified effective by someone other than its owner, one still running)."""
from __future__ import annotations

from collections import Counter

from core import db, links
from core.deadlines import is_overdue
from core.demo import load_demo
from core.models import Company
from core.notify import Notification
from core.records import tenancy
from plugins.after_sales.models import ServiceReport

from ..callbacks_rules import verify_draw
from ..models.callbacks import CallbackRun
from ..models.capa import Capa
from ..models.complaints import Complaint
from ..models.tracking import QualityTracking
from ..tracking_rules import due_customers


def test_the_quality_demo_in_both_companies(app):
    with app.app_context():
        load_demo()
    for check in (_complaints, _tracking, _callbacks, _capa):
        check(app)


def _complaints(demo):
    with demo.app_context():
        companies = db.session.query(Company).all()
        assert len(companies) == 2
        for company in companies:
            rows = tenancy.scoped_query(Complaint, company).all()
            states = Counter(c.state for c in rows)
            assert len(rows) >= 4 and len(states) >= 4, states
            assert states["closed"] == 1 and states["received"] == 1
            major = [c for c in rows if c.source == "consumer_assoc"]
            assert major and all(c.severity == "major" for c in major)
            assert all(c.number and c.close_due for c in rows)
            legal = db.session.query(Notification).filter_by(company_id=company.id,
                                                             kind="quality.complaint_legal").count()
            assert legal == len(major)
        hz = next(c for c in companies if c.code == "HZ")
        staff = [c for c in tenancy.scoped_query(Complaint, hz) if c.about_staff]
        assert [(c.state, c.accused.name) for c in staff] == [("analysed", "张伟")]


def _tracking(demo):
    with demo.app_context():
        for code in ("HZ", "CD"):
            company = db.session.query(Company).filter_by(code=code).one()
            with tenancy.acting_as(company, None):
                rows = tenancy.scoped_query(QualityTracking, company).all()
                assert Counter(r.state for r in rows) == {"filed": 2, "closed": 1, "received": 1, "draft": 1}
                assert all(r.number and r.number.startswith("ZLGZ-") for r in rows)
                open_one = next(r for r in rows if r.state == "received")
                assert is_overdue(open_one)              # 38 days at 质管部: past 15 working days
                closed = next(r for r in rows if r.state == "closed")
                assert not is_overdue(closed) and closed.solved_at <= closed.solve_due
                due = {d.customer.code for d in due_customers(company)}
                assert f"{code}-KH010" in due and f"{code}-KH001" not in due


def _callbacks(demo):
    with demo.app_context():
        companies = db.session.query(Company).all()
        assert len(companies) == 2
        for company in companies:
            with tenancy.acting_as(company, None):
                runs = {r.level: r for r in tenancy.scoped_query(CallbackRun, company)
                        .filter(CallbackRun.archived_at.is_(None))}
                centre, sample = runs["centre"], runs["sample"]
                assert centre.state == "completed" and sample.state == "in_progress"
                outcomes = [line.outcome for line in centre.lines]
                assert outcomes.count("fake") == 1 and outcomes.count("dissatisfied") == 1
                assert len(outcomes) >= 3 and None not in outcomes
                unhappy = next(line for line in centre.lines if line.outcome == "dissatisfied")
                assert unhappy.responsible is not None and unhappy.responsible_id == unhappy.work_order.responsible_id
                qualified = len(outcomes) - 1
                assert sample.population_size == qualified and sample.sample_size == 1  # ceil(N × 5 %) for N ≤ 20
                assert sample.seed is not None and verify_draw(sample).same
                assert sample.lines[0].outcome == "satisfied"


def _capa(demo):
    with demo.app_context():
        companies = db.session.query(Company).all()
        assert len(companies) == 2
        for company in companies:
            with tenancy.acting_as(company):
                capas = tenancy.scoped_query(Capa, company).all()
                assert len(capas) == 1
                capa = capas[0]
                assert (capa.source_kind, capa.state) == ("service_report", "in_progress")
                report = tenancy.scoped_query(ServiceReport, company).filter(
                    ServiceReport.number == capa.source_ref).one()
                assert (report.capa_needed, report.capa_ref) == ("yes", capa.number)
                assert [(k.source_entity, k.target_entity) for k in links.links_of(capa)] == [
                    ("after_sales.report", "quality.capa")]
                states = sorted((a.kind, a.state, a.effectiveness) for a in capa.actions)
                assert states == [("corrective", "verified", "effective"), ("preventive", "open", None)]
                verified = next(a for a in capa.actions if a.state == "verified")
                assert verified.verifier_id != verified.responsible_id and capa.containment and capa.cause_analysis
