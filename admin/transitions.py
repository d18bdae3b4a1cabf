"""Workflow transitions on the screens (:mod:`core.workflow`): a button per
transition the user may fire on the record page, and a bulk action per
transition on the list. Both call :func:`core.workflow.transition`, which
holds every rule; refusals come back as the sentence it raised and change
nothing."""
from __future__ import annotations

import types
from typing import Any

from flask import flash, redirect, request
from flask_babel import LazyString, gettext

from admin.actions import scoped_action, scoped_expose
from core.records import access
from core.errors import DomainError, Invalid
from core.extensions import db
from core.workflow import Transition, Workflow, available_transitions, refusal


class WorkflowMixin:
    """Mixed into :class:`admin.views.CompanyModelView`; ``workflow`` is the
    model's workflow (set at start) or ``None``."""

    workflow: Workflow | None = None

    def _add_transition_actions(self) -> None:
        if self.workflow is None:
            return
        for t in self.workflow.transitions:
            name = f"transition_{t.key}"
            text = LazyString(lambda t=t: t.label)
            confirm = LazyString(lambda t=t: t.confirmation)

            def handler(view: Any, records: list[Any], t: Transition = t) -> Any:
                return view.transition_selected(t, records)

            action = scoped_action(name, text, permission=self.workflow.permission_of(t))(handler)
            self._actions.append((name, text))
            self._actions_data[name] = (types.MethodType(action, self), text, confirm)

    def transitions_for(self, record: Any) -> list[Transition]:
        """The transitions the user may fire on ``record`` (record page)."""
        return available_transitions(record) if self.workflow is not None else []

    def signoffs_for(self, record: Any) -> list[dict[str, str]]:
        """The record's sign-offs as the record page lists them: the form box
        (批准), who, as which responsibility, when (company-local), the comment."""
        from core.calendar.timezone import format_local
        from core.org import ResponsibilityRegistry, signoffs_of
        names = ResponsibilityRegistry.current().by_key
        boxes = {"prepared": gettext("Prepared by"), "checked": gettext("Checked by"),
                 "approved": gettext("Approved by")}
        return [dict(box=boxes.get(s.box, s.box), name=s.signer_name,
                     role=names[s.responsibility].label() if s.responsibility in names else s.responsibility,
                     at=format_local(s.at, fmt="%Y-%m-%d %H:%M"), comment=s.comment or "")
                for s in signoffs_of(record)]

    def awaiting_signoff(self, record: Any) -> list[str]:
        """What the record waits for from someone else: "批准来访 — 管理者代表 / 总经理"
        for each transition from its state that needs a sign-off the user cannot give."""
        from core.org import responsibility
        if self.workflow is None:
            return []
        mine = {t.key for t in self.transitions_for(record)}
        state = getattr(record, self.workflow.field)
        return [f"{t.label} — {' / '.join(responsibility(k).label() for k in t.signoff)}"
                for t in self.workflow.transitions
                if t.signoff and state in t.source and t.key not in mine]

    def transition_selected(self, t: Transition, records: list[Any]) -> None:
        """A bulk transition: all selected records, or none. Records already
        in the target state are left as they are; any other refusal (a
        required comment, a field to fill in, a wrong state) stops the run
        and names the records."""
        wf = self.workflow
        todo = [r for r in records if getattr(r, wf.field) != t.target]
        refused = [(r, refusal(r, t, wf, check_comment=False)) for r in todo]
        refused = [(r, e) for r, e in refused if e is not None]
        if t.comment == "required" and todo:
            flash(gettext("%(action)s needs a comment: use the button on each record's page.", action=t.label),
                  "error")
            return None
        if refused:
            lines = "; ".join(f"{r}: {e.message}" for r, e in refused[:10])
            more = gettext(" (and %(n)s more)", n=len(refused) - 10) if len(refused) > 10 else ""
            flash(gettext("Nothing was changed. %(lines)s%(more)s", lines=lines, more=more), "error")
            return None
        try:
            for record in todo:
                access.transition(record, t.key)
            db.session.commit()
        except (DomainError, Invalid) as exc:
            db.session.rollback()
            flash(gettext("Nothing was changed. %(reason)s", reason=exc.message), "error")
            return None
        flash(gettext("%(action)s: %(n)s record(s).", action=t.label, n=len(todo)), "success")
        return None

    @scoped_expose("/transition/", "read", methods=("POST",))
    def transition_view(self) -> Any:
        """The record page's buttons post here: ``id``, ``version`` (the one
        the page showed), ``transition`` and ``comment``."""
        record = self.get_one(request.form.get("id", ""))
        back = redirect(self.get_url(".details_view", id=record.id))
        try:
            if self.workflow is None:
                raise Invalid(gettext("This record has no workflow."))
            # The version the page showed: a transition on a record changed since is refused.
            t = access.transition(record, request.form.get("transition", ""), request.form.get("comment"),
                                  expected_version=request.form.get("version") or None)
            db.session.commit()
        except (DomainError, Invalid) as exc:
            db.session.rollback()
            flash(exc.message, "error")
            return back
        flash(gettext("%(record)s: %(action)s done; now %(state)s.", record=str(record) or record.id,
                      action=t.label, state=self.workflow.state_label(t.target)), "success")
        return back
