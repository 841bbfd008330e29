#!/bin/sh
# Debian's Chromium for Puppeteer (PUPPETEER_EXECUTABLE_PATH), as Ace by
# DAISY runs it. Ace already passes --no-sandbox (needed as root); the rest
# keeps the browser from reaching for the network, which CI does not have.
exec "${CHROMIUM:-/usr/bin/chromium}" --no-sandbox --headless --disable-gpu \
  --disable-background-networking --disable-component-update --disable-sync \
  --disable-default-apps --disable-domain-reliability --disable-breakpad \
  --no-first-run --no-pings --disable-dev-shm-usage "$@"
