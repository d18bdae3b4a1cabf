"""Hostile input on every screen answers 4xx or a field error, never 500 (generated).

The cases are generated from the registry, like the other matrices: every
admin view the plugins register (``tests.factories.registered_views()``, ids
``fuzz-<endpoint>``), core's own screens (audit log, print log, calendar,
settings, modules: found in the app's url_map, ``fuzz-core_*``), every
extra page of a view (methods marked by ``scoped_expose``, and the plain
``expose`` pages a subclass adds), every bulk action, the bulk-assign POST,
the ajax lookups and inline edit, and every printable's URL
``/print/<key>/<id>.pdf``. Nothing here names a plugin.

Inputs, grouped in classes (one request per value, or per field and value):
bad ids (``abc``, ``-1``, ``0``, ``²``, ``٣``, 20 digits, 2**31, 2**63),
huge and odd page / page_size / sort / limit / offset values, bogus filter
arguments, out-of-range dates and months, numbers (``1e400``, ``nan``,
``inf``, ``10**40``), oversized texts and control characters. Every field
of each view's create and edit form is posted with each value of its class
(inline rows and fields added per record included, read from the rendered
form). Afterwards no stored record may hold an out-of-range value (a year
outside 1900–2199, a number that is not finite or does not fit its column)
and the list, details, edit and export pages still answer.

A failure lists every 500 of the case (URL, parameter, value, exception),
not only the first. The number of generated requests is printed at the
end of the run (``fuzz: N requests``).
"""
from __future__ import annotations

import datetime as dt
import decimal
import math
import re
import time
from collections import Counter
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urlsplit

import pytest
from flask import url_for
from sqlalchemy import inspect, types as satypes

from core.extensions import db
from core.records import SYSTEM_COLUMNS
from tests.factories import editable_value, form_data, form_field_names, make, registered_views, view_for

VIEWS = registered_views()
#: Core's company-scoped model screens (CompanyModelView) and its other screens.
CORE_MODEL_SCREENS = ("core_audit", "core_calendar_day", "core_department", "core_employee", "core_post",
                      "core_printjob", "core_responsibility")
CORE_PAGES = ("core_modules", "core_settings", "core_inbox", "core_grants", "core_people", "core_reports")
#: System administration (not company-scoped): fuzzed with a system administrator.
SYSTEM_SCREENS = ("core_company", "core_user", "core_holidays")

# --- the bad values, by class -------------------------------------------------------

BAD_IDS = ["abc", "-1", "0", "²", "٣", "9" * 20, str(2**31), str(2**63), "1e3", "0x1F", "", " ", "1.5"]
HUGE_INTS = ["99999999999999999999", str(2**31), str(2**63), str(-2**63), "-1", "²", "٣", "1e400", "nan", "abc"]
NUMBERS = ["1e400", "-1e400", "nan", "inf", "-inf", str(10**40), str(-10**40), str(2**31), str(2**63),
           "²", "٣", "9999.999", "99999999999999.999", "1e-400"]
DATES = ["0001-01-01", "9999-12-31", "10000-01-01", "1899-12-31", "2200-01-01", "٢٠٢٤-٠١-٠١",
         "2024-02-30", "-001-01-01"]
DATETIMES = [f"{d} 00:00:00" for d in DATES] + ["9999-12-31 23:59:59", "2024-01-01 25:61:61"]
MONTHS = ["0001-01", "9999-13", "2026-00", "9999-12", "٢٠٢٦-٠١", "99999-01", "2026-1", "2026-Q5", "2026-H3"]
TEXTS = ["x" * 100_000, "a\x00b", "\x01\x1b[31m\x7f\x0b\x0c", "=cmd|' /C calc'!A0", "%_%", "' OR 1=1 --"]
OVERSIZED = TEXTS[0]
#: For parameters whose meaning is unknown (extra pages, settings, filters): one of each kind.
GENERIC = ["abc", "-1", "0", "²", "٣", "9" * 20, str(2**31), "1e400", "nan", "inf", str(10**40),
           "0001-01-01", "9999-12-31", "10000-01-01", "0001-01 ", "0001-01", "9999-13", "2026-00",
           "\x00", OVERSIZED]
