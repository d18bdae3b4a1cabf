"""Demo data of the CRM for both demo companies."""
from core import db
from core.records import tenancy
from core.deadlines import is_overdue
from core.demo import load_demo
from core.models import Company
from core.org import holders, signoffs_of
from plugins.crm.models import ContactLog, ContactPerson, Customer, ReturnVisit, SurveyResponse, VisitReception


def test_demo_data_for_both_companies(app):
    with app.app_context():
        load_demo()
        for company in db.session.query(Company).all():
            customers = tenancy.scoped_query(Customer, company).all()
            assert len(customers) >= 10
            assert all(c.code.startswith(f"{company.code}-KH") for c in customers)
            assert any(c.is_key for c in customers) and not all(c.is_key for c in customers)
            assert {c.in_province for c in customers} == {True, False}
            assert len({c.business_format for c in customers}) >= 3
            # last quarter's classification gives every scale somewhere
            assert {c.class_code[-1] for c in customers if c.class_code} == {"1", "2", "3"}
            assert tenancy.scoped_query(ContactPerson, company).count() >= 10
            logs = tenancy.scoped_query(ContactLog, company).all()
            assert len(logs) >= 10 and all(log.reply_due for log in logs)
            assert any(is_overdue(log) for log in logs) and not all(is_overdue(log) for log in logs)
            assert {log.customer.company_id for log in logs} == {company.id}
            responses = tenancy.scoped_query(SurveyResponse, company).all()
            assert len(responses) >= 6 and all(r.csi is not None for r in responses)
            visits = tenancy.scoped_query(ReturnVisit, company).all()
            assert any(v.done for v in visits) and any(v.is_overdue() for v in visits)
            assert any(v.generated and not v.done for v in visits)
            # 顾客来访接待: one awaiting approval, one approved by the 管理者代表, one received.
            with tenancy.acting_as(company, None):
                receptions = {r.state: r for r in tenancy.scoped_query(VisitReception, company)}
                assert set(receptions) == {"requested", "approved", "received"}
                assert signoffs_of(receptions["requested"]) == []
                rep = holders("core.management_rep", company)[0]
                assert [(s.employee_id, s.responsibility) for s in signoffs_of(receptions["approved"])] == [
                    (rep.id, "core.management_rep")]
                received = receptions["received"]
                assert received.questions and received.received_at > received.planned_at
                assert [s.responsibility for s in signoffs_of(received)] == ["core.general_manager"]
