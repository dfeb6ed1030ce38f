#!/usr/bin/env bash
# Debian packages the tests need, installed only when missing: libsodium (the group),
# chromium and fonts (the booth's end-to-end test), PostgreSQL (the storage tests),
# Node.js with npm (the booth's build) when the machine has none, the voting cards' tools,
# and nginx (the production front, run by tests/server/test_hostile_connections.py).
set -euo pipefail
need=()
python3 -c 'import ctypes.util,sys; sys.exit(0 if ctypes.util.find_library("sodium") else 1)' ||
  need+=(libsodium23)
[ -x /usr/bin/chromium ] || need+=(chromium fonts-noto-core fonts-dejavu-core)
ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1 || need+=(postgresql)
command -v npm >/dev/null || need+=(nodejs npm)
# The voting cards: qpdf joins their pages, Noto and DejaVu are their fonts; the tests read
# them back with poppler (pdftoppm, pdftotext) and zbar (the QR code).
command -v qpdf >/dev/null || need+=(qpdf)
[ -f /usr/share/fonts/truetype/noto/NotoNaskhArabic-Regular.ttf ] || need+=(fonts-noto-core)
[ -f /usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf ] || need+=(fonts-dejavu-core)
command -v pdftoppm >/dev/null || need+=(poppler-utils)
command -v zbarimg >/dev/null || need+=(zbar-tools)
[ -x /usr/sbin/nginx ] || command -v nginx >/dev/null || need+=(nginx)
if [ ${#need[@]} -gt 0 ]; then
  echo "installing Debian packages: ${need[*]}" >&2
  if [ "$(id -u)" != 0 ]; then
    echo "error: need root (or sudo) to install ${need[*]}" >&2
    exit 2
  fi
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
fi
