"""The ``qdesk`` command group and what its commands share."""
from __future__ import annotations

import click
from flask.cli import FlaskGroup

from core.extensions import db
from core.models import Company


def _create_app():
    from core import create_app
    return create_app()


@click.group(cls=FlaskGroup, create_app=_create_app, add_version_option=False,
             help="qdesk: service quality management. Configure with QDESK_* variables.")
def main() -> None:
    pass


def company_by_code(code: str) -> Company:
    """The company with ``code``; a clear error (exit 1) when there is none."""
    company = db.session.query(Company).filter_by(code=code).one_or_none()
    if company is None:
        raise click.ClickException(f"no company with code {code!r}")
    return company
