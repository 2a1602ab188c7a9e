#!/bin/sh
# Makes the partition images and the GPT disk image from a root tarball without loop devices or mounts:
# mke2fs -d fills ext4 from a tree, mkfs.fat + mtools the ESP, sfdisk lays out GPT in a plain file, dd places
# the partitions. Names and ids are derived from the inputs, so the same inputs give the same bytes.
# Usage: mk/image-assemble.sh BOARD_CONF ROOTFS.tar OUTDIR [OVERLAY_DIR...]
#   OVERLAY_DIR: trees copied over the root (test-only variants; the product image has none).
# Writes OUTDIR/{rootfs.ext4,esp.vfat,data.ext4,disk.img,disk.img.bmap}; with ROOTFS_ONLY=1 only rootfs.ext4
# (for a bundle).
# Environment: SOURCE_DATE_EPOCH (required), IMAGE_VERSION, ROOTFS_ONLY.
set -eu

[ $# -ge 3 ] || { echo "usage: $0 BOARD_CONF ROOTFS.tar OUTDIR [OVERLAY_DIR...]" >&2; exit 2; }
# Ownership in the tarball must survive extraction: outside root, run in a user namespace mapped like
# mmdebstrap's.
if [ "$(id -u)" -ne 0 ]; then
	exec unshare --map-root-user --map-auto -- sh "$0" "$@"
fi
: "${SOURCE_DATE_EPOCH:?set SOURCE_DATE_EPOCH}"
here=$(cd "$(dirname "$0")/.." && pwd)
board=$1 tar=$2 out=$3
shift 3
. "$board"
version=${IMAGE_VERSION:-0}
export E2FSPROGS_FAKE_TIME=$SOURCE_DATE_EPOCH

# A UUID from a name: the first 128 bits of its SHA-256, with RFC 4122's variant and a name-based version.
uuid_of() {
	h=$(printf '%s' "kiosk-image:$1" | sha256sum)
	echo "$(echo "$h" | cut -c1-8)-$(echo "$h" | cut -c9-12)-5$(echo "$h" | cut -c14-16)-8$(echo "$h" | cut -c18-20)-$(echo "$h" | cut -c21-32)"
}
# Partition ids stay the same across versions: grub.cfg on the ESP names them and bundles never rewrite it.
PARTUUID_ESP=$(uuid_of "$BOARD:part:esp")
PARTUUID_A=$(uuid_of "$BOARD:part:rootfs-a")
PARTUUID_B=$(uuid_of "$BOARD:part:rootfs-b")
PARTUUID_DATA=$(uuid_of "$BOARD:part:data")
DISK_GUID=$(uuid_of "$BOARD:disk")
# File system ids change with what is in them.
FS_ROOT=$(uuid_of "$BOARD:fs:rootfs:$version:$SOURCE_DATE_EPOCH")
FS_DATA=$(uuid_of "$BOARD:fs:data")
ESP_VOLID=$(printf '%s' "$BOARD:esp" | sha256sum | cut -c1-8)

work=$out/work
rm -rf "$work"
mkdir -p "$work/tree" "$work/data" "$work/esp/EFI/BOOT"
t0=$(date +%s)

tar --numeric-owner --xattrs --xattrs-include='*' -xpf "$tar" -C "$work/tree"
for o in "$@"; do
	cp -R "$o/." "$work/tree/"
done
# Overlays that enable units by linking them; a link into a .wants folder is what `systemctl enable` makes.
if [ -f "$work/tree/etc/kiosk-image-enable" ]; then
	for u in $(cat "$work/tree/etc/kiosk-image-enable"); do
		mkdir -p "$work/tree/etc/systemd/system/multi-user.target.wants"
		ln -sf "/etc/systemd/system/$u" "$work/tree/etc/systemd/system/multi-user.target.wants/$u"
	done
	rm -f "$work/tree/etc/kiosk-image-enable"
fi

# The data partition starts with what the packages put where it is bound (fstab): the kiosk's state folder
# with its owner, the journal folder, RAUC's status.
cp -a "$work/tree/var/lib/kiosk" "$work/data/kiosk"
mkdir -p "$work/data/journal" "$work/data/rauc"
jgid=$(sed -n 's/^systemd-journal:[^:]*:\([0-9]*\):.*/\1/p' "$work/tree/etc/group")
chown "0:${jgid:-0}" "$work/data/journal"
chmod 2755 "$work/data/journal"
# Every file the same time, so the data partition's bytes do not depend on when it was built.
find "$work/data" "$work/esp" -exec touch -h -d "@$SOURCE_DATE_EPOCH" {} +

mkext4() { # FILE SIZE_MB LABEL UUID DIR EXTRA_FEATURES
	rm -f "$1"
	truncate -s "$2M" "$1"
	mke2fs -q -F -t ext4 -b 4096 -L "$3" -U "$4" -E "hash_seed=$4,root_owner=0:0" -O "$6" -d "$5" "$1" "$2M"
}
# The root slots are mounted read-only and never written, so they need no journal.
mkext4 "$out/rootfs.ext4" "$ROOTFS_MB" rootfs "$FS_ROOT" "$work/tree" ^has_journal
if [ "${ROOTFS_ONLY:-0}" = 1 ]; then
	rm -rf "$work"
	echo "rootfs: $out/rootfs.ext4 in $(($(date +%s) - t0)) s"
	exit 0
fi
mkext4 "$out/data.ext4" "$DATA_MB" data "$FS_DATA" "$work/data" has_journal
t1=$(date +%s)

# The ESP: GRUB as one EFI binary with every module it needs built in, its grub.cfg and grubenv.
grub-mkimage -O "$GRUB_TARGET" -o "$work/esp/$EFI_BINARY" -p /EFI/BOOT \
	part_gpt fat ext2 normal linux loadenv test echo regexp configfile search all_video serial terminal \
	reboot halt sleep gzio
sed -e "s|@GRUB_TIMEOUT@|$GRUB_TIMEOUT|" -e "s|@CONSOLE@|$CONSOLE|" -e "s|@PARTUUID_A@|$PARTUUID_A|" \
	-e "s|@PARTUUID_B@|$PARTUUID_B|" "$here/image/grub/grub.cfg" >"$work/esp/EFI/BOOT/grub.cfg"
grub-editenv "$work/esp/EFI/BOOT/grubenv" create
# Both slots hold the same system at first; A boots first.
grub-editenv "$work/esp/EFI/BOOT/grubenv" set ORDER="A B" A_OK=1 B_OK=1 A_TRY=0 B_TRY=0
find "$work/esp" -exec touch -h -d "@$SOURCE_DATE_EPOCH" {} +
rm -f "$out/esp.vfat"
mkfs.fat -C -F 32 -S 512 -s 1 -n ESP -i "$ESP_VOLID" --invariant "$out/esp.vfat" $((ESP_MB * 1024)) >/dev/null
MTOOLS_SKIP_CHECK=1 mcopy -s -m -i "$out/esp.vfat" "$work/esp/EFI" ::/

# GPT in a plain file: 1 MiB in front, the partitions back to back, 1 MiB behind for the backup table.
s=2048 # sectors of 512 bytes
mb=2048
esp_start=$s
a_start=$((esp_start + ESP_MB * mb))
b_start=$((a_start + ROOTFS_MB * mb))
data_start=$((b_start + ROOTFS_MB * mb))
total_mb=$((1 + ESP_MB + 2 * ROOTFS_MB + DATA_MB + 1))
rm -f "$out/disk.img"
truncate -s "${total_mb}M" "$out/disk.img"
sfdisk -q --no-reread --no-tell-kernel "$out/disk.img" <<SFDISK
label: gpt
label-id: $DISK_GUID
unit: sectors
first-lba: 2048
start=$esp_start, size=$((ESP_MB * mb)), type=$ESP_TYPE, uuid=$PARTUUID_ESP, name="esp"
start=$a_start, size=$((ROOTFS_MB * mb)), type=$ROOT_TYPE, uuid=$PARTUUID_A, name="rootfs-a"
start=$b_start, size=$((ROOTFS_MB * mb)), type=$ROOT_TYPE, uuid=$PARTUUID_B, name="rootfs-b"
start=$data_start, size=$((DATA_MB * mb)), type=$DATA_TYPE, uuid=$PARTUUID_DATA, name="data"
SFDISK
# Partitions start on MiB boundaries: whole-MiB blocks, holes left as holes.
place() { dd if="$1" of="$out/disk.img" bs=1M seek=$(($2 / mb)) conv=notrunc,sparse status=none; }
place "$out/esp.vfat" "$esp_start"
place "$out/rootfs.ext4" "$a_start"
place "$out/rootfs.ext4" "$b_start"
place "$out/data.ext4" "$data_start"
if command -v bmaptool >/dev/null; then
	bmaptool create -o "$out/disk.img.bmap" "$out/disk.img"
fi
rm -rf "$work"
t2=$(date +%s)
echo "image: $out/disk.img (${total_mb} MiB): file systems $((t1 - t0)) s, ESP and disk $((t2 - t1)) s"
