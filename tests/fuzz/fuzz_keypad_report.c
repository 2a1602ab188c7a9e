/* Fuzz target: a keypad.hid_map on the first line, then HID reports of the bytes that follow
 * (each report's length in its first byte). Parsed maps and masks must stay in bounds. */
#include "drivers/keypad_report.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *nl = memchr(data, '\n', size);
	struct keypad_hid_map m;
	struct keypad_keys k;
	char map[256];
	size_t ml = nl ? (size_t)(nl - data) : size, at;
	int64_t t = 0;

	if (ml >= sizeof(map))
		ml = sizeof(map) - 1;
	memcpy(map, data, ml);
	map[ml] = 0;
	if (keypad_hid_map_parse(map, &m) != KERR_OK)
		(void)keypad_hid_map_parse(NULL, &m);
	keypad_keys_init(&k, 30);
	at = nl ? (size_t)(nl - data) + 1 : size;
	while (at < size) {
		size_t n = data[at++] % (KEYPAD_REPORT_MAX + 1);
		uint32_t mask = 0;

		if (n > size - at)
			n = size - at;
		if (keypad_report_parse(&m, data + at, n, &mask) == KERR_OK) {
			int level;

			if (mask >> KEYPAD_LEVELS)
				abort();
			level = keypad_keys_feed(&k, mask, t);
			if (level < -1 || level >= KEYPAD_LEVELS)
				abort();
		}
		at += n;
		t += 7;
	}
	return 0;
}
