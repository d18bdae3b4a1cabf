"""Workflows: the states of a record and the only ways to change them.

A plugin declares a :class:`Workflow` per entity with the
``register_workflows`` hook::

    Workflow("crm.contactlog", ContactLog, states=STATES, initial="open", transitions=(
        Transition("reply", ("open",), "replied", "答复", "Reply", stamps=("replied_at",)),
        Transition("close", ("open", "replied"), "closed", "关闭", "Close", comment="required"),
    ))

and core keeps the rules, whatever the surface (record page, bulk action,
import, code):

* the state field changes **only** through :func:`transition`: screens leave
  it out of their forms and lists, imports have no column for it, and a
  change made any other way is refused at flush (:class:`StateLocked`);
  a new record starts in ``initial`` (a state set by code before the insert,
  for data brought over from another system, is kept);
* :func:`transition` refuses, changing nothing, a user without the
  transition's permission (:class:`~core.errors.Forbidden`), a record not in
  one of its source states (:class:`~core.errors.Conflict`), and a record
  missing a required field or comment (:class:`~core.errors.Invalid`);
* a transition with a ``signoff`` fires only for a holder of the named
  responsibility (:mod:`core.org`), and stores the sign-off;
* in a ``locked`` state the record's fields (but those the state leaves
  editable) and its ``locked_children`` rows no longer change
  (:class:`RecordLocked`, :mod:`core.workflow_locks`): a signed notice
  ships as it was signed;
* each fired transition is stored as the record's audit entry (action
  ``transition``, the transition's key, who, when, from → to, the comment)
  and shown in its history; after the commit the per-company hook
  ``record_transitioned`` tells the other plugins.

Permissions: a transition needs ``permission`` (a full name) or, by default,
``<workflow key>.write`` (``crm.contactlog.write``); names that no plugin
declares stop the start.
"""
from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field as dataclass_field
from typing import Any, Iterable, Mapping

from sqlalchemy import DateTime, event, inspect
from sqlalchemy.orm import Session

from core.i18n import pick, translate as _gettext
from core.records import tenancy
from core.plugin.declarations import Keyed, ModelRegistry, mark_owner
from core.errors import Conflict, Forbidden, Invalid
from core.records import annotate_audit
from core.records.entities import field_label
from core.workflow_locks import RecordLocked, check_locks

log = logging.getLogger(__name__)

__all__ = ["Transition", "Workflow", "WorkflowRegistry", "StateLocked", "RecordLocked", "transition", "workflow_for",
           "available_transitions", "refusal", "field_label", "init_workflows", "COMMENT_RULES", "SIGNATURE_BOXES"]

#: Whether a transition takes a comment: none asked, optional, or required.
COMMENT_RULES = ("none", "optional", "required")
#: The signature boxes of a printed form, in their order (经办人 / 审核 / 批准).
SIGNATURE_BOXES = ("prepared", "checked", "approved")
#: Longest comment kept with a transition.
COMMENT_MAX = 2000
_KEY = re.compile(r"^[a-z][a-z0-9_]*$")


class StateLocked(Invalid):
    """A state field was changed other than by :func:`transition` (an edit
    form, an import, code); nothing was saved."""




