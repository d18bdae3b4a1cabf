"""Cross-plugin actions, panels and linked records on every record page
(:mod:`core.links`): the buttons other plugins offer on the record, their
panels, and the records linked to it, each behind the same checks as the
record itself. The buttons post to one page of the record's own screen,
which asks core again whether the action is still offered."""
from __future__ import annotations

import logging
from typing import Any

from flask import abort, flash, redirect, request
from flask_babel import get_locale, gettext

from admin.actions import scoped_expose
from admin.errors import http_errors
from core import links
from core.errors import DomainError, Invalid
from core.extensions import db

log = logging.getLogger("qdesk.links")


class RecordLinksMixin:
    """Mixed into :class:`admin.views.CompanyModelView`."""

    def record_actions_for(self, model: Any) -> list[links.RecordAction]:
        """The actions the user may run on ``model`` (its details page)."""
        if model is None or getattr(model, "id", None) is None:
            return []
        return links.offered_actions(model)

    def record_panels_for(self, model: Any) -> list[dict[str, Any]]:
        """The other plugins' panels on ``model``, ready for the template."""
        if model is None or getattr(model, "id", None) is None:
            return []
        locale = str(get_locale() or "zh_Hans_CN")
        return [links.panel_context(p, locale) for p in links.collect_panels(model)]

    def record_links_for(self, model: Any) -> list[links.ShownLink]:
        """The records linked to ``model`` that the user may see."""
        if model is None or getattr(model, "id", None) is None:
            return []
        return links.visible_links(model)

    @scoped_expose("/record-action/", "read", methods=("POST",))
    def record_action_view(self) -> Any:
        """The record page's action buttons post here: ``id`` and ``action``
        (a key offered by ``record_actions``). Not offered (any more): 404;
        its permission missing: 403; the handler's refusal: a message and
        nothing saved; else the new record's page."""
        key = request.form.get("action", "")
        if not key or len(key) > 200:
            abort(400)
        record = self.get_one(request.form.get("id", ""))
        back = redirect(self.get_url(".details_view", id=record.id))
        with http_errors():
            action = links.require_action(record, key)
        try:
            created = links.run_action(action, record)
            db.session.commit()
        except (DomainError, Invalid) as exc:
            db.session.rollback()
            flash(gettext("Nothing was saved. %(reason)s", reason=exc.message), "error")
            return back
        except Exception:  # noqa: BLE001 - a plugin's handler failed: its record page stays usable
            db.session.rollback()
            log.exception("record action %r of plugin %r failed on %s %s", action.key, action.plugin_key,
                          type(record).__name__, record.id)
            flash(gettext("Nothing was saved: qdesk could not run this action (the error was logged "
                          "for the administrator)."), "error")
            return back
        done = (gettext("%(action)s: %(record)s created and linked.", action=action.label(),
                        record=links.record_title(created)) if not action.joins else
                gettext("%(action)s: linked to %(record)s.", action=action.label(), record=links.record_title(created)))
        flash(done, "success")
        target = links.record_url(created)
        return redirect(target) if target else back
