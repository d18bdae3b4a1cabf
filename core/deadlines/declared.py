"""Declared deadlines: :class:`Deadline` (what a plugin returns from
``register_deadlines``) and the registry that checks them at start."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable

from sqlalchemy import DateTime, inspect

from core.plugin.declarations import Keyed, ModelRegistry, mark_owner
from core.errors import Invalid
from core.i18n import is_chinese

__all__ = ["Deadline", "DeadlineRegistry", "DueComputed", "init_deadlines", "deadlines_for"]


class DueComputed(Invalid):
    """A due moment kept by core was changed by hand; nothing was saved."""


@dataclass(frozen=True)
class Deadline(Keyed):
    """A time limit on the records of one entity.

    :param key: ``<plugin>.<entity>.<name>`` (``crm.contactlog.reply``); its
        entity part is the permission prefix (``crm.contactlog.read``).
    :param model: the company-owned model.
    :param start: the date-time field the deadline counts from (company-local;
        filled with the local now when a new record leaves it empty).
    :param amount: the key of a company setting of type ``deadline`` (amount
        and unit), or a function ``record -> setting key`` choosing one of
        ``settings`` (in- or out-of-province). The function may return a
        chain of keys instead, most particular first (a channel's own
        target, then the general one): the first whose company value is set
        counts, so the chain passes over an ``optional`` setting left empty
        and must end with one that always has a value.
    :param due_field: the date-time column core keeps the due moment in.
    :param done: the states (of the model's workflow) in which it is met, or
        a function ``record -> bool``.
    :param met_field: a date-time field holding when it was met (stamped by a
        transition, e.g. ``replied_at``); empty or absent: the moment ``done``
        became true.
    :param pause_states: workflow states in which the clock stands still
        (waiting for the customer).
    :param void_states: workflow states in which the deadline no longer
        applies (a cancelled order): the clock stops as ``void``, neither
        met nor late, and leaves the badges, filters, tiles and rates;
        leaving such a state runs it again.
    :param remind_before: how long before the due moment it counts as "due
        soon" (badge, tile); ``None``: never.
    :param depends: fields whose change counts the deadline again (those the
        ``amount`` function reads, e.g. ``customer_id``).
    :param settings: with a function ``amount``: every key it may return.
    :param override: a function ``record -> DeadlineRule | None``: the
        record's own time limit, when it has one (a service agreement's
        promise, a category's target), counted instead of the setting;
        None falls back to ``amount``. List the fields it reads in
        ``depends`` so that a change counts the deadline again.
    :param notify: the record's relations to the people its reminders
        (due soon, breached) also go to, besides its creator and the
        responsible employee and department head (``core.org``): names of
        many-to-one relations to a user or an employee, e.g.
        ``("follow_up_owner",)``, or a dotted path of such relations
        (``"customer.responsible"``: the work order's customer's 售后服务责任人);
        checked at start.
    :param label_zh: / :param label_en: what is due (来电来函答复 / Reply).
    :param tile_zh: / :param tile_en: the dashboard tile's title (default
        "逾期：<label>" / "Overdue: <label>").
    """

    key: str
    model: type
    start: str
    amount: str | Callable[[Any], str]
    due_field: str
    done: tuple[str, ...] | Callable[[Any], bool] = ()
    met_field: str | None = None
    pause_states: tuple[str, ...] = ()
    void_states: tuple[str, ...] = ()
    remind_before: dt.timedelta | None = None
    depends: tuple[str, ...] = ()
    settings: tuple[str, ...] = ()
    override: Callable[[Any], Any] | None = None
    notify: tuple[str, ...] = ()
    label_zh: str = ""
    label_en: str = ""
    tile_zh: str = ""
    tile_en: str = ""
    plugin_key: str = field(default="", compare=False)

    def __post_init__(self) -> None:
        parts = self.key.split(".")
        if len(parts) != 3 or not all(p and p.replace("_", "").isalnum() and p.islower() for p in parts):
            raise ValueError(f"deadline {self.key!r} must look like <plugin>.<entity>.<name>")
        if not hasattr(self.model, "company_id"):
            raise ValueError(f"deadline {self.key!r}: model {self.model!r} is not company-owned")
        if callable(self.amount) and not self.settings:
            raise ValueError(f"deadline {self.key!r}: a function amount must list the setting keys it "
                             "may return in settings=(...)")
        if not callable(self.amount) and not isinstance(self.amount, str):
            raise TypeError(f"deadline {self.key!r}: amount is a setting key or a function")
        if isinstance(self.done, str):
            object.__setattr__(self, "done", (self.done,))
        if not callable(self.done) and not self.done:
            raise ValueError(f"deadline {self.key!r}: say when it is met (done=states or a function)")
        if self.remind_before is not None and self.remind_before <= dt.timedelta():
            raise ValueError(f"deadline {self.key!r}: remind_before must be positive")
        if isinstance(self.notify, str):
            object.__setattr__(self, "notify", (self.notify,))
        for path in self.notify:
            model = self.model
            for name in path.split("."):
                relations = inspect(model).relationships
                if name not in relations or relations[name].uselist:
                    raise ValueError(f"deadline {self.key!r}: notify names {path!r}, and {name!r} is not a "
                                     f"many-to-one relation of {model.__name__}")
                model = relations[name].mapper.class_

    @property
    def entity_key(self) -> str:
        """``crm.contactlog`` of ``crm.contactlog.reply``: the permission prefix."""
        return self.key.rsplit(".", 1)[0]

    @property
    def setting_keys(self) -> tuple[str, ...]:
        return tuple(self.settings) if callable(self.amount) else (self.amount,)

    def setting_chain(self, record: Any) -> tuple[str, ...]:
        """The setting keys :attr:`amount` chose for ``record``, most
        particular first (one key unless it returned a chain)."""
        chosen = self.amount(record) if callable(self.amount) else self.amount
        chain = (chosen,) if isinstance(chosen, str) else tuple(chosen)
        unknown = [key for key in chain if key not in self.setting_keys]
        if not chain or unknown:
            raise ValueError(f"deadline {self.key!r}: amount chose {chosen!r}, not keys of {self.setting_keys}")
        return chain

    def rule_for(self, record: Any, company: Any) -> Any:
        """The :class:`~core.deadlines.DeadlineRule` counted for ``record``:
        its :attr:`override`, else the company's setting chosen by
        :attr:`amount`."""
        if self.override is not None:
            rule = self.override(record)
            if rule is not None:
                from core.deadlines.counting import DeadlineRule
                if not isinstance(rule, DeadlineRule):
                    raise TypeError(f"deadline {self.key!r}: override returned {rule!r}, not a DeadlineRule")
                return rule
        from core.settings import get_setting
        chain = self.setting_chain(record)
        for key in chain:
            rule = get_setting(key, company)
            if rule is not None:
                return rule
        raise ValueError(f"deadline {self.key!r}: none of {', '.join(chain)} has a value; end the chain "
                         "with a setting that is not optional")

    def label(self, locale: str | None = None) -> str:
        return (self.label_zh if is_chinese(locale) else self.label_en) or self.key

    def notified_users(self, record: Any) -> list[Any]:
        """The logins named by :attr:`notify` on ``record`` (an employee
        counts through its login), in that order."""
        from core.models import User
        found = []
        for path in self.notify:
            target = record
            for name in path.split("."):
                target = getattr(target, name, None) if target is not None else None
            user = target if isinstance(target, User) else getattr(target, "user", None)
            if user is not None:
                found.append(user)
        return found

    def _state(self, record: Any) -> Any:
        from core.workflow import workflow_for
        wf = workflow_for(type(record))
        return getattr(record, wf.field) if wf is not None else None

    def is_done(self, record: Any) -> bool:
        if callable(self.done):
            return bool(self.done(record))
        return self._state(record) in self.done

    def is_paused(self, record: Any) -> bool:
        return bool(self.pause_states) and self._state(record) in self.pause_states

    def is_void(self, record: Any) -> bool:
        return bool(self.void_states) and self._state(record) in self.void_states


class DeadlineRegistry(ModelRegistry[Deadline]):
    """Every declared deadline, by key (``app.extensions["qdesk.deadlines"]``)."""

    kind, item_type, hook, extension = "deadline", Deadline, "register_deadlines", "qdesk.deadlines"

    def accept(self, owner: str, item: Deadline) -> None:
        where = f"plugin {owner!r}: deadline {item.key!r}"
        mapper = inspect(item.model)
        columns = mapper.columns
        for role, name in (("start", item.start), ("due_field", item.due_field), ("met_field", item.met_field)):
            if name is None:
                continue
            if name not in columns or not isinstance(columns[name].type, DateTime):
                raise ValueError(f"{where}: {role} {name!r} is not a date-time column of {item.model.__name__}")
        for name in item.depends:
            if name not in mapper.attrs:
                raise ValueError(f"{where}: depends on {name!r}, which {item.model.__name__} does not have")
        taken = [d for d in self.declared_on(item.model) if d.due_field == item.due_field]
        if taken:
            raise ValueError(f"{where}: {item.model.__name__}.{item.due_field} already keeps {taken[0].key!r}")
        mark_owner(item, owner)
        self.index(item)

    def check(self, settings: Any, workflows: Any, permissions: Iterable[str]) -> None:
        """At start: the settings exist and are deadlines, the states are
        the workflow's, the entity's read permission exists."""
        names = set(permissions)
        for d in self.by_key.values():
            where = f"plugin {d.plugin_key!r}: deadline {d.key!r}"
            for key in d.setting_keys:
                declared = settings.by_key.get(key)
                if declared is None or declared.type != "deadline":
                    raise ValueError(f"{where}: amount setting {key!r} is not a declared setting of type deadline")
                if declared.optional and not callable(d.amount):
                    raise ValueError(f"{where}: amount setting {key!r} is optional; name it in a chain "
                                     "that ends with a setting that always has a value")
            states = [*((() if callable(d.done) else d.done)), *d.pause_states, *d.void_states]
            if states:
                wf = workflows.workflow_of(d.model)
                if wf is None:
                    raise ValueError(f"{where}: names states {states} but {d.model.__name__} has no workflow")
                unknown = [s for s in states if s not in wf.states]
                if unknown:
                    raise ValueError(f"{where}: {', '.join(unknown)} not states of workflow {wf.key!r}")
            if f"{d.entity_key}.read" not in names:
                raise ValueError(f"{where}: no plugin declares the permission {d.entity_key}.read")


def init_deadlines(app: Any, plugins: Any) -> DeadlineRegistry:
    """Collect every plugin's ``register_deadlines`` at start (after the
    settings and workflows) and check what they name."""
    registry = DeadlineRegistry.install(app, plugins)
    registry.check(app.extensions["qdesk.settings"], app.extensions["qdesk.workflows"],
                   app.extensions["qdesk.permissions"].by_key)
    return registry



def deadlines_for(model: type) -> list[Deadline]:
    """The deadlines declared on ``model``."""
    registry = DeadlineRegistry.current_or_none()
    return registry.for_model(model) if registry is not None else []
