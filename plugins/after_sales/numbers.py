"""The after-sales record numbers (core.sequences): 协议编号, 工单号,
报告单号, 通知单号 and 知识库条目编号. Each prefix is a company setting,
declared by core."""
from core.sequences import Sequence


def sequences() -> list[Sequence]:
    from .models import KnowledgeArticle, PartNotice, ServiceAgreement, ServiceReport, WorkOrder
    return [
        Sequence("after_sales.agreement", ServiceAgreement, "number", pattern="{prefix}-{yyyy}-{n:04d}",
                 reset="yearly", prefix_setting="after_sales.agreement.prefix", default_prefix="FWXY",
                 label_zh="服务协议", label_en="Service agreement"),
        Sequence("after_sales.workorder", WorkOrder, "number", pattern="{prefix}-{yyyy}-{n:05d}",
                 reset="yearly", prefix_setting="after_sales.workorder.prefix", default_prefix="GD",
                 label_zh="工单", label_en="Work order"),
        Sequence("after_sales.report", ServiceReport, "number", pattern="{prefix}-{yyyy}-{n:04d}",
                 reset="yearly", prefix_setting="after_sales.report.prefix", default_prefix="FWBG",
                 label_zh="售后服务报告单", label_en="Service report"),
        Sequence("after_sales.notice", PartNotice, "number", pattern="{prefix}-{yyyy}-{n:04d}",
                 reset="yearly", prefix_setting="after_sales.notice.prefix", default_prefix="BJ",
                 label_zh="备件补发通知单", label_en="Spare-part notice"),
        Sequence("after_sales.article", KnowledgeArticle, "number", pattern="{prefix}-{n:04d}", reset="never",
                 prefix_setting="after_sales.article.prefix", default_prefix="ZS",
                 label_zh="知识库条目", label_en="Knowledge article"),
    ]
