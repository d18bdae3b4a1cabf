"""crm: record numbers of contact-log entries and survey responses

Adds ``number`` (登记编号 ``LD-2026-0001``, 调查表编号 ``MYD-2026-0001``) with
a unique index per company, and numbers the existing rows: per company, in
id order, counting per year of creation, with the default prefixes (no
company can have set another one before this revision). The year is that of
``created_at`` (UTC) in Asia/Shanghai, the company time zone every company
has until it sets its own. The companies' counters (``sequence_counters``)
are set to the last number given, so new entries go on from there.
Customer codes need nothing: every customer has one, and the customer
sequence skips codes already taken.

Revision ID: e5c9a7d3b210
Revises: d8b3f61a2c47
Create Date: 2026-12-01 11:00:00.000000
"""
import datetime as dt

from alembic import op
import sqlalchemy as sa

revision = 'e5c9a7d3b210'
down_revision = 'd8b3f61a2c47'
branch_labels = None
depends_on = 'd3a7e2b9c401'  # core: sequence_counters

# table → (sequence key, default prefix); pattern {prefix}-{yyyy}-{n:04d}, yearly.
NUMBERED = {"crm_contact_log": ("crm.contactlog", "LD"), "crm_survey_response": ("crm.survey", "MYD")}
SHANGHAI = dt.timedelta(hours=8)


def upgrade() -> None:
    for table in NUMBERED:
        op.add_column(table, sa.Column('number', sa.String(length=30), nullable=True))
        op.create_index(f'uq_{table}_company_number', table, ['company_id', 'number'], unique=True)
    bind = op.get_bind()
    counters = sa.table('sequence_counters', sa.column('company_id', sa.Integer), sa.column('key', sa.String),
                        sa.column('period', sa.String), sa.column('value', sa.Integer),
                        sa.column('updated_at', sa.DateTime))
    now = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)
    for table, (key, prefix) in NUMBERED.items():
        rows = sa.table(table, sa.column('id', sa.Integer), sa.column('company_id', sa.Integer),
                        sa.column('created_at', sa.DateTime), sa.column('number', sa.String))
        last: dict[tuple[int, int], int] = {}
        result = bind.execute(sa.select(rows.c.id, rows.c.company_id, rows.c.created_at)
                              .order_by(rows.c.company_id, rows.c.id)).all()
        for row_id, company_id, created_at in result:
            year = ((created_at or now) + SHANGHAI).year
            n = last[company_id, year] = last.get((company_id, year), 0) + 1
            bind.execute(sa.update(rows).where(rows.c.id == row_id).values(number=f"{prefix}-{year:04d}-{n:04d}"))
        if last:
            bind.execute(sa.insert(counters), [dict(company_id=c, key=key, period=str(y), value=v, updated_at=now)
                                               for (c, y), v in sorted(last.items())])


def downgrade() -> None:
    op.execute(sa.text("DELETE FROM sequence_counters WHERE key IN ('crm.contactlog', 'crm.survey')"))
    for table in NUMBERED:
        op.drop_index(f'uq_{table}_company_number', table_name=table)
        op.drop_column(table, 'number')
