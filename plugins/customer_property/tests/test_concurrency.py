"""Two clerks issuing the same lot at the same moment cannot overdraw it:
eight threads, each in its own session and transaction, consume 30 of the
100 on hand at once; exactly three succeed, the others are refused with
the figure on hand, and the balance ends at 10 and reconciles. On
PostgreSQL the conditional UPDATE serialises them on the item's row (no
SELECT … FOR UPDATE); on SQLite writes are serialised by the database."""
from __future__ import annotations

import threading

from core import db
from core.errors import Invalid
from core.records import tenancy

from ..models import PropertyMovement
from .helpers import add_customer, balances, movement_count, register

THREADS, EACH, STOCK = 8, 30, 100


def test_concurrent_consumptions_never_overdraw(app, world, client_for):
    item = register(client_for("staff@a.test"), add_customer(app, world), quantity=STOCK)
    barrier = threading.Barrier(THREADS)
    outcomes: list[str] = []
    lock = threading.Lock()

    def consume(n: int) -> None:
        with app.app_context(), tenancy.acting_as(world.company("A"), world.user("staff@a.test")):
            try:
                db.session.add(PropertyMovement(item_id=item, kind="consume", quantity=EACH, order_ref=f"SO-{n}"))
                barrier.wait(timeout=30)
                db.session.commit()
                outcome = "done"
            except Invalid as refused:
                db.session.rollback()
                outcome = "refused" if "on hand" in refused.message else f"other: {refused.message}"
            except Exception as exc:  # noqa: BLE001 - reported, and fails the test below
                db.session.rollback()
                outcome = f"error: {type(exc).__name__}: {exc}"
            finally:
                db.session.remove()
        with lock:
            outcomes.append(outcome)

    threads = [threading.Thread(target=consume, args=(n,)) for n in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert sorted(outcomes) == ["done"] * (STOCK // EACH) + ["refused"] * (THREADS - STOCK // EACH), outcomes
    assert balances(app, item)["on_hand"] == STOCK - (STOCK // EACH) * EACH == 10
    assert balances(app, item)["consumed"] == 90
    assert movement_count(app, item) == 1 + STOCK // EACH  # the receipt and the three that went through
