#!/bin/sh
# `make run`: the kiosk with simulated devices, and a real IPP printer (ippeveprinter, mk/ippeve.sh) as its A4
# printer, stopped again when the kiosk exits. Usage: mk/run.sh KIOSK DATA_DIR [kiosk arguments]
set -u
kiosk=$1
data=$2
shift 2
mkdir -p "$data"
conf=assets/kiosk.conf
ipp="$data/ippeve"
if port=$(sh mk/ippeve.sh start "$ipp" KioskA4); then
	trap 'sh mk/ippeve.sh stop "$ipp"' EXIT INT TERM
	conf="$data/kiosk.conf"
	{ cat assets/kiosk.conf; printf '\n# make run: the A4 printer is ippeveprinter; what it printed is in %s/spool\n' "$ipp"
	  printf 'docprint.backend = ipp\ndocprint.uri = ipp://localhost:%s/ipp/print\ndocprint.a4_receipt = true\n' "$port"
	} >"$conf"
	echo "A4 printer: ipp://localhost:$port/ipp/print (documents in $ipp/spool; trays at http://localhost:$port/media)"
else
	echo "ippeveprinter did not start: A4 printing stays simulated" >&2
fi
echo "Receipts: $data/receipt/job-N.png"
"$kiosk" --config "$conf" --data "$data" --dev "$@"
