#!/usr/bin/env bash
# Translations (Chinese catalog: zh_Hans_CN).
#   scripts/i18n.sh update [PLUGIN_DIR]   extract messages, merge them into the .po file
#   scripts/i18n.sh compile [PLUGIN_DIR]  compile the .po file into the .mo file the app reads
# Without PLUGIN_DIR: core and the admin shell (core/translations). With it
# (e.g. plugins/crm): that plugin's own catalog in PLUGIN_DIR/translations,
# which core merges at start.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
PYBABEL=.venv/bin/pybabel
if [ -n "${2:-}" ]; then
  SOURCES=("$2"); DIR="$2/translations"
else
  SOURCES=(core admin); DIR=core/translations
fi
case "${1:-}" in
  update)
    mkdir -p "$DIR"
    $PYBABEL extract -F babel.cfg -k lazy_gettext -k _l -k _gettext --no-location --sort-output \
      -o "$DIR/messages.pot" "${SOURCES[@]}"
    if [ -f "$DIR/zh_Hans_CN/LC_MESSAGES/messages.po" ]; then
      $PYBABEL update -i "$DIR/messages.pot" -d "$DIR" -l zh_Hans_CN --no-fuzzy-matching
    else
      $PYBABEL init -i "$DIR/messages.pot" -d "$DIR" -l zh_Hans_CN
    fi ;;
  compile)
    $PYBABEL compile -d "$DIR" --statistics ;;
  *) echo "usage: $0 update|compile [PLUGIN_DIR]" >&2; exit 2 ;;
esac
