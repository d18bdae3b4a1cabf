"""A movement posts its quantity to its item's balances in the same
transaction, whoever makes it (a screen, an import, the API, a job):

* each kind moves the quantity from one balance to another
  (:data:`MOVES`; a receipt adds to ``received`` and ``on_hand``; a return
  to the owner or a disposal takes from quarantine when the movement says
  so, else from the store);
* the move is one ``UPDATE … SET source = source - q, target = target + q
  WHERE id = :item AND source >= q`` after the movement's INSERT: when no
  row is updated the source holds less than ``q`` and the flush is refused
  with the figure on hand (:class:`core.errors.Invalid`; nothing is saved).
  On PostgreSQL two concurrent movements serialise on the item's row and
  the second re-reads it, so they cannot overdraw without any ``SELECT …
  FOR UPDATE``; on SQLite writes are serialised anyway. The item's CHECK
  constraints (models/items.py) keep every balance ≥ 0 and the sum whole,
  a last line of defence against any other writer.

What each kind needs besides a quantity > 0: an order for an issue or a
consumption (用途订单), the owner's document for a return (签收) or a
disposal (同意处置).
"""
from __future__ import annotations

from typing import Any

from sqlalchemy import event, text
from sqlalchemy.orm import Session

from core.errors import Invalid
from core.records.inputs import INT_MAX
from core.i18n import translate as _gettext

from .models import PropertyItem, PropertyMovement

#: kind → (the balance it takes from, the one it adds to); None: from outside (a receipt).
MOVES = {"receipt": (None, "on_hand"), "issue": ("on_hand", "in_use"), "return_to_store": ("in_use", "on_hand"),
         "consume": ("on_hand", "consumed"), "quarantine": ("on_hand", "quarantined"),
         "release": ("quarantined", "on_hand"), "return_to_owner": ("on_hand", "returned"),
         "dispose": ("on_hand", "disposed")}
_MOVED = "customer_property.moved_items"
#: What a kind needs filled in, besides its quantity.
NEEDS = {"issue": "order_ref", "consume": "order_ref", "return_to_owner": "owner_document",
         "dispose": "owner_document"}


def balance_label(name: str) -> str:
    """A balance's name, in the current language."""
    return {"on_hand": _gettext("on hand"), "in_use": _gettext("in use"),
            "quarantined": _gettext("in quarantine")}.get(name, name)


def source_and_target(movement: PropertyMovement) -> tuple[str | None, str]:
    """The balances ``movement`` moves its quantity between."""
    source, target = MOVES[movement.kind]
    if movement.kind in ("return_to_owner", "dispose") and movement.from_quarantine:
        source = "quarantined"
    return source, target


def check(movement: PropertyMovement) -> None:
    """What the movement itself must say (before any balance is read)."""
    if movement.kind not in MOVES:
        raise Invalid(_gettext("Choose what happened to the property."), field="kind")
    if movement.quantity is None or int(movement.quantity) != movement.quantity or movement.quantity <= 0:
        raise Invalid(_gettext("The quantity is a whole number more than 0 (in the line's unit)."),
                      field="quantity")
    needed = NEEDS.get(movement.kind)
    if needed and not (getattr(movement, needed) or "").strip():
        message = (_gettext("Name the order the property is used on (用途订单).") if needed == "order_ref" else
                   _gettext("Give the owner's document: their receipt of the return, or their written consent "
                            "to the disposal."))
        raise Invalid(message, field=needed)


def post(session: Session, movement: PropertyMovement) -> None:
    """Move ``movement``'s quantity on its item, or refuse with what is there."""
    source, target = source_and_target(movement)
    item_id = movement.item_id if movement.item_id is not None else movement.item.id
    params = {"q": int(movement.quantity), "id": item_id}
    table = PropertyItem.__tablename__
    connection = session.connection()
    params["room"] = INT_MAX - params["q"]  # the balances are 32-bit integers
    if source is None:
        done = connection.execute(text(
            f"UPDATE {table} SET received = received + :q, {target} = {target} + :q "
            f"WHERE id = :id AND received <= :room"), params)
    else:
        done = connection.execute(text(
            f"UPDATE {table} SET {source} = {source} - :q, {target} = {target} + :q "
            f"WHERE id = :id AND {source} >= :q AND {target} <= :room"), params)
    if done.rowcount != 1 and (source is None or _holds(connection, item_id, source, params["q"])):
        raise Invalid(_gettext("A quantity this large cannot be recorded on one line."), field="quantity")
    if done.rowcount != 1:
        there = connection.execute(text(f"SELECT {source or target}, unit FROM {table} WHERE id = :id"),
                                   {"id": item_id}).first()
        held, unit = (there[0], there[1]) if there is not None else (0, "")
        raise Invalid(_gettext("Only %(held)s %(unit)s %(where)s: %(quantity)s cannot be moved. Nothing was saved.",
                               held=held, unit=unit or "", where=balance_label(source or target),
                               quantity=movement.quantity), field="quantity")


def _holds(connection: Any, item_id: int, balance: str, quantity: int) -> bool:
    held = connection.execute(text(f"SELECT {balance} FROM {PropertyItem.__tablename__} WHERE id = :id"),
                              {"id": item_id}).scalar()
    return held is not None and held >= quantity


@event.listens_for(Session, "before_flush")
def _check_new(session: Session, flush_context: Any, instances: Any) -> None:
    for obj in session.new:
        if isinstance(obj, PropertyMovement):
            check(obj)



@event.listens_for(Session, "after_flush")
def _post_new(session: Session, flush_context: Any) -> None:
    movements = [obj for obj in session.new if isinstance(obj, PropertyMovement)]
    for movement in sorted(movements, key=lambda m: m.id or 0):
        post(session, movement)
    if movements:
        session.info.setdefault(_MOVED, set()).update(m.item for m in movements if m.item is not None)


@event.listens_for(Session, "after_flush_postexec")
def _reread(session: Session, flush_context: Any) -> None:
    # The balances changed under the ORM: read them again when next used.
    for item in session.info.pop(_MOVED, ()):
        if item in session:
            session.expire(item, ["received", "on_hand", "in_use", "quarantined", "consumed", "returned",
                                  "disposed"])
