/* Fuzz target: an evaluation mapping file (assets/eval/). What parses must be usable: five
 * distinct non-empty codes, reasons within bounds. */
#include "kiosk/evalmap.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct evalmap m;
	char err[256];

	if (evalmap_parse(&m, (const char *)data, size, "fuzz", err, sizeof(err)) != KERR_OK)
		return 0;
	if (m.n_reasons > EVALMAP_REASONS_MAX || m.default_level < 0 || m.default_level > 4)
		abort();
	for (int i = 0; i < UPLINK_LEVELS; i++) {
		if (!m.scheme.codes[i][0])
			abort();
		for (int j = i + 1; j < UPLINK_LEVELS; j++)
			if (!strcmp(m.scheme.codes[i], m.scheme.codes[j]))
				abort();
	}
	return 0;
}
