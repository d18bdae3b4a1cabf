"""The manifest a plugin declares: who it is and what it needs."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Mapping

_KEY = re.compile(r"^[a-z][a-z0-9_]{1,39}$")

#: Chinese names of the categories qdesk's own plugins use.
CATEGORIES_ZH = {"Sales & service": "销售与服务", "Quality": "质量管理", "Human resources": "人力资源",
                 "Training": "培训", "Examples": "示例"}


@dataclass(frozen=True)
class Manifest:
    """Identity and requirements of a plugin, as ``MANIFEST`` in its package.

    :param key: unique plugin key, also the entry-point name, the table and
        endpoint prefix and the permission namespace (``crm``, ``after_sales``).
    :param name_zh: display name in Chinese.
    :param name_en: display name in English.
    :param version: the plugin's version string.
    :param depends: keys of plugins that must be installed and, per company,
        enabled before this one.
    :param category: grouping on the Modules screen, in English.
    :param category_zh: the grouping in Chinese (default: core's word for a
        known English one, see :data:`CATEGORIES_ZH`, else the English).
    :param sequence: order in menus and lists (lower first).
    :param description_zh: one-line description in Chinese.
    :param description_en: one-line description in English.
    :param settings: setting names and their default values; ``plugins.toml``
        ``[settings.<key>]`` overrides them for a deployment.
    """

    key: str
    name_zh: str
    name_en: str
    version: str
    depends: tuple[str, ...] = ()
    category: str = ""
    category_zh: str = ""
    sequence: int = 100
    description_zh: str = ""
    description_en: str = ""
    settings: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not _KEY.match(self.key):
            raise ValueError(
                f"plugin key {self.key!r} must be 2-40 characters of a-z, 0-9 and _, "
                "starting with a letter"
            )
        if self.key == "core":
            raise ValueError("plugin key 'core' is reserved for qdesk's own hooks and permissions")
        object.__setattr__(self, "depends", tuple(self.depends))
        if self.key in self.depends:
            raise ValueError(f"plugin {self.key!r} cannot depend on itself")

    def name(self, locale: str | None = None) -> str:
        """The display name in ``locale`` (``zh...`` → Chinese, else English)."""
        return self.name_zh if (locale or "").startswith("zh") else self.name_en

    def category_name(self, locale: str | None = None) -> str:
        """The category in ``locale`` (``zh...`` → Chinese, else English)."""
        if (locale or "").startswith("zh"):
            return self.category_zh or CATEGORIES_ZH.get(self.category, self.category)
        return self.category

    def description(self, locale: str | None = None) -> str:
        """The description in ``locale`` (``zh...`` → Chinese, else English)."""
        return self.description_zh if (locale or "").startswith("zh") else self.description_en
