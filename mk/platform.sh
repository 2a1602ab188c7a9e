#!/bin/sh
# The reference platform (tests/platform, docs/uplink.md) for `make run`: HTTPS on loopback with a test CA and a
# client certificate for the terminal, its database and log in DIR. The port is chosen once and kept, so taking
# the platform down and bringing it back is what a terminal sees when its network comes and goes.
#   mk/platform.sh up DIR     start (prints the base URL); again after `down` on the same port and database
#   mk/platform.sh down DIR   stop; the kiosk keeps queuing and delivers when it is back
set -u
cmd=$1
dir=$2
bin=${PLATFORM_BIN:-build/tests/platform/platform}
mkdir -p "$dir"
case "$cmd" in
up)
	if [ -f "$dir/pid" ] && kill -0 "$(cat "$dir/pid")" 2>/dev/null; then
		echo "https://127.0.0.1:$(cat "$dir/port")"
		exit 0
	fi
	sh mk/pki.sh "$dir/pki" "${TERMINAL_ID:-ZW3101150001}" >/dev/null || exit 1
	port=0
	[ -f "$dir/port" ] && port=$(cat "$dir/port")
	rm -f "$dir/port.new"
	"$bin" --db "$dir/platform.db" --port "$port" --port-file "$dir/port.new" --catalog assets/catalog.json \
		--certificates tests/platform/certificates.json \
		--tls-cert "$dir/pki/server.pem" --tls-key "$dir/pki/server.key" --client-ca "$dir/pki/ca.pem" \
		2>&1 | sed -u 's/^/[platform] /' >&2 &
	# The pipeline's last process is sed; the platform's pid comes from the port file's owner below.
	for _ in $(seq 1 100); do
		[ -s "$dir/port.new" ] && break
		sleep 0.05
	done
	if [ ! -s "$dir/port.new" ]; then
		echo "the platform did not start" >&2
		exit 1
	fi
	mv "$dir/port.new" "$dir/port"
	pgrep -n -f -- "--db $dir/platform.db" >"$dir/pid"
	echo "https://127.0.0.1:$(cat "$dir/port")"
	;;
down)
	if [ -f "$dir/pid" ]; then
		kill "$(cat "$dir/pid")" 2>/dev/null
		rm -f "$dir/pid"
	fi
	;;
*)
	echo "usage: mk/platform.sh up|down DIR" >&2
	exit 2
	;;
esac
