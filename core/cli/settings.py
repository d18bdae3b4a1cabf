"""``qdesk settings``: read and change a company's settings from scripts
(the same checks and audit as Administration → Settings)."""
from __future__ import annotations

import json
from typing import Any

import click
from flask.cli import with_appcontext

from core.cli.base import company_by_code, main


@main.group()
def settings() -> None:
    """Company settings (list, get, set)."""


def _shown(setting: Any, value: Any) -> str:
    stored = setting.to_json(value)
    return stored if isinstance(stored, str) else json.dumps(stored, ensure_ascii=False)


def _given(setting: Any, text: str) -> Any:
    """The command line's VALUE as the Settings form would submit it: a
    list for weekdays (``0,1,2,3,4`` or ``[0,1,2,3,4]``), a JSON object for
    a deadline when it looks like one, else the text itself."""
    text = text.strip()
    if setting.type == "weekdays":
        if text.startswith("["):
            try:
                return [str(v) for v in json.loads(text)]
            except (ValueError, TypeError):
                return text
        return [part.strip() for part in text.split(",") if part.strip()]
    if setting.type == "deadline" and text.startswith("{"):
        try:
            return json.loads(text)
        except ValueError:
            return text
    return text


@settings.command("list")
@click.option("--company", "company_code", required=True)
@with_appcontext
def settings_list(company_code: str) -> None:
    """Every setting of the company's enabled modules, with its value."""
    from core.records import tenancy
    from core.settings import get_setting, settings_registry
    company = company_by_code(company_code)
    for key, setting in sorted(settings_registry().by_key.items()):
        if tenancy.module_enabled(setting.module, company):
            click.echo(f"{key} = {_shown(setting, get_setting(key, company))}")


@settings.command("get")
@click.argument("key")
@click.option("--company", "company_code", required=True)
@with_appcontext
def settings_get(key: str, company_code: str) -> None:
    """Print the value of setting KEY for the company (its default when never set)."""
    from core.settings import UnknownSetting, get_setting, settings_registry
    company = company_by_code(company_code)
    try:
        value = get_setting(key, company)
    except UnknownSetting as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(_shown(settings_registry().get(key), value))


@settings.command("set")
@click.argument("key")
@click.argument("value")
@click.option("--company", "company_code", required=True)
@with_appcontext
def settings_set(key: str, value: str, company_code: str) -> None:
    """Set setting KEY to VALUE for the company; an invalid value is refused
    with the setting's own message and nothing changes."""
    from core.records import tenancy
    from core.settings import SettingsError, get_setting, set_settings, settings_registry
    company = company_by_code(company_code)
    setting = settings_registry().by_key.get(key)
    submitted = _given(setting, value) if setting is not None else value
    try:
        with tenancy.acting_as(company):
            changed = set_settings({key: submitted}, company)
    except SettingsError as exc:
        raise click.ClickException("; ".join(f"{k}: {' '.join(m)}" for k, m in exc.errors.items())) from None
    if changed:
        click.echo(f"{company.code}: {key} = {_shown(setting, get_setting(key, company))}")
    else:
        click.echo(f"{company.code}: {key} unchanged")
