"""core.records.reasons: a column marked ``info={"reason": True}`` changes
on a saved record only with a reason, kept in the audit entry; whatever the
surface (here: code through the access layer). The screens' reason box is
tested with the quality plugin's CAPA actions (plugins/quality/tests/test_capa.py)."""
from __future__ import annotations

import datetime as dt

import pytest

from core import db
from core.models import AuditEntry
from core.records import ReasonRequired, access, reason_fields, tenancy


def _action(world):
    from plugins.quality.models.capa import Capa, CapaAction
    capa = Capa(nonconformity="x")
    db.session.add(capa)
    db.session.flush()
    action = CapaAction(capa=capa, description="y", due_on=dt.date(2027, 1, 31))
    db.session.add(action)
    db.session.commit()
    return action


def test_a_marked_column_changes_only_with_a_reason(app, world):
    from plugins.quality.models.capa import CapaAction
    assert reason_fields(CapaAction) == ("due_on",)
    with app.app_context(), tenancy.acting_as(world.company("A"), world.user("staff@a.test")):
        action = _action(world)
        with pytest.raises(ReasonRequired) as refused:
            access.update(action, {"due_on": dt.date(2027, 2, 28)}, action.version)
        assert refused.value.field == "due_on"
        db.session.rollback()
        assert db.session.get(CapaAction, action.id).due_on == dt.date(2027, 1, 31)
        # Other columns need none; with a reason the change is kept with it (positive control).
        access.update(action, {"description": "z"}, action.version)
        access.update(action, {"due_on": dt.date(2027, 2, 28)}, action.version, reason="  来料延期  ")
        db.session.commit()
        entry = (db.session.query(AuditEntry).filter_by(table_name="quality_capa_action", record_id=action.id)
                 .order_by(AuditEntry.id.desc()).first())
        assert entry.comment == "来料延期" and entry.changes["due_on"] == ["2027-01-31", "2027-02-28"]
        # A reason serves one flush only.
        with pytest.raises(ReasonRequired):
            access.update(action, {"due_on": dt.date(2027, 3, 31)}, action.version)
        db.session.rollback()
