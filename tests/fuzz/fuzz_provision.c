/* Fuzz target: the provisioning file's parser (bytes from a USB stick). */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "kiosk/provision.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct provision p;
	char err[256];

	if (provision_parse((const char *)data, size, &p, err, sizeof(err)) == KERR_OK) {
		/* Whatever passes is a set of bounded strings. */
		if (!memchr(p.terminal_id, 0, sizeof(p.terminal_id)) || !memchr(p.site, 0, sizeof(p.site)))
			__builtin_trap();
	} else if (!memchr(err, 0, sizeof(err)) || !err[0]) {
		__builtin_trap();
	}
	return 0;
}