#: For list filters (all of a view's filters at once, per value).
FILTER_VALUES = ["abc", "²", "٣", "9" * 20, "-1e400", "nan", "0001-01-01", "9999-12-31 23:59:59",
                 "10000-01-01", "0001-01-01 to 9999-12-31", "a\x00b", "x" * 60_000, "1,²,9" + "9" * 20]
#: For the query arguments of extra pages (one GET per argument and value).
PAGE_VALUES = ["²", "٣", "9" * 20, "-1", "1e400", "0001-01-01", "0001-01", "9999-13", "a\x00b", OVERSIZED]
LIST_ARGS = ("page", "page_size", "sort", "desc")

CASES: Counter = Counter()   # requests sent, per kind
SECONDS: Counter = Counter()  # their time, per kind
TIMES: dict[str, float] = {}  # seconds per case


@pytest.fixture(scope="module", autouse=True)
def _report(request):
    yield
    reporter = request.config.pluginmanager.get_plugin("terminalreporter")
    capture = request.config.pluginmanager.get_plugin("capturemanager")
    if reporter is not None and capture is not None and CASES:
        kinds = ", ".join(f"{k} {n} ({SECONDS[k]:.0f}s)" for k, n in sorted(CASES.items()))
        with capture.global_and_fixture_disabled():
            reporter.write_line(f"\nfuzz: {sum(CASES.values())} requests ({kinds}) "
                                f"in {sum(TIMES.values()):.1f}s over {len(TIMES)} cases")


# --- the client that records 500s --------------------------------------------------

def _short(value):
    text = repr(value)
    return text if len(text) <= 60 else text[:40] + f"…({len(str(value))} chars)"


class Fuzzer:
    """Sends requests and keeps every 500 (or exception raised through the
    test client) with what was sent, so a failure lists them all."""

    def __init__(self, client, case: str):
        self.client, self.case, self.failures = client, case, []

    def _record(self, kind, method, url, what, call):
        CASES[kind] += 1
        started = time.monotonic()
        try:
            response = call()
        except Exception as exc:  # TESTING propagates exceptions: a 500 to a user
            self.failures.append(f"{method} {url} {what}: {type(exc).__name__}: {str(exc).splitlines()[0][:160]}")
            return None
        finally:
            SECONDS[kind] += time.monotonic() - started
        if response.status_code >= 500:
            self.failures.append(f"{method} {url} {what}: HTTP {response.status_code}")
        return response

    def get(self, kind, url, query=None, what=None):
        what = what or ", ".join(f"{k}={_short(v)}" for k, v in (query or {}).items())
        kw = {"query_string": query} if query else {}
        return self._record(kind, "GET", url, what, lambda: self.client.get(url, **kw))

    def post(self, kind, url, data, what):
        return self._record(kind, "POST", url, what, lambda: self.client.post(url, data))

    def check(self):
        assert not self.failures, f"{self.case}: {len(self.failures)} request(s) answered 500:\n  " + \
            "\n  ".join(self.failures)


# --- reading forms from pages -------------------------------------------------------

class FormFields(HTMLParser):
    """``(name, value)`` of the inputs, selects and textareas of a page,
    and the query arguments of its links."""

    def __init__(self):
        super().__init__()
        self.fields: dict[str, str] = {}
        self.links: list[str] = []
        self._select = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        name = a.get("name")
        if tag == "a" and a.get("href"):
            self.links.append(a["href"])
        elif tag == "input" and name:
            if a.get("type") in ("checkbox", "radio") and "checked" not in a:
                self.fields.setdefault(name, None)
            elif a.get("type") not in ("submit", "button", "file"):
                self.fields[name] = a.get("value", "")
        elif tag == "textarea" and name:
            self.fields[name] = ""
        elif tag == "select" and name:
            self._select = name
            self.fields.setdefault(name, None)
        elif tag == "option" and self._select:
            if self.fields.get(self._select) is None or "selected" in a:
                self.fields[self._select] = a.get("value", "")

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None


def page_fields(html: str) -> FormFields:
    parser = FormFields()
    parser.feed(html)
    return parser


