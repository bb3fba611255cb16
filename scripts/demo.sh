#!/usr/bin/env bash
# The quick start's run command: a credential issued and verified from the command line, then
# the platform itself on SQLite, seeded by `credstack demo` (an issuer, EU micro-credentials
# aligned to ESCO skills, a pathway, staff and learners; once, then left as it is).
set -euo pipefail
cd "$(dirname "$0")/.."
bin=.venv/bin
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

echo "== credstack keys new, issue, verify"
$bin/credstack keys new --out "$work/issuer.key"
$bin/credstack issue --key "$work/issuer.key" --achievement examples/achievement.json \
  --recipient learner@example.com --issuer-name "Credstack Demo Academy" > "$work/badge.json"
$bin/credstack verify "$work/badge.json"

export CREDSTACK_DATABASE_URL=${CREDSTACK_DATABASE_URL:-sqlite:///./credstack-demo.db}
export CREDSTACK_KEY_FILE=${CREDSTACK_KEY_FILE:-./credstack-demo-secret.key}
port=${PORT:-8000}
export CREDSTACK_BASE_URL=${CREDSTACK_BASE_URL:-http://127.0.0.1:$port}
echo "== credstack demo: demo data in $CREDSTACK_DATABASE_URL"
$bin/credstack demo
echo "== Credstack on $CREDSTACK_BASE_URL (API docs at $CREDSTACK_BASE_URL/docs); Ctrl-C stops it"
exec $bin/credstack serve --host 127.0.0.1 --port "$port"