@dataclass(frozen=True)
class Transition:
    """One way from some states to another.

    :param key: a name unique in its workflow (``reply``); the bulk action
        and the audit entry use it.
    :param source: the states it may start from.
    :param target: the state it leads to.
    :param label_zh: / :param label_en: the button's text (答复 / Reply).
    :param permission: the full permission name it needs; default
        ``<workflow key>.write``.
    :param required: fields that must be filled before it may fire ("cannot
        resolve without a root cause").
    :param comment: ``"none"``, ``"optional"`` or ``"required"``: whether the
        user writes why (stored with the transition).
    :param stamps: date-time fields set to the company-local now when it
        fires, if still empty (``replied_at``).
    :param restamps: date-time fields set to the company-local now every
        time it fires (a CAPA action done again after a rework: the last
        time counts).
    :param signoff: the named responsibility (``"core.management_rep"``), or
        a tuple of them (any one suffices: 管理者代表 or 总经理), whose holder
        must fire it: only an employee of the company assigned to it may
        (:mod:`core.org`); the sign-off (who, as what, when, comment) is
        stored and printed in the form's box ``box``.
    :param box: the signature box of the printed form the sign-off fills:
        ``"prepared"`` (经办人), ``"checked"`` (审核) or ``"approved"`` (批准).
    :param confirm_zh: / :param confirm_en: the question asked before a bulk
        run (default: "<label> the selected records?").
    :param effect: a function ``record -> None`` run when it fires, after
        the state and the stamps are set, in the same transaction (what it
        adds or changes is saved with the transition or not at all): a
        shipped 三包 notice posts its ledger lines. It may raise
        :class:`~core.errors.Invalid` to refuse the transition; the caller
        then rolls back, as the screens and bulk actions do.
    """

    key: str
    source: tuple[str, ...]
    target: str
    label_zh: str
    label_en: str
    permission: str | None = None
    required: tuple[str, ...] = ()
    comment: str = "optional"
    stamps: tuple[str, ...] = ()
    restamps: tuple[str, ...] = ()
    signoff: str | tuple[str, ...] | None = None
    box: str = "approved"
    confirm_zh: str = ""
    confirm_en: str = ""
    effect: Any = None

    def __post_init__(self) -> None:
        if self.effect is not None and not callable(self.effect):
            raise ValueError(f"transition {self.key!r}: effect must be a function record -> None")
        if not _KEY.match(self.key):
            raise ValueError(f"transition {self.key!r}: a key is lower-case letters, digits and _")
        if isinstance(self.source, str):
            object.__setattr__(self, "source", (self.source,))
        if not self.source:
            raise ValueError(f"transition {self.key!r} has no source state")
        if self.comment not in COMMENT_RULES:
            raise ValueError(f"transition {self.key!r}: comment must be one of {', '.join(COMMENT_RULES)}")
        if isinstance(self.signoff, str):
            object.__setattr__(self, "signoff", (self.signoff,))
        if self.signoff is not None and not self.signoff:
            raise ValueError(f"transition {self.key!r}: signoff names no responsibility")
        if self.box not in SIGNATURE_BOXES:
            raise ValueError(f"transition {self.key!r}: box must be one of {', '.join(SIGNATURE_BOXES)}")

    @property
    def label(self) -> str:
        """The label in the request's language."""
        return pick(self.label_zh, self.label_en)

    @property
    def confirmation(self) -> str:
        text = pick(self.confirm_zh, self.confirm_en)
        return text or _gettext("%(action)s: the selected records?", action=self.label)


@dataclass(frozen=True)
class Workflow(Keyed):
    """The states of one entity and its transitions.

    :param key: ``<plugin>.<entity>``, the entity's permission prefix
        (``crm.contactlog`` → ``crm.contactlog.write``).
    :param model: the company-owned model.
    :param states: ``{value: (zh, en)}`` in display order; the model's
        column must accept exactly these values.
    :param initial: the state of a new record.
    :param transitions: the :class:`Transition` s.
    :param field: the state column (default ``state``).
    :param locked: states in which the record is read-only, each mapped to
        the fields that may still change there (``{"signed": ("carrier",
        "waybill"), "shipped": ()}``); transitions still fire and stamp,
        and core keeps its own columns (version, stamps, clocks). A change
        to any other field is refused at flush (:class:`RecordLocked`).
    :param locked_children: one-to-many relations (``("lines",)``) whose
        rows are read-only, added and removed neither, while the record is
        in a ``locked`` state (a signed notice's lines).
    """

    key: str
    model: type
    states: Mapping[str, tuple[str, str]]
    initial: str
    transitions: tuple[Transition, ...]
    field: str = "state"
    locked: Mapping[str, tuple[str, ...]] = dataclass_field(default_factory=dict)
    locked_children: tuple[str, ...] = ()
    plugin_key: str = dataclass_field(default="", compare=False)

    def __post_init__(self) -> None:
        if not re.match(r"^[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*$", self.key):
            raise ValueError(f"workflow {self.key!r} must look like <plugin>.<entity>")
        if not hasattr(self.model, "company_id"):
            raise ValueError(f"workflow {self.key!r}: model {self.model!r} is not company-owned")
        if self.initial not in self.states:
            raise ValueError(f"workflow {self.key!r}: initial state {self.initial!r} is not one of its states")
        seen = set()
        for t in self.transitions:
            if not isinstance(t, Transition):
                raise TypeError(f"workflow {self.key!r}: {t!r} is not a core.workflow.Transition")
            if t.key in seen:
                raise ValueError(f"workflow {self.key!r}: transition {t.key!r} declared twice")
            seen.add(t.key)
            for state in (*t.source, t.target):
                if state not in self.states:
                    raise ValueError(f"workflow {self.key!r}: transition {t.key!r} names state {state!r}, "
                                     f"which is not one of {', '.join(self.states)}")
        for state in self.locked:
            if state not in self.states:
                raise ValueError(f"workflow {self.key!r}: locked names state {state!r}, which is not one of "
                                 f"{', '.join(self.states)}")
        if isinstance(self.locked_children, str):
            object.__setattr__(self, "locked_children", (self.locked_children,))
        if self.locked_children and not self.locked:
            raise ValueError(f"workflow {self.key!r}: locked_children needs locked states")

    def get(self, key: str) -> Transition | None:
        return next((t for t in self.transitions if t.key == key), None)

    def permission_of(self, t: Transition) -> str:
        return t.permission or f"{self.key}.write"

    def state_label(self, value: str | None) -> str:
        pair = self.states.get(value or "")
        return pick(*pair) if pair else (value or "")