def link_args(parser: FormFields, path: str) -> set[str]:
    """Query argument names of the page's links back to ``path``."""
    names = set()
    for href in parser.links:
        parts = urlsplit(href)
        if parts.path == path:
            names |= {k for k, _v in parse_qsl(parts.query, keep_blank_values=True)}
    return names


# --- values by column ---------------------------------------------------------------

def _base(column_type):
    return column_type.impl_instance if isinstance(column_type, satypes.TypeDecorator) else column_type


def values_for_column(column) -> list[str]:
    """The bad values of the class of ``column``'s type."""
    ctype = _base(column.type)
    if isinstance(ctype, satypes.Boolean):
        return ["²", OVERSIZED]
    if isinstance(ctype, satypes.Enum):
        return ["nope", "²", OVERSIZED]
    if column.foreign_keys or column.primary_key:
        return BAD_IDS + [OVERSIZED]
    if isinstance(ctype, satypes.Integer):
        return NUMBERS + [OVERSIZED]
    if isinstance(ctype, satypes.Numeric):  # Float too
        return NUMBERS + [OVERSIZED]
    if isinstance(ctype, satypes.DateTime):
        return DATETIMES + [OVERSIZED]
    if isinstance(ctype, satypes.Date):
        return DATES + [OVERSIZED]
    if isinstance(ctype, (satypes.String, satypes.Text)):
        return MONTHS + TEXTS if column.info.get("examples") else TEXTS
    return TEXTS[:3]


def field_values(model, name: str) -> list[str]:
    """Bad values for form field ``name`` of a form of ``model``:
    ``rel-0-col`` (inline rows) by the related model's column."""
    mapper = inspect(model)
    match = re.fullmatch(r"(\w+)-\d+-(\w+)", name)
    if match and match[1] in mapper.relationships:
        target = inspect(mapper.relationships[match[1]].mapper.class_)
        if match[2] in target.column_attrs:
            return values_for_column(target.column_attrs[match[2]].columns[0])
        return GENERIC
    if name in mapper.column_attrs:
        return values_for_column(mapper.column_attrs[name].columns[0])
    if name in mapper.relationships:
        return BAD_IDS + [OVERSIZED]
    if name == "record_version":
        return BAD_IDS
    return GENERIC


def bad_stored_value(column, value) -> str | None:
    """Why a stored ``value`` is out of range for ``column`` (None: fine).
    Written independently of core.records.inputs, which it checks."""
    if value is None:
        return None
    ctype = _base(column.type)
    if isinstance(value, (dt.date, dt.datetime)) and not 1900 <= value.year <= 2199:
        return f"year {value.year}"
    if isinstance(value, float) and not math.isfinite(value):
        return "not finite"
    if isinstance(value, decimal.Decimal):
        if not value.is_finite():
            return "not finite"
        precision, scale = getattr(ctype, "precision", None), getattr(ctype, "scale", None) or 0
        if precision and abs(value) >= decimal.Decimal(10) ** (precision - scale):
            return f"does not fit Numeric({precision}, {scale})"
    if isinstance(value, int) and not isinstance(value, bool) and not -2**31 <= value < 2**31 \
            and not isinstance(ctype, satypes.BigInteger):
        return "outside 32 bits"
    if isinstance(value, str) and isinstance(getattr(ctype, "length", None), int) and len(value) > ctype.length:
        return f"{len(value)} characters in String({ctype.length})"
    if isinstance(value, str) and "\x00" in value:
        return "a NUL character"
    return None


def stored_problems(model, company_id) -> list[str]:
    """Out-of-range values in ``model``'s records of the company and in the
    one-to-many children (inline rows) they own."""
    db.session.expire_all()
    problems = []
    mapper = inspect(model)
    children = [rel.mapper.class_ for rel in mapper.relationships if rel.direction.name == "ONETOMANY"]
    for cls in (model, *children):
        query = db.session.query(cls)
        if hasattr(cls, "company_id"):
            query = query.filter(cls.company_id == company_id)
        for row in query:
            for attr in inspect(cls).column_attrs:
                why = bad_stored_value(attr.columns[0], getattr(row, attr.key))
                if why:
                    problems.append(f"{cls.__name__} {row.id}.{attr.key}: {why}")
    return problems


