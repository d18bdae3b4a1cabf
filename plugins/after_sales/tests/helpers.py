"""Records the after-sales tests start from, made directly in the database
(the screens under test make their own)."""
from __future__ import annotations

import io

from core import db
from core.records import tenancy
from plugins.crm.models import Customer

from ..models import Product, UnitSold


def add_customer(app, world, code, company="A", **fields):
    with app.app_context():
        with tenancy.acting_as(world.company(company), world.user(f"staff@{company.lower()}.test")):
            customer = Customer(code=code, name=fields.pop("name", f"客户{code}"), **fields)
            db.session.add(customer)
            db.session.commit()
            return customer.id


def add_product(app, world, model, company="A", **fields):
    with app.app_context():
        with tenancy.acting_as(world.company(company), world.user(f"staff@{company.lower()}.test")):
            product = Product(model=model, name=fields.pop("name", f"产品{model}"), **fields)
            db.session.add(product)
            db.session.commit()
            return product.id


def add_unit(app, world, customer_id, product_id, serial, company="A", **fields):
    with app.app_context():
        with tenancy.acting_as(world.company(company), world.user(f"staff@{company.lower()}.test")):
            unit = UnitSold(customer_id=customer_id, product_id=product_id, serial=serial, **fields)
            db.session.add(unit)
            db.session.commit()
            return unit.id


def upload(client, url, content, filename="rows.csv"):
    return client.post(url, {"file": (io.BytesIO(content.encode("utf-8")), filename)},
                       content_type="multipart/form-data")
