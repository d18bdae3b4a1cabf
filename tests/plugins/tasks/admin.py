from flask_babel import lazy_gettext as _l

from admin.views import CompanyModelView

from .models import Task


class TaskView(CompanyModelView):
    model = Task
    entity = "task"
    label = _l("Tasks")
    form_ajax_refs = {"note": {"fields": ["title"]}}
