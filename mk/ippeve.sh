#!/bin/sh
# A real IPP Everywhere printer for tests and `make run`: ippeveprinter from cups-ipp-utils on a free
# loopback port, keeping every document it prints (-k) in DIR/spool. It needs D-Bus and avahi: each is
# started only when not running, and `stop` ends only what `start` started (pids in DIR).
# Printing itself is DIR/print.sh: done at once (ippeveprinter alone sleeps 5 to 15 s a job), or held
# while DIR/hold exists, so a test can act while a job is half printed.
# Usage: mk/ippeve.sh start DIR [NAME]   prints the port;   mk/ippeve.sh stop DIR
set -u
cmd=${1:-}
dir=${2:-}
[ -n "$dir" ] || { echo "usage: $0 start|stop DIR [NAME]" >&2; exit 2; }

stop() {
	for f in printer dbus; do
		[ -f "$dir/$f.pid" ] && kill "$(cat "$dir/$f.pid")" 2>/dev/null
		rm -f "$dir/$f.pid"
	done
	if [ -f "$dir/avahi.started" ]; then
		avahi-daemon -k 2>/dev/null
		rm -f "$dir/avahi.started"
	fi
	return 0
}

alive() { [ -f "$dir/printer.pid" ] && kill -0 "$(cat "$dir/printer.pid")" 2>/dev/null; }

start() {
	name=${3:-KioskA4}
	mkdir -p "$dir/spool" || exit 1
	if ! dbus-send --system --reply-timeout=2000 --dest=org.freedesktop.DBus / org.freedesktop.DBus.GetId \
		>/dev/null 2>&1; then
		# A bus killed earlier leaves its pid file, and a new one refuses to start over it.
		mkdir -p /run/dbus
		rm -f /run/dbus/pid
		dbus-daemon --system --fork --print-pid >"$dir/dbus.pid" || { rm -f "$dir/dbus.pid"; exit 1; }
	fi
	if ! avahi-daemon --check 2>/dev/null; then
		avahi-daemon -D --no-drop-root --no-chroot || { stop; exit 1; }
		touch "$dir/avahi.started"
	fi
	cat >"$dir/print.sh" <<-EOS
	#!/bin/sh
	i=0
	while [ -f '$dir/hold' ] && [ \$i -lt 600 ]; do sleep 0.05; i=\$((i + 1)); done
	exit 0
	EOS
	chmod +x "$dir/print.sh"
	for try in 1 2 3 4 5 6 7 8; do
		port=$(( $(od -An -N2 -tu2 /dev/urandom | tr -d ' ') % 40000 + 20000 ))
		ippeveprinter -r off -p "$port" -n localhost -d "$dir/spool" -k -c "$dir/print.sh" \
			-f application/pdf,image/pwg-raster,text/plain "$name" >"$dir/printer.log" 2>&1 &
		echo $! >"$dir/printer.pid"
		i=0
		while [ $i -lt 50 ] && alive; do
			if ipptool -q "ipp://localhost:$port/ipp/print" get-printer-attributes.test 2>/dev/null; then
				echo "$port"
				return 0
			fi
			sleep 0.1
			i=$((i + 1))
		done
		kill "$(cat "$dir/printer.pid")" 2>/dev/null
		rm -f "$dir/printer.pid"
	done
	echo "ippeveprinter did not start; see $dir/printer.log" >&2
	stop
	exit 1
}

case "$cmd" in
start) start "$@" ;;
stop) stop ;;
*) echo "usage: $0 start|stop DIR [NAME]" >&2; exit 2 ;;
esac
