"""The entities of this module (core.records): their permissions, labels
and search. Movements are append-only: created, never written or deleted
(a mistake is corrected by another movement, so the history stays whole)."""
from __future__ import annotations


def entities() -> list:
    from core.records.entities import Entity
    from core.search import Related, Search
    from .models import PropertyItem, PropertyMovement, Provider
    return [
        Entity("customer_property.provider", Provider, "外部供方", "External provider",
               search=Search(fields=("code", "name", "contact"))),
        Entity("customer_property.item", PropertyItem, "顾客财产", "Customer property",
               search=Search(fields=("number", "name", "spec", "lot", "serial", "contract_ref"),
                             related=(Related("customer", fields=("name", "code"), archived=True),
                                      Related("provider", fields=("name", "code"), archived=True)))),
        Entity("customer_property.movement", PropertyMovement, "顾客财产变动", "Property movement",
               write=(), delete=()),
    ]
