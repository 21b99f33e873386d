#!/usr/bin/env bash
# Install axe-core (pinned in package.json / package-lock.json) into node_modules/ for the browser tests.
#
# The accessibility test (tests/browser/test_accessibility.py) injects node_modules/axe-core/axe.min.js into
# each built page in headless Chromium and runs the WCAG 2.2 A and AA rules. The book itself never loads
# axe-core: it is a test tool, kept out of book/ and out of the built site.
#
# Idempotent: does nothing when the locked version is already installed.
#   bash scripts/vendor-axe.sh            (run from anywhere; needs npm)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
WANTED="$(node -e 'console.log(require("./package-lock.json").packages["node_modules/axe-core"].version)' 2>/dev/null || true)"
HAVE="$(node -e 'console.log(require("./node_modules/axe-core/package.json").version)' 2>/dev/null || true)"

if [ -n "$WANTED" ] && [ "$WANTED" = "$HAVE" ] && [ -f node_modules/axe-core/axe.min.js ]; then
    echo "axe-core $HAVE already installed in node_modules/"
    exit 0
fi

if ! command -v npm >/dev/null 2>&1; then
    echo "vendor-axe.sh: npm is needed (Debian: apt-get install -y npm; or install Node.js)" >&2
    exit 1
fi

npm ci --ignore-scripts --no-audit --no-fund --silent
[ -f node_modules/axe-core/axe.min.js ] || { echo "vendor-axe.sh: no node_modules/axe-core/axe.min.js after npm ci" >&2; exit 1; }
echo "installed axe-core $(node -e 'console.log(require("./node_modules/axe-core/package.json").version)') into node_modules/"
