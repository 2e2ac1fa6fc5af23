# Source this file (`. ./jdk.sh`) to point JAVA_HOME at a JDK 22 or newer when the default
# java is older. Spindle builds on JDK 22+ (the FFM backends); its portable jars run on 17.
_spindle_java_major() {
  "$1/bin/java" -XshowSettings:properties -version 2>&1 \
    | sed -n 's/^ *java\.specification\.version = \([0-9]*\).*/\1/p'
}
_spindle_pick_jdk() {
  if [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/java" ] && [ "$(_spindle_java_major "$JAVA_HOME")" -ge 22 ] 2>/dev/null; then
    return 0
  fi
  if command -v java >/dev/null 2>&1; then
    _home=$(java -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.home = //p')
    if [ -n "$_home" ] && [ "$(_spindle_java_major "$_home")" -ge 22 ] 2>/dev/null; then
      export JAVA_HOME="$_home"; return 0
    fi
  fi
  for _candidate in /usr/lib/jvm/temurin-25-jdk-* /usr/lib/jvm/*25* /usr/lib/jvm/*24* /usr/lib/jvm/*23* /usr/lib/jvm/*22* /opt/java/* ; do
    if [ -x "$_candidate/bin/javac" ] && [ "$(_spindle_java_major "$_candidate")" -ge 22 ] 2>/dev/null; then
      export JAVA_HOME="$_candidate"; export PATH="$JAVA_HOME/bin:$PATH"; return 0
    fi
  done
  echo "jdk.sh: no JDK 22 or newer found (looked at JAVA_HOME, java on PATH and /usr/lib/jvm)." >&2
  echo "jdk.sh: install one (e.g. Temurin 25) and set JAVA_HOME; Spindle's build needs it." >&2
  return 1
}
_spindle_pick_jdk
