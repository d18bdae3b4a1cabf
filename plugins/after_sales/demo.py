"""Demonstration data for each demo company (the CRM's customers are there
already: after_sales depends on crm): a small product catalogue and its 销售台账
with units in warranty, one on its last weeks, one expired, a lot, and a
product counted from installation; service agreements: a hotel with a
30-minute hotline response, a hospital project with a 4-hour response and
its own resolution time, and last year's agreement of a logistics customer
(expired); then six weeks of work orders with their service reports, 三包
decisions, spare-part notices and knowledge articles (the story is told in
:mod:`plugins.after_sales.demo_story`, loaded by :mod:`plugins.after_sales.demo_orders`).

Dates are relative to the company's today; nothing is set that core keeps
(numbers, states, due moments): the records move through core's workflows
acting as the demo users who may, and as the 管理者代表 where a sign-off is
needed."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from core import db
from core.calendar.timezone import local_today
from core.records import access, tenancy

from .models import Product, ServiceAgreement, UnitSold

# model, name, spec, months (None: the company's 1 year), basis
PRODUCTS = [
    ("KT-35", "商用空调机组", "制冷量 3.5 kW", None, "sale"),
    ("KT-120", "中央空调主机", "制冷量 120 kW", 24, "installation"),
    ("RO-800", "商用净水设备", "800 L/h", None, "delivery"),
    ("LX-10", "空调滤芯（批）", "10 片/箱", 6, "sale"),
]

# customer code suffix, model, serial, quantity, days ago sold, delivered after, installed after
UNITS = [
    ("001", "KT-120", "KT120-2301-0008", 1, 500, 7, 20),
    ("001", "KT-35", "KT35-2402-0131", 1, 300, 3, None),
    ("002", "RO-800", "RO800-2311-0042", 1, 380, 5, None),
    ("004", "KT-35", "KT35-2305-0077", 1, 420, 2, None),     # expired (1 year)
    ("004", "LX-10", "LX10-L240601", 40, 150, 2, None),     # a lot of 40, 6 months
    ("006", "KT-35", "KT35-2406-0210", 1, 350, 4, None),    # last weeks of its year
    ("010", "KT-120", "KT120-2404-0015", 1, 200, 10, None),  # counted from installation: not installed yet
]


# customer suffix, project, starts (days from today), length (days), scope, fee, response, resolution
AGREEMENTS = [
    ("001", None, -120, 365, "全部在用空调设备的维修、季度巡检与热线支持", "36000.00", ("0.5", "hours"),
     ("2", "calendar_days")),
    ("006", "门诊楼净化空调改造", -30, 730, "改造项目设备安装调试及两年维保", "58000.00", ("4", "hours"),
     ("1", "working_days")),
    ("002", None, -500, 365, "净水设备年度维保（已到期）", "8000.00", ("24", "hours"), None),
]


def load(company, users) -> None:
    """The company's after-sales demo: catalogue, units, agreements, then the work orders."""
    catalogue(company)
    from .demo_orders import load_orders
    load_orders(company, users)


def catalogue(company) -> None:
    """Products, units sold and service agreements (on the CRM's demo customers)."""
    today = local_today(company)
    prefix = f"{company.code}-KH"
    products = {}
    for model, name, spec, months, basis in PRODUCTS:
        products[model] = Product(model=model, name=name, spec=spec, warranty_months=months, warranty_basis=basis)
        db.session.add(products[model])
    Customer = access.resolve("crm.customer").model  # crm's entity, through core
    customers = {c.code: c for c in tenancy.scoped_query(Customer, company)
                 .filter(Customer.code.like(f"{prefix}%"))}
    for suffix, model, serial, qty, ago, delivered, installed in UNITS:
        customer = customers.get(prefix + suffix)
        if customer is None:  # the CRM's demo changed: skip, never fail the demo
            continue
        sold = today - dt.timedelta(days=ago)
        db.session.add(UnitSold(customer=customer, product=products[model], serial=serial, quantity=qty,
                                sale_date=sold, invoice_no=f"FP{sold:%Y%m%d}{suffix}",
                                delivery_date=sold + dt.timedelta(days=delivered),
                                installation_date=sold + dt.timedelta(days=installed) if installed else None))
    for suffix, project, starts, days, scope, fee, response, resolution in AGREEMENTS:
        customer = customers.get(prefix + suffix)
        if customer is None:
            continue
        begin = today + dt.timedelta(days=starts)
        db.session.add(ServiceAgreement(
            customer=customer, project=project, valid_from=begin, valid_to=begin + dt.timedelta(days=days - 1),
            scope=scope, fee=Decimal(fee), fee_terms="每年" if days == 365 else "合同总价",
            response_amount=Decimal(response[0]) if response else None, response_unit=response and response[1],
            resolution_amount=Decimal(resolution[0]) if resolution else None,
            resolution_unit=resolution and resolution[1]))
    db.session.commit()
