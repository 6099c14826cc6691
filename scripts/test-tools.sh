#!/usr/bin/env bash
# What the tests need beside `cargo test`: headless Chromium; axe-core (the accessibility
# checker the tests load into the pages they check) at the version pinned in
# tests/browser/package-lock.json; and Slurm with munge, which scripts/slurm-local.sh
# starts for the sharding test. Installs only what is missing; safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
command -v chromium >/dev/null || missing+=(chromium)
command -v npm >/dev/null || missing+=(npm)
command -v slurmctld >/dev/null || missing+=(slurm-wlm)
command -v munged >/dev/null || missing+=(munge)
if ((${#missing[@]})); then
  if [ "$(id -u)" -ne 0 ]; then
    echo "test-tools: ${missing[*]} missing; run as root, or install them: apt-get install ${missing[*]}" >&2
    exit 1
  fi
  apt-get update
  apt-get install -y "${missing[@]}"
fi

# axe-core from the npm registry, checked against the lockfile's integrity hash
if [ ! -f tests/browser/node_modules/axe-core/axe.min.js ]; then
  npm ci --prefix tests/browser --no-audit --no-fund --ignore-scripts
fi
echo "test-tools: chromium $(chromium --version 2>/dev/null | awk '{print $2}'), axe-core $(node -p "require('./tests/browser/node_modules/axe-core/package.json').version" 2>/dev/null || echo '?'), $(slurmd -V 2>/dev/null || echo 'slurm ?')"
