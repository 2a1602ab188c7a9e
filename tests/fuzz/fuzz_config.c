/* Fuzz target: the key = value configuration parser. */
#include <stddef.h>
#include <stdint.h>

#include "kiosk/config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct config c;
	char err[256];

	config_defaults(&c);
	config_parse(&c, (const char *)data, size, "fuzz", err, sizeof(err));
	return 0;
}
