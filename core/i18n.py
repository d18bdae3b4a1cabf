"""Messages and labels in the user's language, also outside a request.

Core's rules raise sentences the user reads; they are translated with
Flask-Babel in a request and stay English in scripts and at start (no
request, no locale). Declarations carry ``(zh, en)`` labels; :func:`pick`
chooses one for the current interface."""
from __future__ import annotations

from typing import Any

__all__ = ["translate", "is_chinese", "pick"]


def translate(message: str, **values: Any) -> str:
    """``gettext(message, **values)``; English (``message % values``)
    outside an app or request. Call sites name it ``_gettext`` so that
    ``scripts/i18n.sh`` extracts their messages."""
    try:
        from flask_babel import gettext
        return gettext(message, **values)
    except Exception:  # outside an app (scripts, start): English
        return message % values if values else message


def is_chinese(locale: str | None = None) -> bool:
    """Whether ``locale`` (default: the request's) is Chinese; outside a
    request, no (English)."""
    if locale is None:
        try:
            from flask_babel import get_locale
            locale = str(get_locale() or "zh")
        except Exception:
            return False
    return str(locale).startswith("zh")


def pick(zh: str, en: str, locale: str | None = None) -> str:
    """``zh`` or ``en`` for the interface (see :func:`is_chinese`)."""
    return zh if is_chinese(locale) else en


def join_names(names: Any, locale: str | None = None) -> str:
    """Names listed in a sentence: 承运单位、运单号 in Chinese, "Carrier,
    Waybill" in English (see :func:`is_chinese`)."""
    return pick("、", ", ", locale).join(str(name) for name in names)
