/* Fuzz target: any byte stream through the simulated printer's ESC/POS interpreter. */
#include "drivers/escpos_job.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct escpos_job j;
	enum kerr e = escpos_job_parse(data, size, &j);

	if (e != KERR_OK && e != KERR_PROTO && e != KERR_FULL && e != KERR_NOMEM)
		abort();
	if (e == KERR_PROTO && j.error_at >= size)
		abort();
	for (size_t i = 0; i < j.n; i++) {
		const struct escpos_item *it = &j.items[i];

		if ((unsigned)it->kind >= ESCPOS_ITEM_KIND__COUNT || it->width < 1 ||
		    it->width > 8 || it->height < 1 || it->height > 8 ||
		    (unsigned)it->align > RECEIPT_RIGHT)
			abort();
		if ((it->kind == ESCPOS_ITEM_TEXT || it->kind == ESCPOS_ITEM_QR) &&
		    (!it->text || it->text[it->len] != 0))
			abort();
		if (it->kind == ESCPOS_ITEM_TEXT && strlen(it->text) != it->len)
			abort();
	}
	escpos_job_finish(&j);
	return 0;
}
