"""Administration → Settings (company settings) and Administration →
Calendar (the company's own days off and working days, and a month view)."""
from __future__ import annotations

import calendar as stdlib_calendar
import datetime as dt
from typing import Any

from flask import Flask, abort, current_app, flash, redirect, request, url_for
from flask_admin import Admin, expose
from flask_babel import get_locale, gettext as _, lazy_gettext as _l

from admin.pages import CompanyPage
from wtforms import SelectField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import ValidationError as FormValidationError

from admin.views import CompanyModelView
from core.records import inputs, tenancy
from core.calendar import company_calendar, company_days
from core.extensions import db
from core.calendar.days import CompanyCalendarDay
from core.records.permissions import has_permission
from core.settings import SettingsError, get_setting, set_settings, settings_registry
from core.calendar.timezone import local_today

#: The units of a deadline setting as the Settings screen names them (D-1).
DEADLINE_UNITS = (("hours", _l("hours")), ("working_hours", _l("working hours")),
                  ("calendar_days", _l("calendar days")), ("working_days", _l("working days")))

WEEKDAY_NAMES = (_l("Monday"), _l("Tuesday"), _l("Wednesday"), _l("Thursday"), _l("Friday"),
                 _l("Saturday"), _l("Sunday"))


class SettingsView(CompanyPage):
    """One form of the company's settings, grouped per enabled module."""

    permission = "core.setting.read"

    def groups(self) -> list[dict[str, Any]]:
        """``[{key, title, settings}]``: core first, then the enabled modules."""
        registry = current_app.extensions["qdesk.plugins"]
        settings = settings_registry()
        locale = str(get_locale())
        groups = [dict(key="core", title=_("Working calendar"), settings=settings.for_module("core"))]
        enabled = tenancy.enabled_modules()
        for info in registry.loaded():
            if info.key in enabled and settings.for_module(info.key):
                groups.append(dict(key=info.key, title=info.manifest.name(locale),
                                   settings=settings.for_module(info.key)))
        return groups

    def _submitted(self, groups: list[dict[str, Any]]) -> dict[str, Any]:
        """Posted values of the shown settings (fields absent from the post
        are left alone), plus any posted key of a hidden setting (refused)."""
        values: dict[str, Any] = {}
        shown = set()
        for group in groups:
            for s in group["settings"]:
                shown.add(s.key)
                if s.key not in request.form:
                    continue
                posted = request.form.getlist(s.key)
                if s.type == "deadline":  # the amount, its unit, and the roll option
                    values[s.key] = {"amount": posted[-1], "unit": request.form.get(f"{s.key}__unit", ""),
                                     "roll": request.form.getlist(f"{s.key}__roll")[-1:] == ["true"]}
                elif s.type == "weekdays":
                    values[s.key] = [v for v in posted if v != ""]
                else:  # a checkbox follows its hidden "false": the last one wins
                    values[s.key] = posted[-1]
        for key in request.form:
            if key not in shown and key in settings_registry().by_key:
                values[key] = request.form[key]
        return values

    @expose("/", methods=["GET", "POST"])
    def index(self):
        company = tenancy.current_company()
        groups = self.groups()
        errors: dict[str, list[str]] = {}
        submitted: dict[str, Any] = {}
        can_write = has_permission("core.setting.write")
        if request.method == "POST":
            if not can_write:
                abort(403)
            submitted = self._submitted(groups)
            try:
                changed = set_settings(submitted, company)
            except SettingsError as exc:
                errors = exc.errors
                flash(_("Nothing was saved: correct the values marked below."), "error")
            else:
                if changed:
                    flash(_("Settings saved: %(keys)s.", keys=", ".join(changed)), "success")
                else:
                    flash(_("No setting was changed."), "info")
                return redirect(url_for(".index"))
        locale = str(get_locale())
        values = {}
        for group in groups:
            for s in group["settings"]:
                if s.key in submitted:
                    values[s.key] = submitted[s.key]
                else:
                    values[s.key] = s.form_value(get_setting(s.key, company))
        hidden_errors = {k: v for k, v in errors.items()
                         if not any(s.key == k for g in groups for s in g["settings"])}
        return self.render("qdesk/settings.html", groups=groups, values=values, errors=errors,
                           hidden_errors=hidden_errors, company=company, can_write=can_write,
                           locale=locale, weekday_names=WEEKDAY_NAMES,
                           deadline_units=DEADLINE_UNITS), 400 if errors else 200


