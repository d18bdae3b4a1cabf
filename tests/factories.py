"""Generic test helpers: records of any model, and the registered admin views.

Nothing here knows a plugin. :func:`make` builds a valid record of any
company-owned model from its columns' types, so the generated test matrices
(``test_gating_matrix.py``, ``test_isolation_matrix.py``) cover a new plugin
without a line of test code:

* every string/text column gets a fresh unique token (``q`` + hex), so a
  record's values can be searched for in another company's pages
  (:func:`markers`);
* a column whose values have a format declares valid ones in
  ``info={"examples": (...)}``; they are used instead;
* other required columns (no default, not nullable) are filled by type:
  ints, numerics, floats, bools (``False``), dates, datetimes, times,
  intervals, enums, JSON, binary, UUIDs;
* required foreign keys to company-owned models get a record created
  recursively in the same company; ``relations=True`` also fills the
  nullable many-to-one relations (one level deep); nullable FKs are
  otherwise left empty; FKs to users / companies use the acting user /
  company;
* everything runs inside ``core.records.tenancy.acting_as(company, user)``, so core
  stamps ``company_id`` as it does for a real request.

:func:`registered_views` lists the admin views the plugins register, at
collection time (before any app exists), so the matrices can be truly
parametrized with ids like ``notes_note``.
"""
from __future__ import annotations

import datetime as dt
import decimal
import enum
import importlib
import itertools
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import inspect, types as satypes
from sqlalchemy.orm import RelationshipDirection

from core.records import tenancy
from core.extensions import db
from core.models import Company, User
from core.records import SYSTEM_COLUMNS, CompanyOwnedMixin

_counter = itertools.count(1)

# A token shorter than this may occur by chance in a page: not used as a marker.
MARKER_MIN_LENGTH = 8


# --- values by type ----------------------------------------------------------

def token(length: int | None = None) -> str:
    """A fresh, unique, harmless string (starts with a letter: no CSV formula)."""
    value = "q" + uuid.uuid4().hex
    return value[: min(length or 20, 20)]


def _base_type(column_type: Any) -> Any:
    return column_type.impl_instance if isinstance(column_type, satypes.TypeDecorator) else column_type


def value_for(column: Any) -> Any:
    """A valid value for ``column`` (a SQLAlchemy ``Column``), by its type."""
    ctype = _base_type(column.type)
    n = next(_counter)
    examples = column.info.get("examples")
    if examples:  # a column with a format (a period, a code) lists valid values
        return examples[n % len(examples)]
    if isinstance(ctype, satypes.Enum):
        if ctype.enum_class is not None:
            return next(iter(ctype.enum_class))
        return ctype.enums[0]
    if isinstance(ctype, satypes.Boolean):
        return False
    if isinstance(ctype, (satypes.String, satypes.Text)):  # Unicode, UnicodeText too
        return token(getattr(ctype, "length", None))
    if isinstance(ctype, satypes.Integer):
        return n
    if isinstance(ctype, satypes.Float):
        return float(n) + 0.5
    if isinstance(ctype, satypes.Numeric):
        scale = ctype.scale if ctype.scale is not None else 2
        return decimal.Decimal(n) + decimal.Decimal(1).scaleb(-scale) if scale else decimal.Decimal(n)
    if isinstance(ctype, satypes.DateTime):
        return dt.datetime(2024, 3, 1, 9, 30, 0) + dt.timedelta(days=n % 300)
    if isinstance(ctype, satypes.Date):
        return dt.date(2024, 3, 1) + dt.timedelta(days=n % 300)
    if isinstance(ctype, satypes.Time):
        return dt.time(9, 30)
    if isinstance(ctype, satypes.Interval):
        return dt.timedelta(hours=1)
    if isinstance(ctype, satypes.JSON):
        return {}
    if isinstance(ctype, satypes.LargeBinary):
        return b"x"
    if isinstance(ctype, satypes.Uuid):
        return uuid.uuid4()
    raise TypeError(f"tests/factories.py cannot fill column {column.table.name}.{column.name} "
                    f"of type {column.type!r}; add the type to value_for()")


