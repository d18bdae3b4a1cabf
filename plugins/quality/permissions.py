"""Permissions of their own beyond each entity's read/create/write/delete."""


def permissions() -> list:
    return [*_complaints(), *_tracking(), *_callbacks(), *_capa()]


# --- complaints ---------------------------------------------------------------
def _complaints() -> list:
    return []


# --- tracking ---------------------------------------------------------------
def _tracking() -> list:
    return []


# --- callbacks ---------------------------------------------------------------
def _callbacks() -> list:
    return []


# --- capa ---------------------------------------------------------------
def _capa() -> list:
    return []