# --- finding views and pages --------------------------------------------------------

def admin_view(app, endpoint):
    """A view of the app's Flask-Admin instance by endpoint (core's screens too)."""
    for admin in app.extensions["admin"]:
        for view in admin._views:
            if view.endpoint == endpoint:
                return view
    raise LookupError(endpoint)


def extra_pages(view) -> list[str]:
    """Names of the pages a view class adds beyond Flask-Admin's and the
    base view's (``scoped_expose`` pages, plain ``expose`` ones), except
    the bulk-assign POST (fuzzed with its own fields)."""
    from admin.views import CompanyModelView
    names = []
    for name in dir(type(view)):
        method = getattr(type(view), name, None)
        if not callable(method) or not getattr(method, "_urls", None):
            continue
        if name == "bulk_assign_view":
            continue
        if hasattr(method, "_qdesk_permission") or not hasattr(CompanyModelView, name):
            names.append(name)
    return sorted(names)


def methods_of(app, endpoint) -> set[str]:
    return {m for rule in app.url_map.iter_rules() if rule.endpoint == endpoint for m in rule.methods}


def url_of(app, endpoint, **kw):
    with app.test_request_context():
        return url_for(endpoint, **kw)


# --- the drivers --------------------------------------------------------------------

def fuzz_page(fz, app, endpoint, *, skip=()):
    """GET ``endpoint`` with each argument its forms and links use set to
    each generic bad value; POST its form the same way when it takes POSTs."""
    url = url_of(app, endpoint)
    page = fz.get("page", url)
    if page is None or page.status_code != 200:
        return
    parsed = page_fields(page.get_data(as_text=True))
    names = (set(parsed.fields) | link_args(parsed, urlsplit(url).path) | {"id", "page", "month"}) \
        - {"csrf_token", *skip}
    base = {k: v for k, v in parsed.fields.items() if v is not None and k != "csrf_token"}
    posts = "POST" in methods_of(app, endpoint)
    for name in sorted(names):
        for value in PAGE_VALUES:
            fz.get("page", url, {name: value})
        if posts and name in parsed.fields:
            for value in GENERIC:
                fz.post("page-post", url, {**base, name: value}, f"{name}={_short(value)}")


def fuzz_list(fz, view, app):
    index = url_of(app, f"{view.endpoint}.index_view")
    for name in LIST_ARGS:
        for value in HUGE_INTS:
            fz.get("list", index, {name: value})
    for value in TEXTS:
        fz.get("list", index, {"search": value})
    fz.get("list", index, {"flt0_99": "x"})
    fz.get("list", index, {"flt99_zz": "x", "flt_": "x", "flt": "x"})
    keys = sorted(getattr(view, "_filter_args", None) or {})
    for value in FILTER_VALUES:  # every filter of the view at once, per value
        if keys:
            fz.get("filter", index, {f"flt{i}_{key}": value for i, key in enumerate(keys)},
                   what=f"every filter ({len(keys)}) = {_short(value)}")
    for export_type in ("csv", "xlsx"):
        export = url_of(app, f"{view.endpoint}.export", export_type=export_type)
        for name in ("page", "sort"):
            fz.get("list", export, {name: HUGE_INTS[0]})


def fuzz_ids(fz, view, app):
    for name in ("details_view", "edit_view"):
        url = url_of(app, f"{view.endpoint}.{name}")
        for value in BAD_IDS:
            fz.get("id", url, {"id": value})
    delete = url_of(app, f"{view.endpoint}.delete_view")
    update = url_of(app, f"{view.endpoint}.ajax_update")
    column = next(iter(view.column_editable_list or ()), "id")
    for value in BAD_IDS:
        fz.post("id", delete, {"id": value}, f"id={_short(value)}")
        fz.post("id", update, {"list_form_pk": value, column: "1"}, f"list_form_pk={_short(value)}")


