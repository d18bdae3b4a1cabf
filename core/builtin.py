"""Core's own hook implementations, registered like a plugin named "core"."""
from core.hookspecs import hookimpl
from core.permissions import Permission


@hookimpl
def register_permissions():
    return [
        Permission("core.module.read", frozenset({"admin"}), "See the Modules screen"),
        Permission("core.module.write", frozenset({"admin"}), "Enable and disable modules"),
        Permission("core.audit.read", frozenset({"admin", "manager"}), "Read the audit log"),
        Permission("core.printjob.read", frozenset({"admin"}), "Read the print log"),
    ]
