"""The main menu is rendered once per user and situation (admin/menu_cache.py)
and is never stale: a module disabled, a permission revoked, another
language or another screen shows the right menu on the very next page."""
from __future__ import annotations

import re

from core.extensions import db
from core.plugin.modules import disable_module, enable_module
from core.records import tenancy


def menu(page: str) -> str:
    """The main menu's HTML of a page."""
    found = re.search(r'<ul class="nav navbar-nav mr-auto">([\s\S]*?)</ul>\s*<ul class="nav navbar-nav navbar-right">',
                      page)
    assert found, page[:2000]
    return found.group(1)


def test_the_menu_follows_modules_grants_language_and_screen(app, world, client_for):
    from core.grants import RoleGrant
    staff = client_for("staff@a.test")
    tasks = menu(staff.get("/admin/notes/note/").get_data(as_text=True))
    assert 'href="/admin/tasks/task/"' in tasks and 'href="/admin/notes/note/"' in tasks
    # the current screen's item is marked active, and only that one
    assert re.search(r'class="[^"]*active[^"]*"\s*href="/admin/notes/note/"', tasks)
    on_tasks = menu(staff.get("/admin/tasks/task/").get_data(as_text=True))
    assert re.search(r'class="[^"]*active[^"]*"\s*href="/admin/tasks/task/"', on_tasks)
    assert not re.search(r'class="[^"]*active[^"]*"\s*href="/admin/notes/note/"', on_tasks)

    with app.app_context():
        disable_module(world.company("A"), "tasks")
    assert 'href="/admin/tasks/task/"' not in menu(staff.get("/admin/notes/note/").get_data(as_text=True))
    with app.app_context():
        enable_module(world.company("A"), "tasks")
    assert 'href="/admin/tasks/task/"' in menu(staff.get("/admin/notes/note/").get_data(as_text=True))

    with app.app_context(), tenancy.acting_as(world.company("A"), world.user("admin@a.test")):
        db.session.add(RoleGrant(permission="tasks.task.read", role="staff", granted=False))
        db.session.commit()
    assert 'href="/admin/tasks/task/"' not in menu(staff.get("/admin/notes/note/").get_data(as_text=True))
    # another user of another role in the same company still has it
    manager = client_for("manager@a.test")
    assert 'href="/admin/tasks/task/"' in menu(manager.get("/admin/notes/note/").get_data(as_text=True))

    english = menu(staff.get("/admin/notes/note/").get_data(as_text=True))
    staff.post("/set-language", {"locale": "zh_Hans_CN"})
    chinese = menu(staff.get("/admin/notes/note/").get_data(as_text=True))
    assert "便签" in chinese and "便签" not in english


def test_a_company_of_the_same_user_gets_its_own_menu(app, world, client_for):
    # staff@b is another user; the same ids of another company's modules never share a menu
    with app.app_context():
        disable_module(world.company("B"), "tasks")
    a, b = client_for("staff@a.test"), client_for("staff@b.test")
    assert 'href="/admin/tasks/task/"' in menu(a.get("/admin/notes/note/").get_data(as_text=True))
    assert 'href="/admin/tasks/task/"' not in menu(b.get("/admin/notes/note/").get_data(as_text=True))
