"""Quality complaints 质量信息反馈单 through their screen: the number, the
D-12 severity suggestion, the workflow of AS-54/AS-55 (each step stamped,
the refusals with their reasons), the evidence rule of AS-53 (T-AS-15),
the staff complaint's approval chain (AS-48, T-AS-17), the 法律事务部 told
of a 消协 or court case (AS-46), and the evidence the person complained
about cannot remove (AS-61, T-X-1)."""
import datetime as dt
import io
import re

from core import db
from core.attachments import Attachment
from core.notify import Notification
from core.records import tenancy
from core.settings import set_settings
from tests.factories import png, url_of

from .complaints_helpers import URL, alerts_of, edit, fire, get, record, setup_org

T = dt.datetime


def walk_to_handled(client, app, pk, org):
    """受理 → 鉴定 → 定责 → 处理 with the fields each step needs."""
    assert get(app, pk).state == "received"
    fire(client, pk, "accept")
    edit(client, app, pk, appraisal="异物为瓶盖内衬碎片，属生产过程混入")
    fire(client, pk, "appraise")
    edit(client, app, pk, cause="灌装线封盖工位内衬破损", liable_department=str(org["tech"]),
         liable_person=str(org["wang"]), penalty_clause="第五条")
    fire(client, pk, "assign")
    edit(client, app, pk, handling="更换同批次产品两箱", compensation="goods", compensation_quantity="2")
    fire(client, pk, "handle")


def test_a_complaint_goes_from_receipt_to_closed_each_step_stamped(app, world, client_for):
    org = setup_org(app, world)
    clerk = client_for("staff@a.test")
    pk = record(clerk, org)
    complaint = get(app, pk)
    assert re.fullmatch(r"ZLFK-\d{4}-0001", complaint.number)
    assert complaint.severity == "general" and complaint.state == "received"
    walk_to_handled(clerk, app, pk, org)
    assert get(app, pk).state == "handled"
    # Only the 企业管理部门 confirms and pays out: the clerk is refused, 陈静 signs.
    page = fire(clerk, pk, "confirm").get_data(as_text=True)
    assert get(app, pk).state == "handled" and "Enterprise management department" in alerts_of(page)
    fire(client_for("manager@a.test"), pk, "confirm")
    assert get(app, pk).state == "confirmed"
    # Informing the customer needs the date and how.
    page = fire(clerk, pk, "inform").get_data(as_text=True)
    assert get(app, pk).state == "confirmed" and "Customer informed on" in alerts_of(page)
    edit(clerk, app, pk, informed_on="2024-10-08", informed_how="电话")
    fire(clerk, pk, "inform")
    fire(clerk, pk, "close")
    done = get(app, pk)
    assert done.state == "closed"
    for stamp in ("accepted_at", "appraised_at", "analysed_at", "handled_at", "confirmed_at", "informed_at",
                  "closed_at"):
        assert getattr(done, stamp) is not None, stamp
    assert done.staff_approved_at is None
    with app.app_context():
        from core.org import Signoff
        (signoff,) = db.session.query(Signoff).all()
        assert signoff.responsibility == "quality.enterprise_management"


# --- the 办结 deadline (AS-57, D-1, D-2): working days with 调休 --------------------

def test_t_as_4_a_general_complaint_received_before_national_day_is_due_on_10_08(app, world, client_for):
    org = setup_org(app, world)
    pk = record(client_for("staff@a.test"), org, received_at="2024-09-27 15:00:00")
    # 09-29 (Sunday make-up day), 09-30, 10-08: the third working day, to its end.
    assert get(app, pk).close_due == T(2024, 10, 8, 23, 59, 59)


def test_t_as_6_a_general_complaint_received_before_labour_day_is_due_on_05_08(app, world, client_for):
    org = setup_org(app, world)
    pk = record(client_for("staff@a.test"), org, received_at="2024-04-30 09:30:00")
    # 05-01 … 05-05 off (05-04 is no make-up day: those were Sun 04-28 and Sat 05-11) → 05-06, 05-07, 05-08.
    assert get(app, pk).close_due == T(2024, 5, 8, 23, 59, 59)


def test_a_major_complaint_has_ten_working_days_across_national_day_and_its_saturday_make_up(
        app, world, client_for):
    org = setup_org(app, world)
    clerk = client_for("staff@a.test")
    # By hand, chinesecalendar 2024: 10-01 … 10-07 off, Sun 09-29 and Sat 10-12 make-up working days:
    # 09-29, 09-30, 10-08, 10-09, 10-10, 10-11, 10-12 (Sat), 10-14, 10-15, 10-16 → the 10th is Wed 10-16.
    pk = record(clerk, org, received_at="2024-09-27 15:00:00", source="consumer_assoc")
    complaint = get(app, pk)
    assert complaint.severity == "major" and complaint.close_due == T(2024, 10, 16, 23, 59, 59)
    # Made 一般 by hand, it is counted again: three working days.
    edit(clerk, app, pk, severity="general")
    assert get(app, pk).close_due == T(2024, 10, 8, 23, 59, 59)