class CalendarDayView(CompanyModelView):
    """The company's own days off and extra working days, and a month view."""

    model = CompanyCalendarDay
    entity = "calendar_day"
    list_template = "qdesk/calendar_list.html"
    column_list = ("day", "kind", "note")
    column_labels = {"day": _l("Date"), "kind": _l("Kind"), "note": _l("Note")}
    column_default_sort = ("day", False)
    column_filters = ("day", "kind")
    column_searchable_list = ("note",)
    form_columns = ("day", "kind", "note")
    form_overrides = {"kind": SelectField}
    form_args = {"kind": {"choices": [SelectChoice("off", _l("Day off")), SelectChoice("work", _l("Working day"))],
                          "label": _l("Kind")},
                 "day": {"label": _l("Date")}, "note": {"label": _l("Note")}}
    column_formatters = {"kind": lambda v, c, m, n: _("Day off") if m.kind == "off" else _("Working day")}

    @property
    def archivable(self) -> bool:
        return False  # days are deleted, not archived (the audit log keeps them)

    def on_model_change(self, form, model, is_created):
        super().on_model_change(form, model, is_created)
        company = tenancy.require_company()
        with db.session.no_autoflush:  # the new day is already in the session
            query = tenancy.scoped_query(CompanyCalendarDay, company).filter(CompanyCalendarDay.day == model.day)
            if model.id is not None:
                query = query.filter(CompanyCalendarDay.id != model.id)
            clash = query.first()
        if clash is not None:
            raise FormValidationError(_("%(day)s is already in the calendar (%(kind)s): edit that entry.",
                                        day=model.day.isoformat(), kind=clash.kind))

    @expose("/month/")
    def month(self):
        today = local_today()  # the company's date, not the server's
        asked = request.args.get("month", "")
        first = inputs.parse_month(asked)  # YYYY-MM, ASCII digits, a year in 1900–2199
        if first is None:
            if asked:
                flash(_("%(month)s is not a month between %(min)s-01 and %(max)s-12 (YYYY-MM): this month "
                        "is shown.", month=asked[:20], min=inputs.YEAR_MIN, max=inputs.YEAR_MAX), "warning")
            first = today.replace(day=1)
        company = tenancy.require_company()
        cal = company_calendar(company, years=[first.year - 1, first.year, first.year + 1])
        own = {d.day: d for d in company_days(company)}
        weeks = []
        for week in stdlib_calendar.Calendar(firstweekday=0).monthdatescalendar(first.year, first.month):
            row = []
            for day in week:
                entry = own.get(day)
                working = cal.is_working_day(day)
                if entry is not None:
                    mark = "company-off" if entry.kind == "off" else "company-work"
                elif day in cal.holidays:
                    mark = "holiday"
                elif day in cal.makeup_days:
                    mark = "makeup"
                else:
                    mark = "" if working else "weekend"
                row.append(dict(day=day, working=working, mark=mark, note=entry.note if entry else "",
                                other_month=day.month != first.month, today=day == today))
            weeks.append(row)
        prev_month = (first - dt.timedelta(days=1)).replace(day=1)
        next_month = (first + dt.timedelta(days=32)).replace(day=1)
        return self.render("qdesk/calendar_month.html", weeks=weeks, first=first, company=company,
                           prev_month=prev_month.strftime("%Y-%m"), next_month=next_month.strftime("%Y-%m"),
                           weekday_names=WEEKDAY_NAMES,
                           working_days=cal.count_working_days(first, next_month))


def init_settings_admin(app: Flask, admin: Admin, registry: Any) -> None:
    """Add the Settings and Calendar screens under Administration (the
    settings registry itself is built by ``create_app``)."""
    admin.add_view(SettingsView(name=_l("Settings"), endpoint="core_settings", url="/admin/settings",
                                category=_l("Administration")))
    admin.add_view(CalendarDayView("core", name=_l("Calendar"), category=_l("Administration")))
