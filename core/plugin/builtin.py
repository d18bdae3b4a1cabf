"""Core's own hook implementations, registered like a plugin named "core"."""
from core.plugin.hookspecs import hookimpl
from core.records.permissions import Permission, crud_permissions


@hookimpl
def register_permissions():
    return [
        Permission("core.module.read", frozenset({"admin"}), "See the Modules screen", "查看模块页面"),
        Permission("core.module.write", frozenset({"admin"}), "Enable and disable modules", "启用和停用模块"),
        Permission("core.audit.read", frozenset({"admin", "manager"}), "Read the audit log", "查看审计日志"),
        Permission("core.printjob.read", frozenset({"admin"}), "Read the print log", "查看打印记录"),
        Permission("core.setting.read", frozenset({"admin", "manager"}), "See the company settings", "查看公司设置"),
        Permission("core.setting.write", frozenset({"admin"}), "Change the company settings", "修改公司设置"),
        # Per-company role grants (core.grants): the admin role never loses
        # these two nor the Modules screen's (core.grants.LOCKED).
        Permission("core.grants.read", frozenset({"admin"}), "See the permission tables", "查看权限表"),
        Permission("core.grants.write", frozenset({"admin"}), "Grant and revoke permissions", "授予和撤销权限"),
        # The company's people (core.people): members, roles, set-password links.
        Permission("core.people.read", frozenset({"admin"}), "See the company's people", "查看公司人员"),
        Permission("core.people.write", frozenset({"admin"}),
                   "Add people, change roles, deactivate, reset passwords", "添加人员、更改角色、停用、重置密码"),
        # The company calendar: company admins change it, managers may look.
        *crud_permissions("core", "calendar_day", read=("admin", "manager"), create=("admin",),
                          write=("admin",), delete=("admin",), label_en="Company calendar", label_zh="公司日历"),
    ]


@hookimpl
def register_entities():
    # The organisation (core.org): company admins keep it, managers read it;
    # staff meet it only as choices (a responsible employee) and sign-offs.
    from core.records.entities import Entity
    from core.org.models import Department, Employee, Post, ResponsibilityHolder
    from core.org.schemas import DepartmentSchema, EmployeeSchema
    admins = dict(read=("admin", "manager"), create=("admin",), write=("admin",), delete=("admin",))
    return [
        Entity("core.department", Department, "部门", "Department", schema=DepartmentSchema, **admins),
        Entity("core.post", Post, "岗位", "Post", **admins),
        Entity("core.employee", Employee, "员工", "Employee", schema=EmployeeSchema, **admins),
        Entity("core.responsibility", ResponsibilityHolder, "职责分配", "Responsibility holder", **admins),
    ]


@hookimpl
def register_responsibilities():
    from core.org.responsibilities import CORE_RESPONSIBILITIES
    return list(CORE_RESPONSIBILITIES)


@hookimpl
def register_settings():
    from core.settings import Setting
    from core.calendar.timezone import DEFAULT_ZONE, check_zone_name
    return [
        Setting("core.calendar.weekdays", "weekdays", default=[0, 1, 2, 3, 4],
                label_zh="工作日", label_en="Working weekdays",
                help_zh="每周的工作日；法定节假日和调休另计。",
                help_en="The working days of a normal week; public holidays and make-up days come on top."),
        Setting("core.calendar.hours", "periods", default="08:30-12:00, 13:30-17:30",
                label_zh="工作时间", label_en="Working hours",
                help_zh="每个工作日的工作时段，例如 08:30-12:00, 13:30-17:30（按工作小时计算时限）。",
                help_en="The working periods of each working day, e.g. 08:30-12:00, 13:30-17:30 "
                        "(deadlines in working hours count only these)."),
        Setting("core.calendar.china_holidays", "bool", default=True,
                label_zh="采用国家法定节假日和调休", label_en="Use China's public holidays and make-up days",
                help_zh="关闭后只按上面的工作日计算，公司自己的休息日和工作日仍然有效。",
                help_en="When off, only the weekdays above count; the company's own days still apply."),
        # Company time (core.timezone): stamps are stored in UTC and shown,
        # exported and printed in this zone; "now", today and every working-time
        # count are this zone's, whatever the server's own zone is.
        Setting("core.timezone", "str", default=DEFAULT_ZONE, max_length=64, validate=check_zone_name,
                label_zh="时区", label_en="Time zone",
                help_zh="公司所在时区（IANA 名称，例如 Asia/Shanghai）。记录时间、导出和打印按此时区显示，"
                        "时限和工作时间也按此时区计算。",
                help_en="The company's time zone (an IANA name, e.g. Asia/Shanghai). Record times, exports "
                        "and printed forms show this zone's time; deadlines and working hours count in it."),
    ]


@hookimpl
def register_jobs():
    from core.deadlines import check_breaches
    from core.jobs import Job

    from core.notify import retry_failed

    def run(company):
        n = check_breaches(company)
        return f"{n} deadline(s) newly breached"
    return [Job("core.deadlines_check", "检查逾期时限", "Mark breached deadlines", run=run),
            # E-mails of notifications whose first send failed (server down).
            Job("core.notify_mail", "重发通知邮件", "Send failed notification e-mails again", run=retry_failed)]


@hookimpl
def register_notifications():
    # The deadline service's reminders (core.deadlines.check_breaches): once
    # per clock, to core.notify.recipients_for(record).
    from core.notify import NotificationKind
    return [
        NotificationKind("core.deadline_due_soon", "时限即将到期", "Deadline due soon",
                         subject_zh="即将到期：{deadline_zh}（{record}）",
                         subject_en="Due soon: {deadline_en} ({record})",
                         body_zh="{company}：{record} 的{deadline_zh}时限将于 {due} 到期。",
                         body_en="{company}: {deadline_en} of {record} is due at {due}."),
        NotificationKind("core.deadline_breached", "时限已逾期", "Deadline breached",
                         subject_zh="已逾期：{deadline_zh}（{record}）",
                         subject_en="Overdue: {deadline_en} ({record})",
                         body_zh="{company}：{record} 的{deadline_zh}时限已于 {due} 到期，尚未完成。",
                         body_en="{company}: {deadline_en} of {record} was due at {due} and is not done."),
    ]


@hookimpl
def dashboard_widgets(company, user):
    # From 1 November: next year's official holidays are neither entered
    # (System → Holiday years) nor in chinesecalendar; a tile for admins.
    from core.calendar.holidays import dashboard_widgets as holiday_widgets
    return holiday_widgets(company, user)
