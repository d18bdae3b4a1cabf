"""Company settings: declarations, defaults (manifest first), per-company
values, validation (all or nothing), the Settings screen, permissions, the
module gate and the audit trail."""
from __future__ import annotations

import decimal

import pytest
from marshmallow import ValidationError

from core.records import tenancy
from core.extensions import db
from core.models import AuditEntry, CompanySetting
from core.plugin.modules import disable_module
from core.settings.declared import _MISSING
from core.settings import (Setting, SettingsError, SettingsRegistry, UnknownSetting, get_setting,
                           set_settings, settings_registry)


def settings_rows(app):
    """Every stored company value: ``{(company_id, key): value}``."""
    with app.app_context():
        return {(r.company_id, r.key): r.value for r in db.session.query(CompanySetting)}


# --- declarations ---------------------------------------------------------------

def test_default_comes_from_the_manifest(app, world):
    with app.app_context():
        registry = settings_registry()
        setting = registry.get("notes.max_pinned")
        assert setting.default is _MISSING  # not declared: MANIFEST.settings gives it
        assert registry.defaults["notes.max_pinned"] == 5
        assert setting.plugin_key == "notes"
        a = world.company("A")
        assert get_setting("notes.max_pinned", a) == 5
        assert get_setting("notes.reply_hours", a) == decimal.Decimal(24)   # declared default
        assert get_setting("notes.bonus_rate", a) == decimal.Decimal("0.05")
        assert get_setting("core.calendar.weekdays", a) == [0, 1, 2, 3, 4]
        with tenancy.acting_as(a):  # company defaults to the current one
            assert get_setting("notes.color") == "yellow"


def test_manifest_default_wins_and_is_validated():
    registry = SettingsRegistry()
    registry.add("demo", [Setting("demo.limit", "int", default=1, max=10)], {"limit": 7})
    assert registry.defaults["demo.limit"] == 7
    with pytest.raises(ValueError, match=r"default 70 of setting 'demo\.big' is invalid"):
        registry.add("demo", [Setting("demo.big", "int", max=10)], {"big": 70})
    with pytest.raises(ValueError, match="has no default"):
        registry.add("demo", [Setting("demo.nothing", "int")], {})
    with pytest.raises(ValueError, match="outside its namespace"):
        registry.add("demo", [Setting("other.limit", "int", default=1)])
    with pytest.raises(ValueError, match="declared twice"):
        registry.add("demo", [Setting("demo.limit", "int", default=1)])
    with pytest.raises(ValueError, match="must look like"):
        Setting("Demo limit", "int", default=1)
    with pytest.raises(ValueError, match="type 'float' is not one of"):
        Setting("demo.x", "float", default=1)
    with pytest.raises(TypeError, match="not a core.settings.Setting"):
        registry.add("demo", [{"key": "demo.x"}])


def test_deployment_override_of_the_manifest_default(app):
    # plugins.toml [settings.notes] max_pinned = 8 reaches the registry through PluginInfo.settings.
    from core.plugin.registry import PluginInfo
    info = PluginInfo(key="notes", source="test", settings={"max_pinned": 8})
    registry = SettingsRegistry()
    registry.add("notes", [Setting("notes.max_pinned", "int", max=50)], info.settings)
    assert registry.default("notes.max_pinned") == 8


def test_stored_value_no_longer_valid_falls_back_to_default(app, world):
    with app.app_context():
        a = world.company("A")
        db.session.add(CompanySetting(company_id=a.id, key="notes.color", value="purple"))
        db.session.commit()
        assert get_setting("notes.color", a) == "yellow"


def test_unknown_key_is_a_clear_error(app, world):
    with app.app_context():
        with pytest.raises(UnknownSetting, match=r"unknown setting 'notes\.max_pined'.*notes declares"):
            get_setting("notes.max_pined", world.company("A"))
        with pytest.raises(KeyError):
            get_setting("nobody.nothing", world.company("A"))


