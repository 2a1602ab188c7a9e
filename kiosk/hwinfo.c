/* The terminal's serial and MAC from sysfs, for the not-provisioned screen. */
#include "kiosk/hwinfo.h"

#include <dirent.h>
#include <stdio.h>
#include <string.h>

/* The first line of a small file, trimmed; false when unreadable or empty. */
static bool read_line(const char *path, char *buf, size_t size)
{
	FILE *f = fopen(path, "r");
	bool ok;

	if (!f)
		return false;
	ok = fgets(buf, (int)size, f) != NULL;
	fclose(f);
	if (!ok)
		return false;
	buf[strcspn(buf, "\r\n")] = 0;
	return buf[0] != 0;
}

static bool serial_usable(const char *s)
{
	/* Boards without one say so in many ways. */
	static const char *const none[] = {"To be filled by O.E.M.", "Default string", "0", "None",
					   "System Serial Number"};

	for (size_t i = 0; i < sizeof(none) / sizeof(none[0]); i++)
		if (!strcmp(s, none[i]))
			return false;
	return s[0] != 0;
}

void hwinfo_read(const char *sysroot, struct hwinfo *ret)
{
	char path[512], buf[128];
	struct dirent *d;
	DIR *dir;

	snprintf(ret->serial, sizeof(ret->serial), "未知");
	snprintf(ret->mac, sizeof(ret->mac), "未知");
	/* product_serial is readable by root only; the kiosk's user usually falls back to the
	 * machine id. */
	snprintf(path, sizeof(path), "%s/sys/class/dmi/id/product_serial", sysroot);
	if (read_line(path, buf, sizeof(buf)) && serial_usable(buf)) {
		snprintf(ret->serial, sizeof(ret->serial), "%.63s", buf);
	} else {
		snprintf(path, sizeof(path), "%s/etc/machine-id", sysroot);
		if (read_line(path, buf, sizeof(buf)))
			snprintf(ret->serial, sizeof(ret->serial), "%.12s", buf);
	}
	snprintf(path, sizeof(path), "%s/sys/class/net", sysroot);
	dir = opendir(path);
	if (!dir)
		return;
	/* The alphabetically first interface with a real address: eth0/enp1s0 before wlan0, stable
	 * across boots. */
	buf[0] = 0;
	while ((d = readdir(dir))) {
		char addr[64];

		if (d->d_name[0] == '.' || !strcmp(d->d_name, "lo"))
			continue;
		snprintf(path, sizeof(path), "%s/sys/class/net/%.200s/address", sysroot, d->d_name);
		if (!read_line(path, addr, sizeof(addr)) || !strcmp(addr, "00:00:00:00:00:00"))
			continue;
		if (!buf[0] || strcmp(d->d_name, buf) < 0) {
			snprintf(buf, sizeof(buf), "%.63s", d->d_name);
			snprintf(ret->mac, sizeof(ret->mac), "%.31s", addr);
		}
	}
	closedir(dir);
}
