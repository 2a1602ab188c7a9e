#!/bin/sh
# `make run`: the kiosk with simulated devices, the reference platform on loopback (mk/platform.sh) as its central
# platform, and a real IPP printer (ippeveprinter, mk/ippeve.sh) as its A4 printer; both stopped again when the
# kiosk exits. Usage: mk/run.sh KIOSK DATA_DIR [kiosk arguments]
set -u
kiosk=$1
data=$2
shift 2
mkdir -p "$data"
conf="$data/kiosk.conf"
plat="$data/platform"
ipp="$data/ippeve"
cleanup() {
	sh mk/platform.sh down "$plat"
	[ -n "${port:-}" ] && sh mk/ippeve.sh stop "$ipp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
cp assets/kiosk.conf "$conf"
if url=$(sh mk/platform.sh up "$plat"); then
	printf '\n# make run: the reference platform (mk/platform.sh)\nplatform.url = %s\nplatform.ca = %s\n' \
		"$url" "$plat/pki/ca.pem" >>"$conf"
	printf 'platform.cert = %s\nplatform.key = %s\n' "$plat/pki/client.pem" "$plat/pki/client.key" >>"$conf"
	echo "Platform: $url (its lines start with [platform]); take it down and up with"
	echo "  sh mk/platform.sh down $plat    and    sh mk/platform.sh up $plat"
else
	echo "the reference platform did not start: cases stay queued on the terminal" >&2
fi
if port=$(sh mk/ippeve.sh start "$ipp" KioskA4); then
	{ printf '\n# make run: the A4 printer is ippeveprinter; what it printed is in %s/spool\n' "$ipp"
	  printf 'docprint.backend = ipp\ndocprint.uri = ipp://localhost:%s/ipp/print\ndocprint.a4_receipt = true\n' "$port"
	} >>"$conf"
	echo "A4 printer: ipp://localhost:$port/ipp/print (documents in $ipp/spool; trays at http://localhost:$port/media)"
else
	port=
	echo "ippeveprinter did not start: A4 printing stays simulated" >&2
fi
# SCANNER=sane: the scanner is SANE's own test backend through the real libsane backend, in a private
# SANE_CONFIG_DIR (an A4 grid picture; the feeder when SCANNER_FEEDER=1).
if [ "${SCANNER:-}" = sane ]; then
	mkdir -p "$data/sane"
	echo test >"$data/sane/dll.conf"
	printf 'number_of_devices 1\nmode Gray\ndepth 8\ntest-picture "Grid"\ngeometry_max 300.0\nbr_x 210.0\nbr_y 297.0\n' \
		>"$data/sane/test.conf"
	SANE_CONFIG_DIR="$data/sane"
	export SANE_CONFIG_DIR
	printf '\n# make run SCANNER=sane: SANE test backend\nscanner.backend = sane\nscanner.path = test\n' >>"$conf"
	[ "${SCANNER_FEEDER:-}" = 1 ] && printf 'scan.feeder = true\n' >>"$conf"
	echo "Scanner: SANE test backend (libsane), configured in $data/sane"
fi
# SCANNER=camera: a document camera (高拍仪) through the real v4l2 backend, its frames from a folder of recorded
# frames (CAMFRAMES, the tool that draws them) instead of /dev/video0.
if [ "${SCANNER:-}" = camera ]; then
	rm -rf "$data/camera"
	mkdir -p "$data/camera"
	"${CAMFRAMES:?}" "$data/camera" 12 || exit 1
	printf '\n# make run SCANNER=camera: recorded document camera frames\nscanner.backend = v4l2\nscanner.path = %s\n' \
		"$data/camera" >>"$conf"
	echo "Scanner: document camera (v4l2 backend) playing the frames in $data/camera"
fi
echo "Receipts: $data/receipt/job-N.png"
"$kiosk" --config "$conf" --data "$data" --dev "$@"
