#!/usr/bin/env bash
# Runs a program and passes only if it exits 0 AND its stdout matches an extended regex (CTest's
# PASS_REGULAR_EXPRESSION alone ignores the exit status). Usage: run_and_match.sh REGEX PROGRAM [ARGS...]
set -u
regex=$1
shift
out=$("$@")
rc=$?
printf '%s\n' "$out"
if [ $rc -ne 0 ]; then echo "FAIL: $1 exited $rc"; exit 1; fi
if ! printf '%s\n' "$out" | grep -Ezq -- "$regex"; then echo "FAIL: output does not match /$regex/"; exit 1; fi
echo "ok: exit 0 and output matches"
