# Sourced by ./peregrine and .ci/run: selects a JDK 25+ and exports JAVA_HOME.
# Order: JAVA_HOME if it is 25 or newer, then /usr/lib/jvm/*25*, then java on PATH.

peregrine_java_major() { # JAVA_BIN -> major version number, empty if it does not run
  "$1" -version 2>&1 | sed -n 's/.*version "\([0-9]*\).*/\1/p' | head -n 1
}

peregrine_select_jdk() {
  local candidate major
  for candidate in "${JAVA_HOME:-}" /usr/lib/jvm/*25* /usr/lib/jvm/*; do
    [ -n "$candidate" ] && [ -x "$candidate/bin/java" ] && [ -x "$candidate/bin/javac" ] || continue
    major=$(peregrine_java_major "$candidate/bin/java")
    if [ -n "$major" ] && [ "$major" -ge 25 ]; then
      export JAVA_HOME="$candidate"
      peregrine_quiet_maven
      return 0
    fi
  done
  if command -v javac >/dev/null 2>&1; then
    candidate=$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")
    major=$(peregrine_java_major "$candidate/bin/java")
    if [ -n "$major" ] && [ "$major" -ge 25 ]; then
      export JAVA_HOME="$candidate"
      peregrine_quiet_maven
      return 0
    fi
  fi
  cat >&2 <<'MSG'
peregrine: no JDK 25 found.
  Looked at $JAVA_HOME, /usr/lib/jvm/*25* and the javac on PATH.
  Install a JDK 25 (for example Eclipse Temurin 25: apt-get install temurin-25-jdk,
  or any OpenJDK 25 build) and set JAVA_HOME to it.
MSG
  return 1
}


# Maven 3.9 itself calls sun.misc.Unsafe through Guice; JDK 25 warns about it on every run.
peregrine_quiet_maven() {
  case " ${MAVEN_OPTS:-} " in
    *sun-misc-unsafe-memory-access*) ;;
    *) export MAVEN_OPTS="${MAVEN_OPTS:-} --sun-misc-unsafe-memory-access=allow" ;;
  esac
}
