"""Service agreements 服务协议 (AS-26, AS-78) through their screen, and
targets_for: the agreement in force for a customer on a day, whose targets
replace the company's defaults."""
import datetime as dt
from decimal import Decimal

from core.deadlines import DeadlineRule
from core.records import tenancy
from plugins.crm.models import Customer

from ..models import ServiceAgreement
from ..targets import targets_for
from .helpers import add_customer

URL = "/admin/after_sales/agreement/"
D = dt.date


def form(cid, **values):
    base = {"customer": str(cid), "valid_from": "2026-01-01", "valid_to": "2026-12-31",
            "scope": "空调机组维保：每季度巡检一次", "fee": "12000.00", "fee_terms": "每年"}
    base.update(values)
    return base


def agreements(app, world, company="A"):
    with app.app_context():
        return sorted((a.number, a.project, a.valid_from, a.valid_to, a.response_amount, a.response_unit,
                       a.resolution_amount, a.resolution_unit)
                      for a in tenancy.scoped_query(ServiceAgreement, world.company(company)))


def test_staff_records_an_agreement_with_a_30_minute_response_and_2_day_resolution(app, world, client_for):
    cid = add_customer(app, world, "KH001", name="西湖国宾馆")
    client = client_for("staff@a.test")
    made = client.post(URL + "new/", form(cid, project="一期机房", response_amount="0.5", response_unit="hours",
                                          resolution_amount="2", resolution_unit="calendar_days"))
    assert made.status_code == 302, made.get_data(as_text=True)[:3000]
    rows = agreements(app, world)
    assert len(rows) == 1
    number, project, start, end, r_amount, r_unit, s_amount, s_unit = rows[0]
    assert number.startswith("FWXY-") and project == "一期机房"  # numbered by core's sequence
    assert (start, end, r_amount, r_unit, s_amount, s_unit) == (D(2026, 1, 1), D(2026, 12, 31), Decimal("0.50"),
                                                               "hours", Decimal("2.00"), "calendar_days")
    listing = client.get(URL).get_data(as_text=True)
    assert number in listing and "0.5 hours" in listing and "2 calendar days" in listing and "company default" not in listing


def test_bad_agreements_are_refused_with_a_message(app, world, client_for):
    cid = add_customer(app, world, "KH001", name="西湖国宾馆")
    client = client_for("staff@a.test")
    cases = [
        (form(cid, valid_to="2025-12-31"), "The agreement cannot end before it starts."),
        (form(cid, response_amount="24"), "Give both the amount and the unit of the target, or neither."),
        (form(cid, resolution_unit="working_days"), "Give both the amount and the unit of the target, or neither."),
        (form(cid, resolution_amount="1.5", resolution_unit="working_days"), "This target cannot be counted"),
        (form(cid, response_amount="0", response_unit="hours"), "This target cannot be counted"),
        (form(cid, fee="-1"), "The service fee cannot be negative."),
    ]
    for values, message in cases:
        page = client.post(URL + "new/", values)
        assert page.status_code == 200 and message in page.get_data(as_text=True), message
    assert agreements(app, world) == []
    # Positive control: the same form, good values, saves; then an overlapping one is refused.
    assert client.post(URL + "new/", form(cid)).status_code == 302
    page = client.post(URL + "new/", form(cid, valid_from="2026-06-01", valid_to="2027-05-31"))
    assert page.status_code == 200
    assert "西湖国宾馆 already has agreement FWXY-" in page.get_data(as_text=True)
    # Another project of the customer, or the next year, is fine.
    assert client.post(URL + "new/", form(cid, valid_from="2026-06-01", valid_to="2027-05-31",
                                          project="二期")).status_code == 302
    assert client.post(URL + "new/", form(cid, valid_from="2027-01-01", valid_to="2027-12-31")).status_code == 302
    assert len(agreements(app, world)) == 3


def make(app, world, cid, company="A", **fields):
    with app.app_context():
        with tenancy.acting_as(world.company(company), world.user(f"staff@{company.lower()}.test")):
            from core import db
            agreement = ServiceAgreement(customer_id=cid, **fields)
            db.session.add(agreement)
            db.session.commit()
            return agreement.id


def in_force(app, world, cid, day, project=None, company="A"):
    with app.app_context():
        with tenancy.acting_as(world.company(company), world.user(f"staff@{company.lower()}.test")):
            customer = tenancy.scoped_query(Customer).filter(Customer.id == cid).one()
            found = targets_for(customer, day, project)
            if found is None:
                return None
            return found.id, found.response_rule, found.resolution_rule


def test_targets_for_returns_the_agreement_in_force(app, world):
    cid = add_customer(app, world, "KH001")
    general = make(app, world, cid, valid_from=D(2026, 1, 1), valid_to=D(2026, 12, 31),
                   response_amount=Decimal("0.5"), response_unit="hours")
    project = make(app, world, cid, project="一期机房", valid_from=D(2026, 3, 1), valid_to=D(2026, 8, 31),
                   response_amount=Decimal("4"), response_unit="hours",
                   resolution_amount=Decimal("3"), resolution_unit="working_days")
    # Both ends of the 服务期限 are inside; the day before and after are not.
    assert in_force(app, world, cid, D(2026, 1, 1)) == (general, DeadlineRule(Decimal("0.5"), "hours"), None)
    assert in_force(app, world, cid, D(2026, 12, 31))[0] == general
    assert in_force(app, world, cid, D(2025, 12, 31)) is None
    assert in_force(app, world, cid, D(2027, 1, 1)) is None
    # A project's agreement wins for that project; other work has the general one.
    assert in_force(app, world, cid, D(2026, 5, 1), "一期机房") == (project, DeadlineRule(4, "hours"),
                                                                DeadlineRule(3, "working_days"))
    assert in_force(app, world, cid, D(2026, 5, 1))[0] == general
    assert in_force(app, world, cid, D(2026, 5, 1), "二期")[0] == general
    # Outside the project's period, the project falls back to the general agreement.
    assert in_force(app, world, cid, D(2026, 10, 1), "一期机房")[0] == general


def test_targets_for_ignores_archived_agreements_and_other_companies(app, world, client_for):
    cid = add_customer(app, world, "KH001")
    b_cid = add_customer(app, world, "KH001", company="B")
    make(app, world, b_cid, company="B", valid_from=D(2026, 1, 1), valid_to=D(2026, 12, 31))
    assert in_force(app, world, cid, D(2026, 5, 1)) is None  # B's agreement is not A's
    assert in_force(app, world, b_cid, D(2026, 5, 1), company="B") is not None
    aid = make(app, world, cid, valid_from=D(2026, 1, 1), valid_to=D(2026, 12, 31))
    assert in_force(app, world, cid, D(2026, 5, 1))[0] == aid
    client = client_for("manager@a.test")
    # It has a history (its number was given at creation): deleted, it is archived.
    assert client.post(URL + "delete/", {"id": str(aid)}).status_code == 302
    assert in_force(app, world, cid, D(2026, 5, 1)) is None
