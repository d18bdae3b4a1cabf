"""Screen of the company's work-order categories 工单类别 (admins and
managers edit it; everyone reads it): the eight defaults are there from
the module's enablement (plugins/after_sales/categories.py); a category may
promise its own response and resolution times, which replace the
company's settings for its orders unless a service agreement promises
others (plugins/after_sales/deadlines.py)."""
from __future__ import annotations

from flask_babel import gettext, lazy_gettext as _l

from admin.choices import choice_options, label_formatter
from admin.views import CompanyModelView
from core import db
from core.errors import Invalid
from core.records import tenancy

from .agreements import target_formatter
from ..models import TARGET_UNITS, WorkOrderCategory
from ..rules import target_error

#: A code is what other modules (and the demo) find a category by.
CODE_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789_-")


class WorkOrderCategoryView(CompanyModelView):
    model = WorkOrderCategory
    label = _l("Work order categories")
    column_list = ("sort", "code", "name_zh", "name_en", "is_complaint", "response_target", "resolution_target")
    column_labels = {"code": _l("Code"), "name_zh": _l("Name (Chinese)"), "name_en": _l("Name (English)"),
                     "is_complaint": _l("Complaint"), "sort": _l("Sort order"),
                     "response_amount": _l("Response within"), "response_unit": _l("Response unit"),
                     "resolution_amount": _l("Resolution within"), "resolution_unit": _l("Resolution unit"),
                     "response_target": _l("Response target"), "resolution_target": _l("Resolution target")}
    column_searchable_list = ("code", "name_zh", "name_en")
    column_filters = ("is_complaint",)
    column_sortable_list = ("sort", "code", "name_zh", "name_en", "is_complaint")
    column_default_sort = "sort"
    column_formatters = {"response_target": target_formatter("response"),
                         "resolution_target": target_formatter("resolution"),
                         "response_unit": label_formatter(TARGET_UNITS),
                         "resolution_unit": label_formatter(TARGET_UNITS)}
    column_formatters_detail = column_formatters
    column_formatters_export = column_formatters
    column_details_list = ("code", "name_zh", "name_en", "is_complaint", "sort", "response_target",
                           "resolution_target", "created_at", "updated_at")
    form_columns = ("code", "name_zh", "name_en", "is_complaint", "sort", "response_amount", "response_unit",
                    "resolution_amount", "resolution_unit")
    form_choices = {"response_unit": [("", "—"), *choice_options(TARGET_UNITS)],
                    "resolution_unit": [("", "—"), *choice_options(TARGET_UNITS)]}
    form_args = {
        "code": {"description": _l("Lower-case letters, digits, - and _ (e.g. repair); it cannot change later.")},
        "is_complaint": {"description": _l("Orders of this category are customer complaints.")},
        "sort": {"default": 100, "description": _l("Lists and choices show the categories in this order.")},
        "response_amount": {"description": _l("Left empty: the company's default (a service agreement "
                                              "in force still comes first).")},
        "resolution_amount": {"description": _l("Left empty: the company's default (a service agreement "
                                                "in force still comes first).")},
    }

    def search_placeholder(self):
        return gettext("Code or name")

    def edit_form(self, obj=None):
        # The code is fixed once saved: other records (and part 2) find a
        # category by it; its names change instead.
        form = super().edit_form(obj)
        if "code" in form:
            del form["code"]
        return form

    def on_model_change(self, form, model, is_created):
        super().on_model_change(form, model, is_created)
        model.code = (model.code or "").strip().lower()
        model.name_zh = (model.name_zh or "").strip()
        model.name_en = (model.name_en or "").strip() or None
        for name in ("response_unit", "resolution_unit"):
            if not getattr(model, name):
                setattr(model, name, None)
        if not model.code or not set(model.code) <= CODE_CHARS:
            raise Invalid(gettext("A code is lower-case letters, digits, - and _ (e.g. repair)."), field="code")
        if not model.name_zh:
            raise Invalid(gettext("Give the category's Chinese name."), field="name_zh")
        problem = target_error(model)
        if problem:
            raise Invalid(problem[1], field=problem[0])
        with db.session.no_autoflush:
            other = (tenancy.scoped_query(WorkOrderCategory)
                     .filter(WorkOrderCategory.code == model.code, WorkOrderCategory.id != (model.id or 0)).first())
        if other is not None:
            raise Invalid(gettext("Code %(code)s is already used by the category %(name)s.", code=model.code,
                                  name=str(other)), field="code")


VIEWS = [WorkOrderCategoryView]
