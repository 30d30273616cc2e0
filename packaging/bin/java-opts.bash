# The JVM options of a deployster command, in the array `opts`: DEPLOYSTER_JAVA_OPTS when set (it
# replaces the defaults), else the defaults given. DEPLOYSTER_JAVA_OPTS is split into words as a shell
# splits a command line: spaces separate options, quotes keep one together (-Dname='a b'), a backslash
# escapes; nothing in it is expanded or run (xargs parses it), so -Dpattern=* stays as written.
# Sourced by bin/deployster and the installed launcher; exits with 2 (usage) when it cannot be parsed.
java_opts() {
  opts=()
  if [ -z "${DEPLOYSTER_JAVA_OPTS:-}" ]; then
    read -r -a opts <<< "$1"
    return
  fi
  if ! printf '%s' "$DEPLOYSTER_JAVA_OPTS" | xargs -r printf '' 2> /dev/null; then
    echo "deployster: DEPLOYSTER_JAVA_OPTS cannot be split into JVM options: [$DEPLOYSTER_JAVA_OPTS] has an" \
      "unmatched quote. Separate options with spaces and quote an option that holds spaces or quotes," \
      "e.g. DEPLOYSTER_JAVA_OPTS=\"-Xmx256m '-Dname=a b'\"" >&2
    exit 2
  fi
  mapfile -d '' -t opts < <(printf '%s' "$DEPLOYSTER_JAVA_OPTS" | xargs -r printf '%s\0')
}