def test_the_company_may_change_the_amount_and_unit(app, world, client_for):
    org = setup_org(app, world)
    with app.app_context(), tenancy.acting_as(world.company("A"), world.user("admin@a.test")):
        set_settings({"quality.complaint_general": {"amount": 2, "unit": "calendar_days"}}, world.company("A"))
        db.session.commit()
    pk = record(client_for("staff@a.test"), org, received_at="2024-09-27 15:00:00")
    assert get(app, pk).close_due == T(2024, 9, 29, 23, 59, 59)


# --- D-12: 重大 suggested ---------------------------------------------------------

def test_d_12_major_is_suggested_for_regulators_and_large_compensation_and_can_be_changed(
        app, world, client_for):
    org = setup_org(app, world)
    clerk = client_for("staff@a.test")
    expected = {"phone": "general", "letter": "general", "consumer_assoc": "major", "court": "major",
                "aic": "major", "qts": "major"}
    for source, severity in expected.items():
        assert get(app, record(clerk, org, source=source)).severity == severity, source
    # The threshold is 5000 yuan (a setting): above it is major, at it is not.
    assert get(app, record(clerk, org, compensation="money", compensation_amount="5000.01")).severity == "major"
    assert get(app, record(clerk, org, compensation="money", compensation_amount="5000")).severity == "general"
    # Chosen by hand: kept, and the record page says the suggestion differs.
    pk = record(clerk, org, source="court", severity="general")
    assert get(app, pk).severity == "general"
    page = clerk.get(f"{URL}details/?id={pk}").get_data(as_text=True)
    assert "Major: the source is Court." in page and "The severity chosen differs from the suggestion." in page


# --- AS-53 / T-AS-15: the evidence rule ---------------------------------------------

def test_t_as_15_countable_evidence_without_a_batch_number_cannot_be_accepted(app, world, client_for):
    org = setup_org(app, world)
    clerk = client_for("staff@a.test")
    pk = record(clerk, org, evidence="countable", item="柠檬茶", quantity="2", occurred_at="2024-09-26 18:00:00",
                place="杭州市西湖区门店")
    page = fire(clerk, pk, "accept").get_data(as_text=True)
    assert get(app, pk).state == "received"
    message = alerts_of(page)
    assert "Countable evidence must be verified" in message and "Batch No. (批号)" in message
    assert "Place" not in message  # only what is missing
    edit(clerk, app, pk, batch="20240915A")
    fire(clerk, pk, "accept")
    assert get(app, pk).state == "accepted"


def test_t_as_15_countable_evidence_names_every_missing_check(app, world, client_for):
    org = setup_org(app, world)
    clerk = client_for("staff@a.test")
    pk = record(clerk, org, evidence="countable")
    message = alerts_of(fire(clerk, pk, "accept").get_data(as_text=True))
    for label in ("Item (项目)", "Quantity (数量)", "Time (时间)", "Place (地点)", "Batch No. (批号)"):
        assert label in message, label
    assert get(app, pk).state == "received"


def test_t_as_15_uncountable_evidence_needs_a_description(app, world, client_for):
    org = setup_org(app, world)
    clerk = client_for("staff@a.test")
    pk = record(clerk, org, evidence="uncountable")
    message = alerts_of(fire(clerk, pk, "accept").get_data(as_text=True))
    assert "Uncountable evidence must be described" in message and get(app, pk).state == "received"
    edit(clerk, app, pk, evidence_description="开瓶后有明显酸败气味，同箱其余未开封")
    fire(clerk, pk, "accept")
    assert get(app, pk).state == "accepted"
    # No physical evidence: nothing to verify.
    other = record(clerk, org, evidence="none")
    fire(clerk, other, "accept")
    assert get(app, other).state == "accepted"


def test_each_step_needs_its_field(app, world, client_for):
    org = setup_org(app, world)
    clerk = client_for("staff@a.test")
    pk = record(clerk, org)
    fire(clerk, pk, "accept")
    assert "Appraisal (technical department)" in alerts_of(fire(clerk, pk, "appraise").get_data(as_text=True))
    edit(clerk, app, pk, appraisal="属实")
    fire(clerk, pk, "appraise")
    edit(clerk, app, pk, cause="封盖不严")
    message = alerts_of(fire(clerk, pk, "assign").get_data(as_text=True))
    assert "Responsible department" in message and get(app, pk).state == "appraised"


# --- AS-48 / T-AS-17: a complaint about our own staff ---------------------------

