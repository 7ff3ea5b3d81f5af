#!/usr/bin/env bash
# One command for a fresh machine: services up, dependencies installed (and built), demo brigade seeded, platform started.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-services.sh
npm ci
DEMO_SEED="${DEMO_SEED:-true}" npm start
