#!/bin/sh
# Checks that the image is reproducible: assembles it twice from the same root tarball, keys and time into two
# folders and compares every partition image and the disk. REPRO_FULL=1 also runs mmdebstrap a second time and
# compares the root tarballs. Usage: mk/image-repro.sh [O] (the build folder, default build).
set -eu
o=${1:-build}
board=${IMAGE_BOARD:-image/board/x86-64.conf}
tar=$o/image/rootfs.tar
[ -f "$tar" ] || { echo "$0: no $tar; run make image first" >&2; exit 1; }
export SOURCE_DATE_EPOCH="${SOURCE_DATE_EPOCH:-$(git log -1 --format=%ct)}"
export IMAGE_VERSION="${IMAGE_VERSION:-$(git describe --always --dirty)}"
r=$o/image-repro
rm -rf "$r"
mkdir -p "$r"
if [ "${REPRO_FULL:-0}" = 1 ]; then
	deb=$o/image/kiosk.deb
	sh mk/image-rootfs.sh "$board" "$r/rootfs.tar" "$o/image/keys/ca.cert.pem" "$deb" >"$r/rootfs.log" 2>&1
	a=$(sha256sum <"$tar") b=$(sha256sum <"$r/rootfs.tar")
	[ "$a" = "$b" ] && echo "same  rootfs.tar" || echo "DIFF  rootfs.tar"
fi
sh mk/image-assemble.sh "$board" "$tar" "$r/1" >/dev/null
sh mk/image-assemble.sh "$board" "$tar" "$r/2" >/dev/null
fail=0
for f in esp.vfat rootfs.ext4 data.ext4 disk.img; do
	a=$(sha256sum <"$r/1/$f") b=$(sha256sum <"$r/2/$f")
	if [ "$a" = "$b" ]; then echo "same  $f  ${a%% *}"; else echo "DIFF  $f"; fail=1; fi
done
[ "$fail" -eq 0 ] && rm -rf "$r"
exit "$fail"
