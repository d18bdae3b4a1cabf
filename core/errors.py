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


class DomainError(Exception):
    """Base of the refusals that are not about one input (:class:`NotFound`,
    :class:`Forbidden`, :class:`Conflict`): ``message`` is the sentence the
    user reads (already translated)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotFound(DomainError):
    """No such record for the current company (or its module is disabled
    for it): the same answer for an id that does not exist and for another
    company's, so ids cannot be probed."""


class Forbidden(DomainError):
    """The user lacks the permission the action needs."""


class Conflict(DomainError):
    """The record changed under the user: another save came first (version
    check), or its state no longer allows the action (a transition from a
    state it has already left). Nothing was saved."""