def test_get_setting_needs_a_company(app):
    with app.app_context():
        with pytest.raises(tenancy.NoCurrentCompany):
            get_setting("notes.max_pinned")


def test_custom_marshmallow_validator():
    def even(value):
        if value % 2:
            raise ValidationError("Must be even.")
    setting = Setting("demo.pairs", "int", default=2, validate=even)
    assert setting.check("4") == 4
    with pytest.raises(ValidationError, match="Must be even"):
        setting.check(3)


# --- values per company -----------------------------------------------------------

def test_company_value_overrides_default_and_other_company_unaffected(app, world):
    with app.app_context():
        a, b = world.company("A"), world.company("B")
        admin = world.user("admin@a.test")
        changed = set_settings({"notes.max_pinned": "9", "notes.color": "blue",
                                "core.calendar.hours": "08:00-12:00, 13:00-17:00"}, a, admin)
        assert set(changed) == {"notes.max_pinned", "notes.color", "core.calendar.hours"}
        assert changed["notes.max_pinned"] == (5, 9)
    with app.app_context():
        a, b = world.company("A"), world.company("B")
        assert get_setting("notes.max_pinned", a) == 9
        assert get_setting("notes.color", a) == "blue"
        assert get_setting("core.calendar.hours", a) == [["08:00", "12:00"], ["13:00", "17:00"]]
        assert get_setting("notes.max_pinned", b) == 5
        assert get_setting("notes.color", b) == "yellow"
        rows = db.session.query(CompanySetting).all()
        assert {r.company_id for r in rows} == {a.id}
        assert all(r.updated_by_id == world.user("admin@a.test").id for r in rows)


def test_invalid_values_rejected_all_or_nothing(app, world):
    with app.app_context():
        a = world.company("A")
        with pytest.raises(SettingsError) as info:
            set_settings({"notes.max_pinned": "8", "notes.review_days": "11", "notes.color": "red",
                          "notes.reply_hours": "0", "core.calendar.weekdays": [],
                          "core.calendar.hours": "12:00-08:00"}, a)
        errors = info.value.errors
        assert "notes.max_pinned" not in errors
        assert errors["notes.review_days"] == ["Must be between 0 and 10."]
        assert "Choose one of: yellow, blue." in errors["notes.color"]
        assert errors["notes.reply_hours"] == ["Must be more than 0."]
        assert errors["core.calendar.weekdays"] == ["Choose at least one day."]
        assert "must start before it ends" in errors["core.calendar.hours"][0]
    assert settings_rows(app) == {}
    with app.app_context():
        assert get_setting("notes.max_pinned", world.company("A")) == 5
        assert db.session.query(AuditEntry).filter_by(table_name="company_settings").count() == 0


def test_changes_are_audited(app, world):
    with app.app_context():
        a, admin = world.company("A"), world.user("admin@a.test")
        set_settings({"notes.max_pinned": 9}, a, admin)
        set_settings({"notes.max_pinned": 12, "notes.color": "yellow"}, a, admin)  # colour unchanged
        entries = (db.session.query(AuditEntry).filter_by(table_name="company_settings")
                   .order_by(AuditEntry.id).all())
        assert [(e.action, e.changes) for e in entries] == [
            ("create", {"notes.max_pinned": [5, 9]}), ("update", {"notes.max_pinned": [9, 12]})]
        assert {e.user_id for e in entries} == {admin.id} and {e.company_id for e in entries} == {a.id}


def test_disabled_module_settings_not_accepted(app, world):
    with app.app_context():
        a = world.company("A")
        disable_module(a, "tasks")
        disable_module(a, "notes")
        with pytest.raises(SettingsError) as info:
            set_settings({"notes.max_pinned": 3}, world.company("A"))
        assert "not enabled" in info.value.errors["notes.max_pinned"][0]
    assert settings_rows(app) == {}


# --- the screen -----------------------------------------------------------------------

