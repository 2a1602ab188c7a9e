/* Fuzz target for the catalog parser: any bytes give either a catalog whose lookups agree with
 * it or an error with a sentence, never a crash, a leak or undefined behaviour. */
#include "kiosk/catalog.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void exercise(const struct catalog *c)
{
	static const char *const queries[] = { "ylbx", "YL", " jzz ", "养老", "证明", "8", "" };
	const struct catalog_item *list[8];

	for (size_t i = 0; i < sizeof(queries) / sizeof(queries[0]); i++)
		if (catalog_search(c, c->themes[0].id, queries[i], list, 8) > c->n_items)
			abort();
	for (size_t i = 0; i < c->n_items; i++) {
		const struct catalog_item *it = &c->items[i];

		if (catalog_find(c, it->impl_code) != it || !catalog_theme(c, it->theme))
			abort();
		/* An item can always be found by its own name and its own initials. */
		if (it->self_service && (catalog_search(c, it->theme, it->name, list, 8) == 0 ||
					 catalog_search(c, NULL, it->initials, NULL, 0) == 0))
			abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct catalog *c = NULL;
	char err[256];
	enum kerr e = catalog_load_buffer((const char *)data, size, &c, err, sizeof(err));

	if (e == KERR_OK) {
		exercise(c);
		catalog_destroy(c);
	} else if (!err[0] || c) {
		abort();
	}
	return 0;
}
