"""System → Holiday years: the official public holidays and 调休 make-up
working days, entered once for all companies (system administrators only).

The list shows the years (entered here, from the ``chinesecalendar``
package, or missing) and the days of the chosen year (``?year=2027``); days
are added, edited and deleted one by one, or a whole year is uploaded
(``/upload/``, CSV or XLSX, see :mod:`core.calendar.holidays`) and an entered year
removed (``/delete-year/``). The work is in :mod:`core.calendar.holidays`.
"""
from __future__ import annotations

import datetime as dt

from flask import flash, redirect, request, url_for
from flask_admin import expose
from flask_babel import gettext as _, lazy_gettext as _l
from wtforms import SelectField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import ValidationError as FormValidationError

from admin.core_views import SystemAdminView
from core.records import inputs, tenancy
from core.calendar import holidays
from core.extensions import db
from core.calendar.holidays import HolidayDay

MAX_UPLOAD = holidays.MAX_FILE_BYTES

WEEKDAYS = (_l("Monday"), _l("Tuesday"), _l("Wednesday"), _l("Thursday"), _l("Friday"), _l("Saturday"),
            _l("Sunday"))
KIND_LABELS = {"holiday": _l("Holiday (放假)"), "workday": _l("Make-up working day (上班)")}


def _kind(view, context, model, name):
    return str(KIND_LABELS.get(model.kind, model.kind))


def _weekday(view, context, model, name):
    return str(WEEKDAYS[model.day.weekday()]) if model.day else ""


