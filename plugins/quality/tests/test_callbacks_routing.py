"""Where a callback's outcome goes (AS-42, AS-43, T-AS-12), through the
line's edit screen: a dissatisfied user at the 100 % callback opens a
follow-up for the outlet and its engineer, in the 5 % sample for the
service centre; a fake record goes to the 财务科 responsibility; the
follow-ups show in "My follow-ups"; a completed run's outcomes are kept."""
import datetime as dt

from core import db
from core.notify import Notification

from ..models.callbacks import Callback
from .callbacks_helpers import (LINES, add_orders, alerts, create_run, fire, lines_of, record, set_outcomes,
                                setup_org, text)


def _line(app, pk):
    with app.app_context():
        line = db.session.get(Callback, pk)
        return dict(outcome=line.outcome, department=line.department_id, responsible=line.responsible_id,
                    called_on=line.called_on, called_by=line.called_by.email if line.called_by else None,
                    result=line.follow_up_result, done=line.follow_up_done_on)


def _notified(app, email, kind):
    with app.app_context():
        from core.models import User
        user = db.session.query(User).filter_by(email=email).one()
        return db.session.query(Notification).filter_by(recipient_id=user.id, kind=kind).count()


def _running(app, world, client_for, n=3):
    org = setup_org(app, world)
    add_orders(app, world, org, n)
    manager = client_for("manager@a.test")  # 赵敏, head of 售后服务部, calls back
    run = create_run(manager, department=org["centre"])
    fire(manager, run, "generate")
    return org, manager, run


def test_t_as_12_dissatisfied_at_the_100_percent_callback_goes_to_the_outlet_and_its_engineer(app, world, client_for):
    org, manager, run = _running(app, world, client_for)
    first, second, third = (pk for pk, _o, _x in lines_of(app, run))
    response = record(manager, first, "dissatisfied", remarks="维修后仍有异响")
    assert response.status_code == 302, alerts(response)
    line = _line(app, first)
    assert (line["department"], line["responsible"]) == (org["outlet"], org["liu"])
    assert line["called_by"] == "manager@a.test" and line["called_on"] is not None  # defaults: today, by me
    assert _notified(app, "staff@a.test", "quality.callback_follow_up") == 1  # 刘洋, the engineer
    # A satisfied user opens nothing (positive control of the routing).
    assert record(manager, second, "satisfied").status_code == 302
    assert (_line(app, second)["department"], _line(app, second)["responsible"]) == (None, None)
    # 刘洋's follow-ups: the dissatisfied line only; he records the result.
    staff = client_for("staff@a.test")
    mine = text(staff.get(f"{LINES}follow-ups/", follow_redirects=True))
    assert "维修后仍有异响" in mine and "GD-2026-00002" not in mine
    listed = text(staff.get(f"{LINES}?mine=me&follow=open"))  # the same through core's ?mine= on the list
    assert "维修后仍有异响" in listed and "GD-2026-00002" not in listed
    response = record(staff, first, "dissatisfied", remarks="维修后仍有异响", follow_up_result="上门更换风扇，用户满意",
                      follow_up_done_on="2026-11-20")
    assert response.status_code == 302, alerts(response)
    assert _line(app, first)["result"] == "上门更换风扇，用户满意"
    assert "维修后仍有异响" not in text(staff.get(f"{LINES}follow-ups/", follow_redirects=True))  # done
    assert third


def test_t_as_12_dissatisfied_in_the_5_percent_sample_goes_to_the_service_centre(app, world, client_for):
    org, manager, first = _running(app, world, client_for, n=1)
    set_outcomes(app, first, {pk: "satisfied" for pk, _o, _x in lines_of(app, first)})
    fire(manager, first, "complete")
    sample = create_run(manager, level="sample", source=first)
    fire(manager, sample, "generate")
    (line_id, _order, _o), = lines_of(app, sample)
    assert record(manager, line_id, "dissatisfied", remarks="对服务态度不满").status_code == 302
    line = _line(app, line_id)
    assert (line["department"], line["responsible"]) == (org["centre"], None)  # 服务管理中心, not the engineer
    # The centre's head is told (core's responsible users: the department's head).
    assert _notified(app, "manager@a.test", "quality.callback_follow_up") == 1
    assert _notified(app, "staff@a.test", "quality.callback_follow_up") == 0
    mine = text(manager.get(f"{LINES}follow-ups/", follow_redirects=True))
    assert "对服务态度不满" in mine


def test_a_fake_record_goes_to_the_finance_responsibility(app, world, client_for):
    _org, manager, run = _running(app, world, client_for)
    first, second, _third = (pk for pk, _o, _x in lines_of(app, run))
    assert record(manager, first, "fake", remarks="用户称未报修").status_code == 302
    assert _notified(app, "admin@a.test", "quality.callback_fake") == 1  # 陈会计 holds quality.finance
    assert _notified(app, "staff@a.test", "quality.callback_fake") == 0
    assert _line(app, first)["department"] is None  # a fake record is no follow-up
    assert record(manager, second, "satisfied").status_code == 302
    assert _notified(app, "admin@a.test", "quality.callback_fake") == 1  # only fakes go there


def test_a_completed_run_keeps_its_outcomes_but_takes_the_follow_up(app, world, client_for):
    _org, manager, run = _running(app, world, client_for, n=2)
    first, second = (pk for pk, _o, _x in lines_of(app, run))
    assert record(manager, first, "dissatisfied").status_code == 302
    assert record(manager, second, "satisfied").status_code == 302
    fire(manager, run, "complete")
    response = record(manager, second, "dissatisfied")
    assert response.status_code == 200 and "can no longer be changed" in alerts(response)
    assert _line(app, second)["outcome"] == "satisfied"
    response = record(manager, first, "dissatisfied", follow_up_result="已回访解释", follow_up_done_on="2026-12-01")
    assert response.status_code == 302, alerts(response)
    assert _line(app, first)["done"] == dt.date(2026, 12, 1)


def test_readonly_users_cannot_record_outcomes(app, world, client_for):
    _org, manager, run = _running(app, world, client_for, n=1)
    (line_id, _o, _x), = lines_of(app, run)
    readonly = client_for("readonly@a.test")
    assert record(readonly, line_id, "satisfied").status_code == 403
    assert _line(app, line_id)["outcome"] is None
    assert record(manager, line_id, "satisfied").status_code == 302  # positive control
