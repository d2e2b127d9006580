#!/usr/bin/env bash
# The browser test renders the HTML report in Debian's Chromium with a Traditional Chinese font.
# `npm test` runs this first so that a fresh machine needs nothing installed by hand: as root with
# apt-get (this project's machines and CI), it installs what is missing; elsewhere it says what to install.
set -euo pipefail
if [ -n "${CCHECK_CHROMIUM:-}" ] || { command -v chromium >/dev/null && dpkg -s fonts-noto-cjk >/dev/null 2>&1; }; then exit 0; fi
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "installing Debian's chromium and fonts-noto-cjk for the browser test (about a minute)"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk >/dev/null
else
  echo "the browser test needs Chromium and a CJK font: sudo apt-get install chromium fonts-noto-cjk (or set CCHECK_CHROMIUM to a Chromium binary)" >&2
  exit 1
fi
