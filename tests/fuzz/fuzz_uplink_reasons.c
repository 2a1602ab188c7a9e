/* Fuzz target: the platform's reason list (offline-queue/uplink_reasons.c). */
#include "offline-queue/uplink_reasons.h"

#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct uplink_reasons r;
	char why[160];

	uplink_parse_reasons((const char *)data, size, &r, why, sizeof(why));
	return 0;
}
