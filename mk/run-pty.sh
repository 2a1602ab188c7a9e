#!/bin/sh
# `make run READER=pty`: the kiosk with its real serial backend, talking to a simulated reader
# (kioskctl idcard simulate) on the other side of a pty. The simulator starts with a resident's card
# on it and takes commands through a FIFO: echo "insert hmt" > DIR/idcard.in
# Usage: mk/run-pty.sh KIOSK KIOSKCTL DIR DATA [kiosk arguments...]
set -eu
kiosk=$1 ctl=$2 dir=$3 data=$4
shift 4
mkdir -p "$dir" "$data"
rm -f "$dir/idcard.pty"
{
	cat assets/kiosk.conf
	printf 'idcard.backend = serial\nidcard.path = %s/idcard.pty\nidcard.baud = 115200\n' "$dir"
} >"$dir/kiosk.conf"
"$ctl" idcard simulate --card resident --link "$dir/idcard.pty" --commands "$dir/idcard.in" \
	>/dev/null </dev/null &
sim=$!
trap 'kill "$sim" 2>/dev/null || true; wait "$sim" 2>/dev/null || true' EXIT INT TERM
i=0
while [ ! -e "$dir/idcard.pty" ]; do
	i=$((i + 1))
	if [ "$i" -gt 100 ]; then
		echo "run-pty: the simulated reader did not start" >&2
		exit 1
	fi
	sleep 0.05
done
echo "Simulated ID-card reader on $dir/idcard.pty (serial backend). Commands:"
echo "  echo 'insert resident|elder|expired|hmt|foreign|foreign-2017|unreadable' > $dir/idcard.in"
echo "  echo 'remove' > $dir/idcard.in    (also: unplug, plug, fault read on|off, slow on|off)"
"$kiosk" --config "$dir/kiosk.conf" --data "$data" --dev "$@"
