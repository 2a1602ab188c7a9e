/* The queue tests' fixture: one owner for the folder and the store, so every test leaves nothing behind. */
#include "tests/support/queue_fix.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>

#include <cmocka.h>

int queue_fix_setup_at(void **state, int64_t wall_ms)
{
	struct queue_fix *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	snprintf(f->root, sizeof(f->root), "/tmp/kiosk-queue.XXXXXX");
	assert_non_null(mkdtemp(f->root));
	clock_init_virtual(&f->clk, wall_ms);
	*state = f;
	return 0;
}

int queue_fix_teardown(void **state)
{
	struct queue_fix *f = *state;
	char cmd[256];

	queue_close(f->q);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", f->root);
	assert_int_equal(system(cmd), 0);
	free(f);
	return 0;
}

void queue_fix_open(struct queue_fix *f, const char *prefix)
{
	queue_close(f->q);
	f->q = NULL;
	assert_int_equal(queue_open(f->root, prefix, 0, &f->q), KERR_OK);
	queue_set_clock(f->q, &f->clk);
}
