#!/bin/sh
# Runs test programs and adds up their results. cmocka programs report "[  PASSED  ] N test(s)." and
# "[  FAILED  ] N test(s)" on stderr; any other program counts as one test, passed when it exits 0.
# Ends with the plain line "N passed, N failed"; exits non-zero when anything failed.
set -u
passed=0
failed=0
log=$(mktemp)
trap 'rm -f "$log"' EXIT
for t in "$@"; do
	"$t" >"$log" 2>&1
	rc=$?
	p=$(sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' "$log" | tail -n 1)
	f=$(sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' "$log" | tail -n 1)
	if [ -n "$p" ] || [ -n "$f" ]; then
		p=${p:-0}
		f=${f:-0}
		# A crash after the summary, or a summary of zero with a bad exit, still counts as a failure.
		if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi
	elif [ "$rc" -eq 0 ]; then
		p=1 f=0
	else
		p=0 f=1
	fi
	passed=$((passed + p))
	failed=$((failed + f))
	if [ "$f" -ne 0 ]; then
		echo "FAIL $t (exit $rc)"
		sed 's/^/    /' "$log" | tail -n 40
	else
		echo "ok   $t ($p)"
	fi
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
