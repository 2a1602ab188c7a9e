/* What a technician needs to name this terminal before it has an identity: its serial number and
 * MAC. */
#ifndef KIOSK_HWINFO_H
#define KIOSK_HWINFO_H

#include <stdbool.h>
#include <stddef.h>

struct hwinfo {
	char serial[64]; /* the board's serial (DMI), else the machine id; "未知" when neither */
	char mac[32];	 /* the first Ethernet-like interface's address; "未知" when none */
};

/* Reads them from sysroot ("" for the running system; tests pass a folder laid out like /). */
void hwinfo_read(const char *sysroot, struct hwinfo *ret);

#endif
