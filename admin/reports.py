"""The Reports page and each report's print dialog (:class:`core.printing.Report`).

``/admin/reports/`` lists the period reports the user may print in the
current company (module enabled, permission held). ``/admin/reports/<key>/``
asks for the report's parameters; submitting it (``print=1``) prints the PDF
or shows the form again with a message beside each refused field. Not
enabled for the company: 404, as if the report did not exist; not
permitted: 403.
"""
from __future__ import annotations

from typing import Any

from flask import request
from flask_admin import expose
from flask_babel import get_locale

from admin.errors import http_errors
from admin.pages import CompanyPage
from core import printing
from core.printing import ReportInvalid
from core.errors import Invalid
from core.printing.parameters import PeriodParam, today_label
from core.records import tenancy


def raw_values(report: Any, args: Any) -> tuple[dict[str, str], dict[str, str]]:
    """The parameters' texts from the dialog's fields, and the refusals of
    fields that cannot even be put together (one date of a range)."""
    raw, errors = {}, {}
    for param in report.parameters:
        value = args.get(param.name, "")
        if isinstance(param, PeriodParam):
            try:
                value = param.range_of(args.get(f"{param.name}_from"), args.get(f"{param.name}_to")) or value
            except Invalid as exc:
                errors[param.name] = exc.message
        raw[param.name] = value
    return raw, errors


def check_report_screens(app: Any, registry: Any) -> None:
    """A report's ``entity`` must be a screen's (its list links to the
    report): a typo stops the start instead of hiding the link."""
    screens = {f"{view.plugin_key}.{view.entity}" for view in registry.admin_views}
    for report in app.extensions["qdesk.reports"].by_key.values():
        if report.entity is not None and report.entity not in screens:
            raise ValueError(f"plugin {report.module!r}: report {report.key!r} names entity {report.entity!r}, "
                             "which has no screen")


class ReportsView(CompanyPage):
    """Reports: every period report of the enabled modules the user may print."""

    permission = None  # every member; each report checks its own permission

    def is_visible(self) -> bool:
        return tenancy.current_company() is not None and bool(printing.available_reports())

    @expose("/")
    def index(self):
        locale = str(get_locale() or "zh_Hans_CN")
        plugins = self.admin.app.extensions["qdesk.plugins"]
        groups: dict[str, list[Any]] = {}
        for report in printing.available_reports():
            try:
                name = plugins.get(report.module).manifest.name(locale)
            except KeyError:  # core's own
                name = report.module
            groups.setdefault(name, []).append(report)
        return self.render("qdesk/reports.html", groups=groups, locale=locale,
                           company=tenancy.current_company())

    @expose("/<key>/")
    def dialog(self, key: str):
        with http_errors():  # not enabled here: 404; not permitted: 403
            report = printing.get_report(key)
            printing.check_permission(report)
        raw, errors = raw_values(report, request.args)
        status = 200
        if request.args.get("print") == "1" and not errors:
            try:
                with http_errors():
                    report, pdf, values = printing.print_report(key, raw)
                return printing.pdf_response(report, pdf, values)
            except ReportInvalid as exc:
                errors = exc.errors
            except printing.ReportTooLarge as exc:
                errors = {"": exc.message}
        if errors:
            status = 400
        defaults = {p.name: raw.get(p.name) or (today_label() if isinstance(p, PeriodParam) else "")
                    for p in report.parameters}
        if request.args.get("print") != "1":  # the first visit: this month
            raw = defaults
        with http_errors():  # a record parameter's entity the user may not read: 403
            fields = [dict(param=param, value=raw.get(param.name, ""), error=errors.get(param.name),
                           options=param.options(), period=isinstance(param, PeriodParam),
                           date_from=request.args.get(f"{param.name}_from", ""),
                           date_to=request.args.get(f"{param.name}_to", ""))
                      for param in report.parameters]
        locale = str(get_locale() or "zh_Hans_CN")
        return self.render("qdesk/report_dialog.html", report=report, fields=fields, locale=locale,
                           form_error=errors.get(""), company=tenancy.current_company()), status
