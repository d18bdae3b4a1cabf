"""The customer property register 顾客财产登记表: one line per item or lot,
its owner, identification, storage and receipt verification; the balances
are shown, never typed (movements move them: balances.py). A new line is
registered with the quantity received, posted as its first movement."""
from __future__ import annotations

from flask_babel import gettext, lazy_gettext as _l
from wtforms import IntegerField
from wtforms.validators import InputRequired, NumberRange, Optional

from admin.choices import choice_options, label_formatter
from admin.views import CompanyModelView
from core import db
from core.calendar.timezone import local_now
from core.errors import Invalid
from core.records.inputs import INT_MAX

from ..models import KINDS, VERIFICATIONS, PropertyItem, PropertyMovement

LABELS = {"number": _l("Register No."), "customer": _l("Customer"),
          "provider": _l("External provider"), "kind": _l("Property kind"), "sub_kind": _l("Sub-kind (d)"),
          "name": _l("Name"), "spec": _l("Specification / drawing No."), "revision": _l("Revision"),
          "unit": _l("Unit"), "lot": _l("Lot"), "serial": _l("Serial No."), "marking": _l("Marking"),
          "contract_ref": _l("Contract / order No."), "location": _l("Storage location"),
          "custodian": _l("Custodian"), "protection": _l("Protection / confidentiality"),
          "received_at": _l("Received at"), "received_by": _l("Received by"),
          "verification": _l("Receipt verification"), "defect": _l("Defect found"),
          "verified_by": _l("Verified by"), "notes": _l("Notes"), "received": _l("Received"),
          "on_hand": _l("On hand"), "in_use": _l("In use"), "quarantined": _l("In quarantine"),
          "consumed": _l("Consumed"), "returned": _l("Returned to owner"), "disposed": _l("Disposed"),
          "received_quantity": _l("Quantity received"), "customer.name": _l("Customer"),
          "provider.name": _l("External provider")}


class PropertyItemView(CompanyModelView):
    model = PropertyItem
    label = _l("Customer property")
    column_list = ("number", "customer", "provider", "kind", "name", "spec", "unit", "received",
                   "on_hand", "in_use", "quarantined", "location", "custodian")
    column_labels = LABELS
    column_searchable_list = ("number", "name", "spec", "lot", "serial", "contract_ref", "customer.name",
                              "provider.name")
    column_filters = ("kind", "verification", "received_at", "customer.name", "provider.name")
    column_sortable_list = ("number", "kind", "name", "received", "on_hand", "received_at")
    column_default_sort = ("id", True)
    column_formatters = {"kind": label_formatter(KINDS),
                         "verification": label_formatter(VERIFICATIONS)}
    column_formatters_detail = column_formatters
    column_formatters_export = column_formatters
    column_details_list = ("number", "customer", "provider", "kind", "sub_kind", "name", "spec",
                           "revision", "unit", "lot", "serial", "marking", "contract_ref", "location", "custodian",
                           "protection", "received_at", "received_by", "verification", "defect", "verified_by",
                           "received", "on_hand", "in_use", "quarantined", "consumed", "returned", "disposed",
                           "notes", "created_at", "updated_at")
    form_columns = ("customer", "provider", "kind", "sub_kind", "name", "spec", "revision", "unit",
                    "lot", "serial", "marking", "contract_ref", "location", "custodian", "protection",
                    "received_at", "received_by", "verification", "defect", "verified_by", "notes")
    form_choices = {"kind": [("", "—"), *choice_options(KINDS)],
                    "verification": choice_options(VERIFICATIONS)}
    form_ajax_refs = {"customer": {"fields": ("code", "name"), "page_size": 20},
                      "provider": {"fields": ("code", "name"), "page_size": 20}}
    form_args = {"kind": {"validators": [InputRequired()]},
                 "customer": {"description": _l("The owner: a customer, or else an external provider below.")},
                 "sub_kind": {"description": _l("For d: 工装, 测量设备, 场地 …")},
                 "unit": {"description": _l("Quantities are whole numbers of this unit (2.5 kg: write 2500 g).")},
                 "defect": {"description": _l("Needed when the verification found a defect.")}}
    form_create_defaults = {"received_at": lambda: local_now().replace(second=0, microsecond=0)}

    def get_create_form(self):
        form = super().get_create_form()
        form.received_quantity = IntegerField(
            _l("Quantity received"), validators=[Optional(), NumberRange(min=1, max=INT_MAX)],
            description=_l("Posted as the line's receipt; later changes are movements (a receipt left "
                           "empty here is recorded there)."))
        return form

    def search_placeholder(self):
        return gettext("Register No., name, spec, lot, serial, contract or owner")

    def on_model_change(self, form, model, is_created):
        super().on_model_change(form, model, is_created)
        if model.customer is None and model.provider is None:
            raise Invalid(gettext("Choose the customer or the external provider the property belongs to."),
                          field="customer")
        if model.customer is not None and model.provider is not None:
            raise Invalid(gettext("A line belongs to one owner: a customer or an external provider, not both."),
                          field="provider")
        if model.kind == "other" and not (model.sub_kind or "").strip():
            raise Invalid(gettext("Kind d (other) needs its sub-kind: tools, measuring equipment, premises …"),
                          field="sub_kind")
        if model.verification == "defective" and not (model.defect or "").strip():
            raise Invalid(gettext("Describe the defect found on receipt."), field="defect")
        quantity = form.received_quantity.data if "received_quantity" in form else None
        if is_created and quantity:  # the first movement: posted to the balances at the same flush
            db.session.add(PropertyMovement(item=model, kind="receipt", quantity=quantity,
                                            moved_at=model.received_at, handled_by=model.received_by))


VIEWS = [PropertyItemView]
