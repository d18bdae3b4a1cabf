"""Period reports: printables over a period with parameters, no single model.

A plugin declares :class:`Report` objects through ``register_reports``::

    Report("crm.contact_log_period", "来电来函来访登记表", "Register of calls, letters and visits",
           template="print/contact_log_period.html", permission="crm.contactlog.read",
           parameters=(PeriodParam(), ChoiceParam("channel", "渠道", "Channel", choices=CHANNELS)),
           collect=contact_log_period)

``collect(request)`` receives a :class:`ReportRequest` (the company, the
parsed values, scoped queries) and returns the template's variables. Core
asks for the parameters (the print dialog, ``qdesk report``), checks the
module gate (404), the report's permission (403), loads rows through the
company scope only, caps the rows, prints in the shared frame with the
parameters in its header and logs the print with its parameters.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Callable, Mapping

from core.calendar.timezone import local_today
from core.errors import Invalid
from core.i18n import translate as _gettext
from core.plugin.declarations import Keyed, NamespacedRegistry
from core.printing.parameters import Parameter, PeriodParam
from core.printing.printables import check_page, max_records


@dataclass(frozen=True)
class Report(Keyed):
    """A printed report over a period (a ledger, a quarterly summary).

    :param key: ``<plugin>.<name>``; URL ``/admin/reports/<key>/``.
    :param title_zh, title_en: the report's title (printed large; the menu).
    :param template: the Jinja template, relative to the plugin's
        ``templates`` folder; it extends ``print/frame.html`` and gets what
        ``collect`` returns, plus ``report``, ``values`` and ``period``.
    :param collect: ``collect(request) -> dict``, given a :class:`ReportRequest`.
    :param permission: the permission needed to print it (declared by the
        plugin, e.g. ``crm.contactlog.read``).
    :param parameters: what the dialog asks for, in order
        (:mod:`core.printing.parameters`).
    :param paper, orientation, form_code, edition: as for a :class:`~core.printing.Printable`.
    :param filename: ``str.format`` pattern of the download name with
        ``date`` (today, company time) and each parameter's raw text, e.g.
        ``"contact-log-{period}.pdf"``.
    :param description_zh, description_en: one sentence on the Reports page.
    :param entity: the entity (``crm.contactlog``) whose list screen also
        offers the report, beside the Reports menu.
    """

    key: str
    title_zh: str
    title_en: str
    template: str
    collect: Callable[["ReportRequest"], Mapping[str, Any]]
    permission: str
    parameters: tuple[Parameter, ...] = ()
    paper: str = "A4"
    orientation: str = "portrait"
    form_code: str = ""
    edition: str = ""
    filename: str = "{key}-{date}.pdf"
    description_zh: str = ""
    description_en: str = ""
    entity: str | None = None
    plugin_key: str = field(default="", compare=False)

    def __post_init__(self) -> None:
        check_page("report", self)
        names = [p.name for p in self.parameters]
        if len(set(names)) != len(names):
            raise ValueError(f"report {self.key!r}: two parameters are named alike ({', '.join(names)})")
        if not all(isinstance(p, Parameter) for p in self.parameters):
            raise TypeError(f"report {self.key!r}: parameters must be core.printing parameters")
        if not callable(self.collect):
            raise TypeError(f"report {self.key!r}: collect must be a function of the request")

    # What the frame and the printing service ask of any printable.
    many = True

    def title(self, locale: str | None = None) -> str:
        """The title in ``locale`` (``zh...`` → Chinese, else English)."""
        return self.title_zh if (locale or "").startswith("zh") else self.title_en

    def description(self, locale: str | None = None) -> str:
        return self.description_zh if (locale or "").startswith("zh") else self.description_en

    @property
    def needed_permission(self) -> str:
        return self.permission

    @property
    def template_name(self) -> str:
        return f"{self.module}/{self.template}"

    def parameter(self, name: str) -> Parameter | None:
        return next((p for p in self.parameters if p.name == name), None)

    def parse(self, raw: Mapping[str, Any]) -> dict[str, Any]:
        """Every parameter's value from ``raw`` (texts by name). All the
        refusals at once: :class:`ReportInvalid` lists them by field."""
        values, errors = {}, {}
        for param in self.parameters:
            try:
                values[param.name] = param.parse(raw.get(param.name))
            except Invalid as exc:
                errors[param.name] = exc.message
        unknown = sorted(set(raw) - {p.name for p in self.parameters})
        if unknown:
            errors[""] = _gettext("This report has no parameter %(names)s.", names=", ".join(unknown))
        if errors:
            raise ReportInvalid(errors)
        return values

    def raw_values(self, values: Mapping[str, Any]) -> dict[str, str]:
        """The texts that give ``values`` back (the print log keeps them)."""
        return {p.name: p.raw(values.get(p.name)) for p in self.parameters}

    def download_name(self, values: Mapping[str, Any]) -> str:
        """The PDF's file name, from :attr:`filename`."""
        names = {p.name: p.raw(values.get(p.name)) or "all" for p in self.parameters}
        try:
            name = self.filename.format(key=self.name, date=local_today().strftime("%Y%m%d"), **names)
        except (KeyError, IndexError, ValueError):
            name = f"{self.key}.pdf"
        name = re.sub(r'[\\/:*?"<>|\x00-\x1f]', "_", name.replace("..", "_")).strip() or f"{self.key}.pdf"
        return name if name.lower().endswith(".pdf") else name + ".pdf"


