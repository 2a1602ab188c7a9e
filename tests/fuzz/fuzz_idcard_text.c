/* Fuzz target: card text blocks. Whatever parses must re-encode and parse back to the same card. */
#include "drivers/idcard.h"
#include "drivers/idcard_text.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t block[IDCARD_TEXT_LEN], again[IDCARD_TEXT_LEN];
	struct idcard_data a, b;
	const char *why = NULL;
	char today[9];

	/* Short inputs are padded with spaces, as a module pads a short card. */
	for (size_t i = 0; i < sizeof(block); i += 2)
		block[i] = ' ', block[i + 1] = 0;
	memcpy(block, data, size < sizeof(block) ? size : sizeof(block));
	(void)idcard_text_parse(data, size, &a, &why);
	if (idcard_text_parse(block, sizeof(block), &a, &why) != KERR_OK) {
		if (!why)
			abort();
		return 0;
	}
	if (idcard_text_encode(&a, again, &why) != KERR_OK)
		abort();
	if (idcard_text_parse(again, sizeof(again), &b, &why) != KERR_OK)
		abort();
	if (strcmp(a.name, b.name) || strcmp(a.id_number, b.id_number) ||
	    strcmp(a.valid_to, b.valid_to) || a.type != b.type || a.sex != b.sex)
		abort();
	memcpy(today, size > 8 ? (const char *)data + size - 8 : "20250601", 8);
	today[8] = 0;
	(void)idcard_text_check_expiry(&a, today);
	return 0;
}
