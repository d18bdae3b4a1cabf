"""What an entity declares to be searchable (:class:`Search`, :class:`Related`)
and the declarations resolved against the models at start (:class:`Plan`)."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import inspect
from sqlalchemy.orm import RelationshipDirection

__all__ = ["Related", "Search", "Plan", "RelatedPlan", "resolve"]


def _names(owner: str, value: Any) -> tuple[str, ...]:
    if isinstance(value, str) or not all(isinstance(v, str) for v in value):
        raise ValueError(f"{owner} must be a tuple of field names, not {value!r}")
    return tuple(value)


@dataclass(frozen=True)
class Related:
    """Fields of related records that find the entity's record::

        Related("contacts", fields=("name", "phone"))   # one-to-many: a customer's contacts
        Related("customer", fields=("name",))           # many-to-one: a work order's customer

    :param relationship: the name of a relationship of the entity's model,
        one-to-many (the related rows point at the record) or many-to-one
        (the record points at one related row), over one foreign-key column.
    :param fields: the related model's column attributes searched.
    :param archived: whether archived related rows (``archived_at`` set)
        count; by default they do not (an archived contact person no longer
        finds the customer).
    """

    relationship: str
    fields: tuple[str, ...]
    archived: bool = False

    def __post_init__(self) -> None:
        object.__setattr__(self, "fields", _names(f"Related({self.relationship!r}).fields", self.fields))
        if not self.fields:
            raise ValueError(f"Related({self.relationship!r}) names no field")


@dataclass(frozen=True)
class Search:
    """An entity's searchable text (``Entity(..., search=Search(...))``)::

        Search(fields=("code", "name", "short_name", "phone"),
               related=(Related("contacts", fields=("name", "phone")),))

    A record matches a search term when one of these fields contains the
    term, case-insensitively (:mod:`core.search`).

    :param fields: column attributes of the entity's own model.
    :param related: :class:`Related` fields of records linked to it.
    """

    fields: tuple[str, ...]
    related: tuple[Related, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "fields", _names("Search.fields", self.fields))
        object.__setattr__(self, "related", tuple(self.related))
        if not self.fields and not self.related:
            raise ValueError("Search names no field")
        if not all(isinstance(r, Related) for r in self.related):
            raise ValueError("Search.related must hold Related(...) objects")


@dataclass(frozen=True, eq=False)
class RelatedPlan:
    """A :class:`Related` resolved: ``many`` when the related rows point at
    the record (``link`` is their column naming it), else the record's
    ``link`` column names one related row."""

    name: str
    model: type
    fields: tuple[str, ...]
    link: Any                 # the foreign-key column attribute
    many: bool
    archived: bool

    @property
    def columns(self) -> list[Any]:
        return [getattr(self.model, name) for name in self.fields]

    def active(self) -> list[Any]:
        """The condition on the related rows (archived ones left out)."""
        if self.archived or not hasattr(self.model, "archived_at"):
            return []
        return [self.model.archived_at.is_(None)]

    @property
    def watched(self) -> tuple[str, ...]:
        """Attributes of a related row whose change changes a document."""
        extra = (self.link.key,) if self.many else ()
        return (*self.fields, *extra, *(("archived_at",) if self.active() else ()))


@dataclass(frozen=True, eq=False)
class Plan:
    """An entity's :class:`Search` resolved against its model."""

    entity: str
    model: type
    fields: tuple[str, ...]
    related: tuple[RelatedPlan, ...] = field(default=())

    @property
    def columns(self) -> list[Any]:
        return [getattr(self.model, name) for name in self.fields]

    @property
    def watched(self) -> tuple[str, ...]:
        """Attributes of a record whose change changes its document."""
        return (*self.fields, *(r.name for r in self.related))

    def fingerprint(self) -> str:
        """What the documents are made of: a changed declaration needs a reindex."""
        parts = [",".join(self.fields)] + [f"{r.name}:{','.join(r.fields)}:{r.archived}" for r in self.related]
        return ";".join(parts)


def _column(model: type, name: str, where: str) -> None:
    attrs = inspect(model).column_attrs
    if name not in attrs:
        raise ValueError(f"{where}: {model.__name__}.{name} is not a column")


def resolve(entity: str, model: type, search: Search) -> Plan:
    """A :class:`Plan`, or ``ValueError`` naming what does not fit the model."""
    if not isinstance(search, Search):
        raise ValueError(f"entity {entity!r}: search must be a Search(...)")
    where = f"entity {entity!r}: Search"
    for name in search.fields:
        _column(model, name, where)
    related = []
    for rel in search.related:
        prop = inspect(model).relationships.get(rel.relationship)
        if prop is None:
            raise ValueError(f"{where}: {model.__name__} has no relationship {rel.relationship!r}")
        pairs = prop.local_remote_pairs
        if len(pairs) != 1 or prop.secondary is not None or prop.direction is RelationshipDirection.MANYTOMANY:
            raise ValueError(f"{where}: relationship {rel.relationship!r} must run over one foreign key")
        target = prop.mapper.class_
        for name in rel.fields:
            _column(target, name, where)
        local, remote = pairs[0]
        many = prop.direction is RelationshipDirection.ONETOMANY
        owner_side, column = (target, remote) if many else (model, local)
        link = next(a for a in inspect(owner_side).column_attrs if column in a.columns)
        related.append(RelatedPlan(rel.relationship, target, rel.fields,
                                   getattr(owner_side, link.key), many, rel.archived))
    return Plan(entity, model, search.fields, tuple(related))
