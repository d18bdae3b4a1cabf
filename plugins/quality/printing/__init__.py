"""The quality printed forms (core.printing), one module per concern:
``complaints`` (质量信息反馈单), ``tracking`` (质量跟踪记录表 and the quarterly
服务质量报告), ``callbacks`` (回访/抽访记录表), ``capa`` (纠正和预防措施处理单).
Templates in ``plugins/quality/templates/print/``."""


def printables() -> list:
    from . import callbacks, capa, complaints, tracking
    return [*complaints.printables(), *tracking.printables(), *callbacks.printables(), *capa.printables()]


def reports() -> list:
    from . import tracking
    return tracking.reports()  # the period register and the quarterly report
