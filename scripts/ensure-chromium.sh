#!/usr/bin/env bash
# Browser tests drive Debian's Chromium; install it (with fonts for emoji) only when it is missing.
set -euo pipefail
if ! command -v chromium >/dev/null 2>&1; then
  echo "Installing Chromium for the browser tests..."
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends chromium fonts-liberation fonts-noto-color-emoji
fi
