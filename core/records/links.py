"""Links between records stay inside a company.

Every many-to-one relation or foreign-key column of a company-owned model is
checked at flush (:func:`check_links`, called by :mod:`core.records.stamps`):
the target must belong to the record's company, a user must be a member of
it. One batched ``SELECT`` per target table per flush; links made by object
need none.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

from sqlalchemy import inspect, select
from sqlalchemy.orm import RelationshipDirection, Session

from core.errors import ForeignRecord
from core.extensions import db
from core.i18n import translate as _gettext
from core.models import Company, Membership, User
from core.records.inputs import parse_id
from core.records.mixin import SYSTEM_COLUMNS, CompanyOwnedMixin

@dataclass(frozen=True)
class _Link:
    """A many-to-one link of a company-owned model that core checks."""

    relation: str | None    # relationship key (None: a bare foreign-key column)
    column: str             # the foreign-key attribute
    target: type            # a company-owned model, or User


def model_of_table(table: Any) -> type | None:
    """The mapped class of ``table`` (a ``Table`` or its name), or None."""
    name = getattr(table, "name", table)
    for mapper in db.Model.registry.mappers:
        if mapper.local_table.name == name:
            return mapper.class_
    return None


def _checked_target(target: type | None) -> bool:
    return target is not None and (issubclass(target, CompanyOwnedMixin) or target is User)


@functools.cache
def links_of(model: type) -> tuple[_Link, ...]:
    """The links of ``model`` that must stay inside its company: many-to-one
    relations and foreign-key columns to company-owned models and to users
    (core's own stamps excepted)."""
    mapper = inspect(model)
    links: list[_Link] = []
    for rel in mapper.relationships:
        if rel.direction is not RelationshipDirection.MANYTOONE or rel.viewonly:
            continue
        columns = list(rel.local_columns)
        if len(columns) != 1 or not _checked_target(rel.mapper.class_):
            continue
        key = mapper.get_property_by_column(columns[0]).key
        if key not in SYSTEM_COLUMNS:
            links.append(_Link(rel.key, key, rel.mapper.class_))
    covered = {link.column for link in links}
    for attr in mapper.column_attrs:
        if attr.key in covered or attr.key in SYSTEM_COLUMNS or len(attr.columns) != 1:
            continue
        for fk in attr.columns[0].foreign_keys:
            target = model_of_table(fk.column.table)
            if _checked_target(target):
                links.append(_Link(None, attr.key, target))
    return tuple(links)


def _refuse(obj: Any, link: _Link) -> ForeignRecord:
    field = link.relation or link.column
    return ForeignRecord(_gettext(
        "%(field)s: the record chosen does not exist in this company; nothing was saved.",
        field=field), field=field)


def check_links(session: Session, company: Company | None) -> None:
    """Refuse any new or changed link to a record of another company (or to
    a non-member user, or to an id that does not exist)."""
    by_id: dict[tuple[type, int], list[tuple[Any, _Link, int]]] = {}
    for obj in (*session.new, *session.dirty):
        if not isinstance(obj, CompanyOwnedMixin) or obj in session.deleted:
            continue
        state = inspect(obj)
        for link in links_of(type(obj)):
            if link.relation is not None:
                for target in state.attrs[link.relation].history.added:
                    if target is None:
                        continue
                    if isinstance(target, User):
                        if target.id is not None:
                            by_id.setdefault((User, obj.company_id), []).append((obj, link, target.id))
                        continue
                    owner = target.company_id
                    if owner is None and target in session.new and company is not None:
                        owner = company.id  # stamped below, like obj
                    if owner != obj.company_id:
                        raise _refuse(obj, link)
            for value in state.attrs[link.column].history.added:
                if value is None:
                    continue
                pk = parse_id(value)  # the one rule for ids (ASCII digits, the column's range)
                if pk is None:
                    raise _refuse(obj, link)
                by_id.setdefault((link.target, obj.company_id), []).append((obj, link, pk))
    for (target, company_id), uses in by_id.items():
        ids = {pk for _obj, _link, pk in uses}
        if target is User:
            query = select(Membership.user_id).where(Membership.company_id == company_id,
                                                      Membership.user_id.in_(ids))
        else:
            query = select(target.id).where(target.company_id == company_id, target.id.in_(ids))
        found = set(session.connection().execute(query).scalars())
        # Records created in this same flush have no id yet: they are not in by_id.
        for obj, link, pk in uses:
            if pk not in found:
                raise _refuse(obj, link)
