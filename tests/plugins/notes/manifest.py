from core import Manifest

MANIFEST = Manifest(
    key="notes",
    name_zh="便签",
    name_en="Notes",
    version="1.0",
    category="Examples",
    sequence=10,
    description_zh="示例插件：带标签的便签。",
    description_en="Example plugin: notes with tags.",
    settings={"max_pinned": 5},
)
