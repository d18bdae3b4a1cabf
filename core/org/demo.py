"""Demo 组织架构 for the demo companies: departments with heads, posts,
employees (some linked to the demo logins) and the holders of the core
responsibilities, so sign-offs can be tried straight away."""
from __future__ import annotations

import datetime as dt
from typing import Any

from core.extensions import db
from core.org.models import Department, Employee, Post, ResponsibilityHolder

#: Per company: departments (code, name, parent code), posts (code, name),
#: employees (工号, name, department, post, hire date, demo login role or None),
#: responsibility holders (key, 工号).
ORGANISATIONS: dict[str, dict[str, list[tuple]]] = {
    "HZ": dict(
        departments=[("GM", "总经理办公室", None), ("JZ", "技质部", "GM"), ("GX", "供销部", "GM"),
                     ("SC", "生产部", "GM"), ("RL", "人力资源部", "GM"), ("SH", "售后服务中心", "GX")],
        posts=[("ZJL", "总经理"), ("BMJL", "部门经理"), ("ZLGLY", "质量管理员"), ("XSY", "销售员"),
               ("SHGCS", "售后服务工程师"), ("FWZY", "服务专员"), ("CGY", "采购员"), ("CJZR", "车间主任"),
               ("HRZY", "人事专员")],
        employees=[("HZ001", "陈建国", "GM", "ZJL", "2008-03-01", "admin"),
                   ("HZ002", "李明华", "JZ", "BMJL", "2010-07-12", "manager"),
                   ("HZ003", "赵雪梅", "JZ", "ZLGLY", "2015-04-20", None),
                   ("HZ004", "孙立强", "JZ", "ZLGLY", "2019-09-02", None),
                   ("HZ005", "周海涛", "GX", "BMJL", "2011-02-15", None),
                   ("HZ006", "吴晓燕", "GX", "XSY", "2017-06-01", None),
                   ("HZ007", "郑志远", "GX", "CGY", "2020-03-16", None),
                   ("HZ008", "王建军", "SC", "CJZR", "2009-11-03", None),
                   ("HZ009", "冯丽娟", "SC", "ZLGLY", "2018-08-08", None),
                   ("HZ010", "何文斌", "RL", "BMJL", "2012-05-21", None),
                   ("HZ011", "许静", "RL", "HRZY", "2021-10-11", None),
                   ("HZ012", "王芳", "SH", "BMJL", "2013-01-07", None),
                   ("HZ013", "刘洋", "SH", "FWZY", "2016-12-05", "staff"),
                   ("HZ014", "张伟", "SH", "SHGCS", "2014-03-24", None),
                   ("HZ015", "黄磊", "SH", "SHGCS", "2022-07-01", None),
                   ("HZ016", "林小红", "SH", "FWZY", "2023-02-13", None)],
        heads=[("GM", "HZ001"), ("JZ", "HZ002"), ("GX", "HZ005"), ("SC", "HZ008"), ("RL", "HZ010"),
               ("SH", "HZ012")],
        holders=[("core.general_manager", "HZ001"), ("core.management_rep", "HZ002"),
                 ("core.quality_head", "HZ002")]),
    "CD": dict(
        departments=[("GM", "总经理办公室", None), ("PZ", "品质部", "GM"), ("KF", "客服中心", "GM"),
                     ("GC", "工程部", "GM"), ("ZX", "秩序维护部", "GM"), ("RL", "人力资源部", "GM")],
        posts=[("ZJL", "总经理"), ("BMJL", "部门经理"), ("PZZY", "品质专员"), ("KFZY", "客服专员"),
               ("WXG", "维修工"), ("ZXY", "秩序维护员"), ("HRZY", "人事专员")],
        employees=[("CD001", "杨志刚", "GM", "ZJL", "2012-04-01", "admin"),
                   ("CD002", "谢婷", "PZ", "BMJL", "2014-08-18", "manager"),
                   ("CD003", "罗晨", "PZ", "PZZY", "2019-03-11", None),
                   ("CD004", "唐敏", "KF", "BMJL", "2015-10-09", None),
                   ("CD005", "韩雪", "KF", "KFZY", "2020-06-22", "staff"),
                   ("CD006", "曹阳", "KF", "KFZY", "2022-01-04", None),
                   ("CD007", "邓永康", "GC", "BMJL", "2013-07-15", None),
                   ("CD008", "彭涛", "GC", "WXG", "2017-05-08", None),
                   ("CD009", "蒋勇", "GC", "WXG", "2021-09-27", None),
                   ("CD010", "蔡国庆", "ZX", "BMJL", "2016-02-29", None),
                   ("CD011", "袁斌", "ZX", "ZXY", "2023-04-17", None),
                   ("CD012", "潘丽", "RL", "BMJL", "2018-11-12", None),
                   ("CD013", "余佳", "RL", "HRZY", "2024-03-04", None)],
        heads=[("GM", "CD001"), ("PZ", "CD002"), ("KF", "CD004"), ("GC", "CD007"), ("ZX", "CD010"),
               ("RL", "CD012")],
        holders=[("core.general_manager", "CD001"), ("core.management_rep", "CD002"),
                 ("core.quality_head", "CD002")]),
}


def load_demo_org(company: Any, users: dict[str, Any]) -> None:
    """The company's demo organisation (acting as its admin); the caller commits."""
    spec = ORGANISATIONS.get(company.code)
    if spec is None:
        return
    departments: dict[str, Department] = {}
    for code, name, parent in spec["departments"]:
        departments[code] = Department(code=code, name=name, parent=departments.get(parent))
        db.session.add(departments[code])
    posts = {code: Post(code=code, name=name) for code, name in spec["posts"]}
    db.session.add_all(posts.values())
    employees: dict[str, Employee] = {}
    for number, name, department, post, hired, login in spec["employees"]:
        employees[number] = Employee(number=number, name=name, department=departments[department],
                                     post=posts[post], hire_date=dt.date.fromisoformat(hired),
                                     user=users.get(login) if login else None)
        db.session.add(employees[number])
    db.session.flush()
    for code, number in spec["heads"]:
        departments[code].head = employees[number]
    for key, number in spec["holders"]:
        db.session.add(ResponsibilityHolder(responsibility=key, employee=employees[number]))
