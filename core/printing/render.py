"""Rendering: the safe URL fetcher, the CJK font check, the shared
WeasyPrint objects and stylesheets, the printing Jinja environment
(:func:`init_printing`) and HTML → PDF."""
from __future__ import annotations

import atexit
import gc
import logging
import os
import shutil
import subprocess
import threading
from pathlib import Path
from typing import Any, Iterable
from urllib.parse import unquote, urlsplit

from flask import Flask, current_app
from flask_babel import gettext
from jinja2 import ChoiceLoader, FileSystemLoader, PrefixLoader

from core.models import utcnow
from core.calendar.timezone import format_local

from core.printing.form_settings import form_header
from core.printing.printables import (PRINT_CSS, STATIC_DIR, TEMPLATES_DIR, Printable, PrintableRegistry, CJK_FONT_PACKAGE)

log = logging.getLogger("qdesk.printing")

# --- the URL fetcher ------------------------------------------------------------

class PrintFetchRefused(ValueError):
    """WeasyPrint asked for a URL the printing service does not allow."""


def _make_fetcher_class() -> type:
    # WeasyPrint is imported on first use, not with core (it takes ~1 s).
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class StaticOnlyURLFetcher(URLFetcher):
        """A WeasyPrint ``URLFetcher`` that allows ``data:`` URLs, files under
        qdesk's static folder and ``attachment:<id>`` (an image attached to a
        record being printed, of the current company: :mod:`core.attachments.printing`),
        nothing else: no network, no ``file:`` outside static, no redirects.
        A refused URL raises :class:`PrintFetchRefused`, which WeasyPrint
        logs before skipping the resource."""

        def __init__(self, static_root: str | os.PathLike = STATIC_DIR,
                     extra_files: Iterable[str | os.PathLike] = (), **kwargs: Any) -> None:
            kwargs.update(allowed_protocols=("data", "file"), allow_redirects=False,
                          fail_on_errors=False, timeout=1)
            super().__init__(**kwargs)
            self.static_root = Path(static_root).resolve()
            # Files allowed besides static: the configured font file.
            self.extra_files = {Path(f).resolve() for f in extra_files}

        def allowed_path(self, url: str) -> Path:
            """The real path of a ``file:`` URL under the static root, else raise."""
            parts = urlsplit(url)
            if parts.netloc not in ("", "localhost"):
                raise PrintFetchRefused(f"printing refuses {url!r}: remote file host")
            path = Path(unquote(parts.path)).resolve()
            if path in self.extra_files and path.is_file():
                return path
            if not path.is_relative_to(self.static_root) or not path.is_file():
                raise PrintFetchRefused(f"printing refuses {url!r}: only qdesk's static files "
                                        "may be read")
            return path

        def fetch(self, url: str, headers: Any = None) -> Any:
            scheme = url.split(":", 1)[0].lower() if ":" in url else ""
            if scheme == "data":
                return super().fetch(url, headers)
            if scheme == "file":
                path = self.allowed_path(url)
                return URLFetcherResponse(path.as_uri(), path.read_bytes())
            if scheme == "attachment":
                from core.attachments.printing import print_bytes
                try:
                    content_type, data = print_bytes(url)
                except (LookupError, OSError) as exc:
                    raise PrintFetchRefused(f"printing refuses {url[:100]!r}: {exc}") from None
                return URLFetcherResponse(url, data, headers={"Content-Type": content_type})
            raise PrintFetchRefused(f"printing refuses {url[:200]!r}: no network access")

    StaticOnlyURLFetcher.__module__ = __name__
    return StaticOnlyURLFetcher


def __getattr__(name: str) -> Any:
    """``StaticOnlyURLFetcher``, built (and WeasyPrint imported) on first access."""
    if name == "StaticOnlyURLFetcher":
        cls = _make_fetcher_class()
        globals()[name] = cls
        return cls
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


# --- fonts ----------------------------------------------------------------------

_font_check_done = False
_lock = threading.Lock()
_render_lock = threading.Lock()


@atexit.register
def _release_engine() -> None:
    # Free the shared Pango/fontconfig objects while the interpreter is
    # whole: made in a server's request threads and left to the finalizers,
    # they crash the process with SIGSEGV on exit.
    _shared.clear()
    gc.collect()


def cjk_fonts() -> list[str] | None:
    """Families of the installed CJK (Chinese) fonts; None when it cannot be told."""
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        return None
    try:
        out = subprocess.run([fc_list, ":lang=zh", "family"], capture_output=True, text=True,
                             timeout=10, check=False).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    return sorted({line.split(",")[0].strip() for line in out.splitlines() if line.strip()})


def check_cjk_font(force: bool = False, font_file: str | None = None) -> bool:
    """Log ONE warning per process when no CJK font is installed (and no
    font file is configured).

    :return: whether a CJK font was found (True when it cannot be told).
    """
    global _font_check_done
    with _lock:
        if _font_check_done and not force:
            return True
        _font_check_done = True
    if font_file:
        return True
    families = cjk_fonts()
    if families is None:
        log.info("printing: fc-list not found, cannot check for a Chinese font")
        return True
    if not families:
        log.warning("printing: no Chinese (CJK) font is installed, so printed forms will show "
                    "boxes instead of Chinese text. Install the system package %s "
                    "(apt-get install %s) and restart qdesk.", CJK_FONT_PACKAGE, CJK_FONT_PACKAGE)
        return False
    return True


