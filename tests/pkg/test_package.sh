#!/bin/sh
# The Debian package and its unit, checked fast: built from the binaries under test into a temporary folder,
# then its contents (files, modes, owners, conffiles; no build paths, no test data), its maintainer scripts
# (sh -n) and the unit (systemd-analyze verify, skipped with a message only where the tool is absent).
# Needs KIOSK_BIN and KIOSKCTL_BIN (make check sets them). Exits non-zero with every failure listed.
set -u
src=$(cd "$(dirname "$0")/../.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }

deb=$(sh "$src/mk/deb.sh" "$tmp/out" "$KIOSK_BIN" "$KIOSKCTL_BIN") || { echo "FAIL: mk/deb.sh"; exit 1; }
dpkg-deb -c "$deb" | awk '{ print $1, $2, $6 }' | sed 's|^\(\S*\) \(\S*\) \./|\1 \2 /|' >"$tmp/list"

# Every file the terminal needs, with its mode and owner.
while read -r mode path; do
	grep -qx -- "$mode root/root $path" "$tmp/list" || fail "$path missing or not $mode root/root"
done <<'LIST'
-rwxr-xr-x /usr/bin/kiosk
-rwxr-xr-x /usr/bin/kioskctl
-rw-r--r-- /etc/kiosk/kiosk.conf
-rw-r--r-- /lib/systemd/system/kiosk.service
-rw-r--r-- /lib/udev/rules.d/60-kiosk.rules
-rw-r--r-- /usr/lib/systemd/logind.conf.d/kiosk.conf
-rw-r--r-- /usr/lib/sysctl.d/60-kiosk.conf
-rw-r--r-- /usr/share/kiosk/catalog.json
-rw-r--r-- /usr/share/kiosk/eval/province-a.conf
-rw-r--r-- /usr/share/doc/kiosk/copyright
-rw-r--r-- /usr/share/doc/kiosk/provisioning.md
LIST
awk '$2 != "root/root" { print "FAIL: owner " $2 " of " $3 }' "$tmp/list" | grep . && fails=$((fails + 1))
grep -E 'test|fuzz|corpus|golden|\.o$|\.d$|/var/lib/kiosk/.' "$tmp/list" && fail "test data or build output in the package"
# The state folder belongs to the terminal, never to the package.
grep -q ' /var/lib/kiosk' "$tmp/list" && fail "/var/lib/kiosk shipped in the package"

mkdir -p "$tmp/ctl" "$tmp/root"
dpkg-deb -e "$deb" "$tmp/ctl"
dpkg-deb -x "$deb" "$tmp/root"
grep -qx /etc/kiosk/kiosk.conf "$tmp/ctl/conffiles" || fail "/etc/kiosk/kiosk.conf is not a conffile"
for s in postinst prerm postrm; do
	[ -x "$tmp/ctl/$s" ] || fail "$s missing or not executable"
	sh -n "$tmp/ctl/$s" || fail "$s: sh -n"
done
grep -q 'adduser --system' "$tmp/ctl/postinst" || fail "postinst makes no system user"
dep=$(sed -n 's/^Depends: //p' "$tmp/ctl/control")
for d in fonts-noto-cjk adduser libsdl2-2.0-0 libsystemd0 libssl3 libsqlite3-0; do
	echo "$dep" | grep -q "\b$d\b" || fail "Depends lacks $d: $dep"
done
# Build paths: the source folder must appear in no installed file.
grep -rlF "$src" "$tmp/root" && fail "the build folder's path is in the files above"
conf=$tmp/root/etc/kiosk/kiosk.conf
grep -qx 'provision.required = true' "$conf" || fail "the packaged configuration does not require provisioning"
grep -qx 'catalog.path = /usr/share/kiosk/catalog.json' "$conf" || fail "the catalog path is not the installed one"
grep -qx 'display.fullscreen = true' "$conf" || fail "the packaged configuration is not full screen"
# The packaged configuration parses (kioskctl reads it as the kiosk does).
"$tmp/root/usr/bin/kioskctl" provision status --data "$tmp" >/dev/null 2>&1 || fail "kioskctl from the package does not run"

unit=$tmp/root/lib/systemd/system/kiosk.service
for want in Type=notify NotifyAccess=main Restart=always StartLimitIntervalSec=0 User=kiosk \
	TTYPath=/dev/tty1 StandardInput=tty Conflicts=getty@tty1.service ProtectSystem=strict \
	ReadWritePaths=/var/lib/kiosk PrivateTmp=yes NoNewPrivileges=yes Environment=SDL_VIDEODRIVER=kmsdrm; do
	grep -qx "$want" "$unit" || fail "kiosk.service lacks $want"
done
grep -q '^WatchdogSec=' "$unit" || fail "kiosk.service has no WatchdogSec"
if command -v systemd-analyze >/dev/null; then
	# verify wants ExecStart's program to exist: point it at the packaged binary.
	sed "s|^ExecStart=/usr/bin/kiosk|ExecStart=$tmp/root/usr/bin/kiosk|" "$unit" >"$tmp/kiosk.service"
	out=$(systemd-analyze verify --man=no "$tmp/kiosk.service" 2>&1)
	[ $? -eq 0 ] && [ -z "$out" ] || fail "systemd-analyze verify: $out"
else
	echo "skipped: systemd-analyze is not installed, the unit is not verified"
fi

[ "$fails" -eq 0 ] || exit 1
echo "package $(basename "$deb") checked"