def _required(column: Any) -> bool:
    return (not column.nullable and column.default is None and column.server_default is None
            and not column.primary_key)


def _is_string(column: Any) -> bool:
    ctype = _base_type(column.type)
    return isinstance(ctype, (satypes.String, satypes.Text)) and not isinstance(ctype, satypes.Enum)


def _class_of_table(table: Any) -> type | None:
    for mapper in db.Model.registry.mappers:
        if mapper.local_table is table:
            return mapper.class_
    return None


# --- building records --------------------------------------------------------

def _related(target: type, company: Company, user: User | None, depth: int,
             chosen: dict[type, Any] | None = None) -> Any:
    """A record of ``target`` for a foreign key: created when company-owned,
    else the acting user / company or an existing row.

    ``chosen`` holds the records the referring record points at already (by
    class): the new record points at them too, so that the sample is
    coherent (a work order's contact person is one of its own customer's)."""
    if issubclass(target, CompanyOwnedMixin):
        shared = {rel.key: chosen[rel.mapper.class_] for rel in inspect(target).relationships
                  if chosen and rel.direction is RelationshipDirection.MANYTOONE and rel.mapper.class_ in chosen}
        return _build(target, company, user, relations=False, depth=depth + 1, values=shared)
    if target is Company:
        return company
    if target is User:
        return user
    return db.session.query(target).first()


def _build(model: type, company: Company, user: User | None, *, relations: bool,
           depth: int, values: dict[str, Any]) -> Any:
    """A valid new record of ``model`` (added, not committed). A model whose
    validity the columns alone do not say (a CHECK across columns: a
    property line belongs to exactly one owner) names what a sample needs
    in ``__sample__`` (values), ``__sample_relations__`` (many-to-one
    relations to fill with a new record) and ``__exclusive_relations__``
    (groups of relations of which one at most is set: an owner that is a
    customer or a provider); explicit ``values`` win."""
    values = {**getattr(model, "__sample__", {}), **values}
    sample_relations = set(getattr(model, "__sample_relations__", ()))
    for group in exclusive_relations(model):
        keep = next((key for key in group if values.get(key) is not None), group[0])
        values.update({key: None for key in group if key != keep and key not in values})
    if depth > 6:
        raise RecursionError(f"tests/factories.py: required foreign keys of {model.__name__} "
                             "form a cycle; pass the related record explicitly")
    mapper = inspect(model)
    obj = model()
    handled = set(SYSTEM_COLUMNS) | {"archived_at"}
    if "company_id" in mapper.column_attrs and not issubclass(model, CompanyOwnedMixin):
        obj.company_id = company.id  # core's own company rows (audit, print log): not stamped
        handled.add("company_id")
    for key, value in values.items():
        setattr(obj, key, value)
        handled.add(key)
        if key in mapper.relationships:
            handled |= {c.key for c in mapper.relationships[key].local_columns}

    # Many-to-one relations first: they cover their foreign-key columns.
    chosen: dict[type, Any] = {}
    for rel in mapper.relationships:
        if rel.key in handled or rel.direction is not RelationshipDirection.MANYTOONE:
            continue
        local = [c for c in rel.local_columns if c.key not in SYSTEM_COLUMNS]
        if not local:
            continue
        required = any(_required(c) for c in local) or rel.key in sample_relations
        optional_ok = relations and depth == 0 and issubclass(rel.mapper.class_, CompanyOwnedMixin)
        if required or optional_ok:
            related = _related(rel.mapper.class_, company, user, depth, chosen)
            if related is None and required:
                raise ValueError(f"{model.__name__}.{rel.key}: no {rel.mapper.class_.__name__} to point at")
            setattr(obj, rel.key, related)
            if related is not None:
                chosen.setdefault(rel.mapper.class_, related)
        handled |= {c.key for c in local} | {rel.key}

    for attr in mapper.column_attrs:
        if attr.key in handled or len(attr.columns) != 1:
            continue
        column = attr.columns[0]
        if column.foreign_keys:
            if _required(column):
                fk = next(iter(column.foreign_keys))
                target = _class_of_table(fk.column.table)
                related = _related(target, company, user, depth) if target is not None else None
                if related is None:
                    raise ValueError(f"{model.__name__}.{attr.key}: required foreign key to "
                                     f"{fk.column.table.name} and nothing to point at")
                db.session.add(related)
                db.session.flush()
                setattr(obj, attr.key, getattr(related, fk.column.key))
            continue
        if _is_string(column) or _required(column):
            setattr(obj, attr.key, value_for(column))
    db.session.add(obj)
    return obj