def fuzz_actions(fz, view, app, pk):
    url = url_of(app, f"{view.endpoint}.action_view")
    for name, _text in view._actions:
        for value in BAD_IDS:
            fz.post("action", url, {"action": name, "rowid": [value]}, f"action={name} rowid={_short(value)}")
        fz.post("action", url, {"action": name, "rowid": BAD_IDS}, f"action={name} rowid=<all bad ids>")
    fz.post("action", url, {"action": "no-such-action", "rowid": [str(pk)]}, "action=no-such-action")
    assign = url_of(app, f"{view.endpoint}.bulk_assign_view")
    for field in getattr(view, "column_bulk_assign", ()) or ():
        for value in BAD_IDS:
            fz.post("assign", assign, {"field": field, "user_id": value, "rowid": [str(pk)]},
                    f"field={field} user_id={_short(value)}")
            fz.post("assign", assign, {"field": field, "user_id": "", "rowid": [value]},
                    f"field={field} rowid={_short(value)}")
    fz.post("assign", assign, {"field": OVERSIZED, "rowid": [str(pk)]}, "field=<oversized>")
    fuzz_record_actions(fz, view, app, pk)


def fuzz_record_actions(fz, view, app, pk):
    """The record page's action buttons (``record_action_view``): bad ids with
    each action offered on the record, bad action keys on the record."""
    from core import links
    from core.records import tenancy
    url = url_of(app, f"{view.endpoint}.record_action_view")
    keys = []
    if pk is not None:
        with app.test_request_context():
            record = db.session.get(view.model, pk)
            from core.models import Company, User
            company = db.session.get(Company, record.company_id)
            user = db.session.query(User).filter_by(email="admin@a.test").one()
            with tenancy.acting_as(company, user):
                keys = [a.key for a in links.offered_actions(record, user)]
    for key in [*keys, "x.none"]:
        for value in BAD_IDS:
            fz.post("record-action", url, {"id": value, "action": key}, f"action={key} id={_short(value)}")
    for value in GENERIC + ["", ".", "a.b.c"]:
        fz.post("record-action", url, {"id": str(pk or 1), "action": value}, f"action={_short(value)}")


def fuzz_lookups(fz, view, app):
    url = url_of(app, f"{view.endpoint}.ajax_lookup")
    for name in sorted(view._form_ajax_refs or {}):
        for arg in ("limit", "offset"):
            for value in HUGE_INTS:
                fz.get("lookup", url, {"name": name, "query": "", arg: value})
        for value in TEXTS:
            fz.get("lookup", url, {"name": name, "query": value})
    fz.get("lookup", url, {"name": OVERSIZED, "query": "x"})


#: Hostile uploads: (name, bytes) — no file name, folder paths, control
#: characters, an oversized name, a program, a truncated image, a broken zip.
BAD_UPLOADS = [("", b"x"), ("../../etc/passwd.png", b"\x89PNG"), ("C:\\x\\y.png", b"x"), ("a\x00b.png", b"x"),
               ("\x1b[31m.pdf", b"%PDF-1.4"), ("x" * 5000 + ".png", b"x"), ("e.jpg", b"MZ\x90\x00" + b"\x00" * 60),
               ("half.png", b"\x89PNG\r\n\x1a\n\x00\x00"), ("half.jpg", b"\xff\xd8\xff\xe0"),
               ("zip.docx", b"PK\x03\x04" + b"\x00" * 40), ("empty.pdf", b"")]


def fuzz_attachments(fz, view, app, pk):
    """The attachment pages of a screen whose entity opted in: bad record
    and attachment ids, hostile uploads."""
    import io
    download = url_of(app, f"{view.endpoint}.attachment_view")
    upload = url_of(app, f"{view.endpoint}.attachment_upload_view")
    delete = url_of(app, f"{view.endpoint}.attachment_delete_view")
    for value in BAD_IDS:
        fz.get("attachment", download, {"id": value, "attachment": value})
        fz.get("attachment", download, {"id": str(pk), "attachment": value})
        fz.post("attachment", delete, {"id": str(pk), "attachment": value}, f"attachment={_short(value)}")
        fz.post("attachment", delete, {"id": value, "attachment": "1"}, f"id={_short(value)}")
        fz.post("attachment", upload, {"id": value, "file": (io.BytesIO(b"x"), "x.png")}, f"id={_short(value)}")
    fz.post("attachment", upload, {"id": str(pk)}, "no file")
    for name, data in BAD_UPLOADS:
        fz.post("attachment", upload, {"id": str(pk), "file": (io.BytesIO(data), name)}, f"file={_short(name)}")


