#!/bin/sh
# Makes a signed RAUC bundle (verity format, RAUC 1.8) of one root file system image for the board's slots.
# Usage: mk/image-bundle.sh BOARD_CONF ROOTFS.ext4 KEYDIR OUT.raucb
# KEYDIR holds signing.cert.pem, signing.key.pem and ca.cert.pem (mk/image-keys.sh, or a real signer's).
# Environment: SOURCE_DATE_EPOCH (required), IMAGE_VERSION.
set -eu
[ $# -eq 4 ] || { echo "usage: $0 BOARD_CONF ROOTFS.ext4 KEYDIR OUT.raucb" >&2; exit 2; }
board=$1 rootfs=$2 keys=$3 out=$4
: "${SOURCE_DATE_EPOCH:?set SOURCE_DATE_EPOCH}"
. "$board"
version=${IMAGE_VERSION:-0}

dir=$out.d
rm -rf "$dir" "$out"
mkdir -p "$dir"
# A hard link where possible: the image is large and the bundle only reads it.
ln "$rootfs" "$dir/rootfs.ext4" 2>/dev/null || cp "$rootfs" "$dir/rootfs.ext4"
cat >"$dir/manifest.raucm" <<MANIFEST
[update]
compatible=kiosk-$BOARD
version=$version
build=$SOURCE_DATE_EPOCH
description=Kiosk root file system for $BOARD

[bundle]
format=verity

[image.rootfs]
filename=rootfs.ext4
MANIFEST
touch -d "@$SOURCE_DATE_EPOCH" "$dir" "$dir"/*
t0=$(date +%s)
# zstd at a low level: mksquashfs's default gzip took 4 minutes for one slot image on 2 cores; the kernel's
# squashfs reads zstd (CONFIG_SQUASHFS_ZSTD).
rauc bundle --cert="$keys/signing.cert.pem" --key="$keys/signing.key.pem" --keyring="$keys/ca.cert.pem" \
	--mksquashfs-args="-comp zstd -Xcompression-level 3" "$dir" "$out" >"$out.log" 2>&1 || { cat "$out.log" >&2; exit 1; }
rm -rf "$dir"
echo "bundle: $out ($(($(stat -c %s "$out") / 1048576)) MiB, version $version) in $(($(date +%s) - t0)) s"
