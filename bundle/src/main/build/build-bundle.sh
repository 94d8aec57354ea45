#!/usr/bin/env bash
# Builds the agent bundle: target/bundle/opt/peregrine and target/peregrine-agent-bundle.tar.gz.
# Usage: build-bundle.sh JAVA_HOME MODULE_DIR TARGET_DIR AGENT_JAR   (run by Maven in `package`)
set -euo pipefail
JAVA_HOME="$1"; MODULE="$2"; TARGET="$3"; JAR="$4"
OUT="$TARGET/bundle/opt/peregrine"
LIBS="$TARGET/bundle-lib"
start=$(date +%s)

rm -rf "$TARGET/bundle" "$TARGET/peregrine-agent-bundle.tar.gz"
mkdir -p "$OUT/bin" "$OUT/lib" "$OUT/glibc"

# Jars: the bundle's own and its runtime dependencies (agent, capture, rules, protocol, ...).
cp "$JAR" "$OUT/lib/"
cp "$LIBS"/*.jar "$OUT/lib/"

# The JDK modules the jars use, found by jdeps, less the ones only jackson-databind names for
# optional features it probes for at run time (java.beans annotations, java.sql dates):
# java.desktop alone would add 12 MB and X11/ALSA libraries to carry. The bundle tests prove
# alerts are still serialised without them.
OPTIONAL="java.desktop java.sql"
found=$("$JAVA_HOME/bin/jdeps" --print-module-deps --ignore-missing-deps --multi-release 25 \
  "$JAR" "$LIBS"/*.jar | tail -n 1)
modules=$(tr ',' '\n' <<<"$found" | grep -vxF -f <(tr ' ' '\n' <<<"$OPTIONAL") | paste -sd, -)
echo "bundle: jdeps found $found; leaving out $OPTIONAL"
echo "bundle: jdk modules: $modules"
"$JAVA_HOME/bin/jlink" --add-modules "$modules" --strip-debug --no-header-files --no-man-pages \
  --compress zip-6 --output "$OUT/runtime"
echo "$modules" > "$OUT/runtime/MODULES"

# The glibc the runtime is linked against: the loader and every library its ELF files need
# from outside the runtime, resolved the way the host resolves them.
# (libjvm.so is found by the JVM itself, not through the libraries' search path.)
missing=$(find "$OUT/runtime" -type f \( -name '*.so' -o -path '*/bin/java' \) -print0 | xargs -0 ldd 2>/dev/null \
  | awk '/not found/ {print $1}' | sort -u | while read -r name; do
      [ -n "$(find "$OUT/runtime" -name "$name" -print -quit)" ] || echo "$name"; done)
[ -z "$missing" ] || { echo "bundle: libraries the runtime needs are missing on this host: $missing" >&2; exit 1; }
loader=""
while read -r lib; do
  cp -L "$lib" "$OUT/glibc/$(basename "$lib")"
  case "$(basename "$lib")" in ld-linux*) loader="$(basename "$lib")" ;; esac
done < <(find "$OUT/runtime" -type f \( -name '*.so' -o -path '*/bin/java' \) -print0 \
  | xargs -0 ldd 2>/dev/null | grep -o '/[^ ]*\.so[^ ]*' | grep -v "^$OUT/" | sort -u)
[ -n "$loader" ] || { echo "bundle: no glibc loader found in ldd output of the runtime" >&2; exit 1; }
echo "bundle: glibc: $(cd "$OUT/glibc" && ls | tr '\n' ' ')"

# Static launchers: no shell and no libc needed in the image.
gcc -static -O2 -Wall -Werror -DLOADER="\"$loader\"" -o "$OUT/bin/instrument" "$MODULE/src/main/c/instrument.c"
gcc -static -O2 -Wall -Werror -o "$OUT/bin/sidecar" "$MODULE/src/main/c/sidecar.c"
strip "$OUT/bin/instrument" "$OUT/bin/sidecar"

tar -C "$TARGET/bundle" -czf "$TARGET/peregrine-agent-bundle.tar.gz" opt
echo "bundle: $OUT ($(du -sh "$OUT" | cut -f1)), $TARGET/peregrine-agent-bundle.tar.gz ($(du -sh "$TARGET/peregrine-agent-bundle.tar.gz" | cut -f1)) in $(( $(date +%s) - start )) s"