def exclusive_relations(model: type) -> tuple[tuple[str, ...], ...]:
    """The model's groups of relations of which one at most is set."""
    return tuple(tuple(group) for group in getattr(model, "__exclusive_relations__", ()))


def make(model: type, company: Company, user: User | None = None, *, relations: bool = False,
         archived: bool = False, **values: Any) -> Any:
    """Create and commit a valid ``model`` record in ``company`` acting as ``user``.

    :param relations: also fill nullable many-to-one relations to
        company-owned models (with new records of the same company).
    :param archived: archive the record right after creating it.
    :param values: explicit attribute values (they win over generated ones).
    """
    with tenancy.acting_as(company, user):
        obj = _build(model, company, user, relations=relations, depth=0, values=values)
        db.session.commit()
        if archived:
            obj.archived_at = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)
            db.session.commit()
        db.session.refresh(obj)
        return obj


# --- reading records back ----------------------------------------------------

def snapshot(model: type, pk: int) -> dict[str, Any] | None:
    """Every column value of ``model`` ``pk`` as stored now (None: no such row)."""
    db.session.expire_all()
    row = db.session.get(model, pk, populate_existing=True)
    if row is None:
        return None
    return {a.key: getattr(row, a.key) for a in inspect(model).column_attrs}


def markers(record: Any) -> list[str]:
    """The record's generated string values long enough to be searched for
    in a page (a leak of the record shows one of them)."""
    out = []
    for attr in inspect(type(record)).column_attrs:
        column = attr.columns[0]
        value = getattr(record, attr.key)
        if _is_string(column) and isinstance(value, str) and len(value) >= MARKER_MIN_LENGTH \
                and attr.key not in SYSTEM_COLUMNS:
            out.append(value)
    return out


def related_records(record: Any) -> list[Any]:
    """The company-owned records ``record`` points at (many-to-one)."""
    out = []
    for rel in inspect(type(record)).relationships:
        if rel.direction is RelationshipDirection.MANYTOONE:
            value = getattr(record, rel.key)
            if isinstance(value, CompanyOwnedMixin):
                out.append(value)
    return out


# --- form data ---------------------------------------------------------------

def form_field_names(form_class: type) -> list[str]:
    """Names of the fields of a WTForms form class (without instantiating it)."""
    from wtforms.fields.core import UnboundField
    return [name for name in dir(form_class)
            if not name.startswith("_") and isinstance(getattr(form_class, name, None), UnboundField)]


def _form_value(value: Any) -> str | None:
    if value is None or value is False:
        return None
    if value is True:
        return "y"
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, enum.Enum):
        return value.name
    if isinstance(value, CompanyOwnedMixin) or hasattr(value, "__table__"):
        return str(inspect(value).identity[0])
    return str(value)


def form_data(form_class: type, record: Any, change: bool = True) -> dict[str, str]:
    """POST data for ``form_class`` describing ``record``; with ``change``
    every string field gets a new token (so a successful save is visible)."""
    mapper = inspect(type(record))
    data: dict[str, str] = {}
    unique = _unique_columns(type(record))
    for name in form_field_names(form_class):
        if name == "csrf_token":
            continue
        if name == "record_version":  # the optimistic lock: the version the form was read at
            if getattr(record, "version", None) is not None:
                data[name] = str(record.version)
            continue
        choices = _choice_values(getattr(form_class, name))
        if name in mapper.column_attrs:
            column = mapper.column_attrs[name].columns[0]
            value = getattr(record, name)
            if choices is not None:  # a select over fixed values: keep it valid
                value = value if _form_value(value) in choices else (choices[0] if choices else None)
            elif change and column.info.get("examples"):
                value = next(v for v in iter(lambda: value_for(column), None) if v != value)
            elif change and (_is_string(column) or name in unique):
                value = token(getattr(_base_type(column.type), "length", None)) if _is_string(column) \
                    else next(v for v in iter(lambda: value_for(column), None) if v != value)
        elif name in mapper.relationships:
            value = getattr(record, name)
            if isinstance(value, (list, set, tuple)):
                continue  # collections: left out (unchanged)
            local = {c.key for c in mapper.relationships[name].local_columns}
            if change and value is not None and local <= unique:
                # One record per related one (a work order's 三包 decision): a
                # new record (create) or a saved change (edit) needs a new one.
                value = _fresh_related(mapper.relationships[name].mapper.class_, record)
        else:
            continue
        text = _form_value(value)
        if text is not None:
            data[name] = text
    return data


