"""What the quality plugin does when a record moves in a workflow (hook
record_transitioned), one function per concern."""


def transitioned(company, record, workflow, transition, from_state, to_state, comment, user) -> None:
    _complaints(company, record, workflow, transition, from_state, to_state, comment, user)
    _tracking(company, record, workflow, transition, from_state, to_state, comment, user)
    _callbacks(company, record, workflow, transition, from_state, to_state, comment, user)
    _capa(company, record, workflow, transition, from_state, to_state, comment, user)


# --- complaints ---------------------------------------------------------------
def _complaints(company, record, workflow, transition, from_state, to_state, comment, user) -> None:
    return None


# --- tracking ---------------------------------------------------------------
def _tracking(company, record, workflow, transition, from_state, to_state, comment, user) -> None:
    return None


# --- callbacks ---------------------------------------------------------------
def _callbacks(company, record, workflow, transition, from_state, to_state, comment, user) -> None:
    return None


# --- capa ---------------------------------------------------------------
def _capa(company, record, workflow, transition, from_state, to_state, comment, user) -> None:
    """Nothing: this hook runs after the commit and may not write (docs/hooks.md),
    so T-AS-16 is the "Create CAPA" action (actions.py ``_capa``), offered on a
    service report reviewed as 需采取纠正/预防措施; it makes the CAPA and fills
    the report's capa_ref in one transaction."""
    return None