# --- shared WeasyPrint objects (once per process) --------------------------------

_shared: dict[str, Any] = {}


def _font_config() -> Any:
    if "fonts" not in _shared:
        from weasyprint.text.fonts import FontConfiguration
        _shared["fonts"] = FontConfiguration()
    return _shared["fonts"]


def _fetcher() -> Any:
    if "fetcher" not in _shared:
        cls = globals().get("StaticOnlyURLFetcher") or __getattr__("StaticOnlyURLFetcher")
        _shared["fetcher"] = cls()
    return _shared["fetcher"]


def _font_file() -> Path | None:
    """The configured font file (``QDESK_PRINT_FONT_FILE``), if any."""
    return current_app.extensions.get("qdesk.print_font")


def _fetcher_for(font_file: Path | None) -> Any:
    if font_file is None:
        return _fetcher()
    key = f"fetcher:{font_file}"
    if key not in _shared:
        cls = globals().get("StaticOnlyURLFetcher") or __getattr__("StaticOnlyURLFetcher")
        _shared[key] = cls(extra_files=[font_file])
    return _shared[key]


def _stylesheets(paper: str, orientation: str, font_file: Path | None = None) -> list[Any]:
    """The shared print CSS (parsed once), the page size sheet and, when a
    font file is configured, the sheet that puts it first."""
    from weasyprint import CSS
    sheets = _base_stylesheets(paper, orientation)
    if font_file is None:
        return sheets
    key = f"font:{font_file}"
    with _lock:
        if key not in _shared:
            _shared[key] = CSS(string=(
                '@font-face { font-family: "qdesk configured font"; '
                f'src: url("{font_file.as_uri()}"); }}\n'
                'html, h1, h1 small, .company-name { font-family: "qdesk configured font", '
                '"Noto Sans CJK SC", "Noto Serif CJK SC", sans-serif; }'),
                font_config=_font_config(), url_fetcher=_fetcher_for(font_file))
        return [*sheets, _shared[key]]


def _base_stylesheets(paper: str, orientation: str) -> list[Any]:
    from weasyprint import CSS
    with _lock:
        if "css" not in _shared:
            _shared["css"] = CSS(filename=str(PRINT_CSS), font_config=_font_config(),
                                 url_fetcher=_fetcher())
        key = f"page:{paper}:{orientation}"
        if key not in _shared:  # paper and orientation are validated by Printable
            _shared[key] = CSS(string=f"@page {{ size: {paper} {orientation}; }}",
                               font_config=_font_config(), url_fetcher=_fetcher())
        language = "zh" if _print_locale().startswith("zh") else "en"
        margins = f"margins:{language}"
        if margins not in _shared:
            _shared[margins] = CSS(string=PAGE_MARGINS[language], font_config=_font_config(),
                                   url_fetcher=_fetcher())
        return [_shared["css"], _shared[key], _shared[margins]]


# The page-margin texts of the two interface languages (CSS counters cannot
# go through gettext).
PAGE_MARGINS = {
    "zh": '@page { @top-right { content: "表单编号 " string(formcode) "  版次 " string(edition); }'
          ' @bottom-right { content: "第 " counter(page) " / " counter(pages) " 页"; } }',
    "en": '@page { @top-right { content: "Form " string(formcode) "  Edition " string(edition); }'
          ' @bottom-right { content: "Page " counter(page) " / " counter(pages); } }',
}


def _print_locale() -> str:
    """The language a print follows: the user's interface language."""
    from flask_babel import get_locale
    return str(get_locale() or "zh_Hans_CN")


# --- templates -------------------------------------------------------------------