def test_settings_screen_shows_groups_and_saves(world, client_for, app):
    admin = client_for("admin@a.test")
    page = admin.get("/admin/settings/")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert 'id="settings-core"' in html and 'id="settings-notes"' in html
    assert "Most pinned notes" in html and 'name="csrf_token"' in html
    assert "/admin/settings/" in admin.get("/admin/").get_data(as_text=True)  # menu entry
    response = admin.post("/admin/settings/", {"notes.max_pinned": "11", "notes.autoarchive": ["false", "true"],
                                               "core.calendar.weekdays": ["", "0", "1", "2", "3", "4", "5"]})
    assert response.status_code == 302
    with app.app_context():
        a = world.company("A")
        assert get_setting("notes.max_pinned", a) == 11
        assert get_setting("notes.autoarchive", a) is True
        assert get_setting("core.calendar.weekdays", a) == [0, 1, 2, 3, 4, 5]
        assert get_setting("notes.color", a) == "yellow"  # not posted: untouched
    html = admin.get("/admin/settings/").get_data(as_text=True)
    assert 'value="11"' in html and "Settings saved" in html
    # The audit log screen shows the change.
    audit = admin.get("/admin/core/audit/").get_data(as_text=True)
    assert "company_settings" in audit and "notes.max_pinned" in audit


def test_settings_screen_invalid_input_reshown_nothing_saved(world, client_for, app):
    admin = client_for("admin@a.test")
    response = admin.post("/admin/settings/", {"notes.max_pinned": "99", "notes.color": "blue",
                                               "notes.bonus_rate": "abc"})
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Nothing was saved" in html
    assert "Must be between 0 and 50." in html and "Enter a number." in html
    assert 'value="99"' in html and 'value="abc"' in html  # the input is kept
    assert settings_rows(app) == {}


def test_settings_screen_refuses_without_csrf(world, client_for, app):
    admin = client_for("admin@a.test")
    assert admin.post("/admin/settings/", {"notes.max_pinned": "7"}, csrf=False).status_code == 400
    assert settings_rows(app) == {}


@pytest.mark.parametrize("email, read, write", [
    ("admin@a.test", 200, True), ("manager@a.test", 200, False),
    ("staff@a.test", 403, False), ("readonly@a.test", 403, False)])
def test_settings_permissions(world, client_for, app, email, read, write):
    client = client_for(email)
    page = client.get("/admin/settings/")
    assert page.status_code == read
    if read == 200:
        assert ('id="settings-save"' in page.get_data(as_text=True)) == write
    response = client.post("/admin/settings/", {"notes.max_pinned": "7"})
    if write:
        assert response.status_code == 302
    else:
        assert response.status_code == 403
        assert settings_rows(app) == {}


def test_other_company_admin_cannot_change_mine(world, client_for, app):
    b_admin = client_for("admin@b.test")
    assert b_admin.post("/admin/settings/", {"notes.max_pinned": "7"}).status_code == 302
    with app.app_context():
        assert get_setting("notes.max_pinned", world.company("A")) == 5
        assert get_setting("notes.max_pinned", world.company("B")) == 7


def test_disabled_module_settings_not_shown_nor_accepted(world, client_for, app):
    with app.app_context():
        disable_module(world.company("A"), "tasks")
        disable_module(world.company("A"), "notes")
    admin = client_for("admin@a.test")
    html = admin.get("/admin/settings/").get_data(as_text=True)
    assert 'id="settings-core"' in html and "notes.max_pinned" not in html
    response = admin.post("/admin/settings/", {"notes.max_pinned": "7"})
    assert response.status_code == 400
    assert "not enabled" in response.get_data(as_text=True)
    assert settings_rows(app) == {}


def test_settings_screen_in_chinese(world, app):
    from tests.fixtures import Client
    client = Client(app)
    client.http.environ_base["HTTP_ACCEPT_LANGUAGE"] = "zh-CN"
    assert client.login("admin@a.test").status_code == 302
    html = client.get("/admin/settings/").get_data(as_text=True)
    assert "最多置顶便签数" in html and "工作日" in html and "黄色" in html
