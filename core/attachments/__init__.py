"""Files attached to records (``core.attachments``).

An entity opts in with :class:`~core.records.entities.Attachments` on its
declaration (allowed kinds, size and count caps, append-only evidence);
everything else is core's, once: content checks (:mod:`.content`), the
store (:mod:`.storage`), access through the owning record (:mod:`.service`),
images on printed forms (:mod:`.printing`). The admin shell adds a panel to
the record page of every screen whose entity opted in (``admin/attachments.py``).
"""
from typing import Any

from core.records.entities import Attachments
from core.attachments.content import KINDS, accept_attribute, human_size, inspect_upload, kind_labels, safe_name
from core.attachments.models import Attachment
from core.attachments.storage import LocalStorage, Storage, init_storage, storage, use_storage
from core.attachments.service import add, declared, fetch, get, images_of, listing, may_remove, named_users, remove
from core.attachments.printing import SCHEME, attachment_images, print_bytes, printing

__all__ = ["Attachments", "Attachment", "KINDS", "Storage", "LocalStorage", "init_attachments", "storage",
           "use_storage", "add", "declared", "get", "fetch", "images_of", "listing", "may_remove", "named_users",
           "remove", "accept_attribute", "human_size", "inspect_upload", "kind_labels", "safe_name",
           "SCHEME", "attachment_images", "print_bytes", "printing"]


def init_attachments(app: Any) -> None:
    """At start (``create_app``, after the entities): the store, and each
    opted-in entity's declaration checked, naming its plugin (an unknown
    kind, a ``protected_from`` field the model does not have)."""
    from core.records.entities import EntityRegistry
    init_storage(app)
    for entity in app.extensions[EntityRegistry.extension].by_key.values():
        decl = entity.attachments
        if decl is None:
            continue
        where = f"plugin {entity.plugin_key!r}: entity {entity.key!r}: Attachments"
        unknown = [k for k in decl.kinds if k not in KINDS]
        if unknown:
            raise ValueError(f"{where}.kinds has {', '.join(unknown)}; kinds are {', '.join(KINDS)}")
        missing = [f for f in decl.protected_from if not hasattr(entity.model, f)]
        if missing:
            raise ValueError(f"{where}.protected_from names {', '.join(missing)}, which "
                             f"{entity.model.__name__} does not have")
