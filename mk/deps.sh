#!/bin/sh
# Installs the Debian 12 packages the kiosk needs to build, run and test, and only those that are missing.
# Usage: mk/deps.sh [build|check|bench|image]. Idempotent: with everything present it runs no apt-get at all.
set -eu

build="build-essential pkg-config libsdl2-dev libsdl2-ttf-dev fonts-noto-cjk libsqlite3-dev libjansson-dev
libpng-dev libjpeg62-turbo-dev libssl-dev libqrencode-dev libcurl4-openssl-dev libmicrohttpd-dev libgnutls28-dev
libusb-1.0-0-dev libcairo2-dev libcups2-dev cups-ipp-utils dbus avahi-daemon
libsane-dev libsane1
libsystemd-dev"
check="libcmocka-dev clang sqlite3 umockdev libumockdev-dev"
# libfaketime: the RTC reset and jumped under the real kiosk binary (tests/flow/test_clock_faults.c).
check="$check faketime"
# grub-script-check checks the image's grub.cfg in make check (tests/image/check-files.sh).
check="$check grub-common"
# make image, bundle, image-test (image/README.md); grub-common's grub-script-check also serves make check.
image="mmdebstrap uidmap e2fsprogs dosfstools mtools fdisk grub-efi-amd64-bin grub-common rauc squashfs-tools
bmap-tools openssl qemu-system-x86 ovmf python3"

case "${1:-build}" in
build) want="$build" ;;
check | bench) want="$build $check" ;;
image) want="$image" ;;
*) echo "usage: $0 [build|check|bench|image]" >&2; exit 2 ;;
esac

missing=""
for p in $want; do
	st=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
	case "$st" in
	*"ok installed") ;;
	*) missing="$missing $p" ;;
	esac
done
[ -z "$missing" ] && exit 0

echo "Installing missing packages:$missing"
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -q
# shellcheck disable=SC2086
$sudo apt-get install -y -q --no-install-recommends $missing