def init_printing(app: Flask, registry: Any) -> PrintableRegistry:
    """Fill the printable registry from ``register_printables``, build the
    printing Jinja environment, check for a CJK font. Called by ``create_app``."""
    printables = PrintableRegistry.install(app, registry)
    from core.records.entities import check_names
    declared = app.extensions["qdesk.permissions"].by_key
    entities = app.extensions["qdesk.entities"]
    for printable in printables.by_key.values():
        entity = entities.entity_of(printable.model)
        if printable.permission is None and entity is not None:  # <key>.read of the model's entity
            object.__setattr__(printable, "permission", entity.permission("read"))
        check_names(printable.module, f"printable {printable.key!r}", [printable.needed_permission], declared)
    from core.printing.reports import ReportRegistry
    reports = ReportRegistry.install(app, registry)
    for report in reports.by_key.values():
        if report.key in printables.by_key:  # one key, one thing in the print log and the URLs
            raise ValueError(f"plugin {report.module!r}: report {report.key!r} has the key of a printable")
        check_names(report.module, f"report {report.key!r}", [report.permission], declared)
    plugin_loaders = {info.key: FileSystemLoader(str(info.path / "templates"))
                      for info in registry.loaded() if info.path is not None}
    env = app.jinja_env.overlay(
        loader=ChoiceLoader([FileSystemLoader(str(TEMPLATES_DIR)), PrefixLoader(plugin_loaders)]),
        autoescape=True)
    # A stamp (naive UTC) printed by a form, in the company's zone:
    # {{ record.created_at|local_time }} → 2026-12-01 15:55; |local_time("%Y-%m-%d").
    env.filters["local_time"] = lambda value, fmt="%Y-%m-%d %H:%M": format_local(value, fmt=fmt)
    # {% if record is overdue %}: a declared deadline of the record is past due (core.deadlines).
    from core.deadlines import is_overdue
    env.tests["overdue"] = is_overdue
    # {% for image in attachment_images(record) %}<img src="{{ image.print_url }}">: core.attachments.
    from core.attachments.printing import attachment_images
    env.globals["attachment_images"] = attachment_images
    app.extensions["qdesk.print_env"] = env
    font_file = app.config.get("PRINT_FONT_FILE")
    if font_file:
        path = Path(font_file).resolve()
        if path.is_file():
            app.extensions["qdesk.print_font"] = path
        else:
            log.warning("printing: PRINT_FONT_FILE %s is not a file; using the system fonts", font_file)
            font_file = None
    check_cjk_font(font_file=font_file)
    return printables


def render_html(printable: Printable, records: list[Any], company: Any, user: Any) -> list[str]:
    """The HTML documents of a print: one per record, or one register."""
    env = current_app.extensions["qdesk.print_env"]
    template = env.get_template(printable.template_name)
    from core.deadlines import prefetch
    prefetch(records)  # {% if record is overdue %}: one query per deadline, not per row
    # Company time: the print time and the stamps a form prints are in the
    # company's zone (core.timezone), the footer names it: "2026-12-01 15:55 Asia/Shanghai".
    now = utcnow()
    locale = _print_locale()
    # The company's own form code, edition and title (core.printing.form_settings, D-13).
    common = dict(printable=printable, company=company, print_locale=locale,
                  printed_by=str(user) if user else gettext("system"),
                  printed_at=format_local(now, company, zone="name"), **form_header(printable, company, locale))
    if printable.many:
        return [template.render(records=records, record=None,
                                record_number=gettext("%(n)s records", n=len(records)),
                                record_date=format_local(now, company, "%Y-%m-%d"), **common)]
    from core.org import signature_boxes
    # The frame's 经办人 / 审核 / 批准 boxes: the record's sign-offs (core.org).
    return [template.render(record=r, records=[r], record_number=printable.record_number(r),
                            record_date=format_local(r.created_at or now, company, "%Y-%m-%d"),
                            signatures=signature_boxes(r), **common)
            for r in records]


def render_pdf(printable: Printable, records: list[Any], company: Any, user: Any) -> tuple[bytes, int]:
    """The PDF of ``records`` and its page count. Each form is rendered as its
    own document (its own page x / y), then the pages are joined."""
    return _write_pdf(printable, render_html(printable, records, company, user), records)


def render_report_html(request: Any) -> str:
    """The HTML of a period report (:class:`core.printing.ReportRequest`):
    what its ``collect`` returned, in the shared frame, the parameters in
    the header line instead of a record number."""
    report, company = request.report, request.company
    env = current_app.extensions["qdesk.print_env"]
    template = env.get_template(report.template_name)
    data = dict(report.collect(request) or {})
    locale = _print_locale()
    now = utcnow()
    parameters = [(p.label(locale), p.display(request.values.get(p.name), locale)) for p in report.parameters]
    context = {"record": None, "records": [], **data}  # a register's template may reuse ``records``
    context.update(printable=report, report=report, company=company, print_locale=locale,
                   printed_by=str(request.user) if request.user else gettext("system"),
                   printed_at=format_local(now, company, zone="name"), record_number="",
                   record_date=format_local(now, company, "%Y-%m-%d"),
                   report_parameters=parameters, values=request.values, period=request.period,
                   **form_header(report, company, locale))
    return template.render(**context)


def render_report_pdf(request: Any) -> tuple[bytes, int]:
    """The PDF of a period report and its page count."""
    return _write_pdf(request.report, [render_report_html(request)], [])


def _write_pdf(printable: Any, htmls: list[str], records: list[Any]) -> tuple[bytes, int]:
    from weasyprint import HTML
    font_file = _font_file()
    sheets = _stylesheets(printable.paper, printable.orientation, font_file)
    fetcher = _fetcher_for(font_file)
    from core.attachments.printing import printing
    # The shared FontConfiguration (Pango/fontconfig) is not meant for
    # concurrent use: one rendering at a time per process; run several worker
    # processes for parallel prints.
    with _render_lock, printing(records):  # attachment: URLs of these records only
        documents = [HTML(string=html, base_url=STATIC_DIR.as_uri() + "/", url_fetcher=fetcher)
                     .render(stylesheets=sheets, font_config=_font_config())
                     for html in htmls]
        pages = [page for document in documents for page in document.pages]
        combined = documents[0].copy(pages)
        return combined.write_pdf(), len(pages)
