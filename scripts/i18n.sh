#!/usr/bin/env bash
# Translations of core and the admin shell (Chinese catalog: zh_Hans_CN).
#   scripts/i18n.sh update    extract messages, merge them into the .po files
#   scripts/i18n.sh compile   compile the .po files into the .mo files the app reads
# A plugin keeps its own catalog in <plugin>/translations (same commands with
# its folder); core merges it at start.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
PYBABEL=.venv/bin/pybabel
DIR=core/translations
case "${1:-}" in
  update)
    $PYBABEL extract -q -F babel.cfg -k lazy_gettext -k _l --no-location --sort-output \
      -o "$DIR/messages.pot" core admin 2>/dev/null || \
    $PYBABEL extract -F babel.cfg -k lazy_gettext -k _l --no-location --sort-output \
      -o "$DIR/messages.pot" core admin
    if [ -f "$DIR/zh_Hans_CN/LC_MESSAGES/messages.po" ]; then
      $PYBABEL update -i "$DIR/messages.pot" -d "$DIR" -l zh_Hans_CN --no-fuzzy-matching
    else
      $PYBABEL init -i "$DIR/messages.pot" -d "$DIR" -l zh_Hans_CN
    fi ;;
  compile)
    $PYBABEL compile -d "$DIR" --statistics ;;
  *) echo "usage: $0 update|compile" >&2; exit 2 ;;
esac
