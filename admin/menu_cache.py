"""The main menu, rendered once per user and situation instead of on every
page.

Flask-Admin builds the menu on each request by asking every screen whether
the user may see it (``is_accessible`` / ``is_visible``: a permission check
each, about 56 per page with the five built-in modules). That was a quarter
of a list page's time outside SQL (5 ms of 20 ms in ``bench/crm_list.py``)
for a menu that only changes when what it depends on changes. So the menu's
HTML is kept, keyed by everything a screen's visibility and the menu's text
read:

* the user (and whether they are a system admin), the company, the user's
  role there and the company's permission overrides (``core.records.grants``);
* the modules enabled for the company;
* the language, the current screen (its item is marked active) and the
  application root (the links' prefix).

A change to any of these is a new key, so nothing is ever invalidated by
hand: granting a permission, enabling a module or switching the language
shows the new menu on the next page. The cache belongs to the app (its
screens are the menu's items), is per process and bounded (least recently
used first out); it holds no record data, only the menu a user would see
anyway, so several app servers may each keep their own.

A screen whose visibility depends on anything else (data, the time of day)
must not be in the menu, or must render its own.
"""
from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Any, Callable, Hashable

from flask import current_app, request
from flask_babel import get_locale
from markupsafe import Markup

from core.records import grants, tenancy

#: How many rendered menus a process keeps.
MENU_CACHE_SIZE = 2048

_lock = threading.Lock()


def _menus() -> OrderedDict[Hashable, Markup]:
    return current_app.extensions.setdefault("qdesk.menus", OrderedDict())


def menu_key(admin_view: Any) -> Hashable | None:
    """What the current user's menu on ``admin_view`` depends on, or None
    (nobody logged in: not cached)."""
    user, company = tenancy.current_user(), tenancy.current_company()
    if user is None:
        return None
    overrides = frozenset(grants.company_overrides(company).items()) if company is not None else frozenset()
    return (user.id, bool(user.is_system_admin), company.id if company is not None else None,
            user.role_in(company) if company is not None else None, overrides,
            frozenset(tenancy.enabled_modules(company)) if company is not None else frozenset(),
            str(get_locale()), getattr(admin_view, "endpoint", None), request.script_root)


def cached_menu(render: Callable[[], Any], admin_view: Any) -> Markup:
    """The main menu's HTML: ``render()`` (Flask-Admin's ``layout.menu``)
    the first time for its :func:`menu_key`, the kept copy after."""
    key = menu_key(admin_view)
    if key is None:
        return Markup(render())
    menus = _menus()
    with _lock:
        html = menus.get(key)
        if html is not None:
            menus.move_to_end(key)
            return html
    html = Markup(render())
    with _lock:
        menus[key] = html
        while len(menus) > MENU_CACHE_SIZE:
            menus.popitem(last=False)
    return html


def forget_menus() -> None:
    """Drop the app's kept menus (tests; a plugin reloaded in place)."""
    with _lock:
        _menus().clear()