class WorkflowRegistry(ModelRegistry[Workflow]):
    """Every declared workflow, by key (``app.extensions["qdesk.workflows"]``);
    one per model."""

    kind, item_type, hook, extension = "workflow", Workflow, "register_workflows", "qdesk.workflows"

    def accept(self, owner: str, item: Workflow) -> None:
        mapper = inspect(item.model)
        columns = mapper.columns
        where = f"plugin {owner!r}: workflow {item.key!r}"
        if item.field not in columns:
            raise ValueError(f"{where}: {item.model.__name__} has no column {item.field!r}")
        enums = getattr(columns[item.field].type, "enums", None)
        if enums and set(enums) != set(item.states):
            raise ValueError(f"{where}: the states {sorted(item.states)} differ from the values "
                             f"{sorted(enums)} of {item.model.__name__}.{item.field}")
        for t in item.transitions:
            for name in t.required:
                if name not in mapper.attrs:
                    raise ValueError(f"{where}: transition {t.key!r} requires {name!r}, which "
                                     f"{item.model.__name__} does not have")
            for name in (*t.stamps, *t.restamps):
                if name not in columns or not isinstance(columns[name].type, DateTime):
                    raise ValueError(f"{where}: transition {t.key!r} stamps {name!r}, which is not a "
                                     f"date-time column of {item.model.__name__}")
        for state, names in item.locked.items():
            for name in names:
                if name not in columns:
                    raise ValueError(f"{where}: locked state {state!r} leaves {name!r} editable, which is not a "
                                     f"column of {item.model.__name__}")
        for name in item.locked_children:
            relation = mapper.relationships.get(name)
            if relation is None or not relation.uselist:
                raise ValueError(f"{where}: locked_children names {name!r}, which is not a one-to-many "
                                 f"relation of {item.model.__name__}")
        taken = self.declared_on(item.model)
        if taken:
            raise ValueError(f"{where}: {item.model.__name__} already has the workflow {taken[0].key!r}")
        mark_owner(item, owner)
        self.index(item)

    def workflow_of(self, model: type) -> Workflow | None:
        """The workflow of ``model`` (or of a base class), or ``None``."""
        found = self.for_model(model)
        return found[0] if found else None

    def check_signoffs(self, declared: Iterable[str]) -> None:
        """Refuse a sign-off by a responsibility nobody declares."""
        names = set(declared)
        for wf in self.by_key.values():
            for t in wf.transitions:
                for key in t.signoff or ():
                    if key not in names:
                        raise ValueError(f"plugin {wf.plugin_key!r}: workflow {wf.key!r}: transition {t.key!r} "
                                         f"needs a sign-off by {key!r}, which no plugin declares "
                                         "(register_responsibilities)")

    def check_permissions(self, declared: Iterable[str]) -> None:
        """Refuse a transition needing a permission nobody declares."""
        names = set(declared)
        for wf in self.by_key.values():
            for t in wf.transitions:
                needed = wf.permission_of(t)
                if needed not in names:
                    raise ValueError(f"plugin {wf.plugin_key!r}: workflow {wf.key!r}: transition {t.key!r} "
                                     f"needs the permission {needed!r}, which no plugin declares")


