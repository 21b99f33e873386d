#!/usr/bin/env bash
# Vendor MathJax 3 into book/_vendor/mathjax/ so the book renders maths without a CDN.
#
# Jupyter Book 1 (Sphinx) loads MathJax from a public CDN by default; offline, maths shows as raw TeX.
# This takes MathJax 3 from the npm registry (`npm pack`), keeps its es5 build (the CommonHTML bundle, its
# fonts, TeX extensions and the accessibility/menu parts it loads on demand) and puts it in a folder that
# _config.yml publishes with `html_extra_path` (so it lands at _build/html/mathjax/). It must not live under
# a `_static/` folder: Jupyter Book adds a <script> tag to every page for every .js file found there.
#
# Idempotent: does nothing when the wanted version is already in place.
#   bash scripts/vendor-mathjax.sh            (run from anywhere; needs npm)
#   MATHJAX_VERSION=3.2.2 bash scripts/vendor-mathjax.sh
set -euo pipefail

VERSION="${MATHJAX_VERSION:-3.2.2}"
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DEST="$ROOT/book/_vendor/mathjax"
STAMP="$DEST/.version"

if [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$VERSION" ] && [ -f "$DEST/tex-chtml.js" ]; then
    echo "MathJax $VERSION already vendored in ${DEST#"$ROOT"/}"
    exit 0
fi

if ! command -v npm >/dev/null 2>&1; then
    echo "vendor-mathjax.sh: npm is needed (Debian: apt-get install -y npm; or install Node.js)" >&2
    exit 1
fi

WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
(cd "$WORK" && npm pack --silent "mathjax@$VERSION" >/dev/null)
tar -xzf "$WORK"/mathjax-*.tgz -C "$WORK"
ES5="$WORK/package/es5"
[ -f "$ES5/tex-chtml.js" ] || { echo "vendor-mathjax.sh: no es5/tex-chtml.js in mathjax@$VERSION" >&2; exit 1; }

# Only the CommonHTML output is used: drop the other combined bundles and the SVG output (about 12 MB).
rm -rf "$ES5/output/svg" "$ES5/node-main.js" "$ES5"/mml-*.js "$ES5"/tex-mml-*.js "$ES5"/tex-svg*.js \
    "$ES5"/tex-chtml-full*.js

rm -rf "$DEST.new"
mkdir -p "$(dirname "$DEST")"
cp -R "$ES5" "$DEST.new"
cp "$WORK/package/LICENSE" "$DEST.new/LICENSE"
echo "$VERSION" > "$DEST.new/.version"
rm -rf "$DEST"
mv "$DEST.new" "$DEST"
echo "vendored MathJax $VERSION into ${DEST#"$ROOT"/} ($(du -sh "$DEST" | cut -f1))"
