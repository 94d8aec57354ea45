#!/usr/bin/env bash
# Orchestrator load benchmark: WebSocket agents -> orchestrator (fsync'd spool) -> real backend (H2 or a local PostgreSQL).
# Usage: bench/run-orchestrator.sh [--agents 1000] [--rate 20000] [--seconds 10] [--warmup 3] [--interval-ms 250] [--db h2|postgresql]
# Profiling: BENCH_JVM_OPTIONS (this JVM: agents and backend) and -Dbench.orchestrator.jvm=... in it (the orchestrator's JVM), e.g.
#   BENCH_JVM_OPTIONS='-XX:StartFlightRecording=filename=/tmp/b.jfr -Dbench.orchestrator.jvm=-XX:StartFlightRecording=filename=/tmp/o.jfr'
set -euo pipefail
ROOT="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"
source "$ROOT/scripts/jdk.sh"
peregrine_select_jdk
cd "$ROOT"
# One reactor build: the classpath names this checkout's module jars, not whatever ~/.m2 holds.
./mvnw -B -q -ntp -DskipTests -pl bench -am package dependency:build-classpath \
  -Dmdep.outputFile="$ROOT/bench/target/classpath.txt" -Dmdep.includeScope=runtime >/dev/null
# shellcheck disable=SC2086 # options are words
exec "$JAVA_HOME/bin/java" -Xmx1g ${BENCH_JVM_OPTIONS:-} -Dperegrine.root="$ROOT" -Dorg.slf4j.simpleLogger.defaultLogLevel=warn \
  -cp "bench/target/classes:$(cat bench/target/classpath.txt)" dev.peregrine.bench.orchestrator.AgentLoadBenchmark "$@"
