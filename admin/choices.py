"""Coded columns on screens (see :mod:`core.records.choices`): form choices and list
formatters that show the label in the user's language."""
from __future__ import annotations

from typing import Any, Callable

from flask_babel import LazyString

from core.records.choices import Choices, current_label


def choice_options(values: Choices) -> list[tuple[str, LazyString]]:
    """``form_choices`` entries ``[(code, label)]``, labels resolved when the
    form is drawn."""
    return [(code, LazyString(lambda pair=pair: current_label(pair))) for code, pair in values.items()]


def label_formatter(values: Choices) -> Callable[..., str]:
    """A ``column_formatters`` entry showing a stored code's label."""
    def fmt(view: Any, context: Any, model: Any, name: str) -> str:
        code = getattr(model, name)
        return current_label(values[code]) if code in values else (code or "")
    return fmt
