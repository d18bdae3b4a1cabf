"""Demonstration data: two companies, their users, every module enabled."""
from __future__ import annotations

from flask import current_app

from core.records import tenancy
from core.extensions import db
from core.models import Company, Membership, User
from core.plugin.modules import enable_module
from core.org.demo import load_demo_org
from core.records.security import hash_password
from werkzeug.security import check_password_hash

DEMO_PASSWORD = "qdesk-demo"
COMPANIES = [
    dict(code="HZ", name="杭州瑞达电器有限公司", province="浙江", city="杭州",
         address="杭州市余杭区文一西路 1288 号", phone="0571-88001234", domain="hz"),
    dict(code="CD", name="成都蓉城物业服务有限公司", province="四川", city="成都",
         address="成都市高新区天府大道中段 666 号", phone="028-85009876", domain="cd"),
]


def load_demo() -> list[tuple[str, str, str]]:
    """Create the demo companies and users, enable every loaded module,
    call ``load_demo_data``; return ``(email, password, role)`` logins."""
    password_hash = hash_password(DEMO_PASSWORD)
    logins = [("sysadmin@qdesk.demo", DEMO_PASSWORD, "system admin; admin of HZ and CD")]
    sysadmin = User(email="sysadmin@qdesk.demo", name="系统管理员 System Admin",
                    password_hash=password_hash, is_system_admin=True)
    db.session.add(sysadmin)
    registry = current_app.extensions["qdesk.plugins"]
    for spec in COMPANIES:
        spec = dict(spec)
        domain = spec.pop("domain")
        company = Company(**spec)
        db.session.add(company)
        sysadmin.memberships.append(Membership(company=company, role="admin"))
        users = {}
        for role, name in (("admin", "管理员"), ("manager", "质管部经理"), ("staff", "服务专员")):
            email = f"{role}@{domain}.demo"
            users[role] = User(email=email, name=f"{name} ({company.code})", password_hash=password_hash)
            users[role].memberships.append(Membership(company=company, role=role))
            db.session.add(users[role])
            logins.append((email, DEMO_PASSWORD, f"{role} of {company.code}"))
        db.session.commit()
        for key in registry.keys():
            enable_module(company, key)
        with tenancy.acting_as(company, users["admin"]):
            load_demo_org(company, users)  # departments, employees, who signs off (core.org)
            db.session.commit()
            # Dependencies first: a plugin's demo data may refer to theirs.
            registry.call_each("load_demo_data", only=tenancy.enabled_modules(company),
                               company=company, users=users)
            db.session.commit()
    return logins


def demo_logins_in_use() -> list[tuple[str, str, str]]:
    """Demo logins that still exist and still have the demo password."""
    logins = []
    for user in db.session.query(User).filter(User.email.like("%.demo")).order_by(User.id):
        if user.active and check_password_hash(user.password_hash, DEMO_PASSWORD):
            roles = ", ".join(f"{m.role} of {m.company.code}" for m in user.memberships)
            roles = ("system admin; " if user.is_system_admin else "") + roles
            logins.append((user.email, DEMO_PASSWORD, roles))
    return logins
