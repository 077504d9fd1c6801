#!/usr/bin/env bash
# schemathesis against /api/v1/openapi.json: the portal on a temporary SQLite with the demo
# data, one token per scope (and one with every scope), a fixed seed, and enough examples per
# operation that the runs together generate over 1,000 cases. Every response must conform to
# the spec (status, content type, headers, body), and none may be a 5xx.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${BIN:-.venv/bin}
PORT=${API_TEST_PORT:-5077}
EXAMPLES=${API_TEST_EXAMPLES:-25}
SEED=${API_TEST_SEED:-20261204}
MIN_CASES=${API_TEST_MIN_CASES:-1000}
tmp=$(mktemp -d)
server=""
cleanup() { [ -n "$server" ] && kill "$server" 2>/dev/null; rm -rf "$tmp"; }
trap cleanup EXIT

export DATABASE_URL="sqlite:///$tmp/api.sqlite3" RATELIMIT_STORAGE_URI="memory://"
export API_RATE_LIMIT="1000000 per minute" SECRET_KEY="api-test-$RANDOM$RANDOM"
FLASK="$BIN/flask --app portal"
$FLASK compile-translations >/dev/null
$FLASK db upgrade >/dev/null 2>&1
$FLASK seed-demo >/dev/null
read_token=$($FLASK api token --phone 13900000001 --name schemathesis-read --scopes read)
counter_token=$($FLASK api token --phone 13900000004 --name schemathesis-counter --scopes counter)
every_token=$($FLASK api token --phone 13900000004 --name schemathesis-all \
  --scopes "read checkin counter volunteer exports")
volunteer_token=$($FLASK api token --phone 13900000001 --name schemathesis-volunteer \
  --scopes "read volunteer")
exports_token=$($FLASK api token --phone 13900000005 --name schemathesis-exports \
  --scopes "read exports")

$FLASK run --host 127.0.0.1 --port "$PORT" >"$tmp/server.log" 2>&1 &
server=$!
for _ in $(seq 1 50); do
  curl -fsS "http://127.0.0.1:$PORT/api/v1/openapi.json" >/dev/null 2>&1 && break
  sleep 0.2
done

total=0
run() {  # run <label> <token>
  echo "==> schemathesis as the $1 token"
  out="$tmp/$1.txt"
  if ! "$BIN/schemathesis" run "http://127.0.0.1:$PORT/api/v1/openapi.json" \
      --header "Authorization: Bearer $2" --seed "$SEED" --max-examples "$EXAMPLES" \
      --phases examples,coverage,fuzzing --workers 1 --no-color \
      --checks not_a_server_error,status_code_conformance,content_type_conformance,response_headers_conformance,response_schema_conformance \
      >"$out" 2>&1; then
    cat "$out"; echo "--- server log (tail)"; tail -n 10 "$tmp/server.log"
    exit 1
  fi
  grep -A12 "^Warnings:\|^Test cases:" "$out" || true
  cases=$(grep -oE '[0-9]+ generated' "$out" | tail -n 1 | grep -oE '[0-9]+' || echo 0)
  total=$((total + cases))
}
run read "$read_token"
run counter "$counter_token"
run volunteer "$volunteer_token"
run exports "$exports_token"
run every "$every_token"
echo "schemathesis: $total generated cases in all, zero 5xx, every response conforming"
if [ "$total" -lt "$MIN_CASES" ]; then
  echo "fewer than $MIN_CASES cases: raise API_TEST_EXAMPLES" >&2
  exit 1
fi