class ReportInvalid(Invalid):
    """Parameters a report refuses: ``errors`` maps each field to its
    sentence (``""``: not about one field). Nothing is printed or logged."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(errors.values()), field=next(iter(errors)) or None)
        self.errors = errors


class ReportTooLarge(Invalid):
    """The report would list more rows than one print may hold."""


@dataclass
class ReportRequest:
    """What ``collect`` is given: the company, the user (``None``: a
    system print), the parsed ``values`` by parameter name, and the queries
    a report reads through."""

    report: Report
    company: Any
    user: Any
    values: dict[str, Any]

    @property
    def period(self) -> Any:
        """The value of the report's period parameter (``None`` if it has none)."""
        param = next((p for p in self.report.parameters if isinstance(p, PeriodParam)), None)
        return self.values.get(param.name) if param else None

    def query(self, entity: Any, archived: bool = False) -> Any:
        """The company's records of ``entity`` (a key or a model) the user
        may read (:func:`core.records.access.query`: the module gate, the
        read permission, the company scope; archived ones left out unless asked)."""
        from core.records import access
        return access.query(entity, archived=archived)

    def department_ids(self, name: str = "department") -> set[int] | None:
        """The ids of the chosen department (and of those under it when its
        parameter says ``subtree``); ``None`` when none is chosen (all)."""
        department = self.values.get(name)
        if department is None:
            return None
        param = self.report.parameter(name)
        if getattr(param, "subtree", False):
            from core.org import department_ids_under
            return department_ids_under(department)
        return {department.id}

    def rows(self, query: Any) -> list[Any]:
        """``query.all()``, refused with :class:`ReportTooLarge` beyond the
        print cap (``QDESK_PRINT_MAX_RECORDS``, 500 by default): the clerk is
        told to narrow the period rather than wait for a 300-page PDF."""
        limit = max_records()
        rows = query.limit(limit + 1).all()
        if len(rows) > limit:
            raise ReportTooLarge(_gettext(
                "This report would list more than %(limit)s rows: choose a shorter period or "
                "narrow it down with the other parameters.", limit=limit))
        from core.deadlines import prefetch
        prefetch(rows)  # {% if row is overdue %}: one query per deadline, not per row
        return rows


class ReportRegistry(NamespacedRegistry[Report]):
    """Every report of the loaded plugins, by key (``app.extensions["qdesk.reports"]``)."""

    kind, item_type, hook, extension = "report", Report, "register_reports", "qdesk.reports"

    def get(self, key: str) -> Report | None:
        return self.by_key.get(key)


def report_registry() -> ReportRegistry:
    """The app's :class:`ReportRegistry`."""
    return ReportRegistry.current()
