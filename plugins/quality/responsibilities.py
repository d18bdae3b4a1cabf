"""Named responsibilities the quality procedures route to (D-14): 企业管理部门, 法律事务部, 财务科, ..."""


def responsibilities() -> list:
    return [*_complaints(), *_tracking(), *_callbacks()]


# --- complaints ---------------------------------------------------------------
def _complaints() -> list:
    """Who confirms and pays out (AS-55), who executes a staff complaint's
    handling (AS-48), who is told of cases at the 消协 or a court (AS-46)."""
    from core import Responsibility
    return [
        Responsibility("quality.enterprise_management", "企业管理部门", "Enterprise management department",
                       help_zh="确认质量投诉的处理结果并兑现赔付（QP-8.2.2 第2条）。",
                       help_en="Confirms a quality complaint's handling and pays out the compensation."),
        Responsibility("quality.hr", "人力资源科", "Human resources",
                       help_zh="执行经总经理批准的员工投诉处理意见。",
                       help_en="Carries out the approved handling of a complaint about our own staff."),
        Responsibility("quality.legal", "法律事务部", "Legal affairs",
                       help_zh="投诉至消协或上诉至法院的案件时收到通知。",
                       help_en="Told of complaints taken to the consumers' association or a court."),
    ]


# --- tracking ---------------------------------------------------------------
def _tracking() -> list:
    from core import Responsibility
    # AS-66: the record goes to the head of 销售部, who passes it on to 质管部;
    # AS-67: 质管部 receives and solves the problem.
    return [Responsibility("quality.sales_head", "销售部负责人", "Head of sales (销售部负责人)",
                           help_zh="审核《质量跟踪记录表》并将顾客信息反馈给质管部。",
                           help_en="Signs the quality tracking records and passes the customer's problems on "
                                   "to 质管部."),
            Responsibility("quality.qm_receiver", "质管部接收人", "质管部 receiver",
                           help_zh="代表质管部接收质量跟踪中暂不能解决的问题，15个工作日内解决。",
                           help_en="Receives, for 质管部, the problems quality tracking could not solve at once; "
                                   "solved within 15 working days.")]


# --- callbacks ---------------------------------------------------------------
def _callbacks() -> list:
    # AS-42: fake or non-conforming records go to 分公司财务科 for 扣罚.
    from core import Responsibility
    return [Responsibility("quality.finance", "财务科（假单扣罚）", "Finance (penalties for fake records)",
                           help_zh="回访发现假单或不合格单时通知其扣罚（第002-A号第2条）。",
                           help_en="Told of every fake or non-conforming record found at a callback, for the "
                                   "penalty (002-A 2).")]

