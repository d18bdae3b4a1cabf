"""The upgrade that moved the reply deadline to core (crm revision
f2d4b6a8c013) keeps every stored value's meaning, on the suite's database
(SQLite or PostgreSQL): the session database is taken back to the revision
before, filled as 0.2.0 left it, and upgraded again."""
import datetime as dt

from alembic import command
from sqlalchemy import text

from core import migrate
from core.extensions import db
from core.settings import get_setting
from core.deadlines import DeadlineClock
from core.models import Company
from plugins.crm.models import ContactLog

BEFORE = "e5c9a7d3b210"  # crm: record numbers (the CRM counting its own reply due times)
T = dt.datetime


def test_upgrade_keeps_reply_due_times_and_working_day_settings(app, world):
    with app.app_context():
        company_id = world.company("A").id
        user_id = world.user("staff@a.test").id
        # End the session's transaction: on PostgreSQL the downgrade drops
        # tables pointing at users and companies (crm_visit_reception), which
        # waits for every lock on them, the session's reads included.
        db.session.close()
        command.downgrade(migrate.alembic_config(), BEFORE)
        try:
            with db.engine.begin() as conn:
                conn.execute(text("INSERT INTO company_settings (company_id, key, value, updated_at) "
                                  "VALUES (:c, 'crm.reply_days_in_province', '3', :now)"),
                             {"c": company_id, "now": T(2026, 11, 1)})
                customer = conn.execute(text(
                    "INSERT INTO crm_customer (company_id, code, name, kind, is_key, version, created_at, "
                    "created_by_id) VALUES (:c, 'KH00001', '老客户', 'organisation', false, 1, :now, :u) "
                    "RETURNING id"), {"c": company_id, "now": T(2026, 11, 1), "u": user_id}).scalar_one()
                rows = [  # number, occurred, reply due, replied at, state
                    ("LD-2026-0001", T(2026, 11, 2, 9), T(2026, 11, 4, 9), None, "open"),
                    ("LD-2026-0002", T(2026, 11, 2, 9), T(2026, 11, 4, 9), T(2026, 11, 3, 10), "replied"),
                    ("LD-2026-0003", T(2026, 11, 2, 9), T(2026, 11, 4, 9), T(2026, 11, 5, 10), "replied"),
                    ("LD-2026-0004", T(2026, 11, 2, 9), T(2026, 11, 4, 9), None, "closed"),
                    ("LD-2026-0005", T(2026, 11, 2, 9), None, T(2026, 11, 2, 11), "replied"),
                ]
                for number, occurred, due, replied, state in rows:
                    conn.execute(text(
                        "INSERT INTO crm_contact_log (company_id, number, customer_id, channel, direction, "
                        "occurred_at, subject, reply_due, replied_at, state, version, created_at, updated_at) "
                        "VALUES (:c, :n, :cu, 'phone', 'in', :o, '来电', :d, :r, :s, 1, :o, :up)"),
                        {"c": company_id, "n": number, "cu": customer, "o": occurred, "d": due, "r": replied,
                         "s": state, "up": T(2026, 11, 6, 8)})
        finally:
            migrate.upgrade()
        db.session.expire_all()
        company = db.session.get(Company, company_id)
        # The company's 3 (working days, as the CRM counted them) keeps its meaning;
        # out-of-province had no value: the new default, 4 calendar days (D-15).
        rule = get_setting("crm.reply_in_province", company)
        assert (rule.amount, rule.unit) == (3, "working_days")
        rule = get_setting("crm.reply_out_of_province", company)
        assert (rule.amount, rule.unit) == (4, "calendar_days")
        found = (db.session.query(ContactLog.number, DeadlineClock.due_at, DeadlineClock.status, DeadlineClock.met_at)
                 .join(DeadlineClock, DeadlineClock.record_id == ContactLog.id)
                 .filter(DeadlineClock.deadline == "crm.contactlog.reply").all())
        assert {n: (due, status, met) for n, due, status, met in found} == {
            "LD-2026-0001": (T(2026, 11, 4, 9), "running", None),                 # open: runs
            "LD-2026-0002": (T(2026, 11, 4, 9), "met", T(2026, 11, 3, 10)),       # replied in time
            "LD-2026-0003": (T(2026, 11, 4, 9), "late", T(2026, 11, 5, 10)),      # replied late
            "LD-2026-0004": (T(2026, 11, 4, 9), "late", T(2026, 11, 6, 8)),       # closed: its last change
            "LD-2026-0005": (T(2026, 11, 2, 11), "met", T(2026, 11, 2, 11)),      # no due: its reply time
        }
        # The stored reply due times are the clocks' (none was counted again).
        dues = dict(db.session.query(ContactLog.number, ContactLog.reply_due).all())
        assert dues["LD-2026-0001"] == T(2026, 11, 4, 9) and dues["LD-2026-0005"] == T(2026, 11, 2, 11)
