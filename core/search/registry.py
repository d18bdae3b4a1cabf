"""The searchable entities of an app (``app.extensions["qdesk.search"]``)."""
from __future__ import annotations

from typing import Any

from flask import current_app, has_app_context

from core.search.declare import Plan, RelatedPlan, resolve

EXTENSION = "qdesk.search"


class SearchRegistry:
    """Each entity's :class:`~core.search.declare.Plan`, by key and by model,
    and which related models' changes touch which entities' documents."""

    def __init__(self) -> None:
        self.by_entity: dict[str, Plan] = {}
        self.by_model: dict[type, Plan] = {}
        self.watchers: dict[type, list[tuple[Plan, RelatedPlan]]] = {}

    def add(self, plan: Plan) -> None:
        self.by_entity[plan.entity] = plan
        self.by_model[plan.model] = plan
        for rel in plan.related:
            self.watchers.setdefault(rel.model, []).append((plan, rel))

    def plan_of(self, what: Any) -> Plan:
        """The plan of an entity key or model; ``KeyError`` if it declares no search."""
        plan = self.by_entity.get(what) if isinstance(what, str) else self.by_model.get(what)
        if plan is None:
            raise KeyError(f"{what!r} declares no search (Entity(..., search=Search(...)))")
        return plan

    @classmethod
    def current_or_none(cls) -> "SearchRegistry | None":
        return current_app.extensions.get(EXTENSION) if has_app_context() else None

    @classmethod
    def current(cls) -> "SearchRegistry":
        return current_app.extensions[EXTENSION]


def init_search(app: Any) -> SearchRegistry:
    """Resolve every entity's ``search`` (after ``register_entities``): a
    field or relationship the model does not have stops the start."""
    from core.records.entities import EntityRegistry
    registry = SearchRegistry()
    for entity in app.extensions[EntityRegistry.extension].by_key.values():
        search = getattr(entity, "search", None)
        if search is not None:
            try:
                registry.add(resolve(entity.key, entity.model, search))
            except ValueError as error:
                raise ValueError(f"plugin {entity.plugin_key!r}: {error}") from None
    app.extensions[EXTENSION] = registry
    return registry
