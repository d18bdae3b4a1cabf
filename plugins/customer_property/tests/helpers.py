"""Shared steps of the customer property tests: a customer, a register line
made through its screen, movements posted through theirs."""
from __future__ import annotations

import html
import re

from core import db
from core.records import tenancy

from ..models import PropertyItem, PropertyMovement

ITEMS = "/admin/customer_property/item/"
MOVEMENTS = "/admin/customer_property/movement/"


def add_customer(app, world, code="KH01", name="甲公司", company="A") -> int:
    from plugins.crm.models import Customer
    with app.app_context(), tenancy.acting_as(world.company(company), world.user(f"staff@{company.lower()}.test")):
        customer = Customer(code=code, name=name)
        db.session.add(customer)
        db.session.commit()
        return customer.id


def alerts(response) -> list[str]:
    page = response.get_data(as_text=True)
    found = re.findall(r'class="(?:alert alert-\w+[^"]*|invalid-feedback|help-block[^"]*)"[^>]*>([\s\S]*?)</', page)
    return [html.unescape(re.sub(r"<[^>]+>|&times;|×|\s+", " ", m)).strip() for m in found if m.strip()]


def register(client, customer_id, quantity=500, expect=302, **values) -> int | None:
    """A register line made on its create form (with its receipt); its id."""
    data = {"customer": str(customer_id), "kind": "packaging", "name": "印刷纸箱",
            "spec": "60×40×40", "unit": "个", "received_at": "2024-03-01 09:00:00", "verification": "good",
            "received_quantity": str(quantity)}
    data.update(values)
    response = client.post(f"{ITEMS}new/", {k: v for k, v in data.items() if v is not None})
    assert response.status_code == expect, alerts(response)
    if expect != 302:
        return None
    with client.app.app_context():
        return db.session.query(PropertyItem).order_by(PropertyItem.id.desc()).first().id


def move(client, item_id, kind, quantity, expect=302, **values):
    """A movement posted on its create form; the response."""
    data = {"item": str(item_id), "kind": kind, "quantity": str(quantity), "moved_at": "2024-03-05 10:00:00"}
    data.update(values)
    response = client.post(f"{MOVEMENTS}new/", data)
    assert response.status_code == expect, alerts(response)
    return response


def balances(app, item_id) -> dict[str, int]:
    with app.app_context():
        item = db.session.get(PropertyItem, item_id)
        return {name: getattr(item, name) for name in ("received", "on_hand", "in_use", "quarantined", "consumed",
                                                         "returned", "disposed")}


def movement_count(app, item_id) -> int:
    with app.app_context():
        return db.session.query(PropertyMovement).filter_by(item_id=item_id).count()