def _unique_columns(model: type) -> set[str]:
    """Columns in a unique constraint or index (with company_id, say) or unique themselves."""
    from sqlalchemy import UniqueConstraint
    table = model.__table__
    out = {c.key for c in table.columns if c.unique}
    for constraint in table.constraints:
        if isinstance(constraint, UniqueConstraint):
            out |= {c.key for c in constraint.columns}
    for index in table.indexes:
        if index.unique:
            out |= {c.key for c in index.columns if hasattr(c, "key")}
    return out - {"company_id", "id"}


def _fresh_related(target: type, record: Any) -> Any:
    """A new ``target`` record in ``record``'s company (made as the system)."""
    company = db.session.get(Company, record.company_id)
    with tenancy.acting_as(company, None):
        fresh = _build(target, company, None, relations=False, depth=1, values={})
        db.session.commit()
    return fresh


def _choice_values(unbound: Any) -> list[str] | None:
    """The values a select field accepts when its choices are fixed in the
    form class (``form_args``/``form_overrides``), else None."""
    choices = getattr(unbound, "kwargs", {}).get("choices")
    if not choices or callable(choices):
        return None
    values = []
    for choice in choices:
        value = getattr(choice, "value", None)
        if value is None and isinstance(choice, (tuple, list)):
            value = choice[0]
        values.append(str(value))
    return values


def inline_pk(record: Any) -> str:
    """The ``list_form_pk`` an inline-edit cell posts: ``<id>:<version>``
    (the version makes the inline edit version-checked like a form save)."""
    version = getattr(record, "version", None)
    return f"{record.id}:{version}" if version is not None else str(record.id)


def editable_value(model: type, name: str) -> str:
    """A new, valid form value for column ``name`` of ``model`` (inline edit)."""
    mapper = inspect(model)
    if name in mapper.column_attrs:
        column = mapper.column_attrs[name].columns[0]
        value = value_for(column)
        if isinstance(value, bool):
            value = True
        return _form_value(value) or ""
    return "1"


# --- the registered admin views, at collection time --------------------------

@dataclass(frozen=True)
class ViewSpec:
    """An admin view class as a plugin registers it (no app needed)."""

    plugin_key: str
    cls: type

    @property
    def entity(self) -> str:
        """The screen's entity name: its own ``entity``, else its model's
        declared entity (``register_entities``)."""
        if self.cls.entity:
            return self.cls.entity
        declared = next((e for e in registered_entities() if e.model is self.cls.model), None)
        if declared is None:
            raise LookupError(f"{self.cls.__name__}: no entity and no declared entity for {self.cls.model}")
        return declared.name

    @property
    def endpoint(self) -> str:
        return f"{self.plugin_key}_{self.entity}"

    @property
    def model(self) -> type:
        return self.cls.model


def _plugin_objects() -> list[tuple[str, Any]]:
    """(key, hook object) of core, every installed ``qdesk.plugins`` entry
    point and every test plugin under ``tests/plugins`` (which the session
    fixture ``test_plugins`` installs by entry point under its folder name)."""
    from core.plugin import builtin
    from core.plugin.registry import discover
    found: dict[str, Any] = {}
    for ep in discover():
        try:
            found[ep.name] = ep.load()
        except Exception:  # reported by the app itself, naming the plugin
            continue
    here = Path(__file__).resolve().parent / "plugins"
    for pkg in sorted(p.parent.name for p in here.glob("*/__init__.py")):
        found.setdefault(pkg, importlib.import_module(f"tests.plugins.{pkg}"))
    return [("core", builtin), *sorted(found.items())]


