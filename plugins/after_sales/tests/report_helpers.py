"""Records the service-report and 三包-decision tests start from: a customer
with a unit sold on 2023-03-15 (T-AS-9), a work order about it, an
organisation with a 管理者代表 and a 质量负责人; and the small screen steps
(fire a transition, read a page as text, a PDF's text)."""
from __future__ import annotations

import datetime as dt
import html
import re
import shutil
import subprocess

import pytest

from core import db
from core.records import tenancy

from ..models import WorkOrder, WorkOrderCategory
from .helpers import add_customer, add_product, add_unit

REPORTS = "/admin/after_sales/report/"
DECISIONS = "/admin/after_sales/decision/"
SOLD = dt.date(2023, 3, 15)


def text(response) -> str:
    return re.sub(r"\s+", " ", html.unescape(response.get_data(as_text=True)))


def pdf_text(pdf: bytes, tmp_path, layout: bool = True) -> str:
    if shutil.which("pdftotext") is None:  # poppler-utils are a system dependency (scripts/system-deps.sh)
        pytest.fail("pdftotext is missing: install poppler-utils")
    path = tmp_path / "form.pdf"
    path.write_bytes(pdf)
    return subprocess.run(["pdftotext", *(["-layout"] if layout else []), str(path), "-"], capture_output=True,
                          text=True, check=True).stdout


def job(app, world, company="A", category="repair", stage="after_sale", **order_fields):
    """A customer (杭州西湖制冷, 浙江) with a unit KT-35 SN-0315 sold on
    2023-03-15 and a work order about it; the ids."""
    cid = add_customer(app, world, f"{company}KH01", company=company, name="杭州西湖制冷设备有限公司",
                       province="浙江", city="杭州", address="文三路 90 号", phone="0571-88001234")
    pid = add_product(app, world, "KT-35", company=company, name="商用空调机组", spec="3.5 kW")
    uid = add_unit(app, world, cid, pid, "SN-0315", company=company, sale_date=SOLD)
    with app.app_context():
        with tenancy.acting_as(world.company(company), world.user(f"staff@{company.lower()}.test")):
            kind = tenancy.scoped_query(WorkOrderCategory).filter(WorkOrderCategory.code == category).one()
            order = WorkOrder(customer_id=cid, unit_id=uid, category=kind, stage=stage, subject="机组不制冷",
                              description="开机后不制冷，室外机不转", repair_task="检查室外风机及电容",
                              received_at=dt.datetime(2024, 3, 5, 9, 0), **order_fields)
            db.session.add(order)
            db.session.commit()
            return {"customer": cid, "product": pid, "unit": uid, "order": order.id, "order_number": order.number}


def fire(client, url, model, pk, key, comment="", expect=302):
    """Post a workflow action from the record page with the version it shows."""
    with client.app.app_context():
        version = db.session.get(model, pk).version
    response = client.post(f"{url}transition/", {"id": str(pk), "version": str(version), "transition": key,
                                                 "comment": comment})
    assert response.status_code == expect, response.status_code
    return text(client.get(f"{url}details/?id={pk}"))


def make_quality_people(world, code="A"):
    """技质部 with 李明华 (manager login, 管理者代表), 王芳 (admin login,
    质量负责人) and 刘洋 (staff login, no responsibility); the employees' ids."""
    from core.org import Department, Employee, ResponsibilityHolder
    low = code.lower()
    with world.app.app_context(), tenancy.acting_as(world.company(code), world.user(f"admin@{low}.test")):
        dept = Department(code="JZ", name="技质部")
        liu = Employee(number=f"{code}013", name="刘洋", department=dept, user=world.user(f"staff@{low}.test"))
        li = Employee(number=f"{code}002", name="李明华", department=dept, user=world.user(f"manager@{low}.test"))
        wang = Employee(number=f"{code}003", name="王芳", department=dept, user=world.user(f"admin@{low}.test"))
        db.session.add_all([dept, liu, li, wang])
        db.session.flush()
        db.session.add_all([ResponsibilityHolder(responsibility="core.management_rep", employee=li),
                            ResponsibilityHolder(responsibility="core.quality_head", employee=wang)])
        db.session.commit()
        return {"liu": liu.id, "li": li.id, "wang": wang.id}
