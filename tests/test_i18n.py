"""The interface in Chinese and English: catalogs of core and of plugins,
the language choice (user, session, Accept-Language), Flask-Admin's strings."""
from pathlib import Path

import pytest
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

from core.extensions import db
from core.models import User
from tests.fixtures import PASSWORD, Client

ROOT = Path(__file__).resolve().parent.parent
CATALOGS = sorted([ROOT / "core/translations/zh_Hans_CN/LC_MESSAGES/messages.po",
                   *ROOT.glob("tests/plugins/*/translations/zh_Hans_CN/LC_MESSAGES/messages.po"),
                   *ROOT.glob("plugins/*/translations/zh_Hans_CN/LC_MESSAGES/messages.po")])


def client_in(app, email, language):
    client = Client(app)
    client.http.environ_base["HTTP_ACCEPT_LANGUAGE"] = language
    assert client.login(email).status_code == 302
    return client


def test_chinese_browser_gets_chinese_menus_and_plugin_labels(world, app):
    page = client_in(app, "admin@a.test", "zh-CN,zh;q=0.9").get("/admin/").get_data(as_text=True)
    assert "首页" in page and "系统管理" in page and "模块管理" in page
    assert "便签" in page and "标签" in page            # the notes plugin's own catalog
    assert "管理员" in page                              # role label in the navbar
    assert ">Modules<" not in page


def test_english_browser_gets_english(world, app):
    page = client_in(app, "admin@a.test", "en-US,en;q=0.9").get("/admin/").get_data(as_text=True)
    assert "Home" in page and "Modules" in page and "Notes" in page
    assert "模块管理" not in page and "便签" not in page


def test_no_language_header_defaults_to_chinese(world, app):
    client = client_in(app, "admin@a.test", "")
    assert "模块管理" in client.get("/admin/modules/").get_data(as_text=True)


def test_modules_screen_and_flash_messages_follow_the_language(world, app):
    zh = client_in(app, "admin@a.test", "zh-CN")
    page = zh.get("/admin/modules/").get_data(as_text=True)
    assert "已启用" in page and "停用" in page
    page = zh.post("/admin/modules/notes/disable", follow_redirects=True).get_data(as_text=True)
    assert "不能停用 notes" in page and "tasks" in page


def test_flask_admin_strings_are_chinese(world, app):
    page = client_in(app, "staff@a.test", "zh-CN").get("/admin/notes/note/").get_data(as_text=True)
    assert "列表" in page   # Flask-Admin's own catalog ("List")


def test_login_error_in_chinese(world, app):
    client = Client(app)
    client.http.environ_base["HTTP_ACCEPT_LANGUAGE"] = "zh-CN"
    response = client.login("admin@a.test", "wrong-password")
    assert response.status_code == 401
    assert "电子邮箱或密码错误" in response.get_data(as_text=True)


def test_language_switch_is_kept_on_the_user(world, app):
    client = client_in(app, "admin@a.test", "en")
    response = client.post("/set-language", {"locale": "zh_Hans_CN"})
    assert response.status_code == 302
    assert "模块管理" in client.get("/admin/").get_data(as_text=True)
    with app.app_context():
        assert db.session.query(User).filter_by(email="admin@a.test").one().locale == "zh_Hans_CN"
    # A new session of the same user, from an English browser, keeps Chinese.
    assert "模块管理" in client_in(app, "admin@a.test", "en").get("/admin/").get_data(as_text=True)
    client.post("/set-language", {"locale": "en"})
    assert "Modules" in client.get("/admin/").get_data(as_text=True)


def test_unknown_language_is_ignored(world, app):
    client = client_in(app, "admin@a.test", "en")
    client.post("/set-language", {"locale": "xx"})
    assert "Modules" in client.get("/admin/").get_data(as_text=True)


def test_language_switch_needs_csrf(world, app):
    client = client_in(app, "admin@a.test", "en")
    assert client.post("/set-language", {"locale": "zh_Hans_CN"}, csrf=False).status_code == 400


