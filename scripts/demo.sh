#!/usr/bin/env bash
# The quick start's run command: a credential issued and verified from the command line, then the
# platform itself on SQLite with a demo organisation. (`credstack demo`, with learners and
# pathways, arrives with the web experience.)
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
if [ ! -e .credstack-demo-seeded ]; then
  echo "== seeding a demo organisation into $CREDSTACK_DATABASE_URL"
  $bin/credstack org create --slug demo --name "Credstack Demo Academy" --country NL
  $bin/credstack achievement create --org demo --file examples/achievement.json --publish
  echo "API token for the demo organisation (admin role):"
  $bin/credstack token create --org demo --role admin --name demo
  touch .credstack-demo-seeded
fi
echo "== Credstack on $CREDSTACK_BASE_URL (API docs at $CREDSTACK_BASE_URL/docs); Ctrl-C stops it"
exec $bin/credstack serve --host 127.0.0.1 --port "$port"
