#!/bin/sh
# The arrows point one way: kiosk/ uses ui/, drivers/ and offline-queue/; those use only common/; common/ uses
# nothing of ours; only ui/sdl/ includes SDL. Prints every include that breaks this and fails.
set -u
bad=0
check() { # folder, forbidden include pattern
	hits=$(grep -rnE "#include [\"<]($2)" $1 2>/dev/null)
	if [ -n "$hits" ]; then
		echo "layering: $1 must not include $2:"
		echo "$hits"
		bad=1
	fi
}
check "common" "kiosk/|ui/|drivers/|offline-queue/"
check "drivers" "kiosk/|ui/|offline-queue/"
check "offline-queue" "kiosk/|ui/|drivers/"
check "ui" "kiosk/|drivers/|offline-queue/"
check "common drivers offline-queue kiosk" "SDL"
# The reference platform is an independent implementation of docs/uplink.md: it shares only common/.
check "tests/platform" "kiosk/|ui/|drivers/|offline-queue/"
for f in $(grep -rlE '#include [<"]SDL' ui 2>/dev/null); do
	case "$f" in ui/sdl/*) ;; *) echo "layering: $f includes SDL outside ui/sdl/"; bad=1 ;; esac
done
exit $bad
