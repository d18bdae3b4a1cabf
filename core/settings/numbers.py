"""The bounds of number settings, checked for every front-end (the
Settings screen, ``qdesk settings set``, imports): digits 0-9 only, and a
range per type unless the setting declares its own ``min``/``max``."""
from __future__ import annotations

import decimal
from typing import Any, Mapping

from core.i18n import translate as _gettext
from core.records import inputs

#: The range a number setting of each type keeps to unless it declares its
#: own ``min``/``max``: a count of days or hours far beyond ten years breaks
#: the working calendar's arithmetic on every page that computes a deadline.
NUMBER_BOUNDS = {"int": (-inputs.INT_MAX - 1, inputs.INT_MAX), "days": (0, 3660), "hours": (0, 3660 * 24),
                 "decimal": (-10**15, 10**15)}


def number_errors(values: Mapping[str, Any], registry: Mapping[str, Any]) -> dict[str, list[str]]:
    """Messages for the submitted number settings (text) that are not
    written in ASCII digits (``٣`` is not 3 here) or lie outside their
    type's :data:`NUMBER_BOUNDS`; the setting's own ``min``/``max`` and the
    rest are the schema's to check."""
    errors: dict[str, list[str]] = {}
    for key, value in values.items():
        setting = registry.get(key)
        if setting is None or setting.type not in NUMBER_BOUNDS or not isinstance(value, str) \
                or not value.strip():
            continue
        text = value.strip()
        if not text.isascii():
            errors[key] = [_gettext("Write it with the digits 0-9.")]
            continue
        try:
            number = decimal.Decimal(text)
        except decimal.InvalidOperation:
            continue  # not a number: the schema says so
        lo, hi = NUMBER_BOUNDS[setting.type]
        lo = setting.min if setting.min is not None else lo
        hi = setting.max if setting.max is not None else hi
        if not number.is_finite() or (number < lo and setting.min is None) \
                or (number > hi and setting.max is None):
            errors[key] = [_gettext("Enter a number from %(min)s to %(max)s.", min=lo, max=hi)]
    return errors