_VIEWS: list[ViewSpec] | None = None


def registered_views() -> list[ViewSpec]:
    """Every admin view class returned by a ``register_admin_views`` hook,
    found without building an app (for parametrizing at collection time).

    ``test_*_matrix.py::test_matrix_covers_every_registered_view`` checks
    that this is exactly the session app's ``registry.admin_views``.
    """
    global _VIEWS
    if _VIEWS is None:
        views = []
        for key, obj in _plugin_objects():
            hook = getattr(obj, "register_admin_views", None)
            if callable(hook):
                views.extend(ViewSpec(key, cls) for cls in hook() or [])
        _VIEWS = sorted(views, key=lambda v: v.endpoint)
    return _VIEWS


def company_relations(model: type) -> list[str]:
    """Names of ``model``'s relationships to company-owned models."""
    return [rel.key for rel in inspect(model).relationships
            if issubclass(rel.mapper.class_, CompanyOwnedMixin)]


# --- views of the session app ------------------------------------------------

def view_for(app: Any, endpoint: str) -> Any:
    """The registered view instance with ``endpoint`` in ``app``."""
    registry = app.extensions["qdesk.plugins"]
    for view in registry.admin_views:
        if view.endpoint == endpoint:
            return view
    raise LookupError(f"no admin view {endpoint!r} in the app's registry "
                      f"({', '.join(v.endpoint for v in registry.admin_views)})")


def switch_off(monkeypatch: Any, module: Any, name: str, replacement: Any) -> None:
    """Replace ``module.name`` and every imported copy of it (``from module
    import name``) for the test: how the positive controls switch a guard off."""
    import sys
    original = getattr(module, name)
    monkeypatch.setattr(module, name, replacement)
    for mod in list(sys.modules.values()):
        try:
            if mod is not module and getattr(mod, name, None) is original:
                monkeypatch.setattr(mod, name, replacement)
        except Exception:  # lazy or odd modules
            continue


def url_of(app: Any, endpoint: str, name: str, **kw: Any) -> str:
    """The URL of ``<endpoint>.<name>`` in ``app`` (outside a request)."""
    from flask import url_for
    with app.test_request_context():
        return url_for(f"{endpoint}.{name}", **kw)


def view_urls(app: Any, view: Any, pk: Any) -> dict[str, str]:
    """The URLs of ``view``'s endpoints for record ``pk``."""
    from flask import url_for
    with app.test_request_context():
        def u(name: str, **kw: Any) -> str:
            return url_for(f"{view.endpoint}.{name}", **kw)
        return dict(index=u("index_view"), create=u("create_view"),
                    details=u("details_view", id=pk), edit=u("edit_view", id=pk),
                    export=u("export", export_type="csv"), delete=u("delete_view"),
                    action=u("action_view"), ajax_update=u("ajax_update"),
                    ajax_lookup=u("ajax_lookup"))


# --- everything a user can reach, at collection time -------------------------
#
# The generated permission, gating and isolation matrices need, before any
# app exists, every page, bulk action and printable the registry offers and
# the permissions each needs: pages from the view classes' exposed urls
# (Flask-Admin collects them on the class), the permission of each from
# admin.views.ENDPOINT_ACTIONS or the ``_qdesk_permission`` that
# ``scoped_expose``/``scoped_action`` put on the method, actions from the
# methods Flask-Admin's ``action`` decorator marks plus the bulk-assign and
# Print actions core adds, printables and default grants from the plugins'
# hooks. ``tests/test_permission_matrix.py::test_surfaces_match_the_app``
# proves this agrees with the session app.

#: Stands for "refused to every role" (an action the view does not offer).
UNAVAILABLE = "core.unavailable.never"