def fuzz_form(fz, view, app, url, pk, form_class, *, edit):
    """POST the form at ``url`` once per field and bad value, the other
    fields valid: the field names of the form class and of the rendered page
    (inline rows, fields added per record), plus a new inline row."""
    page = fz.get("form", url)
    if page is None or page.status_code != 200:
        return
    parsed = page_fields(page.get_data(as_text=True))
    base = {k: v for k, v in parsed.fields.items() if v is not None and k != "csrf_token"}
    mapper = inspect(view.model)
    with app.app_context():
        if pk is not None:
            base.update(form_data(form_class, db.session.get(view.model, pk)))
        for name in form_field_names(form_class):  # a new inline row, every column valid
            rel = mapper.relationships.get(name)
            if rel is None or rel.direction.name != "ONETOMANY":
                continue
            for attr in inspect(rel.mapper.class_).column_attrs:
                column = attr.columns[0]
                if attr.key in SYSTEM_COLUMNS or column.foreign_keys or column.primary_key \
                        or attr.key == "archived_at":
                    continue
                base.setdefault(f"{name}-0-{attr.key}", editable_value(rel.mapper.class_, attr.key))
    names = (set(form_field_names(form_class)) | set(base) | set(parsed.fields)) - {"csrf_token"}
    if not edit:
        names.discard("record_version")
    for name in sorted(names):
        if name in mapper.relationships and mapper.relationships[name].direction.name == "ONETOMANY":
            continue  # its rows' fields are fuzzed one by one
        for value in field_values(view.model, name):
            data = dict(base)
            if edit:
                with app.app_context():
                    data["record_version"] = str(db.session.query(view.model.version)
                                                 .filter(view.model.id == pk).scalar())
            data[name] = value
            fz.post("form", url, data, f"{name}={_short(value)}")


def fuzz_view(fz, app, view, company_id, pk):
    fuzz_list(fz, view, app)
    fuzz_ids(fz, view, app)
    fuzz_actions(fz, view, app, pk)
    fuzz_lookups(fz, view, app)
    if view._create_form_class is not None:
        fuzz_form(fz, view, app, url_of(app, f"{view.endpoint}.create_view"), pk,
                  view._create_form_class, edit=False)
    if pk is not None and view._edit_form_class is not None:
        fuzz_form(fz, view, app, url_of(app, f"{view.endpoint}.edit_view", id=pk), pk,
                  view._edit_form_class, edit=True)
    for name in extra_pages(view):
        fuzz_page(fz, app, f"{view.endpoint}.{name}")
    if pk is not None and getattr(view, "attachments_declared", None) is not None:
        fuzz_attachments(fz, view, app, pk)
    with app.app_context():  # nothing stored out of range, and the pages still answer
        problems = stored_problems(view.model, company_id)
        ids = [r.id for r in db.session.query(view.model).filter(view.model.company_id == company_id)]
    for record_id in ids:
        for name in ("details_view", "edit_view"):
            fz.get("after", url_of(app, f"{view.endpoint}.{name}", id=record_id))
    fz.get("after", url_of(app, f"{view.endpoint}.index_view"))
    for export_type in ("csv", "xlsx"):
        fz.get("after", url_of(app, f"{view.endpoint}.export", export_type=export_type))
    fz.failures.extend(f"stored out of range: {p}" for p in problems)


def _record_of(model, company, user):
    try:
        return make(model, company, user, relations=True).id
    except Exception:  # a log (audit, prints) is not made by hand: fuzzed without a record
        db.session.rollback()
        return None


# --- the tests ----------------------------------------------------------------------

def test_fuzz_covers_every_screen(app):
    """Every registered view and every core screen in the url_map is fuzzed."""
    registry = app.extensions["qdesk.plugins"]
    assert sorted(v.endpoint for v in registry.admin_views) == [v.endpoint for v in VIEWS]
    core = {rule.endpoint.split(".")[0] for rule in app.url_map.iter_rules() if rule.endpoint.startswith("core_")}
    assert core == set(CORE_MODEL_SCREENS) | set(CORE_PAGES) | set(SYSTEM_SCREENS), (
        f"core screens not fuzzed: {sorted(core - set(CORE_MODEL_SCREENS) - set(CORE_PAGES) - set(SYSTEM_SCREENS))}")


