"""A company's people, managed by the company's own admins
(Administration → People): members and their roles
(:mod:`core.people.members`) and one-time set-password links
(:mod:`core.people.links`)."""
from core.people.links import LINK_HOURS, NO_PASSWORD, check_link, issue_link, use_link
from core.people.members import add_member, change_role, members, membership, reset_password, set_active

__all__ = ["LINK_HOURS", "NO_PASSWORD", "check_link", "issue_link", "use_link", "add_member", "change_role",
           "members", "membership", "reset_password", "set_active"]
