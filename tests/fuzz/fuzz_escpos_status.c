/* Fuzz target: real-time status replies (pairs of request n and reply byte), and receipt text from
 * the same bytes through the GB18030 converter and the line wrapper. */
#include "drivers/escpos.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct escpos_status st;
	struct escpos e;
	char *text;

	memset(&st, 0, sizeof(st));
	for (size_t i = 0; i + 1 < size; i += 2) {
		int n = data[i] % 6;
		enum kerr r = escpos_status_decode(n, data[i + 1], &st);
		uint8_t back;

		if (r == KERR_OK && escpos_status_encode(n, &st, &back) != KERR_OK)
			abort();
		if (r == KERR_OK && (data[i + 1] & 0x12) != 0x12)
			abort();
	}
	text = malloc(size + 1);
	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = 0;
	{
		struct receipt_line lines[2] = {
			{ RECEIPT_TEXT, RECEIPT_LEFT, false, size % 2 + 1, text },
			{ RECEIPT_QR, RECEIPT_CENTER, false, 1, text },
		};
		struct receipt_doc doc = { lines, text[0] ? 2 : 1 };

		escpos_init(&e, ESCPOS_DEFAULT_MAX);
		(void)escpos_render_receipt(&e, &doc);
		if (e.len > ESCPOS_DEFAULT_MAX)
			abort();
		escpos_finish(&e);
	}
	free(text);
	return 0;
}
