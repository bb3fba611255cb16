#!/usr/bin/env bash
# The quick start's run command: make an issuer key, issue a badge, verify it.
# (The web platform arrives with the platform service; until then this is what runs.)
set -euo pipefail
cd "$(dirname "$0")/.."
bin=.venv/bin
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
echo "== credstack keys new --out $work/issuer.key"
$bin/credstack keys new --out "$work/issuer.key"
echo "== credstack issue --achievement examples/achievement.json --recipient learner@example.com"
$bin/credstack issue --key "$work/issuer.key" --achievement examples/achievement.json \
  --recipient learner@example.com --issuer-name "Credstack Demo Academy" > "$work/badge.json"
cat "$work/badge.json"
echo "== credstack verify"
$bin/credstack verify "$work/badge.json"
