from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core import CompanyOwnedMixin, db
from tests.plugins.notes.models import Note


class Task(CompanyOwnedMixin, db.Model):
    __tablename__ = "tasks_task"

    title: Mapped[str] = mapped_column(String(200))
    note_id: Mapped[int | None] = mapped_column(ForeignKey("notes_note.id"))
    note: Mapped[Note | None] = relationship()

    def __str__(self) -> str:
        return self.title
