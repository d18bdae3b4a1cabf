from admin.views import CompanyModelView

from .models import Task


class TaskView(CompanyModelView):
    model = Task
    entity = "task"
    label = "Tasks"
    form_ajax_refs = {"note": {"fields": ["title"]}}
