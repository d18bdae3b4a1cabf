#!/usr/bin/env bash
# Install the Debian packages qdesk needs that are missing from this machine.
#   scripts/system-deps.sh run   # WeasyPrint + CJK printing
#   scripts/system-deps.sh test  # the run set plus PostgreSQL and Chromium
set -euo pipefail

mode="${1:-run}"

run_pkgs=(fonts-noto-cjk libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 poppler-utils)
# Packages that are nice to have but may not exist under that name on every
# Debian release; dropped (with a note) when apt has no candidate for them.
optional_pkgs=(libharfbuzz-subset0)

case "$mode" in
  run)  pkgs=("${run_pkgs[@]}") ;;
  test) pkgs=("${run_pkgs[@]}" postgresql chromium poppler-utils) ;;
  *)    echo "usage: $0 [run|test]" >&2; exit 2 ;;
esac

is_installed() {
  dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"
}

is_optional() {
  local p
  for p in "${optional_pkgs[@]}"; do [ "$p" = "$1" ] && return 0; done
  return 1
}

has_candidate() {
  local cand
  cand="$(apt-cache policy "$1" 2>/dev/null | awk '/Candidate:/ {print $2; exit}')"
  [ -n "$cand" ] && [ "$cand" != "(none)" ]
}

missing=()
declare -A seen=()
for p in "${pkgs[@]}"; do
  [ -n "${seen[$p]:-}" ] && continue
  seen[$p]=1
  is_installed "$p" || missing+=("$p")
done

if [ "${#missing[@]}" -eq 0 ]; then
  exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
  echo "system-deps: missing Debian packages: ${missing[*]}" >&2
  echo "system-deps: install them with:" >&2
  echo "  sudo apt-get install -y --no-install-recommends ${missing[*]}" >&2
  if [ "$mode" = "test" ]; then
    exit 1
  fi
  echo "system-deps: continuing anyway (PDF printing may not work)." >&2
  exit 0
fi

echo "system-deps: installing ${missing[*]}" >&2
apt-get update -qq

to_install=()
for p in "${missing[@]}"; do
  if is_optional "$p" && ! has_candidate "$p"; then
    echo "system-deps: package $p not available on this release; skipping" >&2
    continue
  fi
  to_install+=("$p")
done

if [ "${#to_install[@]}" -gt 0 ]; then
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${to_install[@]}"
fi