def core_screens() -> list[ViewSpec]:
    """Core's own company-scoped screens (audit log, print log, calendar):
    the :class:`admin.views.CompanyModelView` subclasses of ``admin``'s
    core modules, as ``init_admin`` adds them under the key ``core``."""
    from admin.views import CompanyModelView
    found = []
    # (import_module: the package attribute admin.core_views is the function
    # core_views, which shadows the submodule)
    for module in (importlib.import_module("admin.core_views"), importlib.import_module("admin.settings"),
                   importlib.import_module("admin.org")):
        for obj in vars(module).values():
            if isinstance(obj, type) and issubclass(obj, CompanyModelView) and obj is not CompanyModelView \
                    and obj.__module__ == module.__name__:
                found.append(ViewSpec("core", obj))
    return sorted(found, key=lambda v: v.endpoint)


def all_screens() -> list[ViewSpec]:
    """Core's company-scoped screens and every plugin's."""
    return sorted([*core_screens(), *registered_views()], key=lambda v: v.endpoint)


def registered_permissions() -> dict[str, frozenset[str]]:
    """``{permission: roles granted it by default}`` from every
    ``register_permissions`` hook (core's included) and every declared
    entity's four (``register_entities``), without an app."""
    out: dict[str, frozenset[str]] = {}
    for _key, obj in _plugin_objects():
        hook = getattr(obj, "register_permissions", None)
        if callable(hook):
            for perm in hook() or []:
                out[perm.name] = frozenset(perm.grants)
    for entity in registered_entities():
        for perm in entity.permissions():
            out[perm.name] = frozenset(perm.grants)
    return out


def registered_printables() -> list[Any]:
    """Every printable of every ``register_printables`` hook, without an app."""
    out = []
    for _key, obj in _plugin_objects():
        hook = getattr(obj, "register_printables", None)
        if callable(hook):
            out.extend(hook() or [])
    return sorted(out, key=lambda p: p.key)


def registered_reports() -> list[Any]:
    """Every period report of every ``register_reports`` hook, without an app."""
    out = []
    for _key, obj in _plugin_objects():
        hook = getattr(obj, "register_reports", None)
        if callable(hook):
            out.extend(hook() or [])
    return sorted(out, key=lambda r: r.key)


def registered_entities() -> list[Any]:
    """Every entity of every ``register_entities`` hook, without an app."""
    out = []
    for _key, obj in _plugin_objects():
        hook = getattr(obj, "register_entities", None)
        if callable(hook):
            out.extend(hook() or [])
    return out


def registered_workflows() -> list[Any]:
    """Every workflow of every ``register_workflows`` hook, without an app."""
    out = []
    for _key, obj in _plugin_objects():
        hook = getattr(obj, "register_workflows", None)
        if callable(hook):
            out.extend(hook() or [])
    return sorted(out, key=lambda w: w.key)


@dataclass(frozen=True)
class Surface:
    """One thing a user may request: a page (one HTTP method of one exposed
    url of a view), a bulk action of a view, or a printable's print URL.

    ``needs`` are the permission names a user must hold (all of them);
    ``offered`` says whether the view really offers it (an import page
    without ``import_schema``, an inline edit without editable columns are
    routed but not offered): positive controls use only offered surfaces.
    """

    kind: str                 # "page" | "action" | "print" | "report"
    endpoint: str             # the view's endpoint, "qdesk_print" for prints
    name: str                 # method name, action name or printable key
    method: str               # "GET" | "POST"
    needs: frozenset[str]
    offered: bool = True
    plugin_key: str = ""

    @property
    def id(self) -> str:
        if self.kind == "print":
            return f"print:{self.name}"
        if self.kind == "report":
            return f"report:{self.name}"
        if self.kind == "action":
            return f"{self.endpoint}:action:{self.name}"
        return f"{self.endpoint}:{self.name}:{self.method}"

    def holders(self, grants: dict[str, frozenset[str]]) -> set[str]:
        """Roles holding every permission ``needs`` names (by default grants)."""
        from core.models import ROLES
        return {role for role in ROLES if all(role in grants.get(p, ()) for p in self.needs)}


def _resolve(spec: ViewSpec, needed: str | None) -> str:
    if needed is None:
        return UNAVAILABLE
    return needed if "." in needed else f"{spec.plugin_key}.{spec.entity}.{needed}"