@pytest.mark.parametrize("endpoint", [pytest.param(v.endpoint, id=f"fuzz-{v.endpoint}") for v in VIEWS]
                         + [pytest.param(e, id=f"fuzz-{e}") for e in CORE_MODEL_SCREENS])
def test_fuzz_view(app, world, client_for, endpoint):
    started = time.monotonic()
    try:
        view = view_for(app, endpoint)
    except LookupError:
        view = admin_view(app, endpoint)
    with app.app_context():
        a = world.company("A")
        pk = _record_of(view.model, a, world.user("admin@a.test"))
        company_id = a.id
    fz = Fuzzer(client_for("admin@a.test"), endpoint)
    fuzz_view(fz, app, view, company_id, pk)
    TIMES[endpoint] = time.monotonic() - started
    fz.check()


@pytest.mark.parametrize("endpoint", [pytest.param(e, id=f"fuzz-{e}") for e in CORE_PAGES])
def test_fuzz_core_pages(app, world, client_for, endpoint):
    started = time.monotonic()
    if endpoint == "core_inbox":  # something to list and mark read
        from core.notify import notify
        from core.records import tenancy
        with app.app_context(), tenancy.acting_as(world.company("A"), None):
            notify("core.deadline_due_soon", [world.user("admin@a.test")], context={"due": "x" * 300})
            db.session.commit()
    fz = Fuzzer(client_for("admin@a.test"), endpoint)
    fuzz_page(fz, app, f"{endpoint}.index")
    if endpoint == "core_modules":
        for key in ("crm", "no-such", "²", OVERSIZED[:5000], "a\x00b"):
            for verb in ("enable", "disable", "²", "x" * 300):
                fz.post("page-post", url_of(app, "core_modules.change", key=key, verb=verb), {},
                        f"key={_short(key)} verb={_short(verb)}")
    if endpoint == "core_inbox":
        for value in BAD_IDS + PAGE_VALUES:
            if value.strip() and "/" not in value:
                fz.post("page-post", url_of(app, "core_inbox.read", notification_id=value), {"unread": value},
                        f"notification_id={_short(value)}")
        fz.post("page-post", url_of(app, "core_inbox.read_all"), {}, "read_all")
    if endpoint == "core_grants":
        for module in ("notes", "core", "no-such", "²", OVERSIZED[:5000], "a\x00b"):
            for value in GENERIC:
                fz.post("page-post", url_of(app, "core_grants.save", module=module),
                        {"token": value, "grant": [value, f"notes.note.read|{_short(value)}"]},
                        f"module={_short(module)} value={_short(value)}")
            fz.post("page-post", url_of(app, "core_grants.save", module=module), {"token": "x", "reset": "1"},
                    f"module={_short(module)} reset")
    if endpoint == "core_reports":  # every report's dialog, every parameter fuzzed (the rest valid)
        for report in app.extensions["qdesk.reports"].by_key.values():
            url = url_of(app, "core_reports.dialog", key=report.key)
            valid = {p.name: "2026-10" if p.widget == "period" else "" for p in report.parameters}
            for param in report.parameters:
                for value in GENERIC + PAGE_VALUES + TEXTS + ["2026-10-01..2027-10-01", "2026-02-30..2026-03-01"]:
                    fz.get("page", url, dict(valid, print="1", **{param.name: value}),
                           f"{report.key} {param.name}={_short(value)}")
                if param.widget == "period":
                    for value in DATES + ["", "2026-10-01"]:
                        fz.get("page", url, dict(valid, print="1", **{f"{param.name}_from": value,
                                                                    f"{param.name}_to": "2026-10-31"}),
                               f"{report.key} {param.name}_from={_short(value)}")
        for key in ("no.such", OVERSIZED[:3000], "a\x00b", "²"):
            fz.get("page", f"/admin/reports/{key}/", {"print": "1"}, f"report {_short(key)}")
    if endpoint == "core_people":
        from core.models import Membership
        with app.app_context():  # staff's: resetting the fuzzing admin's would end its session
            mine = db.session.query(Membership.id).filter_by(company_id=world.ids["A"],
                                                             user_id=world.user("staff@a.test").id).scalar()
        for member in (str(mine), *BAD_IDS[:-3], OVERSIZED[:3000]):
            for value in GENERIC:
                for name, data in (("role", {"role": value}), ("active", {"active": value})):
                    fz.post("page-post", url_of(app, f"core_people.{name}", member_id=member or "x"), data,
                            f"{name} member={_short(member)} value={_short(value)}")
            fz.post("page-post", url_of(app, "core_people.reset", member_id=member or "x"), {},
                    f"reset member={_short(member)}")
        for value in GENERIC + TEXTS:
            fz.post("page-post", url_of(app, "core_people.add"), {"email": value, "name": value, "role": value},
                    f"add value={_short(value)}")
            fz.post("page-post", url_of(app, "core_people.add"),
                    {"email": f"fz{len(value)}@a.test", "name": value, "role": "staff"}, f"add name={_short(value)}")
        for value in ["x", "a\x00b", OVERSIZED[:1000], "²"]:
            fz.get("page", f"/set-password/{value}")
            fz.post("page-post", f"/set-password/{value}", {"password": value, "confirm": value},
                    f"set-password {_short(value)}")
    TIMES[endpoint] = time.monotonic() - started
    fz.check()


