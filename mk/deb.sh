#!/bin/sh
# Builds the kiosk's Debian package from built binaries: kiosk, kioskctl, assets, the packaged configuration,
# the systemd unit, udev rules and maintainer scripts (image/deb/). Reproducible: every timestamp is the last
# commit's (SOURCE_DATE_EPOCH), owners root:root, modes set here, files in sorted order (dpkg-deb sorts).
# Usage: mk/deb.sh OUTDIR KIOSK_BIN KIOSKCTL_BIN. Writes OUTDIR/kiosk_VERSION_ARCH.deb and prints its path.
set -eu

mkdir -p "$1"
out=$(cd "$1" && pwd)
kiosk=$2
kioskctl=$3
src=$(cd "$(dirname "$0")/.." && pwd)

if [ -z "${SOURCE_DATE_EPOCH:-}" ]; then
	SOURCE_DATE_EPOCH=$(git -C "$src" log -1 --format=%ct 2>/dev/null || echo 0)
fi
export SOURCE_DATE_EPOCH
commit=$(git -C "$src" log -1 --format=%h 2>/dev/null || echo 0)
# A version that sorts by commit time, so every later build upgrades an earlier one.
version=${KIOSK_VERSION:-0.9.$(date -u -d "@$SOURCE_DATE_EPOCH" +%Y%m%d%H%M%S)+g$commit}
arch=$(dpkg --print-architecture)

umask 022
root=$out/root
rm -rf "$out"
mkdir -p "$root/DEBIAN"

install -D -m 0755 "$kiosk" "$root/usr/bin/kiosk"
install -D -m 0755 "$kioskctl" "$root/usr/bin/kioskctl"
# Debug information names the build folder; the package carries none of it.
strip --strip-unneeded --remove-section=.comment --remove-section=.note "$root/usr/bin/kiosk" \
	"$root/usr/bin/kioskctl"

install -D -m 0644 "$src/assets/catalog.json" "$root/usr/share/kiosk/catalog.json"
for f in "$src"/assets/eval/*.conf; do
	install -D -m 0644 "$f" "$root/usr/share/kiosk/eval/$(basename "$f")"
done

# The terminal's configuration: the developer's assets/kiosk.conf with the installed paths and the panel
# full screen. Per-terminal settings come from provisioning into /var/lib/kiosk, never from this file.
install -d -m 0755 "$root/etc/kiosk"
sed -e 's|^catalog.path = .*|catalog.path = /usr/share/kiosk/catalog.json|' \
	-e 's|^display.fullscreen = .*|display.fullscreen = true|' \
	-e 's|^provision.required = .*|provision.required = true|' \
	"$src/assets/kiosk.conf" >"$root/etc/kiosk/kiosk.conf"
chmod 0644 "$root/etc/kiosk/kiosk.conf"

install -D -m 0644 "$src/image/systemd/kiosk.service" "$root/lib/systemd/system/kiosk.service"
install -D -m 0644 "$src/image/udev/60-kiosk.rules" "$root/lib/udev/rules.d/60-kiosk.rules"
install -D -m 0644 "$src/image/deb/logind.conf" "$root/usr/lib/systemd/logind.conf.d/kiosk.conf"
install -D -m 0644 "$src/image/deb/sysctl.conf" "$root/usr/lib/sysctl.d/60-kiosk.conf"
install -D -m 0644 "$src/image/deb/copyright" "$root/usr/share/doc/kiosk/copyright"
for f in "$src"/docs/provisioning.md "$src"/image/provision/*.sample; do
	if [ -f "$f" ]; then install -D -m 0644 "$f" "$root/usr/share/doc/kiosk/$(basename "$f")"; fi
done

for s in postinst prerm postrm; do
	install -m 0755 "$src/image/deb/$s" "$root/DEBIAN/$s"
done
install -m 0644 "$src/image/deb/conffiles" "$root/DEBIAN/conffiles"

# Depends: the packages of the libraries the binaries actually link (their NEEDED entries), found by
# dpkg-shlibdeps from the shlibs and symbols files of the installed -dev packages' libraries.
work=$out/shlibdeps
mkdir -p "$work/debian"
printf 'Source: kiosk\n\nPackage: kiosk\nArchitecture: any\n' >"$work/debian/control"
(cd "$work" && dpkg-shlibdeps -O -e"$root/usr/bin/kiosk" -e"$root/usr/bin/kioskctl" 2>shlibdeps.err) \
	>"$work/substvars" || { cat "$work/shlibdeps.err" >&2; exit 1; }
shlibs=$(sed -n 's/^shlibs:Depends=//p' "$work/substvars")
rm -rf "$work"
depends="$shlibs, adduser, fonts-noto-cjk"

size=$(du -sk --exclude=DEBIAN "$root" | cut -f1)
sed -e "s|@VERSION@|$version|" -e "s|@ARCH@|$arch|" -e "s|@SIZE@|$size|" -e "s|@DEPENDS@|$depends|" \
	"$src/image/deb/control.in" >"$root/DEBIAN/control"
chmod 0644 "$root/DEBIAN/control"
(cd "$root" && find . -type f ! -path './DEBIAN/*' -printf '%P\n' | LC_ALL=C sort | xargs -r md5sum) \
	>"$root/DEBIAN/md5sums"
chmod 0644 "$root/DEBIAN/md5sums"

find "$root" -type d -exec chmod 0755 {} +
find "$root" -exec touch -h -d "@$SOURCE_DATE_EPOCH" {} +
deb=$out/kiosk_${version}_$arch.deb
dpkg-deb --root-owner-group -Zxz -z6 --build "$root" "$deb" >/dev/null
rm -rf "$root"
echo "$deb"
