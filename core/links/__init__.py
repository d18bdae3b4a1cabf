"""Cross-plugin actions, panels and record links.

* :class:`RecordAction` (hook ``record_actions``): a button one plugin
  offers on another plugin's record page ("Create task from this note");
  core checks, runs it and links the record it made.
* :class:`Panel` (hook ``details_panels``): a box of rows or a small table
  on another plugin's record page; data only, escaped by core.
* :class:`RecordLink`, :func:`link`, :func:`links_of`,
  :func:`linked_records`: which record was made from which, visible from both sides (:func:`visible_links` filters what
  the user may see: module enabled, record readable).

Both hooks are per company: a module disabled for the company offers
nothing there, and its links are hidden.
"""
from core.links.models import RecordLink
from core.links.store import (ShownLink, entity_key_of, link, linked_records, links_of, list_url, record_title,
                              record_url, visible_links)
from core.links.actions import RecordAction, collect_actions, offered_actions, require_action, run_action
from core.links.panels import Cell, Panel, PanelRow, collect_panels, panel_context

__all__ = ["RecordLink", "link", "links_of", "linked_records", "visible_links", "ShownLink", "entity_key_of",
           "record_url", "list_url", "record_title", "RecordAction", "collect_actions", "offered_actions",
           "require_action", "run_action", "Panel", "PanelRow", "Cell", "collect_panels",
           "panel_context"]
