"""Declared kinds of notification (``register_notifications``) and how a
notification of a kind reads in a language."""
from __future__ import annotations

import datetime as dt
import logging
import string
from dataclasses import dataclass, field
from typing import Any, Mapping

from core.plugin.declarations import Keyed, NamespacedRegistry
from core.i18n import is_chinese

__all__ = ["NotificationKind", "NotificationRegistry", "notification_registry", "UnknownKind", "UTC_MARK",
           "dump_context", "render_for"]

log = logging.getLogger(__name__)

#: How a date-time travels in a notification's stored context:
#: ``{"$utc": "2026-12-01T08:00:00"}`` (naive UTC), shown in company time.
UTC_MARK = "$utc"


class UnknownKind(KeyError):
    """``notify`` was called with a kind no plugin declares."""


@dataclass(frozen=True)
class NotificationKind(Keyed):
    """What a plugin may tell users about, with its words in both languages.

    Subjects and bodies are ``str.format`` templates over the notification's
    context, plus ``{record}`` (the record as text when notified) and
    ``{company}`` (the company's name). A date-time in the context is shown
    in the company's local time (``YYYY-MM-DD HH:MM``); a field the context
    lacks reads as empty.

    :param key: ``<plugin>.<name>`` (``crm.complaint_assigned``).
    :param label_zh: / :param label_en: the kind's name (inbox, settings).
    :param subject_zh: / :param subject_en: the one-line subject (inbox line, e-mail subject).
    :param body_zh: / :param body_en: the longer text (inbox details, e-mail body); may be empty.
    """

    key: str
    label_zh: str
    label_en: str
    subject_zh: str
    subject_en: str
    body_zh: str = ""
    body_en: str = ""
    plugin_key: str = field(default="", compare=False)

    def __post_init__(self) -> None:
        if "." not in self.key:
            raise ValueError(f"notification kind {self.key!r} must be '<plugin>.<name>'")
        for name in ("subject_zh", "subject_en", "body_zh", "body_en"):
            try:  # a broken template stops the start, not a reminder at night
                list(string.Formatter().parse(getattr(self, name)))
            except ValueError as exc:
                raise ValueError(f"notification kind {self.key!r}: {name} is not a format string: {exc}") from None

    def label(self, locale: str | None = None) -> str:
        return self.label_zh if is_chinese(locale) else self.label_en

    def render(self, locale: str | None, values: Mapping[str, Any], company: Any = None) -> tuple[str, str]:
        """(subject, body) in ``locale`` (Chinese unless it is English) over
        the stored ``values``, date-times in ``company``'s local time."""
        zh = is_chinese(locale or "zh_Hans_CN")
        fields = _Fields({k: _shown(v, company) for k, v in values.items()})
        subject = (self.subject_zh if zh else self.subject_en).format_map(fields)
        body = (self.body_zh if zh else self.body_en).format_map(fields)
        return subject, body


class _Fields(dict):
    def __missing__(self, name: str) -> str:
        return ""


def _shown(value: Any, company: Any) -> Any:
    if isinstance(value, dict) and set(value) == {UTC_MARK}:
        from core.calendar.timezone import format_local
        return format_local(dt.datetime.fromisoformat(value[UTC_MARK]), company)
    return "" if value is None else value


def dump_context(context: Mapping[str, Any] | None) -> dict[str, Any]:
    """``context`` as stored (JSON): date-times (naive UTC, or aware) marked
    with :data:`UTC_MARK`, dates as ISO text; anything else must be JSON."""
    out: dict[str, Any] = {}
    for name, value in (context or {}).items():
        if isinstance(value, dt.datetime):
            if value.tzinfo is not None:
                value = value.astimezone(dt.timezone.utc).replace(tzinfo=None)
            out[name] = {UTC_MARK: value.isoformat(timespec="seconds")}
        elif isinstance(value, dt.date):
            out[name] = value.isoformat()
        elif value is None or isinstance(value, (str, int, float, bool, list, dict)):
            out[name] = value
        else:
            out[name] = str(value)
    return out


class NotificationRegistry(NamespacedRegistry[NotificationKind]):
    """Every declared kind, by key (``app.extensions["qdesk.notifications"]``)."""

    kind, item_type, hook, extension = ("notification kind", NotificationKind, "register_notifications",
                                        "qdesk.notifications")

    def get(self, key: str) -> NotificationKind:
        """The kind ``key``; :class:`UnknownKind` naming it (and the declared ones)."""
        found = self.by_key.get(key)
        if found is None:
            raise UnknownKind(f"unknown notification kind {key!r} (declared: "
                              f"{', '.join(sorted(self.by_key)) or 'none'})")
        return found


def notification_registry() -> NotificationRegistry:
    """The app's :class:`NotificationRegistry`."""
    return NotificationRegistry.current()


def render_for(row: Any, locale: str | None, company: Any = None) -> tuple[str, str]:
    """(subject, body) of a stored notification (its ``kind`` and
    ``context``) in ``locale``: the recipient's for e-mail, the interface's
    in the inbox; :class:`UnknownKind` when its plugin is gone."""
    return notification_registry().get(row.kind).render(locale, row.context or {}, company)
