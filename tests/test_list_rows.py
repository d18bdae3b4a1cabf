"""The list rows rendered in Python (admin.list_rows) are the rows Flask-Admin's
own template renders, on every list screen of the demo_app, for a user who may
delete (the delete form in each row) and one who may not."""
import re

import pytest
from flask import url_for

from admin.list_rows import ListRowsMixin
from admin.views import CompanyModelView
from core.demo import DEMO_PASSWORD
from tests.fixtures import Client

BODY = re.compile(r"</thead>(.*?)</table>", re.S)
#: A CSRF token (itsdangerous: payload.timestamp.signature), in a hidden field or a data- attribute.
CSRF = re.compile(r'"[\w-]{20,}\.[\w-]{4,8}\.[\w-]{20,}"')


def rows_of(page):
    """The table's body with the layout whitespace and the per-request CSRF token taken out."""
    body = BODY.search(page)
    assert body, "no list table"
    text = CSRF.sub('"csrf"', body.group(1))
    return re.sub(r">\s+", ">", re.sub(r"\s+<", "<", text)).strip()


def list_screens(app):
    """The list URL of every screen built on CompanyModelView."""
    with app.test_request_context():
        return sorted(url_for(f"{v.endpoint}.index_view") for v in app.extensions["admin"][0]._views
                      if isinstance(v, CompanyModelView))


@pytest.mark.parametrize("email", ["manager@hz.demo", "staff@hz.demo"])
def test_every_list_screen_renders_the_rows_flask_admin_renders(demo_app, email, monkeypatch):
    client = Client(demo_app)
    assert client.login(email, DEMO_PASSWORD).status_code == 302
    fast_rows = ListRowsMixin._fast_for
    compared, with_rows = [], 0
    for url in list_screens(demo_app):
        monkeypatch.setattr(ListRowsMixin, "_fast_for", fast_rows)
        fast = client.get(url)
        if fast.status_code != 200:  # a screen this role may not open
            continue
        monkeypatch.setattr(ListRowsMixin, "_fast_for", lambda self, row_actions: False)
        slow = client.get(url)
        assert slow.status_code == 200, url
        fast_page, slow_page = fast.get_data(as_text=True), slow.get_data(as_text=True)
        assert rows_of(fast_page) == rows_of(slow_page), url
        compared.append(url)
        with_rows += rows_of(fast_page).count("<tr>") > 0 and 'class="list-buttons-column"' in fast_page
    assert len(compared) >= 25  # of 34 screens: a staff user may not open some of core's
    assert with_rows >= 20  # the demo fills most screens: rows were compared, not empty tables
    if email.startswith("manager"):
        page = client.get("/admin/crm/customer/").get_data(as_text=True)
        assert 'action="/admin/crm/customer/delete/"' in page  # the delete form is among the compared rows


def test_a_screen_with_inline_editing_keeps_flask_admins_rows(app):
    from plugins.after_sales.admin.ledger import LedgerView
    with app.test_request_context():
        view = next(v for v in app.extensions["admin"][0]._views if isinstance(v, LedgerView))
        assert view.column_editable_list and not view.fast_list_rows
        customers = next(v for v in app.extensions["admin"][0]._views if v.endpoint == "crm_customer")
        assert customers.fast_list_rows


def test_a_cell_is_escaped(app, world, client_for):
    from core import db
    from core.records import tenancy
    from plugins.crm.models import Customer
    with app.app_context(), tenancy.acting_as(world.company("A"), world.user("staff@a.test")):
        db.session.add(Customer(code="KH<1>", name='<script>alert("x")</script>'))
        db.session.commit()
    page = client_for("staff@a.test").get("/admin/crm/customer/").get_data(as_text=True)
    assert '<td class="col-name">&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;</td>' in page
    assert '<td class="col-code">KH&lt;1&gt;</td>' in page and "<script>alert" not in page
