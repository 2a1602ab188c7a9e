#!/bin/sh
# mmdebstrap customize hook: puts the image's own files into the root tree $1 (image/rootfs/, RAUC's
# system.conf and keyring, the health check) and settles what a read-only root needs.
# Environment from mk/image-rootfs.sh: IMAGE_SRC, IMAGE_BOARD, IMAGE_KEYRING, IMAGE_VERSION, SOURCE_DATE_EPOCH,
# IMAGE_DEB (the kiosk package, optional).
set -eu
root=$1
. "$IMAGE_BOARD"

if [ -n "${IMAGE_DEB:-}" ]; then
	cp "$IMAGE_DEB" "$root/tmp/kiosk.deb"
	DEBIAN_FRONTEND=noninteractive chroot "$root" apt-get install -y -q --no-install-recommends /tmp/kiosk.deb
	rm -f "$root/tmp/kiosk.deb"
fi
cp -R "$IMAGE_SRC/image/rootfs/." "$root/"
install -d "$root/etc/rauc" "$root/usr/lib/kiosk-image" "$root/data" "$root/boot/efi" \
	"$root/var/lib/rauc" "$root/var/lib/kiosk" "$root/var/log/journal"
sed "s/@COMPATIBLE@/kiosk-$BOARD/" "$IMAGE_SRC/image/rauc/system.conf" >"$root/etc/rauc/system.conf"
install -m 644 "$IMAGE_KEYRING" "$root/etc/rauc/keyring.pem"
install -m 755 "$IMAGE_SRC/image/rauc/kiosk-health" "$root/usr/lib/kiosk-image/kiosk-health"
install -m 644 "$IMAGE_SRC/image/rauc/kiosk-health.service" "$root/etc/systemd/system/kiosk-health.service"
chroot "$root" systemctl enable kiosk-health.service kiosk-machine-id.service

# Empty, not absent: systemd then makes a transient id on a read-only root instead of failing; GRUB passes the
# kept one (kiosk-machine-id.service) from the second boot on.
: >"$root/etc/machine-id"
rm -f "$root/var/lib/dbus/machine-id"

# What a technician and `rauc status` see, and the version a bundle carries.
printf 'IMAGE_ID=kiosk-%s\nIMAGE_VERSION=%s\n' "$BOARD" "$IMAGE_VERSION" >>"$root/usr/lib/os-release"
# A terminal with a dead RTC starts no earlier than its image was made (systemd's clock epoch), so TLS
# certificates do not look "not yet valid".
touch -d "@$SOURCE_DATE_EPOCH" "$root/usr/lib/clock-epoch"

# GRUB boots /vmlinuz and /initrd.img of each slot; Debian makes these links, but make sure.
for k in vmlinuz initrd.img; do
	if [ ! -e "$root/$k" ]; then
		f=$(cd "$root/boot" && ls "$k"-* | sort -V | tail -n 1)
		ln -sf "boot/$f" "$root/$k"
	fi
done

chroot "$root" dpkg-query -W -f='${Package} ${Version} ${Architecture}\n' >"$root/usr/lib/kiosk-image/packages.manifest"
# Caches that hold build times and are rebuilt on demand.
rm -f "$root/var/cache/ldconfig/aux-cache" "$root/var/log/dpkg.log" "$root/var/log/apt/"*.log \
	"$root/var/log/alternatives.log" "$root/var/cache/debconf/"*-old "$root/var/lib/dpkg/"*-old
