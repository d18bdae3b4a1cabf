"""crm: the reply deadline moves to core (deadline crm.contactlog.reply)

1. **Settings.** ``crm.reply_days_in_province`` / ``..._out_of_province`` (a
   number of working days: that is how the CRM counted them) become the
   deadline settings ``crm.reply_in_province`` / ``crm.reply_out_of_province``
   (amount and unit). A value a company had set keeps its meaning:
   ``{"amount": N, "unit": "working_days"}``. A company that had set none
   gets the new default, 2 / 4 calendar days (D-15), for entries from now on.
2. **Clocks.** Every contact-log entry gets its clock in ``deadline_clocks``,
   with the reply due time it has (existing values keep their meaning; none
   is counted again): open entries run; replied or closed ones are met at
   their reply time (for a closed entry without one, its last change), on
   time or late. An entry that never had a due time (created already
   answered) takes its reply time (else its time of contact) as due time.

Revision ID: f2d4b6a8c013
Revises: e5c9a7d3b210
Create Date: 2026-12-01 13:00:00.000000
"""
from alembic import op
import sqlalchemy as sa

revision = 'f2d4b6a8c013'
down_revision = 'e5c9a7d3b210'
branch_labels = None
depends_on = 'ec002e7968be'  # core: deadline_clocks

RENAMED = {"crm.reply_days_in_province": "crm.reply_in_province",
           "crm.reply_days_out_of_province": "crm.reply_out_of_province"}

settings = sa.table("company_settings", sa.column("id", sa.Integer), sa.column("key", sa.String),
                    sa.column("value", sa.JSON))
logs = sa.table("crm_contact_log", sa.column("id", sa.Integer), sa.column("company_id", sa.Integer),
                sa.column("occurred_at", sa.DateTime), sa.column("reply_due", sa.DateTime),
                sa.column("replied_at", sa.DateTime), sa.column("updated_at", sa.DateTime),
                sa.column("state", sa.String))
clocks = sa.table("deadline_clocks", sa.column("company_id", sa.Integer), sa.column("deadline", sa.String),
                  sa.column("record_id", sa.Integer), sa.column("started_at", sa.DateTime),
                  sa.column("due_at", sa.DateTime), sa.column("status", sa.String),
                  sa.column("pauses", sa.JSON), sa.column("met_at", sa.DateTime))


def upgrade() -> None:
    conn = op.get_bind()
    for row in conn.execute(sa.select(settings.c.id, settings.c.key, settings.c.value)
                            .where(settings.c.key.in_(list(RENAMED)))).all():
        value = row.value
        days = int(value) if value is not None else None
        new = {"amount": days, "unit": "working_days", "roll": False} if days is not None else None
        conn.execute(settings.update().where(settings.c.id == row.id).values(key=RENAMED[row.key], value=new))
    rows = []
    for log in conn.execute(sa.select(logs)).all():
        started = log.occurred_at
        due = log.reply_due or log.replied_at or started
        if log.reply_due is None:
            conn.execute(logs.update().where(logs.c.id == log.id).values(reply_due=due))
        met_at, status = None, "running"
        if log.state in ("replied", "closed"):
            met_at = log.replied_at or log.updated_at or due
            status = "met" if met_at <= due else "late"
        rows.append(dict(company_id=log.company_id, deadline="crm.contactlog.reply", record_id=log.id,
                         started_at=started, due_at=due, status=status, pauses=[], met_at=met_at))
    if rows:
        op.bulk_insert(clocks, rows)


def downgrade() -> None:
    conn = op.get_bind()
    conn.execute(clocks.delete().where(clocks.c.deadline == "crm.contactlog.reply"))
    for row in conn.execute(sa.select(settings.c.id, settings.c.key, settings.c.value)
                            .where(settings.c.key.in_(list(RENAMED.values())))).all():
        old = {v: k for k, v in RENAMED.items()}[row.key]
        value = row.value or {}
        if value.get("unit") == "working_days":
            conn.execute(settings.update().where(settings.c.id == row.id).values(key=old, value=value["amount"]))
        else:  # not expressible as working days: back to the default
            conn.execute(settings.delete().where(settings.c.id == row.id))
