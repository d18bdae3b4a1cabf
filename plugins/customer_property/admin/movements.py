"""The movements of customer property: recorded, never edited or deleted
(a mistake is corrected by another movement); each is posted to its item's
balances at once, or refused with what is on hand (balances.py)."""
from __future__ import annotations

from flask import request
from flask_babel import gettext, lazy_gettext as _l

from admin.choices import choice_options, label_formatter
from admin.views import CompanyModelView
from core.calendar.timezone import local_now
from core.errors import DomainError, Invalid

from ..models import MOVEMENT_KINDS, PropertyMovement

LABELS = {"item": _l("Customer property"), "kind": _l("Movement"), "quantity": _l("Quantity"),
          "moved_at": _l("Date and time"), "order_ref": _l("Order used on"),
          "from_quarantine": _l("From quarantine"), "owner_document": _l("Owner's receipt or consent"),
          "handled_by": _l("Handled by"), "notes": _l("Notes"), "item.number": _l("Register No."),
          "item.name": _l("Name")}


def _item_from_args():
    """The register line ``?item=`` names, when the user may read it here."""
    from core.records import access
    raw = request.args.get("item")
    if not raw:
        return None
    try:
        return access.get("customer_property.item", raw)
    except (DomainError, Invalid):
        return None


class PropertyMovementView(CompanyModelView):
    model = PropertyMovement
    label = _l("Property movements")
    column_list = ("moved_at", "item", "kind", "quantity", "order_ref", "owner_document", "handled_by")
    column_labels = LABELS
    column_searchable_list = ("order_ref", "owner_document", "item.number", "item.name")
    column_filters = ("kind", "moved_at", "item.number")
    column_sortable_list = ("moved_at", "kind", "quantity")
    column_default_sort = ("id", True)
    column_formatters = {"kind": label_formatter(MOVEMENT_KINDS)}
    column_formatters_detail = column_formatters
    column_formatters_export = column_formatters
    form_columns = ("item", "kind", "quantity", "moved_at", "order_ref", "from_quarantine", "owner_document",
                    "handled_by", "notes")
    form_choices = {"kind": choice_options(MOVEMENT_KINDS)}
    form_ajax_refs = {"item": {"fields": ("number", "name"), "page_size": 20}}
    form_args = {"quantity": {"description": _l("Whole units of the line's unit.")},
                 "order_ref": {"description": _l("Needed for an issue or a consumption.")},
                 "from_quarantine": {"description": _l("A return to the owner or a disposal of the quarantined "
                                                       "quantity.")},
                 "owner_document": {"description": _l("Needed for a return to the owner (their receipt) or a "
                                                      "disposal (their written consent).")}}
    form_create_defaults = {"moved_at": lambda: local_now().replace(second=0, microsecond=0),
                            "item": _item_from_args}

    def search_placeholder(self):
        return gettext("Order, owner's document, register No. or name")

    def on_model_change(self, form, model, is_created):
        super().on_model_change(form, model, is_created)
        if model.moved_at is None:
            model.moved_at = local_now().replace(microsecond=0)


VIEWS = [PropertyMovementView]
