"""The customer property register and its movements through the screens,
with the cases of customer_property.md §2.4: the balances a clerk reads are
computed by the database from the movements and always reconcile; what
cannot be moved is refused with what is there, and nothing is saved."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from core import db

from ..models import PropertyItem, PropertyMovement
from .helpers import ITEMS, MOVEMENTS, add_customer, alerts, balances, move, movement_count, register

ZERO = dict(received=0, on_hand=0, in_use=0, quarantined=0, consumed=0, returned=0, disposed=0)


def test_t_cp_1_two_uses_leave_180_and_a_third_of_200_is_refused(app, world, client_for):
    """500 printed cartons of 甲 (kind b), verified good on 2024-03-01; orders
    use 120 (03-05) and 200 (03-12): 180 on hand; 200 more: refused."""
    clerk = client_for("staff@a.test")
    item = register(clerk, add_customer(app, world))
    assert balances(app, item) == {**ZERO, "received": 500, "on_hand": 500}
    move(clerk, item, "consume", 120, order_ref="SO-2403-001")
    move(clerk, item, "consume", 200, order_ref="SO-2403-007", moved_at="2024-03-12 14:00:00")
    assert balances(app, item) == {**ZERO, "received": 500, "on_hand": 180, "consumed": 320}
    refused = move(clerk, item, "consume", 200, expect=200, order_ref="SO-2403-011")
    assert "Only 180 个 on hand: 200 cannot be moved. Nothing was saved." in " ".join(alerts(refused))
    assert balances(app, item)["on_hand"] == 180 and movement_count(app, item) == 3  # receipt + 2 uses
    with app.app_context():
        assert db.session.get(PropertyItem, item).number.startswith("GKCC-")


def test_t_cp_3_a_lot_found_unsuitable_is_blocked_then_returned_to_its_owner(app, world, client_for):
    """1,000 bolts with the wrong thread: received, blocked for use, returned
    (the customer decided 退回): a return movement of 1,000 leaves 0."""
    clerk = client_for("staff@a.test")
    item = register(clerk, add_customer(app, world), quantity=1000, kind="material", name="螺栓 M8×30",
                    unit="件", verification="defective", defect="抽检螺纹规格不符（应为粗牙）")
    move(clerk, item, "quarantine", 1000)
    assert balances(app, item) == {**ZERO, "received": 1000, "quarantined": 1000}
    refused = move(clerk, item, "issue", 10, expect=200, order_ref="SO-1")  # blocked: nothing on hand
    assert "Only 0 件 on hand" in " ".join(alerts(refused))
    without = move(clerk, item, "return_to_owner", 1000, expect=200, from_quarantine="y")
    assert "Give the owner's document" in " ".join(alerts(without))
    move(clerk, item, "return_to_owner", 1000, from_quarantine="y", owner_document="甲公司签收单 QS-0415")
    assert balances(app, item) == {**ZERO, "received": 1000, "returned": 1000}


def test_issue_and_return_to_store_and_a_disposal_with_consent(app, world, client_for):
    clerk = client_for("staff@a.test")
    item = register(clerk, add_customer(app, world), quantity=2, kind="other", sub_kind="模具", name="注塑模具",
                    unit="套")
    move(clerk, item, "issue", 2, order_ref="SO-5")
    assert balances(app, item) == {**ZERO, "received": 2, "in_use": 2}
    move(clerk, item, "return_to_store", 1)
    move(clerk, item, "dispose", 1, owner_document="甲公司同意报废函 2024-07")
    assert balances(app, item) == {**ZERO, "received": 2, "in_use": 1, "disposed": 1}
    assert "Name the order" in " ".join(alerts(move(clerk, item, "issue", 1, expect=200)))


def test_t_cp_5_a_line_needs_its_kind_and_kind_d_its_sub_kind(app, world, client_for):
    clerk = client_for("staff@a.test")
    customer = add_customer(app, world)
    register(clerk, customer, expect=200, kind="")
    register(clerk, customer, expect=200, kind="other", sub_kind="")
    page = clerk.post(f"{ITEMS}new/", {"customer": str(customer), "kind": "other",
                                       "name": "检具", "unit": "套", "received_quantity": "1",
                                       "verification": "good"})
    assert "Kind d (other) needs its sub-kind" in " ".join(alerts(page))
    defect = register(clerk, customer, expect=200, verification="defective", defect="")
    assert defect is None
    with app.app_context():
        assert db.session.query(PropertyItem).count() == 0 and db.session.query(PropertyMovement).count() == 0
    assert register(clerk, customer, kind="other", sub_kind="检具", quantity=1)  # positive control


def test_a_movement_is_never_changed_or_removed(app, world, client_for):
    clerk = client_for("staff@a.test")
    item = register(clerk, add_customer(app, world), quantity=10)
    with app.app_context():
        (receipt,) = db.session.query(PropertyMovement).filter_by(item_id=item).all()
        pk = receipt.id
    assert clerk.get(f"{MOVEMENTS}edit/?id={pk}").status_code in (302, 403)
    assert clerk.post(f"{MOVEMENTS}delete/", {"id": str(pk)}).status_code in (302, 403)
    admin = client_for("admin@a.test")
    assert admin.post(f"{MOVEMENTS}delete/", {"id": str(pk)}).status_code in (302, 403)
    assert movement_count(app, item) == 1 and balances(app, item)["on_hand"] == 10


def test_the_database_refuses_balances_that_do_not_reconcile(app, world, client_for):
    """The last line of defence, for any writer that is not this module."""
    clerk = client_for("staff@a.test")
    item = register(clerk, add_customer(app, world), quantity=10)
    with app.app_context():
        for sql in ("UPDATE customer_property_item SET on_hand = on_hand + 1 WHERE id = :id",
                    "UPDATE customer_property_item SET on_hand = -1, consumed = consumed + 11 WHERE id = :id"):
            with pytest.raises(sa.exc.IntegrityError):
                with db.engine.begin() as connection:
                    connection.execute(sa.text(sql), {"id": item})
    assert balances(app, item) == {**ZERO, "received": 10, "on_hand": 10}


def test_a_line_belongs_to_one_owner_a_customer_or_an_external_provider(app, world, client_for):
    """B1: ISO 9001 §8.5.3 covers providers' property too; a line has one owner."""
    from core.records import tenancy
    from ..models import Provider
    clerk = client_for("staff@a.test")
    customer = add_customer(app, world)
    with app.app_context(), tenancy.acting_as(world.company("A"), world.user("staff@a.test")):
        provider = Provider(code="GF01", name="宁波模具厂")
        db.session.add(provider)
        db.session.commit()
        provider_id = provider.id
    none = register(clerk, None, expect=200, customer="")
    assert none is None
    both = clerk.post(f"{ITEMS}new/", {"customer": str(customer), "provider": str(provider_id), "kind": "other",
                                       "sub_kind": "模具", "name": "冲压模", "unit": "套", "verification": "good",
                                       "received_quantity": "1"})
    assert "A line belongs to one owner" in " ".join(alerts(both))
    item = register(clerk, None, customer="", provider=str(provider_id), kind="other", sub_kind="模具",
                    name="冲压模", unit="套", quantity=1)
    with app.app_context():
        stored = db.session.get(PropertyItem, item)
        assert (stored.owner_kind, str(stored.owner)) == ("provider", "GF01 宁波模具厂")
        assert db.session.query(PropertyItem).count() == 1
