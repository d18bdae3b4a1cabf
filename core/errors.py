"""Domain errors raised by core's rules, never HTTP ones.

The front-ends (admin screens, printing, CLI, later the API) translate them:
an :class:`Invalid` becomes a field error or a message and nothing is saved.
"""
from __future__ import annotations


class Invalid(ValueError):
    """Input that breaks a rule; nothing was saved.

    :param message: the sentence the user reads (already translated).
    :param field: the form field or attribute to blame, when there is one.
    """

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class ForeignRecord(Invalid):
    """A record would point at a record the current company may not use:
    one of another company, or one that does not exist (a forged or stale
    id). Raised at flush by :mod:`core.records`, whatever the surface."""