@pytest.mark.parametrize("po_path", CATALOGS, ids=lambda p: str(p.relative_to(ROOT).parts[:-3]))
def test_catalogs_are_complete_and_compiled(po_path):
    """Every message has a Chinese translation and the .mo the app reads
    matches the .po (run scripts/i18n.sh compile after editing)."""
    with po_path.open("rb") as f:
        po = read_po(f)
    with po_path.with_suffix(".mo").open("rb") as f:
        mo = read_mo(f)
    untranslated = [m.id for m in po if m.id and not m.string]
    assert untranslated == []
    def entries(catalog):  # plural forms come as lists from one reader, tuples from the other
        as_key = lambda value: tuple(value) if isinstance(value, (list, tuple)) else value  # noqa: E731
        return {as_key(m.id): as_key(m.string) for m in catalog if m.id}
    assert entries(po) == entries(mo)


CATALOG_SOURCES = [("core/translations", ("core", "admin"))] + [
    (str(path.parent.relative_to(ROOT) / "translations"), (str(path.parent.relative_to(ROOT)),))
    for path in sorted(ROOT.glob("plugins/*/manifest.py")) if (path.parent / "translations").is_dir()]


@pytest.mark.parametrize("catalog, folders", CATALOG_SOURCES, ids=[c for c, _ in CATALOG_SOURCES])
def test_catalog_covers_every_marked_message(catalog, folders):
    """No message marked in core, the admin shell or a built-in plugin is
    missing from its catalog (scripts/i18n.sh update [PLUGIN_DIR])."""
    from babel.messages.extract import extract_from_dir
    with (ROOT / catalog / "zh_Hans_CN/LC_MESSAGES/messages.po").open("rb") as f:
        known = {(m.id if isinstance(m.id, str) else m.id[0]) for m in read_po(f) if m.id}
    keywords = {"_": None, "gettext": None, "lazy_gettext": None, "_l": None, "_gettext": None, "ngettext": (1, 2)}
    method_map = [("**.py", "python"), ("**/templates/**.html", "jinja2")]
    marked = set()
    for folder in folders:
        for _, _, message, _, _ in extract_from_dir(str(ROOT / folder), method_map, keywords=keywords):
            marked.add(message if isinstance(message, str) else message[0])
    assert sorted(marked - known) == [], f"run scripts/i18n.sh update {' '.join(folders)} and translate"


def test_dates_on_screens_follow_the_language(world, app):
    """The same record's creation time, formatted per locale on its details page."""
    from tests.fixtures import make_note
    nid = make_note(app, "A", title="dated")
    with app.app_context():
        from core.calendar.timezone import to_local
        from tests.plugins.notes.models import Note
        # Shown in the company's zone (Asia/Shanghai): from 16:00 UTC that is the next day.
        created = to_local(db.session.get(Note, nid).created_at, world.company("A"))
    zh = client_in(app, "staff@a.test", "zh-CN").get(f"/admin/notes/note/details/?id={nid}").get_data(as_text=True)
    en = client_in(app, "staff@a.test", "en").get(f"/admin/notes/note/details/?id={nid}").get_data(as_text=True)
    assert f"{created.year}年{created.month}月{created.day}日" in zh
    assert created.strftime("%b") in en and f"{created.year}年" not in en


def test_no_two_catalogs_translate_one_message_differently():
    # Core merges every plugin's catalog into one: for a msgid two catalogs
    # translate differently, the last plugin loaded wins everywhere (the
    # CRM's 售后服务责任人 read 负责人 once the quality module was installed).
    # A plugin whose meaning differs uses a msgid of its own ("Person in charge").
    # The example plugins of the tests are never installed beside them.
    seen: dict[str, tuple[str, str]] = {}
    clashes = []
    for path in (p for p in CATALOGS if "tests/plugins" not in p.as_posix()):
        with path.open("rb") as f:
            for message in read_po(f):
                if not message.id or not message.string:
                    continue
                where = str(path.relative_to(ROOT)).split("/translations")[0]
                first = seen.setdefault(message.id, (message.string, where))
                if first[0] != message.string:
                    clashes.append(f"{message.id!r}: {first[1]} {first[0]!r}, {where} {message.string!r}")
    assert clashes == []


def test_names_in_a_sentence_are_listed_as_each_language_lists_them():
    from core.i18n import join_names
    assert join_names(["承运单位", "运单号"], "zh_Hans_CN") == "承运单位、运单号"
    assert join_names(["Carrier", "Waybill"], "en") == "Carrier, Waybill"
    assert join_names([], "en") == ""
