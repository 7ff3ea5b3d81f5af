#!/usr/bin/env bash
# The proxy test (test/component/behind-nginx.e2e-spec.ts) starts its own nginx master process in front of the
# platform; it needs the nginx binary only, never the machine's nginx service. Installs Debian's nginx-light if missing.
set -euo pipefail
command -v nginx >/dev/null || (apt-get update && apt-get install -y --no-install-recommends nginx-light)
