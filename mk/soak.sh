#!/bin/sh
# make soak: the long runs, under ASan, UBSan and LSan in their own build folder (argument 1), never
# part of make check. Prints journeys, leaks, the RSS trend, kill points, faults injected, lost and
# duplicated, and exits non-zero when any of them is wrong.
# SOAK_JOURNEYS (10000) residents in one kiosk; CRASH_POINTS (1000) kill points; SOAK_FAULTS the
# number of network faults for the fault proxy's soak (see the hook below).
set -eu
O=${1:-build-soak}
journeys=${SOAK_JOURNEYS:-10000}
points=${CRASH_POINTS:-1000}
faults=${SOAK_FAULTS:-0}

make --no-print-directory -j2 O="$O" SANITIZE=address,undefined CFLAGS="-O1 -g" \
	"$O/kiosk/kiosk" "$O/tests/platform/platform" "$O/tests/soak/soak_journeys" \
	"$O/tests/flow/test_crash_loop" "$O/tests/flow/test_delivery_faults"

export SDL_VIDEODRIVER=offscreen SDL_AUDIODRIVER=dummy KIOSK_LOG=warn
# As make check's sanitizer pass: cairo's frames need the slow unwinder for the suppressions.
export ASAN_OPTIONS=fast_unwind_on_malloc=0:detect_leaks=1
export LSAN_OPTIONS=suppressions=$(pwd)/mk/lsan.supp

status=0
start=$(date +%s)
echo "soak: $journeys journeys in one kiosk under ASan/LSan"
SOAK_JOURNEYS=$journeys "$O/tests/soak/soak_journeys" | grep '^soak:' || status=1
echo "soak: $points kill points"
CRASH_POINTS=$points "$O/tests/flow/test_crash_loop" | grep '^crash loop' || status=1
# Network faults: the fault proxy's soak runs here with SOAK_FAULTS=N faults when it is built in.
if [ "$faults" -gt 0 ] && [ -x "$O/tests/flow/test_delivery_faults" ]; then
	echo "soak: $faults faults injected through the fault proxy"
	SOAK_FAULTS=$faults TEST_FILTER=test_random_faults "$O/tests/flow/test_delivery_faults" |
		grep -iv '^<' || status=1
else
	echo "soak: faults injected: 0 (SOAK_FAULTS unset)"
fi
echo "soak: $(( $(date +%s) - start )) s, $([ $status = 0 ] && echo passed || echo FAILED)"
exit $status
