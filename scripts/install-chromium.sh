#!/usr/bin/env bash
# Install headless Chromium for the browser checks (tests/browser), from Debian's packages.
#
# Idempotent: does nothing when /usr/bin/chromium is already there. Needs root (apt-get).
#   bash scripts/install-chromium.sh          as root (this project's machines, .ci/run)
#   sudo bash scripts/install-chromium.sh     anywhere else (GitHub Actions)
#
# Playwright's own browser download (`playwright install`) does not work on machines without general
# internet access, so the tests drive this Chromium through Playwright's `executable_path`.
set -euo pipefail

CHROMIUM=/usr/bin/chromium

if [ -x "$CHROMIUM" ]; then
    echo "chromium already installed: $("$CHROMIUM" --version 2>/dev/null | head -n 1)"
    exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
    echo "install-chromium.sh: $CHROMIUM is missing and installing it needs root; run one of:" >&2
    echo "  sudo bash scripts/install-chromium.sh" >&2
    echo "  sudo apt-get update && sudo apt-get install -y chromium" >&2
    exit 1
fi

# GitHub's Ubuntu runners have no `chromium` deb (Ubuntu ships it as a snap) but do have Google Chrome:
# link it to the path the tests use rather than installing a second browser.
for candidate in google-chrome google-chrome-stable; do
    if command -v "$candidate" >/dev/null 2>&1; then
        ln -sf "$(command -v "$candidate")" "$CHROMIUM"
        echo "linked $CHROMIUM -> $(command -v "$candidate")"
        "$CHROMIUM" --version
        exit 0
    fi
done

export DEBIAN_FRONTEND=noninteractive
apt-get update
apt-get install -y --no-install-recommends chromium
"$CHROMIUM" --version
