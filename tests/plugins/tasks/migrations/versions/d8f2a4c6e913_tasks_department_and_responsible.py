"""tasks: an owning department and a responsible employee (core.org.OrgOwnedMixin)

Revision ID: d8f2a4c6e913
Revises: c7e1f9a3b502
Create Date: 2026-12-01 16:40:00.000000
"""
from alembic import op
import sqlalchemy as sa

revision = 'd8f2a4c6e913'
down_revision = 'c7e1f9a3b502'
branch_labels = None
depends_on = '5686250ecd2b'  # core: departments, employees


def upgrade() -> None:
    # On SQLite the table is rebuilt: keep AUTOINCREMENT (ids never reused).
    with op.batch_alter_table('tasks_task', schema=None, table_kwargs={"sqlite_autoincrement": True}) as batch_op:
        batch_op.add_column(sa.Column('department_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('responsible_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_tasks_task_department_id'), ['department_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_tasks_task_responsible_id'), ['responsible_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_tasks_task_department_id_departments'), 'departments',
                                    ['department_id'], ['id'])
        batch_op.create_foreign_key(batch_op.f('fk_tasks_task_responsible_id_employees'), 'employees',
                                    ['responsible_id'], ['id'])


def downgrade() -> None:
    with op.batch_alter_table('tasks_task', schema=None, table_kwargs={"sqlite_autoincrement": True}) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_tasks_task_responsible_id_employees'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_tasks_task_department_id_departments'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_tasks_task_responsible_id'))
        batch_op.drop_index(batch_op.f('ix_tasks_task_department_id'))
        batch_op.drop_column('responsible_id')
        batch_op.drop_column('department_id')
