"""Demonstration data for each demo company (after the CRM's)."""
from __future__ import annotations


def load(company, users) -> None:
    """Nothing yet."""
