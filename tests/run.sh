#!/usr/bin/env bash
# Install evkg with its test dependencies into .venv and run the whole test suite.
# Usage: bash tests/run.sh [pytest arguments]
set -euo pipefail
cd "$(dirname "$0")/.."

python3 -m venv .venv
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet -e '.[test]'

# The web-page tests drive Debian's Chromium; install it when missing (needs root, as on CI).
if ! command -v chromium >/dev/null 2>&1; then
  if [ "$(id -u)" = "0" ]; then
    echo "Installing Chromium for the browser tests…" >&2
    apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null
  else
    echo "The browser tests need Chromium: sudo apt-get install chromium chromium-driver" >&2
    exit 2
  fi
fi

exec .venv/bin/python -m pytest -n 2 "$@"
