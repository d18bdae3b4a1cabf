"""How the four quality concerns meet: a CAPA made from a complaint (the
complaint's form then carries the CAPA number) and the quarterly 服务质量报告
counting the open and overdue complaints and CAPA actions."""
from __future__ import annotations

import datetime as dt
import re

from core import db
from core.records import tenancy

from ..models.capa import Capa, CapaAction
from ..models.complaints import Complaint
from ..service_report import open_lines
from .capa_helpers import CAPAS, new_action
from .complaints_helpers import URL, pdf_text, record, setup_org


def test_a_capa_made_from_a_major_complaint_links_both_ways_and_is_printed_on_it(app, world, client_for, tmp_path):
    org = setup_org(app, world)
    staff = client_for("staff@a.test")
    pk = record(staff, org, source="consumer_assoc", description="消费者在消协投诉：瓶内有异物")
    page = staff.get(f"{URL}details/?id={pk}").get_data(as_text=True)
    assert "Create CAPA" in page or "创建纠正和预防措施" in page
    assert staff.post(f"{URL}record-action/", {"id": str(pk), "action": "quality.create_capa"}).status_code == 302
    with app.app_context():
        complaint = db.session.get(Complaint, pk)
        capa = db.session.query(Capa).one()
        # D-12: from the 消协 the complaint is 重大, and so is its CAPA; the
        # complaint's facts are the nonconformity; each names the other.
        assert (complaint.severity, capa.severity, capa.source_kind) == ("major", "major", "complaint")
        assert capa.source_ref == complaint.number and "瓶内有异物" in capa.nonconformity
        assert complaint.capa_ref == capa.number
        number, capa_id = capa.number, capa.id
    assert complaint.number in staff.get(f"{CAPAS}details/?id={capa_id}").get_data(as_text=True)
    page = staff.get(f"{URL}details/?id={pk}").get_data(as_text=True)
    assert number in page and "Create CAPA" not in page and "创建纠正和预防措施" not in page  # offered once
    printed = re.sub(r"\s+", "", pdf_text(staff.get(f"/print/quality.complaint/{pk}.pdf").data, tmp_path))
    assert number.replace(" ", "") in printed


def test_the_quarterly_report_counts_open_and_overdue_complaints_and_capa_actions(app, world, client_for):
    org = setup_org(app, world)
    staff = client_for("staff@a.test")
    # A 一般 complaint received Fri 2024-09-27 is due on 2024-10-08 (3 working
    # days after National Day, T-AS-4): overdue on 2024-10-09.
    late = record(staff, org, received_at="2024-09-27 10:00:00")
    # One received on Tue 2024-10-08 is due on Fri 2024-10-11: open, not overdue.
    record(staff, org, received_at="2024-10-08 09:00:00")
    # CAPA actions are planned from today: one due in 10 days, one in 60; a
    # month from now the first is overdue.
    with app.app_context():
        from core.calendar.timezone import local_today
        today = local_today(world.company("A"))
    soon, later = today + dt.timedelta(days=10), today + dt.timedelta(days=60)
    capa_id = _capa_with_actions(staff, org, (soon.isoformat(), later.isoformat()))
    with app.app_context(), tenancy.acting_as(world.company("A"), world.user("staff@a.test")):
        lines = {line.entity: line for line in open_lines(world.company("A"), now=dt.datetime(2024, 10, 9, 12, 0))}
        complaints = lines["quality.complaint"]
        assert (complaints.open, complaints.overdue) == (2, 1)
        assert [r.id for r, _ in complaints.overdue_records] == [late]
        month_on = dt.datetime.combine(today + dt.timedelta(days=30), dt.time(12, 0))
        actions = {line.entity: line for line in open_lines(world.company("A"), now=month_on)}["quality.capaaction"]
        assert (actions.open, actions.overdue) == (2, 1)
        overdue_action = db.session.query(CapaAction).filter_by(capa_id=capa_id, due_on=soon).one()
        assert [r.id for r, _ in actions.overdue_records] == [overdue_action.id]
    with app.app_context(), tenancy.acting_as(world.company("B"), world.user("staff@b.test")):
        assert all((line.open, line.overdue) == (0, 0) for line in open_lines(world.company("B")))


def _capa_with_actions(staff, org, dues):
    from .capa_helpers import new_capa
    capa_id = new_capa(staff)
    for due in dues:
        new_action(staff, capa_id, org["wang"], due=due)
    return capa_id


def test_the_default_report_lists_a_kpi_of_every_quality_concern(app, world):
    # The setting's default names real keys: each concern's KPI is in the
    # quarterly report (a key no module publishes would silently be left out).
    from core.settings import get_setting
    from ..service_report import kpi_lines
    from ..tracking_rules import parse_report_kpis
    with app.app_context(), tenancy.acting_as(world.company("A"), world.user("staff@a.test")):
        items = parse_report_kpis(get_setting("quality.report_kpis", world.company("A")))
        listed = [line.key for line in kpi_lines(world.company("A"), dt.date(2026, 10, 1), dt.date(2026, 12, 31),
                                                 items)]
    assert listed == [key for key, _ in items]  # none skipped
    for key in ("quality.complaint_rate", "quality.complaint.close.on_time", "quality.callback_rate",
                "quality.sample_satisfaction_rate", "quality.capaaction.due.on_time", "quality.tracking.solve.on_time"):
        assert key in listed


def test_the_person_complained_about_reads_the_complaint_but_cannot_change_it(app, world, client_for):
    # AS-61 / T-X-1: 陈静 (manager login, who may edit complaints) is the person
    # complained about: she may read it and add a statement, never edit it,
    # take her name out, move it on, or delete it. The clerk still may.
    from tests.factories import database_state
    from .complaints_helpers import form_values
    org = setup_org(app, world)
    clerk, accused = client_for("staff@a.test"), client_for("manager@a.test")
    pk = record(clerk, org, about_staff="y", accused=str(org["chen"]))
    assert accused.get(f"{URL}details/?id={pk}").status_code == 200  # she reads it
    form = form_values(accused.get(f"{URL}edit/?id={pk}").get_data(as_text=True))
    with app.app_context():
        before = database_state()
    refused = "You are named in this record (Person complained about): you may read it, but not change it"
    for changes in ({"description": "没有这回事"}, {"accused": str(org["wang"])}, {"about_staff": ""}):
        page = accused.post(f"{URL}edit/?id={pk}", {**form, **changes}, follow_redirects=True)
        assert refused in page.get_data(as_text=True), changes
    with app.app_context():
        version = db.session.get(Complaint, pk).version
    page = accused.post(f"{URL}transition/", {"id": str(pk), "transition": "accept", "comment": "",
                                             "version": str(version)}, follow_redirects=True)
    assert refused in page.get_data(as_text=True)
    accused.post(f"{URL}delete/", {"id": str(pk)}, follow_redirects=True)
    with app.app_context():
        assert database_state() == before
    # The clerk (not named) edits it as usual.
    form = form_values(clerk.get(f"{URL}edit/?id={pk}").get_data(as_text=True))
    assert clerk.post(f"{URL}edit/?id={pk}", {**form, "description": "瓶内有异物（已核实）"}).status_code == 302
    with app.app_context():
        assert db.session.get(Complaint, pk).description == "瓶内有异物（已核实）"
