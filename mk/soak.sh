#!/bin/sh
# make soak: the long runs, under ASan, UBSan and LSan in their own build folder (argument 1), never
# part of make check. Prints journeys, leaks, the RSS trend, kill points, faults injected, lost and
# duplicated, and exits non-zero when any of them is wrong.
# SOAK_JOURNEYS (10000) residents in one kiosk; CRASH_POINTS (1000) kill points; SOAK_FAULTS the
# number of random network faults for the fault proxy's run (0: not run).
set -u
O=${1:-build-soak}
journeys=${SOAK_JOURNEYS:-10000}
points=${CRASH_POINTS:-1000}
faults=${SOAK_FAULTS:-0}

make --no-print-directory -j2 O="$O" SANITIZE=address,undefined CFLAGS="-O1 -g" \
	"$O/kiosk/kiosk" "$O/tests/platform/platform" "$O/tests/soak/soak_journeys" \
	"$O/tests/flow/test_crash_loop" "$O/tests/flow/test_delivery_faults" || exit 1

export SDL_VIDEODRIVER=offscreen SDL_AUDIODRIVER=dummy KIOSK_LOG=warn
# As make check's sanitizer pass: cairo's frames need the slow unwinder for the suppressions.
export ASAN_OPTIONS=fast_unwind_on_malloc=0:detect_leaks=1
export LSAN_OPTIONS=suppressions=$(pwd)/mk/lsan.supp

out=$(mktemp)
trap 'rm -f "$out"' EXIT
status=0
start=$(date +%s)

# Runs a test, prints the lines matching $2 of its output, the whole tail when it failed.
run() {
	if "$1" >"$out" 2>&1; then
		grep -a "$2" "$out"
	else
		grep -a "$2" "$out"
		grep -av '^<6>' "$out" | tail -n 40
		echo "soak: $1 FAILED"
		status=1
	fi
}

echo "soak: $journeys journeys in one kiosk under ASan/LSan"
export SOAK_JOURNEYS="$journeys" CRASH_POINTS="$points"
run "$O/tests/soak/soak_journeys" '^soak:'
echo "soak: $points kill points"
run "$O/tests/flow/test_crash_loop" '^crash loop'
if [ "$faults" -gt 0 ]; then
	echo "soak: $faults faults injected through the fault proxy"
	export SOAK_FAULTS="$faults" TEST_FILTER=test_random_faults
	run "$O/tests/flow/test_delivery_faults" \
		'fault\|lost\|duplicated'
else
	echo "soak: faults injected: 0 (SOAK_FAULTS=N runs the fault proxy's random faults)"
fi
echo "soak: $(( $(date +%s) - start )) s, $([ $status = 0 ] && echo passed || echo FAILED)"
exit $status
