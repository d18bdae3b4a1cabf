"""Demo data of after_sales for both demo companies, on the CRM's customers."""
from core import db
from core.calendar.timezone import local_today
from core.demo import load_demo
from core.models import Company
from core.records import tenancy

from ..models import Product, ServiceAgreement, UnitSold
from ..targets import targets_for


def test_demo_units_for_both_companies(app):
    with app.app_context():
        load_demo()
        for company in db.session.query(Company).all():
            assert tenancy.scoped_query(Product, company).count() >= 4
            units = tenancy.scoped_query(UnitSold, company).all()
            assert len(units) >= 6
            assert {u.customer.company_id for u in units} == {company.id}
            today = local_today(company)
            covered = {u.terms(company).covers(today) for u in units}
            assert covered == {True, False}  # some in warranty, some expired
            assert any(u.quantity > 1 for u in units)
            agreements = tenancy.scoped_query(ServiceAgreement, company).all()
            assert len(agreements) >= 3 and all(a.number for a in agreements)
            in_force = [a for a in agreements if a.covers(today)]
            assert in_force and len(in_force) < len(agreements)  # one has expired
            hotel = next(a for a in in_force if a.project is None)
            assert targets_for(hotel.customer, today, company=company) == hotel
