"""The screen of external providers (owners of property that are not customers)."""
from __future__ import annotations

from flask_babel import gettext, lazy_gettext as _l

from admin.views import CompanyModelView
from core import db
from core.errors import Invalid
from core.records import tenancy

from ..models import Provider


class ProviderView(CompanyModelView):
    model = Provider
    label = _l("External providers")
    column_list = ("code", "name", "contact", "phone")
    column_labels = {"code": _l("Code"), "name": _l("Name"), "contact": _l("Contact"), "phone": _l("Phone"),
                     "notes": _l("Notes")}
    column_searchable_list = ("code", "name", "contact")
    column_sortable_list = ("code", "name")
    column_default_sort = "code"
    form_columns = ("code", "name", "contact", "phone", "notes")

    def on_model_change(self, form, model, is_created):
        super().on_model_change(form, model, is_created)
        with db.session.no_autoflush:
            other = tenancy.scoped_query(Provider).filter(Provider.code == model.code,
                                                          Provider.id != (model.id or 0)).first()
        if other is not None:
            raise Invalid(gettext("Code %(code)s already exists.", code=model.code), field="code")


VIEWS = [ProviderView]
