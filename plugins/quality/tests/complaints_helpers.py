"""What the complaint tests start from: company A's (or B's) organisation —
销售部 with 刘洋 (staff login, the 首问负责人), 技术部 with 王工 (no login,
the responsible person), 企业管理部 with 陈静 (manager login, holds
``quality.enterprise_management``), 总经理 张伟 (admin login,
``core.general_manager``), 孙律师 (readonly login, ``quality.legal`` and
``quality.hr``) — and the complaint screen's helpers."""
from __future__ import annotations

import re
import shutil
import subprocess

import pytest

from core import db
from core.records import tenancy

from ..models.complaints import Complaint

URL = "/admin/quality/complaint/"


def setup_org(app, world, code="A"):
    """The organisation above; ``{name: employee id}`` and the departments' ids."""
    from core.org import Department, Employee, ResponsibilityHolder
    low = code.lower()
    with app.app_context(), tenancy.acting_as(world.company(code), world.user(f"admin@{low}.test")):
        sales, tech, mgmt = (Department(code="XS", name="销售部"), Department(code="JS", name="技术部"),
                             Department(code="QG", name="企业管理部"))
        liu = Employee(number=f"{code}01", name="刘洋", department=sales, user=world.user(f"staff@{low}.test"))
        wang = Employee(number=f"{code}02", name="王工", department=tech)
        chen = Employee(number=f"{code}03", name="陈静", department=mgmt, user=world.user(f"manager@{low}.test"))
        zhang = Employee(number=f"{code}04", name="张伟", department=mgmt, user=world.user(f"admin@{low}.test"))
        sun = Employee(number=f"{code}05", name="孙律师", department=mgmt, user=world.user(f"readonly@{low}.test"))
        db.session.add_all([sales, tech, mgmt, liu, wang, chen, zhang, sun])
        db.session.flush()
        for key, who in (("quality.enterprise_management", chen), ("core.general_manager", zhang),
                         ("quality.legal", sun), ("quality.hr", sun)):
            db.session.add(ResponsibilityHolder(responsibility=key, employee=who))
        db.session.commit()
        return {"liu": liu.id, "wang": wang.id, "chen": chen.id, "zhang": zhang.id, "sun": sun.id,
                "sales": sales.id, "tech": tech.id, "mgmt": mgmt.id}


def complaint_form(org, **values):
    data = {"received_at": "2024-09-27 10:00:00", "received_by": str(org["liu"]), "source": "phone",
            "category": "product", "severity": "", "complainant": "赵女士", "contact": "138 0000 1234",
            "consent_note": "同意留电话，不留地址", "product": "柠檬茶饮料", "spec": "500ml", "evidence": "none",
            "description": "瓶内有异物", "compensation": "none"}
    data.update({k: v for k, v in values.items()})
    return data


def record(client, org, **values) -> int:
    answer = client.post(URL + "new/", complaint_form(org, **values))
    assert answer.status_code == 302, alerts_of(answer.get_data(as_text=True)) or answer.get_data(as_text=True)[:3000]
    found = re.search(r"id=(\d+)", answer.headers["Location"])
    if found:
        return int(found.group(1))
    with client.app.app_context():  # back on the list: the newest complaint
        return db.session.query(Complaint.id).order_by(Complaint.id.desc()).limit(1).scalar()


def get(app, pk) -> Complaint:
    with app.app_context():
        complaint = db.session.get(Complaint, pk)
        db.session.expunge(complaint)
        return complaint


def fire(client, pk, key, comment=""):
    with client.app.app_context():
        version = db.session.get(Complaint, pk).version
    return client.post(URL + "transition/", {"id": str(pk), "transition": key, "comment": comment,
                                             "version": str(version)}, follow_redirects=True)


def edit(client, app, pk, **changes):
    """Save the record's edit form with ``changes`` (the rest as it is)."""
    page = client.get(f"{URL}edit/?id={pk}").get_data(as_text=True)
    assert 'name="version"' in page, page[:2000]
    data = form_values(page)
    data.update(changes)
    return client.post(f"{URL}edit/?id={pk}", data, follow_redirects=True)


def form_values(page: str) -> dict[str, str]:
    """The values an edit page's form would post (inputs, selects, textareas)."""
    import html
    values: dict[str, str] = {}
    for tag in re.findall(r"<input[^>]*>", page):
        name = re.search(r'name="([^"]+)"', tag)
        if not name or name.group(1) == "csrf_token":
            continue
        kind = re.search(r'type="([^"]+)"', tag)
        if kind and kind.group(1) in ("checkbox", "radio"):
            if "checked" in tag:
                values[name.group(1)] = html.unescape(re.search(r'value="([^"]*)"', tag).group(1)) \
                    if re.search(r'value="([^"]*)"', tag) else "y"
            continue
        if kind and kind.group(1) in ("submit", "file"):
            continue
        value = re.search(r'value="([^"]*)"', tag)
        values[name.group(1)] = html.unescape(value.group(1)) if value else ""
    for name, body in re.findall(r'<select[^>]*name="([^"]+)"[^>]*>([\s\S]*?)</select>', page):
        chosen = re.search(r'<option[^>]*selected[^>]*value="([^"]*)"|<option[^>]*value="([^"]*)"[^>]*selected',
                           body)
        values[name] = html.unescape((chosen.group(1) or chosen.group(2) or "")) if chosen else ""
    for name, body in re.findall(r'<textarea[^>]*name="([^"]+)"[^>]*>([\s\S]*?)</textarea>', page):
        values[name] = html.unescape(re.sub(r"^\r?\n", "", body))  # as a browser reads it
    return values


def alerts_of(page: str) -> str:
    import html
    return html.unescape( " | ".join(re.sub(r"<[^>]+>|&times;|\s+", " ", m).strip()
                      for m in re.findall(r'class="alert alert-\w+[^"]*"[^>]*>([\s\S]*?)</div>', page)))


def pdf_text(pdf: bytes, tmp_path, name="complaint.pdf", layout=True) -> str:
    if shutil.which("pdftotext") is None:  # poppler-utils: a system dependency (scripts/system-deps.sh)
        pytest.fail("pdftotext is missing: install poppler-utils")
    path = tmp_path / name
    path.write_bytes(pdf)
    args = ["pdftotext", *(["-layout"] if layout else []), str(path), "-"]
    return subprocess.run(args, capture_output=True, text=True, check=True).stdout
