"""What a spreadsheet of notes may hold (the Import tab of the Notes screen)."""
from marshmallow import Schema, fields, validate

from core.imports import CompanyRecord, YesNo

from .models import Tag


class NoteSchema(Schema):
    title = fields.String(required=True, validate=validate.Length(min=1, max=200))
    body = fields.String(load_default=None)
    priority = fields.Integer(load_default=3, validate=validate.Range(min=1, max=5))
    pinned = YesNo(load_default=False)
    # The tag by name, looked up in the current company only.
    tag = CompanyRecord(Tag, by="name", load_default=None, metadata={"what": "tag"})
