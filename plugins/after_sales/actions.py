"""The buttons after-sales adds to record pages (core cross-plugin actions,
hook ``record_actions``): one module per concern."""


def actions(company, record, user) -> list:
    from . import article_actions, report_actions
    return [*report_actions.actions(company, record, user), *article_actions.actions(company, record, user)]
