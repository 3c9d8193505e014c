# What the end-to-end scripts in tests/cli/ share: the failure count and the checks of a good and a bad run.
# Source it after setting TMP (a scratch folder); each check leaves the run's stdout in $TMP/out and stderr in
# $TMP/err.
fails=0
fail() {  # fail TEXT : count and print one failure
  echo "FAIL $*"
  fails=$((fails + 1))
}
expect_ok() {  # expect_ok NAME COMMAND... : exit 0
  local name=$1
  shift
  if "$@" >"$TMP/out" 2>"$TMP/err"; then echo "ok   $name"; else
    fail "$name: exit $?"
    cat "$TMP/err"
  fi
}
# expect_bad NAME PATTERN COMMAND... : a non-zero exit, exactly one line on stderr matching the extended regular
# expression PATTERN, and nothing left in $TMP/bad (removed before the run: point the command's outputs there).
expect_bad() {
  local name=$1 pattern=$2 rc lines left
  shift 2
  rm -rf "$TMP/bad"
  "$@" >"$TMP/out" 2>"$TMP/err"
  rc=$?
  lines=$(wc -l <"$TMP/err")
  left=$( (ls -A "$TMP/bad" 2>/dev/null || true) | wc -l)
  if [ $rc -ne 0 ] && [ "$lines" -eq 1 ] && [ "$left" -eq 0 ] && grep -qE -- "$pattern" "$TMP/err"; then
    echo "ok   $name: $(cat "$TMP/err")"
  else
    fail "$name: exit $rc, $lines stderr lines, $left files left in \$TMP/bad, expected /$pattern/:"
    cat "$TMP/err"
    ls -A "$TMP/bad" 2>/dev/null
  fi
}
finish() {  # finish NAME : the summary line, and the exit status
  echo
  if [ $fails -eq 0 ]; then echo "$1: all checks passed"; else echo "$1: $fails checks FAILED"; fi
  exit $((fails > 0))
}
