#!/usr/bin/env bash
# Install evkg with its test dependencies into .venv and run the whole test suite.
# Usage: bash tests/run.sh [pytest arguments]
set -euo pipefail
cd "$(dirname "$0")/.."

python3 -m venv .venv
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet -e '.[test]'

# Debian packages the tests use: Chromium for the web-page tests, the OWL API (libowlapi-java, with a JDK to
# compile its small runner) for the OWL 2 DL profile check and the OBO release file, a C compiler to imitate a
# machine with many cores. Installed when missing (needs root, as on CI).
missing=()
command -v cc >/dev/null 2>&1 || missing+=(gcc)
command -v chromium >/dev/null 2>&1 || missing+=(chromium chromium-driver)
[ -e /usr/share/java/owlapi-api.jar ] || missing+=(libowlapi-java)
command -v javac >/dev/null 2>&1 || missing+=(default-jdk-headless)
if [ "${#missing[@]}" -gt 0 ]; then
  if [ "$(id -u)" = "0" ]; then
    echo "Installing ${missing[*]} for the tests…" >&2
    apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  else
    echo "The tests need Debian packages: sudo apt-get install ${missing[*]}" >&2
    exit 2
  fi
fi

exec .venv/bin/python -m pytest -n 2 "$@"