def _offered_page(cls: type, name: str) -> bool:
    flag = {"create_view": "can_create", "edit_view": "can_edit", "delete_view": "can_delete",
            "details_view": "can_view_details", "export": "can_export"}.get(name)
    if flag is not None:
        return getattr(cls, flag, False) is not False  # a property (permission) or True
    if name == "ajax_update":
        return bool(getattr(cls, "column_editable_list", None))
    if name == "ajax_lookup":
        return bool(getattr(cls, "form_ajax_refs", None))
    if name in ("import_view", "import_preview_view"):
        return getattr(cls, "import_schema", None) is not None
    if name == "bulk_assign_view":
        return bool(getattr(cls, "column_bulk_assign", ()))
    return True


def page_surfaces(spec: ViewSpec) -> list[Surface]:
    """Every (exposed url, HTTP method) of a CompanyModelView class but the
    action endpoint (its actions are surfaces of their own), the attachment
    pages of an entity that opted in included."""
    from admin.views import ENDPOINT_ACTIONS
    from admin.attachments import pages_for
    cls, read = spec.cls, _resolve(spec, "read")
    out = []
    # The attachment pages exist on the screens whose entity opted in (admin.attachments).
    declared = next((e for e in registered_entities() if e.model is cls.model), None)
    for _url, name, methods in [*cls._urls, *pages_for(declared)]:
        if name == "action_view":
            continue
        needed = ENDPOINT_ACTIONS[name] if name in ENDPOINT_ACTIONS \
            else getattr(getattr(cls, name), "_qdesk_permission", "read")
        for method in sorted(set(methods) & {"GET", "POST"}):
            out.append(Surface("page", spec.endpoint, name, method, frozenset({read, _resolve(spec, needed)}),
                               _offered_page(cls, name), spec.plugin_key))
    return sorted(out, key=lambda s: s.id)


def _archivable(cls: type) -> bool:
    prop = getattr(cls, "archivable")
    return bool(prop.fget(types_namespace(model=cls.model))) if isinstance(prop, property) else bool(prop)


def types_namespace(**kw: Any) -> Any:
    from types import SimpleNamespace
    return SimpleNamespace(**kw)


def action_surfaces(spec: ViewSpec, printables: list[Any] | None = None) -> list[Surface]:
    """The bulk actions of a view class: those declared on the class
    (``scoped_action``, Flask-Admin's ``action``), one ``assign_<field>``
    per ``column_bulk_assign``, one ``print_<key>`` per printable of its
    model and one ``transition_<key>`` per transition of its workflow, each
    with what it needs."""
    cls, read = spec.cls, _resolve(spec, "read")
    needed: dict[str, str] = {}
    for attr in dir(cls):
        fn = getattr(cls, attr, None)
        marker = getattr(fn, "_action", None)
        if marker:
            name = marker[0]
            if name == "delete":
                needed[name] = _resolve(spec, "delete")
            elif name in ("archive", "restore") and not _archivable(cls):
                needed[name] = UNAVAILABLE
            else:
                needed[name] = _resolve(spec, getattr(fn, "_qdesk_permission", None))
    for field in getattr(cls, "column_bulk_assign", ()) or ():
        needed[f"assign_{field}"] = _resolve(spec, "write")
    for p in printables if printables is not None else registered_printables():
        if p.model is cls.model:
            needed["print_" + p.key.replace(".", "_")] = printable_permission(p)
    for workflow in registered_workflows():  # one transition_<key> per transition
        if workflow.model is cls.model:
            for t in workflow.transitions:
                needed[f"transition_{t.key}"] = workflow.permission_of(t)
    return [Surface("action", spec.endpoint, name, "POST", frozenset({read, perm}), perm != UNAVAILABLE,
                    spec.plugin_key) for name, perm in sorted(needed.items())]


def print_surfaces(printables: list[Any] | None = None) -> list[Surface]:
    """``/print/<key>/<id>.pdf`` of every printable."""
    out = []
    for p in printables if printables is not None else registered_printables():
        out.append(Surface("print", "qdesk_print", p.key, "GET", frozenset({printable_permission(p)}), True,
                           p.module))
    return out


