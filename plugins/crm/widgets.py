"""Home-page widgets of the CRM."""
import datetime as dt

from core.dashboard import Tile
from core.tenancy import scoped_query

from .models import ContactLog, local_now


def widgets(company, user) -> list:
    now = local_now()
    open_logs = scoped_query(ContactLog, company).filter(
        ContactLog.archived_at.is_(None), ContactLog.state == "open", ContactLog.reply_due.isnot(None))
    overdue = open_logs.filter(ContactLog.reply_due < now).count()
    # Approximation of last week's figure: those already overdue a week ago.
    week_ago = open_logs.filter(ContactLog.reply_due < now - dt.timedelta(days=7)).count()
    return [Tile(label=("逾期未答复来电来函", "Overdue contacts"), value=overdue, unit=("条", "entries"),
                 trend=overdue - week_ago, trend_good="down", period=("较上周", "vs. last week"),
                 link="/admin/crm/contactlog/?overdue=1", permission="crm.contactlog.read")]
