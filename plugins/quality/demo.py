"""Demonstration data for each demo company (crm's customers and
after_sales' work orders are there already: quality depends on both), one
module per concern. Dates are relative to the company's today; records move
through core's workflows acting as the demo users who may."""


def load(company, users) -> None:
    from . import demo_callbacks, demo_capa, demo_complaints, demo_tracking
    for concern in (demo_complaints, demo_tracking, demo_callbacks, demo_capa):
        concern.load(company, users)
