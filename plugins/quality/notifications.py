"""Notification kinds (core.notify), one function per concern."""


def notifications() -> list:
    return [*_complaints(), *_tracking(), *_callbacks(), *_capa()]


# --- complaints ---------------------------------------------------------------
def _complaints() -> list:
    from core.notify import NotificationKind
    return [
        NotificationKind("quality.complaint_legal", "投诉涉及消协或法院", "Complaint at the 消协 or a court",
                         subject_zh="请法律事务部介入：{record}（{source}）",
                         subject_en="Legal affairs to step in: {record} ({source})",
                         body_zh="质量信息反馈单 {record} 的信息来源为{source}：{description}",
                         body_en="The complaint {record} comes from {source}: {description}"),
        NotificationKind("quality.complaint_hr", "员工投诉待人力资源科处理", "Staff complaint for HR",
                         subject_zh="请执行员工投诉处理意见：{record}（被投诉人 {accused}）",
                         subject_en="Carry out the approved handling: {record} (about {accused})",
                         body_zh="总经理 {by} 已批准销售科的处理意见：{proposal}",
                         body_en="The general manager {by} approved the sales department's proposal: {proposal}"),
    ]


# --- tracking ---------------------------------------------------------------
def _tracking() -> list:
    from core.notify import NotificationKind
    return [NotificationKind("quality.tracking_due", "顾客待质量跟踪", "Customer due for quality tracking",
                             subject_zh="待质量跟踪：{record}", subject_en="Due for quality tracking: {record}",
                             body_zh="顾客 {record} 上次质量跟踪：{last}，按 {months} 个月周期已到期，请定期访问（002-S 4.1）。",
                             body_en="Customer {record} was last tracked on {last}; with a {months}-month interval "
                                     "it is due for a quality tracking visit (002-S 4.1).")]


# --- callbacks ---------------------------------------------------------------
def _callbacks() -> list:
    from core.notify import NotificationKind
    return [
        NotificationKind("quality.callback_fake", "回访发现假单", "Fake record found at a callback",
                         subject_zh="假单/不合格单，请扣罚：{order}", subject_en="Fake or non-conforming record: {order}",
                         body_zh="回访 {record} 发现工单 {order} 为假单或不合格单，请按规定扣罚。{remarks}",
                         body_en="The callback {record} found the work order {order} fake or non-conforming: "
                                 "apply the penalty. {remarks}"),
        NotificationKind("quality.callback_follow_up", "回访不满意待跟踪", "Dissatisfied user to follow up",
                         subject_zh="用户不满意，请跟踪：{order}", subject_en="Dissatisfied user to follow up: {order}",
                         body_zh="回访 {record} 中工单 {order} 的用户不满意，请跟踪处理并填写跟踪结果。{remarks}",
                         body_en="At the callback {record} the user of the work order {order} was dissatisfied: "
                                 "follow up and record the result. {remarks}"),
    ]


# --- capa ---------------------------------------------------------------
def _capa() -> list:
    from core.notify import NotificationKind
    return [NotificationKind("quality.capa_major", "重大质量问题", "Major quality problem",
                             subject_zh="重大质量问题：{record}", subject_en="Major quality problem: {record}",
                             body_zh="{by} 立项了重大纠正和预防措施 {record}（AS-77：重大质量问题上报公司管理层）："
                                     "{nonconformity}",
                             body_en="{by} opened the major CAPA {record} (major quality problems are reported "
                                     "to the management): {nonconformity}")]
