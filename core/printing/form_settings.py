"""Each printed form's 表单编号, 版本 and Chinese title are company settings
(D-13, D-16): a company prints ``JL-7.5-02-3`` where its quality manual
says so, another its own ``QR-08-12``, and one complaint model is printed
as 质量信息反馈单 in one company and as 顾客信息反馈单 QP17-01 in another.

For every printable and period report core declares, in its plugin's
namespace, unless the plugin declares them itself:

* ``<key>.form_code``: the form code (default: the declaration's
  ``form_code``; letters, digits and ``. / - _``);
* ``<key>.edition``: the edition or revision (default: ``edition``);
* ``<key>.title``: the Chinese title printed instead of ``title_zh``
  (default: empty, the declaration's title). The English title stays.

:func:`form_header` is what the print frame shows for a company.
"""
from __future__ import annotations

from typing import Any

from core.i18n import translate as _gettext

#: The settings of a printed form, by suffix.
SUFFIXES = ("form_code", "edition", "title")
TITLE_MAX = 60


def _valid_code(value: Any) -> None:
    from marshmallow import ValidationError
    from core.printing.printables import FORM_CODE
    if not FORM_CODE.match(str(value or "")):
        raise ValidationError(_gettext("Use letters, digits and . / - _ only."))


def form_settings(item: Any) -> list[Any]:
    """The three settings of the printable or report ``item``."""
    from core.settings import Setting
    zh, en = item.title_zh or item.key, item.title_en or item.key
    return [
        Setting(f"{item.key}.form_code", "str", default=item.form_code, max_length=30, validate=_valid_code,
                label_zh=f"{zh}：表单编号", label_en=f"{en}: form No.",
                help_zh="印在表单右上角，按本公司质量手册填写；留空则不印。",
                help_en="Printed at the form's top right, as the company's quality manual numbers it; "
                        "empty prints none."),
        Setting(f"{item.key}.edition", "str", default=item.edition, max_length=30, validate=_valid_code,
                label_zh=f"{zh}：版本/修订状态", label_en=f"{en}: edition",
                help_zh="如 A/0；留空则不印。", help_en="E.g. A/0; empty prints none."),
        Setting(f"{item.key}.title", "str", default="", max_length=TITLE_MAX,
                label_zh=f"{zh}：打印标题", label_en=f"{en}: printed title (Chinese)",
                help_zh=f"留空则印“{zh}”。", help_en=f"Empty prints “{zh}”; the English print keeps “{en}”."),
    ]


def declare_form_settings(app: Any, plugins: Any) -> None:
    """Declare the settings of every registered printable and report that
    its plugin did not declare itself. Called at start, after the settings
    are collected (as the sequences' prefix settings are)."""
    settings = app.extensions["qdesk.settings"]
    items = [*app.extensions["qdesk.printables"].by_key.values(), *app.extensions["qdesk.reports"].by_key.values()]
    for item in items:
        missing = [s for s in form_settings(item) if s.key not in settings.by_key]
        if missing:
            settings.add_declared(plugins, item.plugin_key or item.module, missing)


def form_header(item: Any, company: Any, locale: str | None) -> dict[str, str]:
    """What the print frame shows of ``item`` for ``company``: ``form_title``
    (the company's Chinese title, else the declaration's; English:
    ``title_en``), ``form_code`` and ``form_edition``."""
    from core.settings import get_setting

    def value(suffix: str, default: str) -> str:
        try:
            found = get_setting(f"{item.key}.{suffix}", company=company)
        except KeyError:  # an app built without the settings (a bare test app)
            found = None
        return default if found is None else str(found).strip()
    chinese = (locale or "").startswith("zh")
    title = (value("title", "") or item.title_zh) if chinese else item.title_en
    return dict(form_title=title, form_code=value("form_code", item.form_code),
                form_edition=value("edition", item.edition))
