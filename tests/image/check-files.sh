#!/bin/sh
# Fast checks of the image's scripts and configuration, run by make check (the image itself is make image):
# shell syntax, grub.cfg syntax, RAUC's system.conf, the board file, fstab, and test-only files labelled.
set -u
cd "$(dirname "$0")/../.."
fail=0
bad() { echo "FAIL: $*"; fail=1; }

for f in mk/image-*.sh image/rauc/kiosk-health tests/image/check-files.sh; do
	sh -n "$f" || bad "$f: shell syntax"
done
python3 -c "import ast, sys; ast.parse(open(sys.argv[1]).read())" tests/image/boot_test.py || bad "tests/image/boot_test.py: python syntax"

if command -v grub-script-check >/dev/null; then
	grub-script-check image/grub/grub.cfg || bad "image/grub/grub.cfg: GRUB syntax"
else
	echo "skip: grub-script-check not installed (grub-common); grub.cfg syntax not checked"
fi
# Every variable RAUC's grub backend writes is read, and every placeholder is one the assembler fills.
for v in ORDER A_OK B_OK A_TRY B_TRY; do
	grep -q "load_env.*$v" image/grub/grub.cfg || bad "grub.cfg does not load $v"
done
for p in $(grep -v "^#" image/grub/grub.cfg | grep -o "@[A-Z_]*@" | sort -u); do
	grep -q "s|$p|" mk/image-assemble.sh || bad "grub.cfg placeholder $p is never filled"
done

python3 - image/rauc/system.conf <<'PY' || bad "image/rauc/system.conf"
import configparser, sys
c = configparser.ConfigParser(interpolation=None)
c.read(sys.argv[1])
need = {"system": ["compatible", "bootloader", "grubenv", "statusfile"], "keyring": ["path"],
        "slot.rootfs.0": ["device", "type", "bootname"], "slot.rootfs.1": ["device", "type", "bootname"]}
for sec, keys in need.items():
    for k in keys:
        if not c.has_option(sec, k):
            sys.exit("system.conf: [%s] %s missing" % (sec, k))
if c["system"]["bootloader"] != "grub":
    sys.exit("system.conf: bootloader is not grub")
names = {c["slot.rootfs.0"]["bootname"], c["slot.rootfs.1"]["bootname"]}
if names != {"A", "B"}:
    sys.exit("system.conf: slot bootnames %s are not A and B, which grub.cfg knows" % names)
PY

for b in image/board/*.conf; do
	(
		set -e
		. "./$b"
		for v in BOARD ARCH KERNEL_PKG BOOTLOADER CONSOLE ESP_MB ROOTFS_MB DATA_MB QEMU OVMF_CODE; do
			eval "[ -n \"\${$v:-}\" ]" || { echo "$b: $v is not set"; exit 1; }
		done
	) || bad "$b"
done

# fstab: six fields on every entry, and the partitions it names are the ones the assembler makes.
awk '!/^#/ && NF && NF != 6 { print FILENAME ":" NR ": " NF " fields"; e = 1 } END { exit e }' \
	image/rootfs/etc/fstab || bad "image/rootfs/etc/fstab"
for l in $(sed -n 's/^PARTLABEL=\([^ \t]*\).*/\1/p' image/rootfs/etc/fstab) rootfs-a rootfs-b; do
	grep -q "name=\"$l\"" mk/image-assemble.sh || bad "partition label $l is not made by mk/image-assemble.sh"
done

# Whatever only the boot test may have says so in its first lines.
for f in $(find tests/image/overlay-* -name '*.conf'); do
	head -n 2 "$f" | grep -q 'TEST .*ONLY' || bad "$f: not labelled test-only"
done

[ "$fail" -eq 0 ] && echo "image files: ok"
exit "$fail"
