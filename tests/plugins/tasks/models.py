import datetime as dt

from sqlalchemy import DateTime, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core import CompanyOwnedMixin, OrgOwnedMixin, db
from tests.plugins.notes.models import Note

#: The task's states (workflow tasks.task); "waiting" stops the clock.
STATES = {"new": ("新建", "New"), "doing": ("处理中", "In progress"), "waiting": ("等待客户", "Waiting"),
          "done": ("已完成", "Done"), "approved": ("已批准", "Approved")}


class Task(CompanyOwnedMixin, OrgOwnedMixin, db.Model):
    """A task; owned by a department, with a responsible employee (core.org)."""

    __tablename__ = "tasks_task"

    title: Mapped[str] = mapped_column(String(200))
    note_id: Mapped[int | None] = mapped_column(ForeignKey("notes_note.id"))
    note: Mapped[Note | None] = relationship()
    # The workflow's state, the deadline it runs and what "finish" needs.
    state: Mapped[str] = mapped_column(String(20), default="new", server_default="new")
    opened_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    due_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    done_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    resolution: Mapped[str | None] = mapped_column(Text)

    def __str__(self) -> str:
        return self.title
