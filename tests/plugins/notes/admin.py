from flask_babel import lazy_gettext as _l

from admin.views import CompanyModelView, scoped_action
from core import db

from .models import Note, Tag
from .schemas import NoteSchema


class TagView(CompanyModelView):
    model = Tag
    entity = "tag"
    label = _l("Tags")
    column_list = ("code", "name")
    # The code comes from the sequence notes.tag: never in the form.
    form_excluded_columns = (*CompanyModelView.form_excluded_columns, "code")


class NoteView(CompanyModelView):
    model = Note
    entity = "note"
    label = _l("Notes")
    column_list = ("title", "tag", "priority", "pinned")
    column_searchable_list = ("title",)
    column_editable_list = ("title",)
    import_schema = NoteSchema

    @scoped_action("pin", _l("Pin"), _l("Pin the selected notes?"))
    def action_pin(self, records):
        for note in records:
            note.pinned = True
        db.session.commit()
