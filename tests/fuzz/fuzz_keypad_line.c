/* Fuzz target: a keypad.serial_map on the first line, then the bytes a serial keypad sends. */
#include "drivers/keypad_line.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *nl = memchr(data, '\n', size);
	struct keypad_serial_map m;
	struct keypad_line l;
	char map[256];
	size_t ml = nl ? (size_t)(nl - data) : size;

	if (ml >= sizeof(map))
		ml = sizeof(map) - 1;
	memcpy(map, data, ml);
	map[ml] = 0;
	if (keypad_serial_map_parse(map, &m) != KERR_OK)
		(void)keypad_serial_map_parse(NULL, &m);
	memset(&l, 0, sizeof(l));
	for (size_t i = nl ? (size_t)(nl - data) + 1 : size; i < size; i++) {
		int level = -1;

		if (keypad_line_push(&l, &m, data[i], &level) == KEYPAD_LINE_LEVEL &&
		    (level < 0 || level >= KEYPAD_LEVELS))
			abort();
		if (l.n >= sizeof(l.buf))
			abort();
	}
	return 0;
}
