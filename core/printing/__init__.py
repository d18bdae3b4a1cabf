"""Printing: printables registered by plugins, rendered to PDF.

A plugin declares :class:`Printable` objects through the
``register_printables`` hook. Core renders the printable's Jinja template
(which extends ``print/frame.html``, the shared quality-record frame) to HTML
and WeasyPrint turns it into a PDF:

* the shared CSS (``core/static/print/print.css``) is parsed once per process
  and one :class:`weasyprint.text.fonts.FontConfiguration` is reused;
* :class:`StaticOnlyURLFetcher` lets WeasyPrint read ``data:`` URLs and
  qdesk's own static files, nothing else (no network, no other files, no
  redirects): a refused fetch raises, WeasyPrint logs it and skips the
  resource;
* rows are loaded only through :func:`core.records.tenancy.scoped_query`, after the
  module gate (404) and the printable's permission (403): see
  :func:`load_records`;
* every print is logged as a :class:`core.models.PrintJob`;
* a :class:`Report` (hook ``register_reports``) prints over a period with
  parameters and no single model (a ledger, a quarterly summary): the same
  gate, permission, company scope, frame and log, its parameters asked by
  the print dialog (:mod:`core.printing.parameters`).

The parts: :mod:`core.printing.printables` (declarations and registry),
:mod:`core.printing.render` (fetcher, fonts, stylesheets, templates,
WeasyPrint), :mod:`core.printing.reports` and :mod:`core.printing.parameters`
(period reports), :mod:`core.printing.service` (gate, load, print, log). The
names below are the public API, importable from here.
"""
from typing import Any

from core.printing.printables import (CJK_FONT_PACKAGE, FRAME_TEMPLATE, ORIENTATIONS, PAPERS, PRINT_CSS, STATIC_DIR,
                                      TEMPLATES_DIR, DEFAULT_MAX_RECORDS, Printable, PrintableRegistry, max_records,
                                      printable_registry)
from core.printing.parameters import (ChoiceParam, DepartmentParam, EmployeeParam, Parameter, PeriodParam,
                                      RecordParam)
from core.printing.render import (PAGE_MARGINS, PrintFetchRefused, check_cjk_font, cjk_fonts, init_printing,
                                  render_html, render_pdf, render_report_html, render_report_pdf)
from core.printing.reports import (Report, ReportInvalid, ReportRegistry, ReportRequest, ReportTooLarge,
                                   report_registry)
from core.printing.service import (available_reports, check_permission, get_printable, get_report, load_records,
                                   pdf_response, print_ids, print_records, print_report, reports_of)

# The public names say where plugins import them from (messages, docs).
for _cls in (Printable, PrintableRegistry, PrintFetchRefused, Report, ReportRegistry, ReportRequest,
             ReportInvalid, ReportTooLarge, Parameter, PeriodParam, ChoiceParam, DepartmentParam, EmployeeParam,
             RecordParam):
    _cls.__module__ = "core.printing"

__all__ = ["CJK_FONT_PACKAGE", "FRAME_TEMPLATE", "ORIENTATIONS", "PAPERS", "PRINT_CSS", "STATIC_DIR", "TEMPLATES_DIR",
           "DEFAULT_MAX_RECORDS", "Printable", "PrintableRegistry", "max_records", "printable_registry",
           "PAGE_MARGINS", "PrintFetchRefused", "StaticOnlyURLFetcher", "check_cjk_font", "cjk_fonts",
           "init_printing", "render_html", "render_pdf", "check_permission", "get_printable", "load_records",
           "pdf_response", "print_ids", "print_records", "ChoiceParam", "DepartmentParam", "EmployeeParam",
           "Parameter", "PeriodParam", "RecordParam", "render_report_html", "render_report_pdf", "Report",
           "ReportInvalid", "ReportRegistry", "ReportRequest", "ReportTooLarge", "report_registry",
           "available_reports", "get_report", "print_report", "reports_of"]


def __getattr__(name: str) -> Any:
    """``StaticOnlyURLFetcher``, built (and WeasyPrint imported) on first access."""
    if name == "StaticOnlyURLFetcher":
        from core.printing import render
        return getattr(render, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
