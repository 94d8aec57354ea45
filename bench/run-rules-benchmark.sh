#!/usr/bin/env bash
# Runs the rules JMH benchmark briefly (one fork, short iterations). Arguments go to JMH
# (default: every RulesBenchmark method). Project modules come from this checkout's
# target/classes, never from ~/.m2, so the numbers are for the code in this tree.
set -euo pipefail
ROOT="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"
source "$ROOT/scripts/jdk.sh"
peregrine_select_jdk
cd "$ROOT"
./mvnw -B -q -ntp -pl bench -am package -DskipTests
DEPS="$(./mvnw -B -q -ntp -pl bench dependency:build-classpath -Dmdep.outputFile=/dev/stdout -Dmdep.includeScope=runtime)"
CP="$ROOT/bench/target/classes"
IFS=':' read -ra ENTRIES <<< "$DEPS"
for entry in "${ENTRIES[@]}"; do
  case "$(basename "$entry")" in
    peregrine-*.jar)
      module="$(basename "$entry" | sed -E 's/^peregrine-([a-z]+)-.*/\1/')"
      CP="$CP:$ROOT/$module/target/classes" ;;
    *) CP="$CP:$entry" ;;
  esac
done
RULES_DIR="$ROOT/../shared/falco-rules"
[ -f "$RULES_DIR/falco_rules.yaml" ] || RULES_DIR=/work/shared/falco-rules
[ $# -gt 0 ] || set -- "dev.peregrine.bench.rules.RulesBenchmark"
exec "$JAVA_HOME/bin/java" -cp "$CP" org.openjdk.jmh.Main -jvmArgsAppend "-Dperegrine.rules.dir=$RULES_DIR" "$@"
