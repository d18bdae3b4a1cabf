#!/usr/bin/env bash
# Third-party browser assets qdesk serves from its own static files (no CDN).
#   scripts/vendor.sh          fetch what is missing (idempotent)
#   scripts/vendor.sh --force  fetch again
# Chart.js comes from the npm registry (`npm pack`, no node_modules left
# behind); its UMD bundle lands in admin/static/vendor/chartjs/ (gitignored),
# served at /static/qdesk/vendor/chartjs/chart.umd.js (core/dashboard.py).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

CHARTJS_VERSION=4.6.1
DEST=admin/static/vendor/chartjs
FILE="$DEST/chart.umd.js"
STAMP="$DEST/VERSION"

valid() {
  # A real Chart.js UMD bundle: non-trivial size, its banner, the global.
  [ -s "$FILE" ] && [ "$(wc -c <"$FILE")" -gt 100000 ] \
    && head -c 400 "$FILE" | grep -q "Chart.js v$CHARTJS_VERSION" \
    && grep -q "Chart" "$FILE" \
    && [ "$(cat "$STAMP" 2>/dev/null)" = "$CHARTJS_VERSION" ]
}

if [ "${1:-}" != "--force" ] && valid; then
  exit 0
fi

if ! command -v npm >/dev/null 2>&1; then
  echo "vendor: npm not found; the dashboard will show tiles without charts" >&2
  exit 1
fi

TMP="$(mktemp -d "${TMPDIR:-/tmp}/qdesk-vendor.XXXXXX")"
trap 'rm -rf "$TMP"' EXIT
(cd "$TMP" && npm pack --silent "chart.js@$CHARTJS_VERSION" >/dev/null 2>"$TMP/npm.log") || {
  cat "$TMP/npm.log" >&2
  echo "vendor: npm pack chart.js@$CHARTJS_VERSION failed" >&2
  exit 1
}
tar -xzf "$TMP"/chart.js-"$CHARTJS_VERSION".tgz -C "$TMP" package/dist/chart.umd.js package/LICENSE.md
mkdir -p "$DEST"
cp "$TMP/package/dist/chart.umd.js" "$FILE.tmp"
cp "$TMP/package/LICENSE.md" "$DEST/LICENSE.md"
mv "$FILE.tmp" "$FILE"
echo "$CHARTJS_VERSION" >"$STAMP"
if ! valid; then
  echo "vendor: $FILE does not look like Chart.js $CHARTJS_VERSION" >&2
  exit 1
fi
echo "vendor: Chart.js $CHARTJS_VERSION -> $FILE"
