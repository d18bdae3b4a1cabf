"""The after-sales printed forms (core.printing), one module per form
family: ``orders`` (工单/派工单), ``service_reports`` (JL-7.5-02-3),
``notices`` (JL-7.5-02-1 and the period report of the ledger JL-7.5-02-2).
Templates in ``plugins/after_sales/templates/print/``."""


def printables() -> list:
    from . import notices, orders, service_reports
    return [*orders.printables(), *service_reports.printables(), *notices.printables()]


def reports() -> list:
    from . import notices
    return [*notices.reports()]
