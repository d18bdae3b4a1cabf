"""Records the quality-tracking tests start from, made in the database
(the screens under test make their own)."""
from __future__ import annotations

import datetime as dt
import html
import re
import shutil
import subprocess

import pytest

from core import db
from core.records import tenancy
from plugins.after_sales.tests.helpers import add_customer

from ..models.tracking import QualityTracking

URL = "/admin/quality/tracking/"


def text(response) -> str:
    return re.sub(r"\s+", " ", html.unescape(response.get_data(as_text=True)))


def pdf_text(pdf: bytes, tmp_path, name="print.pdf", layout=False) -> str:
    if shutil.which("pdftotext") is None:  # poppler-utils: a system dependency (scripts/system-deps.sh)
        pytest.fail("pdftotext is missing: install poppler-utils")
    path = tmp_path / name
    path.write_bytes(pdf)
    return subprocess.run(["pdftotext", *(["-layout"] if layout else []), str(path), "-"], capture_output=True, text=True,
                          check=True).stdout


def squeezed(value: str) -> str:
    return re.sub(r"\s+", "", value)


def make_people(world, code="A"):
    """销售部 with 刘洋 (staff login: tracks customers) and 李明华 (manager
    login, 销售部负责人); 质管部 with 王芳 (admin login, 质管部接收人). The
    employees' and departments' ids."""
    from core.org import Department, Employee, ResponsibilityHolder
    low = code.lower()
    with world.app.app_context(), tenancy.acting_as(world.company(code), world.user(f"admin@{low}.test")):
        sales, qm = Department(code="XS", name="销售部"), Department(code="ZG", name="质管部")
        liu = Employee(number=f"{code}013", name="刘洋", department=sales, user=world.user(f"staff@{low}.test"))
        li = Employee(number=f"{code}002", name="李明华", department=sales, user=world.user(f"manager@{low}.test"))
        wang = Employee(number=f"{code}003", name="王芳", department=qm, user=world.user(f"admin@{low}.test"))
        db.session.add_all([sales, qm, liu, li, wang])
        db.session.flush()
        db.session.add_all([ResponsibilityHolder(responsibility="quality.sales_head", employee=li),
                            ResponsibilityHolder(responsibility="quality.qm_receiver", employee=wang)])
        db.session.commit()
        return {"liu": liu.id, "li": li.id, "wang": wang.id, "sales": sales.id, "qm": qm.id}


def add_tracking(app, world, customer_id, tracked_on: dt.date, company="A", **fields) -> int:
    """A draft tracking record of ``customer_id`` (as the company's staff)."""
    low = company.lower()
    with app.app_context(), tenancy.acting_as(world.company(company), world.user(f"staff@{low}.test")):
        record = QualityTracking(customer_id=customer_id, tracked_on=tracked_on, **fields)
        db.session.add(record)
        db.session.commit()
        return record.id


def fire(client, pk, key, comment="") -> str:
    """Post a workflow action from the record page with the version it
    shows (a refusal is a message on the page, or 403); the page after."""
    with client.app.app_context():
        version = db.session.get(QualityTracking, pk).version
    response = client.post(f"{URL}transition/", {"id": str(pk), "version": str(version), "transition": key,
                                                 "comment": comment})
    assert response.status_code in (302, 403), response.status_code
    return text(client.get(f"{URL}details/?id={pk}"))


def record(app, pk) -> QualityTracking:
    with app.app_context():
        found = db.session.get(QualityTracking, pk)
        db.session.expunge(found)
        return found


__all__ = ["URL", "add_customer", "add_tracking", "fire", "make_people", "pdf_text", "record", "squeezed", "text"]
