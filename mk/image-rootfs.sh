#!/bin/sh
# Builds the terminal's root filesystem as a tarball with mmdebstrap (user namespaces: no root, no mounts of
# our own): Debian 12 minbase, image/packages.list, the board's kernel and tools, the kiosk .deb, then the
# image's own files (mk/image-customize.sh).
# Usage: mk/image-rootfs.sh BOARD_CONF OUT.tar KEYRING.pem [KIOSK.deb]
# Environment: SOURCE_DATE_EPOCH (required), IMAGE_VERSION, IMAGE_MIRROR, IMAGE_SECURITY_MIRROR.
set -eu

[ $# -ge 3 ] || { echo "usage: $0 BOARD_CONF OUT.tar KEYRING.pem [KIOSK.deb]" >&2; exit 2; }
board=$1 out=$2 keyring=$3 deb=${4:-}
: "${SOURCE_DATE_EPOCH:?set SOURCE_DATE_EPOCH (the Makefile takes the last commit's time)}"
here=$(cd "$(dirname "$0")/.." && pwd)
. "$board"

mirror=${IMAGE_MIRROR:-http://deb.debian.org/debian}
security=${IMAGE_SECURITY_MIRROR:-http://deb.debian.org/debian-security}

pkgs=$(sed -e 's/#.*//' "$here/image/packages.list" | tr -s ' \n' '\n' | grep -v '^$' | sort -u | tr '\n' ',')
pkgs="$pkgs$KERNEL_PKG,$(echo "$BOARD_PKGS" | tr -s ' ' ',')"
if [ -n "$deb" ]; then
	[ -f "$deb" ] || { echo "$0: no kiosk package at $deb" >&2; exit 1; }
	# Installed by the customize hook from inside the tree, where dpkg can see it; apt brings its dependencies.
	export IMAGE_DEB="$(cd "$(dirname "$deb")" && pwd)/$(basename "$deb")"
else
	echo "$0: warning: no kiosk package given; the image has no kiosk" >&2
fi

export IMAGE_SRC="$here" IMAGE_BOARD="$board" IMAGE_KEYRING="$(cd "$(dirname "$keyring")" && pwd)/$(basename "$keyring")"
export IMAGE_VERSION="${IMAGE_VERSION:-0}" SOURCE_DATE_EPOCH
mkdir -p "$(dirname "$out")"
rm -f "$out.tmp"
# Documentation, manual pages and translations are of no use on a terminal and a third of the size.
mmdebstrap --mode=unshare --variant=minbase --arch="$ARCH" --include="$pkgs" \
	--dpkgopt='path-exclude=/usr/share/man/*' --dpkgopt='path-exclude=/usr/share/info/*' \
	--dpkgopt='path-exclude=/usr/share/doc/*' --dpkgopt='path-include=/usr/share/doc/*/copyright' \
	--dpkgopt='path-exclude=/usr/share/locale/*' --dpkgopt='path-include=/usr/share/locale/locale.alias' \
	--customize-hook='sh "$IMAGE_SRC/mk/image-customize.sh" "$1"' \
	--format=tar bookworm "$out.tmp" \
	"deb $mirror bookworm main" "deb $mirror bookworm-updates main" "deb $security bookworm-security main"
mv "$out.tmp" "$out"