def init_workflows(app: Any, plugins: Any) -> WorkflowRegistry:
    """Collect every plugin's ``register_workflows`` at start and check the
    permissions they name."""
    registry = WorkflowRegistry.install(app, plugins)
    registry.check_permissions(app.extensions["qdesk.permissions"].by_key)
    registry.check_signoffs(app.extensions["qdesk.responsibilities"].by_key)
    return registry



def workflow_for(model: type) -> Workflow | None:
    """The workflow of ``model`` (or of a base class), or ``None``."""
    registry = WorkflowRegistry.current_or_none()
    return registry.workflow_of(model) if registry is not None else None


# --- firing transitions -----------------------------------------------------------

def _empty(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip()) or value == []


def refusal(record: Any, t: Transition, wf: Workflow | None = None, comment: str | None = None,
            check_comment: bool = True) -> Exception | None:
    """Why ``t`` may not fire on ``record`` now (the error :func:`transition`
    would raise), or ``None`` when it may."""
    from core.records.permissions import has_permission
    wf = wf or workflow_for(type(record))
    if not tenancy.acting_as_system() and not has_permission(wf.permission_of(t)):
        return Forbidden(_gettext("You may not use %(action)s on this record.", action=t.label))
    if t.signoff and _signing_as(t) is None:
        from core.org import responsibility
        return Forbidden(_gettext("%(action)s needs the sign-off of %(who)s; you do not hold it in this company.",
                                  action=t.label, who=" / ".join(responsibility(k).label() for k in t.signoff)))
    state = getattr(record, wf.field)
    if state not in t.source:
        return Conflict(_gettext("%(record)s is %(state)s: %(action)s is possible only from %(states)s.",
                                 record=str(record) or wf.key, state=wf.state_label(state), action=t.label,
                                 states=", ".join(wf.state_label(s) for s in t.source)))
    for name in t.required:
        if _empty(getattr(record, name)):
            return Invalid(_gettext("Fill in %(field)s before %(action)s.", field=field_label(type(record), name),
                                    action=t.label), field=name)
    if check_comment and t.comment == "required" and _empty(comment):
        return Invalid(_gettext("%(action)s needs a comment: say why.", action=t.label), field="comment")
    if comment is not None and len(comment) > COMMENT_MAX:
        return Invalid(_gettext("A comment holds at most %(n)s characters.", n=COMMENT_MAX), field="comment")
    reasons = refused_by_plugins(record, wf, t)
    if reasons:
        return Invalid(" ".join(reasons))
    return None


def refused_by_plugins(record: Any, wf: Workflow, t: Transition) -> list[str]:
    """The reasons the plugins enabled in ``record``'s company give, through
    ``transition_refused``, for ``t`` not to fire now ([] when none)."""
    from flask import current_app
    registry = current_app.extensions["qdesk.plugins"]
    company = record.owner_company if getattr(record, "owner_company", None) is not None \
        else tenancy.current_company()
    reasons: list[str] = []
    for key in ["core", *tenancy.enabled_modules(company)]:
        try:
            results = registry.call_each("transition_refused", only=[key], company=company, record=record,
                                         workflow=wf.key, transition=t.key, user=tenancy.current_user())
        except Exception:  # noqa: BLE001 - a check that cannot run must not let the record pass
            log.exception("plugin %r raised in transition_refused for %s %s (%s); the transition is refused",
                          key, wf.key, getattr(record, "id", None), t.key)
            reasons.append(_gettext("%(action)s cannot be checked now (module %(module)s failed); "
                                    "nothing was changed.", action=t.label, module=key))
            continue
        for _owner, result in results:
            for reason in ([result] if isinstance(result, str) else (result or [])):
                if not isinstance(reason, str) or not reason.strip():
                    log.error("plugin %r returned %r from transition_refused; a reason is a text", key, reason)
                    continue
                reasons.append(reason.strip())
    return reasons


