def test_staff_creates_and_edits_a_note(world, client_for, app):
    c = client_for("staff@a.test")
    r = c.get("/admin/")
    assert r.status_code == 200, r.data[:500]
    assert b"Notes" in r.data
    r = c.post("/admin/notes/note/new/", {"title": "hello", "priority": "2"})
    assert r.status_code == 302, r.get_data(as_text=True)[-3000:]
    r = c.get("/admin/notes/note/")
    assert "hello" in r.get_data(as_text=True)


def test_export_neutralises_formula_cells(world, client_for):
    c = client_for("staff@a.test")
    c.post("/admin/notes/note/new/", {"title": "=HYPERLINK(\"http://x\")", "priority": "1"})
    c.post("/admin/notes/note/new/", {"title": "@SUM(1)", "priority": "1"})
    csv = c.get("/admin/notes/note/export/csv/").get_data(as_text=True)
    assert "'=HYPERLINK" in csv and "'@SUM(1)" in csv
    assert "\n=HYPERLINK" not in csv and ",=HYPERLINK" not in csv


def test_people_pickers_list_only_the_companys_members(world, client_for, app):
    """Every relation to a user (responsible, handled by...) offers only the
    current company's members: core scopes it, for every view that has one."""
    from sqlalchemy import inspect

    from core.models import User
    registry = app.extensions["qdesk.plugins"]
    client = client_for("admin@b.test")
    checked = 0
    for view in registry.admin_views:
        people = [r.key for r in inspect(view.model).relationships if r.mapper.class_ is User]
        with app.test_request_context():
            from flask import url_for
            create_url = url_for(f"{view.endpoint}.create_view")
        page = client.get(create_url).get_data(as_text=True)
        for key in people:
            if f'name="{key}"' not in page:
                continue
            checked += 1
            assert "staff B" in page, f"{view.endpoint}.{key}: B's members missing"
            assert "staff A" not in page and "admin A" not in page, f"{view.endpoint}.{key} lists A's users"
    assert checked, "no view with a people picker was found to check"


def test_a_workflow_state_is_shown_by_its_name_on_list_and_details(world, client_for, app):
    """The tasks example declares states {"doing": ("处理中", "In progress")}:
    its screens show the name, in the interface language, not the code."""
    from core.extensions import db
    from core.records import tenancy
    from tests.plugins.tasks.models import Task
    with app.app_context(), tenancy.acting_as(world.company("A"), world.user("admin@a.test")):
        task = Task(title="状态显示", state="doing")
        db.session.add(task)
        db.session.commit()
        task_id = task.id
    c = client_for("staff@a.test")
    listed = c.get("/admin/tasks/task/").get_data(as_text=True)
    details = c.get(f"/admin/tasks/task/details/?id={task_id}").get_data(as_text=True)
    for page in (listed, details):
        assert "In progress" in page and ">doing<" not in page
    c.http.environ_base["HTTP_ACCEPT_LANGUAGE"] = "zh-CN"
    assert "处理中" in c.get(f"/admin/tasks/task/details/?id={task_id}").get_data(as_text=True)
