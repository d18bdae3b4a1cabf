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
