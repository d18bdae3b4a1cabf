"""The whole extension API of qdesk: every hook a plugin can implement.

Implement a hook with ``@hookimpl`` (re-exported as ``core.hookimpl``) on a
function of the same name in your plugin's ``__init__.py``. Core always calls
hooks with keyword arguments; an implementation may accept any subset of the
arguments named here, but no other name (that is refused at start, naming the
plugin). Arguments with default values never receive anything: do not give
them defaults.

Hooks marked *per company* are called only for plugins enabled in that
company; the others are called once per app for every loaded plugin.
See ``docs/hooks.md`` for examples.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pluggy

if TYPE_CHECKING:  # pragma: no cover - typing only
    from core.dashboard import Widget
    from core.models import Company, User
    from core.records.permissions import Permission
    from core.printing import Printable, Report
    from core.sequences import Sequence
    from core.jobs import Job
    from core.kpis import Kpi
    from core.settings import Setting
    from core.workflow import Workflow
    from core.records.entities import Entity
    from core.deadlines import Deadline
    from core.org import Responsibility
    from core.links import Panel, RecordAction
    from core.notify import NotificationKind

PROJECT = "qdesk"
hookspec = pluggy.HookspecMarker(PROJECT)
hookimpl = pluggy.HookimplMarker(PROJECT)


# --- Registration: called once per app, at start --------------------------

@hookspec
def register_models() -> list[type]:
    """Return the SQLAlchemy model classes this plugin defines.

    Called once in ``create_app``. Core uses the list to attribute tables to
    the plugin (migration branch, autogenerate filter) and to check that every
    table is named ``<plugin key>_<entity>``. Company-owned models inherit
    ``core.records.CompanyOwnedMixin``.

    :return: model classes, e.g. ``[Customer, ContactLog]``.
    """


@hookspec
def register_entities() -> list[Entity]:
    """Return this plugin's entities: each model declared once, with its
    key, labels, permissions and schema.

    Called once in ``create_app``, after ``register_models`` and before the
    permissions are collected. Keys are ``<plugin>.<name>``; one entity per
    model. Core declares each entity's four permissions
    ``<key>.read|create|write|delete`` (default grants: everyone reads, staff
    and up create and write, managers and up delete; an entity may give
    others), names its screen after it (endpoint ``<plugin>_<name>``, so the
    view needs no ``entity``), and prints its records with ``<key>.read``. A
    plugin declaring one of those permissions itself is refused (declared
    twice).

    :return: ``core.records.entities.Entity`` objects, e.g.
        ``[Entity("crm.contactlog", ContactLog, "来电来函来访登记", "Contact log",
        schema=ContactLogSchema)]``.
    """


@hookspec
def register_admin_views() -> list[type]:
    """Return the admin screen classes this plugin adds.

    Called once by the admin shell (the ``admin`` front-end,
    :mod:`core.plugin.frontends`) when it starts. Each class subclasses
    ``admin.views.CompanyModelView`` and sets ``model`` (and ``entity`` only
    when the model is not a declared entity: a declared one names the
    screen); core instantiates it with the endpoint ``<plugin>_<entity>``,
    the URL ``/admin/<plugin>/<entity>/`` and the plugin's menu category.
    Company scoping, permissions and the module gate come from the base
    class (through ``core.records.access``). A screen whose ``<plugin>.<entity>.read``
    nobody declares, or that puts a field core keeps (state, number, due) in
    a form, stops the start naming the plugin.

    :return: view classes, e.g. ``[CustomerView]``.
    """


@hookspec
def register_permissions() -> list[Permission]:
    """Return the permissions this plugin declares, with default grants.

    Called once in ``create_app``. Names follow
    ``<plugin>.<entity>.<read|create|write|delete>`` and must start with the
    plugin's key. A declared entity's four come from core
    (``register_entities``): declaring them here too is refused; for other
    names (a transition's own permission) or older plugins,
    ``core.records.permissions.crud_permissions`` builds the usual four. Grants say which company roles (``admin``, ``manager``, ``staff``,
    ``readonly``) hold the permission by default.

    :return: ``core.records.permissions.Permission`` objects.
    """


@hookspec
def register_printables() -> list[Printable]:
    """Return the forms and registers this plugin can print.

    Called once in ``create_app``, after ``register_permissions`` and before
    the admin screens are built (they get a Print action and buttons for the
    printables of their model). Keys are ``<plugin>.<name>`` and must start
    with the plugin's key; each template extends ``print/frame.html``. Core
    loads the rows through the company-scoped query, checks the module gate
    and the printable's permission, renders with WeasyPrint and logs the print.

    :return: ``core.printing.Printable`` objects, e.g. ``[Printable("crm.customer", ...)]``.
    """


@hookspec
def register_reports() -> list[Report]:
    """Return the period reports this plugin can print: printables over a
    period with parameters (period, department, customer) and no single
    model, e.g. a ledger or a quarterly summary.

    Called once in ``create_app``, right after ``register_printables``. Keys
    are ``<plugin>.<name>``, must start with the plugin's key and may not
    be a printable's key too. Core asks for the parameters (the print
    dialog under Reports, ``qdesk report``), checks the module gate and the
    report's permission, calls the report's ``collect(request)`` (its
    queries company-scoped), prints in the shared frame with the parameters
    in its header and logs the print with them.

    :return: ``core.printing.Report`` objects, e.g.
        ``[Report("crm.contact_log_period", "来电来函来访登记表", ..., parameters=(PeriodParam(),))]``.
    """


@hookspec
def register_settings() -> list[Setting]:
    """Return the company-level settings this plugin declares.

    Called once in ``create_app``, while the admin shell is built. Keys are
    ``<plugin>.<name>`` and must start with the plugin's key; the default is
    the manifest's ``settings[<name>]`` when present (a deployment may
    override it in ``plugins.toml``), else the declaration's ``default``,
    and must be valid. Each company's values live in the database; company
    admins change them on Administration → Settings (only the settings of
    modules enabled for the company). Read them with
    ``core.settings.get_setting(key)``.

    :return: ``core.settings.Setting`` objects, e.g.
        ``[Setting("crm.reply_hours", "hours", default=24, ...)]``.
    """


@hookspec
def register_kpis() -> list[Kpi]:
    """Return the key performance indicators this plugin publishes.

    Called once in ``create_app``. Keys are ``<plugin>.<name>`` and must
    start with the plugin's key. Other plugins (appraisal, reports) read a
    value with ``core.kpis.kpi_value(key, company, start, end)`` without
    importing this plugin; core refuses KPIs of modules the company has not
    enabled and runs ``compute`` inside ``acting_as(company)``.

    :return: ``core.kpis.Kpi`` objects, e.g.
        ``[Kpi("crm.csi", "顾客满意度指数", "CSI", compute=csi_between, unit="分")]``.
    """


@hookspec
def register_jobs() -> list[Job]:
    """Return the periodic jobs this plugin runs per company.

    Called once in ``create_app``. Keys are ``<plugin>.<name>`` and must
    start with the plugin's key. ``qdesk jobs run`` (daily from cron) runs
    each job for every active company that has the plugin enabled, acting
    as that company, and commits per company; a failing job is rolled back
    and reported without stopping the others.

    :return: ``core.jobs.Job`` objects, e.g.
        ``[Job("crm.plan_visits", "安排重点客户回访", "Plan key-customer visits", run=plan)]``.
    """


@hookspec
def register_sequences() -> list[Sequence]:
    """Return the record-number sequences this plugin declares.

    Called once in ``create_app``, after ``register_settings`` (core
    declares each sequence's prefix setting unless the plugin declares it
    itself). Keys are ``<plugin>.<name>`` and must start with the plugin's
    key; each sequence numbers one string column of one company-owned
    model. Core fills that column when a new record is flushed with it
    empty, in the insert's transaction, from a per-company counter (gap-free,
    never the same number twice; yearly or no reset); the number cannot be
    set or changed by hand unless ``user_value=True``. Printed forms of the
    model show it as their record number.

    :return: ``core.sequences.Sequence`` objects, e.g.
        ``[Sequence("crm.contactlog", ContactLog, "number", pattern="{prefix}-{yyyy}-{n:04d}",
        reset="yearly", prefix_setting="crm.contactlog.prefix", default_prefix="LD")]``.
    """


@hookspec
def register_responsibilities() -> list[Responsibility]:
    """Return the named responsibilities this plugin declares: who signs or
    approves something (管理者代表, 总经理, a plugin's own 售后服务主管).

    Called once in ``create_app``, before ``register_workflows`` (whose
    sign-offs name them). Keys are ``<plugin>.<name>``; core declares
    ``core.general_manager``, ``core.management_rep`` and
    ``core.quality_head``. Each company assigns its employees to them on the
    Responsibilities screen (D-14: company data, not code); a transition
    with ``signoff=<key>`` then fires only for a holder.

    :return: ``core.org.Responsibility`` objects, e.g.
        ``[Responsibility("after_sales.service_head", "售后服务主管", "Head of after-sales service")]``.
    """


@hookspec
def register_workflows() -> list[Workflow]:
    """Return the workflows this plugin declares: the states of an entity
    and the transitions between them.

    Called once in ``create_app``, after ``register_permissions`` and
    ``register_responsibilities``. Keys are
    ``<plugin>.<entity>`` (the entity's permission prefix); one workflow per
    model. From then on the state field changes only through
    ``core.workflow.transition``: screens show the transitions as buttons on
    the record page and as bulk actions, forms and imports cannot set the
    state, any other change is refused at flush. A transition's permission
    (default ``<key>.write``) must be declared by some plugin, and so must
    the responsibilities its ``signoff`` names, else the start stops naming
    the plugin.

    :return: ``core.workflow.Workflow`` objects, e.g.
        ``[Workflow("crm.contactlog", ContactLog, states=STATES, initial="open",
        transitions=(Transition("reply", ("open",), "replied", "答复", "Reply",
        stamps=("replied_at",)),))]``.
    """


@hookspec
def register_deadlines() -> list[Deadline]:
    """Return the deadlines this plugin declares on its entities.

    Called once in ``create_app``, after ``register_settings`` and
    ``register_workflows``. Keys are ``<plugin>.<entity>.<name>``. The
    amount and unit come from a company setting of type ``deadline``
    (D-1); core counts the due moment from the record's start field on the
    company's calendar (D-2, ``core.deadlines.due_at``), stores it in the
    record's ``due_field`` and in its clock (paused time, met or breached,
    when met), counts it again when the start or ``depends`` fields change
    or the record leaves a pause state (the paused time added back), and gives each deadline a
    badge in lists, an overdue filter, a dashboard tile, an on-time KPI
    ``<key>.on_time`` and the breach check ``qdesk deadlines check``.

    :return: ``core.deadlines.Deadline`` objects, e.g.
        ``[Deadline("crm.contactlog.reply", ContactLog, start="occurred_at",
        amount="crm.reply_in_province", due_field="reply_due", done=("replied", "closed"),
        met_field="replied_at")]``.
    """


@hookspec
def register_notifications() -> list[NotificationKind]:
    """Return the kinds of notification this plugin sends.

    Called once in ``create_app``. Keys are ``<plugin>.<name>`` and must
    start with the plugin's key; a key declared twice stops the start.
    Each kind carries its label and its subject and body templates in
    Chinese and English (``str.format`` over the context given to
    ``core.notify.notify``, plus ``{record}`` and ``{company}``). Core
    stores one notification per recipient (the recipient's inbox, in the
    record's company) and, with ``QDESK_MAIL_SERVER`` set, mails it in the
    recipient's language after the commit. ``notify`` with a kind nobody
    declares raises ``core.notify.UnknownKind`` naming it.

    :return: ``core.notify.NotificationKind`` objects, e.g.
        ``[NotificationKind("tasks.assigned", "任务指派", "Task assigned",
        subject_zh="指派给您的任务：{record}", subject_en="Task assigned to you: {record}")]``.
    """


# --- Company events: per company ------------------------------------------

@hookspec
def company_module_enabled(company: Company, module: str, pulled_in: list[str]) -> None:
    """A module was enabled for ``company`` (after commit).

    Per company: called for plugins enabled in ``company``, including the one
    just enabled, so a plugin can seed its per-company data.

    :param company: the company.
    :param module: key of the module the user asked to enable.
    :param pulled_in: keys of dependencies enabled along with it.
    """


@hookspec
def company_module_disabled(company: Company, module: str) -> None:
    """A module was disabled for ``company`` (after commit).

    Per company: called for the plugins that were enabled before the change,
    the disabled one included. Its data stays; nothing should be deleted.

    :param company: the company.
    :param module: key of the module that was disabled.
    """


@hookspec
def record_changed(company: Company, record: Any, action: str, changes: dict[str, tuple[Any, Any]]) -> None:
    """A company-owned record was created, updated, archived, restored or deleted.

    Per company: called after the transaction committed, once per record, for
    plugins enabled in the record's company. The audit entry is already
    written. Do not change the record here; start a new unit of work if you
    must write.

    :param company: the record's company.
    :param record: the model instance (detached values are still readable).
    :param action: ``create``, ``update``, ``archive``, ``restore``,
        ``delete``, or ``transition`` (a workflow transition fired; see also
        ``record_transitioned``).
    :param changes: field name → ``(old, new)`` for the changed fields; a
        parent's parts appear as ``"contacts[12].phone"`` (changed) and
        ``"contacts[12]"`` (added or removed).
    """


@hookspec
def record_transitioned(company: Company, record: Any, workflow: str, transition: str, from_state: str,
                        to_state: str, comment: str | None, user: User | None) -> None:
    """A workflow transition fired on a company-owned record.

    Per company: called after the transaction committed, for plugins
    enabled in the record's company, after ``record_changed`` (action
    ``transition``) of the same record. Do not change the record here; start
    a new unit of work if you must write (e.g. open a corrective action when
    a complaint is closed as justified).

    :param company: the record's company.
    :param record: the model instance.
    :param workflow: the workflow's key (``crm.contactlog``).
    :param transition: the transition's key (``reply``).
    :param from_state: / :param to_state: the states before and after.
    :param comment: what the user wrote with it, or ``None``.
    :param user: who fired it (``None`` for a job or the CLI without a user).
    """


@hookspec
def transition_refused(company: Company, record: Any, workflow: str, transition: str,
                       user: User | None) -> str | list[str] | None:
    """Say why ``transition`` may not fire on ``record`` now, by a rule of
    this plugin on a record of any plugin (check ``workflow``): the quality
    module refuses to close a service report of after_sales while the
    corrective action it asked for has no verification result (T-AS-16).

    Per company: called for core and the plugins enabled in the record's
    company, plugin by plugin, after core's own checks passed (permission,
    sign-off, state, required fields), whenever the transition is about to
    fire (the screens, bulk runs, ``core.workflow.transition``). Read only;
    do not change anything. Return the reason in the current language (one
    text or a list), or ``None``/``[]`` to let it fire. Any reason refuses
    it with :class:`core.errors.Invalid` and nothing changes. A plugin that
    raises refuses it too (a check that cannot run must not let a record
    pass), with the error logged.

    :param company: the record's company.
    :param record: the model instance, unchanged.
    :param workflow: / :param transition: the keys (``after_sales.report``, ``close``).
    :param user: who is firing it (``None`` for a job or the CLI).
    """


@hookspec
def load_demo_data(company: Company, users: dict[str, User]) -> None:
    """Add this plugin's demonstration records to ``company``.

    Per company: called by ``qdesk demo load`` for plugins enabled in the
    company, in dependency order, inside one transaction that core commits.
    Add objects to ``core.db.session``; ``company_id`` is stamped by core.

    :param company: the demo company being filled.
    :param users: the company's demo users by role (``admin``, ``staff``).
    """


@hookspec
def dashboard_widgets(company: Company, user: User) -> list[Widget]:
    """Return the tiles and charts this plugin shows on ``company``'s home page.

    Per company: called on every home page view, for core and the plugins
    enabled in ``company``, plugin by plugin in dependency order, inside
    ``core.records.tenancy.acting_as(company, user)`` (so ``scoped_query`` reads this
    company's rows). Core validates each result: a plugin that raises or
    returns anything but valid widgets is named in a logged error and all its
    widgets are skipped; the page still renders. Not firstresult.

    :param company: the company whose home page is shown.
    :param user: the user looking at it (hide what they may not read).
    :return: ``core.dashboard.Tile`` and ``core.dashboard.Chart`` objects, or
        ``None``/``[]`` for nothing.
    """


@hookspec
def record_actions(company: Company, record: Any, user: User) -> list[RecordAction]:
    """Return the actions this plugin offers on ``record``'s details page
    (any plugin's record: check its type), e.g. "Create task from this note".

    Per company: called for core and the plugins enabled in ``company``,
    plugin by plugin, when a record page is shown and again when one of its
    buttons is posted (an action no longer offered is refused). Core keeps
    only valid actions (key and permission in this plugin's namespace, the
    permission declared), shows those whose permission the user holds, and
    on POST runs ``run(record, user)`` in one transaction, links ``record``
    → the created record (kind = the action's key) and shows the new
    record. A plugin that raises here is logged and offers nothing. Not
    firstresult.

    :param company: the record's (the current) company.
    :param record: the record whose page is shown.
    :param user: the user looking at it (core checks the permission).
    :return: ``core.links.RecordAction`` objects, e.g.
        ``[RecordAction("tasks.from_note", "由此便签创建任务", "Create task from this note",
        permission="tasks.task.create", run=task_from_note)]``, or ``None``/``[]``.
    """


@hookspec
def details_panels(company: Company, record: Any, user: User) -> list[Panel]:
    """Return the panels this plugin shows on ``record``'s details page
    (any plugin's record: check its type), e.g. the tasks of a note.

    Per company: called for core and the plugins enabled in ``company``,
    plugin by plugin, inside the request (read through
    ``core.records.access`` or ``scoped_query``). Panels are data (title,
    label/value rows, a small table, links), never HTML: core validates and
    escapes them. A plugin that raises or returns an invalid panel is named
    in a logged error and its panels are left out; the page still renders.
    Not firstresult.

    :param company: the record's (the current) company.
    :param record: the record whose page is shown.
    :param user: the user looking at it (gate a panel with ``permission``).
    :return: ``core.links.Panel`` objects, or ``None``/``[]``.
    """