def test_fuzz_print_urls(app, world, client_for):
    started = time.monotonic()
    fz = Fuzzer(client_for("admin@a.test"), "print")
    printables = app.extensions["qdesk.printables"]
    keys = sorted(printables.by_key)
    assert keys, "no printables registered"
    for key in [*keys, "no.such", OVERSIZED[:3000]]:
        for value in BAD_IDS + ["1,2", "1;2", "99999999999999999999999999999999999999"]:
            if value.strip() in ("",):
                continue  # not a URL
            fz.get("print", f"/print/{key}/{value}.pdf")
    TIMES["print"] = time.monotonic() - started
    fz.check()


@pytest.mark.parametrize("endpoint", [pytest.param(e, id=f"fuzz-{e}") for e in SYSTEM_SCREENS])
def test_fuzz_system_screens(app, world, client_for, endpoint):
    """Companies and users (system administrators, not company-scoped)."""
    from tests.fixtures import set_user
    started = time.monotonic()
    set_user(app, "admin@a.test", is_system_admin=True)
    view = admin_view(app, endpoint)
    if endpoint == "core_holidays":  # a year of official days, to edit one of them
        from tests.test_holidays import day_id, enter
        enter(app)
        pk = day_id(app, "2027-01-01")
    else:
        with app.app_context():
            pk = world.company("A").id if endpoint == "core_company" else world.user("staff@a.test").id
    fz = Fuzzer(client_for("admin@a.test"), endpoint)
    fuzz_list(fz, view, app)
    fuzz_ids(fz, view, app)
    fuzz_lookups(fz, view, app)
    fuzz_form(fz, view, app, url_of(app, f"{endpoint}.create_view"), None, view._create_form_class, edit=False)
    fuzz_form(fz, view, app, url_of(app, f"{endpoint}.edit_view", id=pk), pk, view._edit_form_class, edit=False)
    TIMES[endpoint] = time.monotonic() - started
    fz.check()


def test_fuzz_finds_a_500_when_a_guard_is_off(app, world, client_for, monkeypatch):
    """Positive control: with ids parsed by plain ``int()`` again (the guard
    off), the same requests answer 500 and the fuzzer reports them."""
    from core.records import inputs
    monkeypatch.setattr(inputs, "parse_id", lambda text, hi=inputs.INT_MAX: int(text))
    view = view_for(app, VIEWS[0].endpoint)
    fz = Fuzzer(client_for("admin@a.test"), view.endpoint)
    fuzz_ids(fz, view, app)
    assert any("ValueError" in f or "Overflow" in f or "DataError" in f for f in fz.failures), fz.failures
