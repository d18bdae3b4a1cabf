"""Screen of the after-sales knowledge base 售后服务知识库 (AS-30): problem,
cause and solution by product and category. Its search box goes through
core's index (the entity declares its search: plugins/after_sales/entities.py);
the list filters by product and by category; an article's page lists the
work orders that point at it (saved from them, or helped by it)."""
from __future__ import annotations

from flask_admin.contrib.sqla.filters import BaseSQLAFilter
from flask_babel import get_locale, gettext, lazy_gettext as _l
from markupsafe import Markup, escape

from admin.views import CompanyModelView
from core.errors import Invalid
from core.records import access, inputs, tenancy

from ..models import KnowledgeArticle, Product, WorkOrder, WorkOrderCategory

#: The most work orders an article's page lists (newest first).
ORDERS_SHOWN = 50


class CompanyRecords:
    """The choices of a filter: the current company's records of ``model``
    (not archived), read each time the list is drawn (Flask-Admin keeps a
    filter's options from the start, when there is no company)."""

    def __init__(self, model, order_by):
        self.model, self.order_by = model, order_by

    def __bool__(self):
        return True

    def __iter__(self):
        if tenancy.current_company() is None:
            return iter(())
        rows = (tenancy.scoped_query(self.model).filter(self.model.archived_at.is_(None))
                .order_by(*self.order_by).limit(500))
        return iter([(str(row.id), str(row)) for row in rows])


class RecordFilter(BaseSQLAFilter):
    """"Is" one of the company's records (a product, a category), chosen
    from the current company's records only."""

    def __init__(self, column, name, model, order_by, **kw):
        super().__init__(column, name, options=CompanyRecords(model, order_by), **kw)

    def validate(self, value):
        return inputs.parse_id(value) is not None

    def clean(self, value):
        return inputs.parse_id(value)

    def apply(self, query, value, alias=None):
        return query.filter(self.get_column(alias) == value)

    def operation(self):
        return _l("is")


def _orders_formatter(view, context, model, name):
    """The work orders pointing at the article (number, subject, state),
    each a link to its page, escaped; only for users who read work orders."""
    if not access.can("after_sales.workorder", "read"):
        return ""
    from core.links import record_url
    from core.workflow import workflow_for
    orders = (access.query("after_sales.workorder").filter(WorkOrder.article_id == model.id)
              .order_by(WorkOrder.received_at.desc(), WorkOrder.id.desc()).limit(ORDERS_SHOWN).all())
    if not orders:
        return gettext("No work order yet.")
    workflow = workflow_for(WorkOrder)
    locale = str(get_locale() or "zh")
    lines = []
    for order in orders:
        title = escape(order.number or "—")
        url = record_url(order)
        head = Markup('<a href="{}">{}</a>').format(url, title) if url else title
        customer = order.customer.name if order.customer is not None else ""
        state = workflow.state_label(order.state) if workflow else order.label("state", locale)
        lines.append(Markup("{} · {} · {} · {}").format(head, customer, order.subject or "", state))
    return Markup("<br>").join(lines)


class KnowledgeArticleView(CompanyModelView):
    model = KnowledgeArticle
    label = _l("Knowledge base")
    column_list = ("number", "title", "product", "category", "created_at")
    column_labels = {"number": _l("Article No."), "title": _l("Title"), "product": _l("Product"),
                     "category": _l("Category"), "problem": _l("Problem"), "cause": _l("Cause"),
                     "solution": _l("Solution"), "work_orders": _l("Work orders")}
    column_sortable_list = ("number", "title", ("product", "product.model"), ("category", "category.sort"),
                            "created_at")
    column_default_sort = ("number", True)
    column_filters = (
        RecordFilter(KnowledgeArticle.product_id, _l("Product"), Product, (Product.model,)),
        RecordFilter(KnowledgeArticle.category_id, _l("Category"), WorkOrderCategory,
                     (WorkOrderCategory.sort, WorkOrderCategory.code)),
    )
    column_details_list = ("number", "title", "product", "category", "problem", "cause", "solution",
                           "work_orders", "created_at", "updated_at")
    column_formatters_detail = {"work_orders": _orders_formatter}
    column_export_list = ("number", "title", "product", "category", "problem", "cause", "solution")
    # Core keeps the number (sequence after_sales.article).
    form_columns = ("title", "product", "category", "problem", "cause", "solution")
    form_ajax_refs = {"product": {"fields": ("model", "name"), "page_size": 20}}
    form_args = {"problem": {"description": _l("What the user reported: the symptom, as a clerk would search it.")},
                 "solution": {"description": _l("What solved it, step by step.")}}

    def on_model_change(self, form, model, is_created):
        super().on_model_change(form, model, is_created)
        model.title = (model.title or "").strip()
        if not model.title:
            raise Invalid(gettext("Give the article a title."), field="title")
        for name, message in (("problem", gettext("Describe the problem the user reported.")),
                              ("solution", gettext("Describe the solution."))):
            if not (getattr(model, name) or "").strip():
                raise Invalid(message, field=name)


VIEWS = [KnowledgeArticleView]