class HolidayYearsView(SystemAdminView):
    """The official holiday years: the list of years, a year's days, their
    editing and a year's upload. System administrators only."""

    list_template = "qdesk/holiday_list.html"
    column_list = ("day", "weekday", "kind", "name")
    column_labels = {"day": _l("Date"), "weekday": _l("Weekday"), "kind": _l("Kind"), "name": _l("Name")}
    column_formatters = {"kind": _kind, "weekday": _weekday}
    column_default_sort = ("day", False)
    column_sortable_list = ("day", "kind", "name")
    column_searchable_list = ("name",)
    page_size = 100
    form_columns = ("day", "kind", "name")
    form_overrides = {"kind": SelectField}
    form_args = {"kind": {"choices": [SelectChoice(k, v) for k, v in KIND_LABELS.items()], "label": _l("Kind")},
                 "day": {"label": _l("Date")},
                 "name": {"label": _l("Name"), "description": _l("e.g. 春节, 国庆节, 春节调休")}}

    def __init__(self, **kwargs) -> None:
        super().__init__(HolidayDay, **kwargs)

    # --- the year shown -----------------------------------------------------------
    def _year(self) -> int | None:
        return inputs.parse_int(request.args.get("year"), holidays.YEAR_MIN, holidays.YEAR_MAX)

    def _in_year(self, query):
        year = self._year()
        if year is None:
            return query
        return query.filter(HolidayDay.day >= dt.date(year, 1, 1), HolidayDay.day <= dt.date(year, 12, 31))

    def get_query(self):
        return self._in_year(super().get_query())

    def get_count_query(self):
        return self._in_year(super().get_count_query())

    def render(self, template, **kwargs):
        if template == self.list_template:
            year = self._year()
            kwargs.update(holiday_years=holidays.year_summaries(), selected_year=year,
                          library_days=holidays.library_days(year)
                          if year is not None and holidays.year_source(year) == "chinesecalendar" else [],
                          weekday_names=WEEKDAYS, kind_labels=KIND_LABELS)
        return super().render(template, **kwargs)

    # --- editing one day ----------------------------------------------------------
    def on_model_change(self, form, model, is_created):
        day = model.day
        if day is None:
            raise FormValidationError(_("A date is needed."))
        if not holidays.YEAR_MIN <= day.year <= holidays.YEAR_MAX:
            raise FormValidationError(_("%(day)s is not between %(min)s and %(max)s.", day=day.isoformat(),
                                        min=holidays.YEAR_MIN, max=holidays.YEAR_MAX))
        if model.kind not in holidays.KINDS:
            raise FormValidationError(_("Choose holiday or make-up working day."))
        if model.kind == "workday" and day.weekday() < 5:
            raise FormValidationError(_("%(day)s is a weekday: a make-up working day (上班) is a Saturday or "
                                        "a Sunday.", day=day.isoformat()))
        model.name = (model.name or "").strip() or None
        if model.name and any(ord(c) < 32 or ord(c) == 127 for c in model.name):
            raise FormValidationError(_("The name holds control characters."))
        with db.session.no_autoflush:
            clash = db.session.query(HolidayDay).filter(HolidayDay.day == day)
            if model.id is not None:
                clash = clash.filter(HolidayDay.id != model.id)
            clash = clash.first()
        if clash is not None:
            raise FormValidationError(_("%(day)s is entered already (%(kind)s): edit that day.",
                                        day=day.isoformat(), kind=str(KIND_LABELS[clash.kind])))
        year = holidays.year_for(day, tenancy.current_user())
        if model.holiday_year is not year:
            model.holiday_year = year

    def after_model_change(self, form, model, is_created):
        holidays.drop_empty_years()  # a day moved to another year may leave its old year empty
        db.session.commit()

    def after_model_delete(self, model):
        holidays.drop_empty_years()
        db.session.commit()

    def get_save_return_url(self, model, is_created=False):
        return self.get_url(".index_view", year=model.day.year) if model.day else self.get_url(".index_view")

    # --- a whole year -------------------------------------------------------------
    @expose("/upload/", methods=("GET", "POST"))
    def upload(self):
        """Upload a year's file (CSV or XLSX): the whole year, or nothing."""
        year = inputs.parse_int(request.values.get("year"), holidays.YEAR_MIN, holidays.YEAR_MAX)
        replace = request.values.get("replace") in ("1", "y", "on", "true")
        if request.method == "GET":
            return self.render("qdesk/holiday_upload.html", errors=[], year=year, replace=replace)
        errors: list[str] = []
        asked = request.form.get("year", "").strip()
        if asked and year is None:
            errors.append(_("%(value)s is not a year between %(min)s and %(max)s.", value=asked[:20],
                            min=holidays.YEAR_MIN, max=holidays.YEAR_MAX))
        upload = request.files.get("file")
        data = upload.stream.read(MAX_UPLOAD + 1) if upload is not None and upload.filename else b""
        if not errors and not data:
            errors.append(_("Choose a file to upload."))
        elif not errors and len(data) > MAX_UPLOAD:
            errors.append(_("The file is larger than %(size)s KB; a year's schedule is a few KB.",
                            size=MAX_UPLOAD // 1024))
        if not errors:
            try:
                entered = holidays.import_file(upload.filename, data, replace=replace,
                                               user=tenancy.current_user(), year=year)
            except holidays.HolidayFileError as exc:
                errors = exc.errors
            except holidays.YearExists as exc:
                errors = [str(exc)]
            else:
                flash(_("%(year)s entered: %(holidays)s holidays and %(workdays)s make-up working days; every "
                        "company's calendar uses them now.", year=entered.year,
                        holidays=sum(d.kind == "holiday" for d in entered.days),
                        workdays=sum(d.kind == "workday" for d in entered.days)), "success")
                return redirect(self.get_url(".index_view", year=entered.year))
        return self.render("qdesk/holiday_upload.html", errors=errors, year=year, replace=replace,
                           filename=upload.filename if upload is not None else ""), 400

    @expose("/delete-year/", methods=("POST",))
    def delete_year(self):
        """Remove an entered year: it falls back to chinesecalendar or plain weekends."""
        year = inputs.parse_int(request.form.get("year"), holidays.YEAR_MIN, holidays.YEAR_MAX)
        removed = holidays.delete_year(year) if year is not None else 0
        if removed:
            flash(_("%(year)s removed (%(count)s days); its holidays now come from: %(source)s.", year=year,
                    count=removed, source=str(holidays.SOURCE_LABELS[holidays.year_source(year)])), "success")
        else:
            flash(_("That year is not entered."), "error")
        return redirect(url_for(".index_view"))


def holiday_views() -> list:
    """The System → Holiday years screen, added by ``init_admin``."""
    return [HolidayYearsView(name=_l("Holiday years"), category=_l("System"), endpoint="core_holidays",
                             url="/admin/system/holidays")]