def _signing_as(t: Transition) -> str | None:
    """The responsibility of ``t.signoff`` the current user holds here (a
    system run holds none: a sign-off is a person's)."""
    from core.org import held_by
    user = tenancy.current_user()
    return held_by(user, t.signoff) if user is not None else None


def available_transitions(record: Any) -> list[Transition]:
    """The transitions the current user may fire on ``record`` from its
    present state (required fields and comments are checked on firing)."""
    from core.records.permissions import has_permission
    wf = workflow_for(type(record))
    if wf is None:
        return []
    state = getattr(record, wf.field)
    return [t for t in wf.transitions if state in t.source and has_permission(wf.permission_of(t))
            and (not t.signoff or _signing_as(t) is not None)]


def transition(record: Any, key: str, comment: str | None = None) -> Transition:
    """Fire transition ``key`` on ``record`` for the current user; the caller
    commits. Raises :class:`~core.errors.Forbidden`,
    :class:`~core.errors.Conflict` or :class:`~core.errors.Invalid` and
    changes nothing when it may not fire (see the module docstring)."""
    from core.calendar.timezone import local_now
    wf = workflow_for(type(record))
    if wf is None:
        raise Invalid(_gettext("%(what)s has no workflow.", what=type(record).__name__))
    t = wf.get(key)
    if t is None:
        raise Invalid(_gettext("There is no action %(action)s here.", action=key))
    comment = comment.strip() if isinstance(comment, str) else None
    if t.comment == "none":
        comment = None
    problem = refusal(record, t, wf, comment)
    if problem is not None:
        raise problem
    session = Session.object_session(record)
    if session is None:
        from core.extensions import db
        session = db.session
        session.add(record)
    # One change, flushed as one audit entry: nothing may autoflush half of it.
    with session.no_autoflush:
        now = local_now(record.owner_company if hasattr(record, "owner_company") else None)
        before = getattr(record, wf.field)
        _pending(session)[record] = (wf, t, before, comment or None)
        setattr(record, wf.field, t.target)
        if t.signoff:
            from core.org import record_signoff
            record_signoff(record, t, _signing_as(t), comment or None)
        for name in t.stamps:
            if getattr(record, name) is None:
                setattr(record, name, now.replace(microsecond=0))
        for name in t.restamps:
            setattr(record, name, now.replace(microsecond=0))
        if t.effect is not None:
            t.effect(record)  # raising: the caller's rollback undoes it all (screens, bulk runs do)
    return t


def _pending(session: Session) -> dict[Any, tuple[Workflow, Transition, str, str | None]]:
    return session.info.setdefault("qdesk_transitions", {})


@event.listens_for(Session, "before_flush")
def _guard_states(session: Session, flush_context: Any, instances: Any) -> None:
    registry = WorkflowRegistry.current_or_none()
    if registry is None or not registry.by_key:
        return
    pending = _pending(session)
    for obj in session.new:
        wf = registry.workflow_of(type(obj))
        if wf is not None and getattr(obj, wf.field) is None:
            setattr(obj, wf.field, wf.initial)
    for obj in session.dirty:
        wf = registry.workflow_of(type(obj))
        if wf is None:
            continue
        hist = inspect(obj).attrs[wf.field].history
        if not (hist.added or hist.deleted) or list(hist.added) == list(hist.deleted):
            continue
        fired = pending.get(obj)
        if fired is None or getattr(obj, wf.field) != fired[1].target:
            raise StateLocked(_gettext("The state changes only through its actions (%(actions)s); nothing "
                                       "was saved.", actions=", ".join(t.label for t in wf.transitions)),
                              field=wf.field)
    check_locks(session, registry, pending)
    for obj, (wf, t, before, comment) in list(pending.items()):
        if obj in session.dirty or obj in session.new:
            annotate_audit(session, obj, action="transition", transition=t.key, comment=comment,
                           notify=("record_transitioned", dict(workflow=wf.key, transition=t.key, from_state=before,
                                                               to_state=t.target, comment=comment)))
        pending.pop(obj)


@event.listens_for(Session, "after_rollback")
def _forget(session: Session) -> None:
    session.info.pop("qdesk_transitions", None)