def report_surfaces(reports: list[Any] | None = None) -> list[Surface]:
    """``/admin/reports/<key>/`` (the print dialog and its print) of every period report."""
    return [Surface("report", "core_reports", r.key, "GET", frozenset({r.permission}), True, r.module)
            for r in (reports if reports is not None else registered_reports())]


def printable_permission(p: Any) -> str:
    """What printing ``p`` needs, as core says it: its own permission, else
    ``<entity>.read`` of its model's declared entity, else the guess from
    the table name (``Printable.needed_permission`` without an app)."""
    if p.permission:
        return p.permission
    declared = next((e for e in registered_entities() if e.model is p.model), None)
    return declared.permission("read") if declared is not None else p.needed_permission


def view_surfaces(spec: ViewSpec) -> list[Surface]:
    return [*page_surfaces(spec), *action_surfaces(spec)]


# --- the database as a whole (for "nothing changed") -------------------------

def database_state() -> dict[str, list[str]]:
    """Every row of every table, as text (compare two calls: nothing changed)."""
    db.session.expire_all()
    with db.engine.connect() as conn:
        return {table.name: sorted(repr(tuple(row)) for row in conn.execute(table.select()))
                for table in db.metadata.sorted_tables}


def stored_import(app: Any, view: Any, company: Company, user: User, data: bytes = b"x\n1\n",
                  filename: str = "upload.csv") -> str:
    """The token of an upload stored for ``user`` in ``company`` on ``view``'s
    import, as the import page stores it (for preview URLs)."""
    with app.test_request_context():
        with tenancy.acting_as(company, user):
            return view._store(filename, data)


# --- attachments ---------------------------------------------------------------

#: A real one-pixel PNG (what the matrices upload).
PNG_1PX = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010802000000907753de0000000c4944415408d763f8"
                        "cfc0000003010100c9fe92ef0000000049454e44ae426082")


def png(size: tuple[int, int] = (40, 30), color: tuple[int, int, int] = (200, 30, 30)) -> bytes:
    """A real PNG of ``size`` in one ``color`` (an upload, a photo)."""
    import io
    from PIL import Image
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, format="PNG")
    return out.getvalue()


def attachable(model: type) -> bool:
    """Whether ``model``'s declared entity opted in to attachments."""
    declared = next((e for e in registered_entities() if e.model is model), None)
    return getattr(declared, "attachments", None) is not None


def attach(model: type, record: Any, company: Company, user: User, data: bytes = PNG_1PX,
           name: str = "photo.png") -> int:
    """The id of a file attached to ``record`` as ``user`` would attach it
    (through core's rules), committed."""
    from core import attachments
    with tenancy.acting_as(company, user):
        found = attachments.add(model, record.id, name, data)
        db.session.commit()
        return found.id


def stored_files(app: Any) -> list[str]:
    """The keys in the app's attachment store (for "nothing was stored")."""
    return app.extensions["qdesk.attachment_storage"].keys()


# --- cheap password hashes for test users ------------------------------------

_CHEAP_HASHES: dict[str, str] = {}


def cheap_password_hashes(monkeypatch: Any) -> None:
    """Make ``core.records.security.hash_password`` give a one-round PBKDF2 hash for
    the test (the World's users log in through the real login, which checks
    any werkzeug hash, in microseconds instead of two scrypt runs a case).
    For generated matrices with hundreds of cases; they test permissions
    and scopes, not password hashing."""
    from werkzeug.security import generate_password_hash
    import core.records.security

    def cheap(password: str) -> str:
        if password not in _CHEAP_HASHES:
            _CHEAP_HASHES[password] = generate_password_hash(password, method="pbkdf2:sha256:1")
        return _CHEAP_HASHES[password]

    monkeypatch.setattr(core.records.security, "hash_password", cheap)


def disable_with_dependents(company: Company, key: str, by: User | None = None) -> None:
    """Disable module ``key`` for ``company``, the enabled modules that
    depend on it first (core refuses to disable crm while after_sales,
    which needs it, is on)."""
    from flask import current_app

    from core.plugin.modules import disable_module
    from core.records import tenancy
    for k in [*reversed(current_app.extensions["qdesk.plugins"].dependents(key)), key]:
        if tenancy.module_enabled(k, company):
            disable_module(company, k, by)