def test_t_as_17_a_staff_complaint_needs_the_general_managers_approval_then_hr_is_told(app, world, client_for):
    org = setup_org(app, world)
    clerk = client_for("staff@a.test")
    pk = record(clerk, org, category="service", about_staff="y", accused=str(org["wang"]),
                description="促销员态度恶劣")
    fire(clerk, pk, "accept")
    edit(clerk, app, pk, appraisal="经核实属实")
    fire(clerk, pk, "appraise")
    edit(clerk, app, pk, cause="促销员服务意识差", liable_department=str(org["sales"]),
         liable_person=str(org["wang"]), handling="向顾客道歉", staff_proposal="通报批评，扣当月奖金200元")
    fire(clerk, pk, "assign")
    # Without the approval it cannot move on, and the message says why.
    message = alerts_of(fire(clerk, pk, "handle").get_data(as_text=True))
    assert "general manager's approval" in message and get(app, pk).state == "analysed"
    # Only the 总经理 approves; the clerk is refused.
    fire(clerk, pk, "approve_staff")
    assert get(app, pk).state == "analysed"
    with app.app_context():
        assert db.session.query(Notification).filter_by(kind="quality.complaint_hr").count() == 0
    fire(client_for("admin@a.test"), pk, "approve_staff")
    approved = get(app, pk)
    assert approved.state == "staff_approved" and approved.staff_approved_at is not None
    with app.app_context():
        (note,) = db.session.query(Notification).filter_by(kind="quality.complaint_hr").all()
        assert note.recipient_id == world.user("readonly@a.test").id
    fire(clerk, pk, "handle")
    assert get(app, pk).state == "handled"


def test_a_proposal_is_needed_before_the_general_manager_approves(app, world, client_for):
    org = setup_org(app, world)
    clerk = client_for("staff@a.test")
    pk = record(clerk, org, about_staff="y", accused=str(org["wang"]), appraisal="属实", cause="x",
                liable_department=str(org["sales"]), liable_person=str(org["wang"]))
    for key in ("accept", "appraise", "assign"):
        fire(clerk, pk, key)
    message = alerts_of(fire(client_for("admin@a.test"), pk, "approve_staff").get_data(as_text=True))
    assert "Sales department's proposal" in message and get(app, pk).state == "analysed"


# --- AS-46: the 法律事务部 -----------------------------------------------------------

def test_a_complaint_from_the_consumers_association_or_a_court_tells_legal_affairs_once(app, world, client_for):
    org = setup_org(app, world)
    clerk = client_for("staff@a.test")
    record(clerk, org, source="phone")
    with app.app_context():
        assert db.session.query(Notification).filter_by(kind="quality.complaint_legal").count() == 0
    pk = record(clerk, org, source="consumer_assoc")
    fire(clerk, pk, "accept")  # accepting does not tell them twice
    record(clerk, org, source="court")
    with app.app_context():
        notes = db.session.query(Notification).filter_by(kind="quality.complaint_legal").all()
        assert len(notes) == 2 and {n.recipient_id for n in notes} == {world.user("readonly@a.test").id}


# --- AS-61 / T-X-1: the evidence is kept ------------------------------------------

def _attachments(app):
    with app.app_context():
        return [(a.id, a.name, a.archived_at is not None) for a in db.session.query(Attachment).order_by(Attachment.id)]


def test_the_person_complained_about_can_add_evidence_but_never_remove_it(app, world, client_for):
    org = setup_org(app, world)
    clerk = client_for("staff@a.test")
    pk = record(clerk, org, about_staff="y", accused=str(org["chen"]))  # 陈静, manager login
    upload = url_of(app, "quality_complaint", "attachment_upload_view")
    delete = url_of(app, "quality_complaint", "attachment_delete_view")
    assert clerk.post(upload, {"id": str(pk), "file": (io.BytesIO(png()), "异物照片.png")}).status_code == 302
    accused = client_for("manager@a.test")
    assert accused.post(upload, {"id": str(pk), "file": (io.BytesIO(png(color=(0, 90, 0))), "说明.png")}
                        ).status_code == 302  # a statement of their own: added
    (photo, _n, _a), (statement, _n2, _a2) = _attachments(app)
    assert get(app, pk).accused_id == org["chen"]
    page = accused.get(f"{URL}details/?id={pk}").get_data(as_text=True)
    assert "异物照片.png" in page and 'name="attachment"' not in page  # no remove button for them
    for attachment in (photo, statement):
        response = accused.post(delete, {"id": str(pk), "attachment": str(attachment)}, follow_redirects=True)
        assert "you cannot remove its attachments: they are kept as evidence" in response.get_data(as_text=True)
    assert [archived for _id, _name, archived in _attachments(app)] == [False, False]
    # Someone else who may delete (the admin): the photo is archived, kept with its file.
    response = client_for("admin@a.test").post(delete, {"id": str(pk), "attachment": str(photo)},
                                               follow_redirects=True)
    assert "was archived: it is kept as evidence" in response.get_data(as_text=True)
    assert [archived for _id, _name, archived in _attachments(app)] == [True, False]
