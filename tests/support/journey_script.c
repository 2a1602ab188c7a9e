/* Journey scripts for tests (see journey_script.h). */
#include "tests/support/journey_script.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	char err[256];

	snprintf(f->dir, sizeof(f->dir), "/tmp/kiosk-journey-XXXXXX");
	if (!mkdtemp(f->dir))
		return -1;
	snprintf(f->data, sizeof(f->data), "%s/data", f->dir);
	snprintf(f->conf, sizeof(f->conf), "%s/kiosk.conf", f->dir);
	snprintf(f->script, sizeof(f->script), "%s/script", f->dir);
	snprintf(f->log, sizeof(f->log), "%s/log", f->dir);
	if (catalog_load_file(SRCDIR "/assets/catalog.json", &f->catalog, err, sizeof(err)) !=
	    KERR_OK)
		return -1;
	*state = f;
	return 0;
}

int teardown(void **state)
{
	struct fixture *f = *state;
	char cmd[160];

	catalog_destroy(f->catalog);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", f->dir);
	if (system(cmd) != 0)
		return -1;
	free(f);
	return 0;
}

/* A configuration like assets/kiosk.conf, with extra lines. */
void write_conf(struct fixture *f, const char *extra)
{
	FILE *c = fopen(f->conf, "w");

	assert_non_null(c);
	fprintf(c,
		"terminal.id = ZW3101150001\ncatalog.path = "
		"%s/assets/catalog.json\nstore.reserve_mb = 1\n"
		"scanner.latency_ms = 500\nreceipt.latency_ms = 800\n%s\n",
		SRCDIR, extra ? extra : "");
	fclose(c);
}

void begin(struct fixture *f)
{
	f->s = fopen(f->script, "w");
	assert_non_null(f->s);
}

void line(struct fixture *f, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfprintf(f->s, fmt, ap);
	va_end(ap);
	fputc('\n', f->s);
}

/* Runs the kiosk on the script; returns its exit status and prints its log when it failed. */
int run(struct fixture *f)
{
	char cmd[1024];
	int rc;

	fclose(f->s);
	f->s = NULL;
	snprintf(cmd, sizeof(cmd),
		 "SDL_VIDEODRIVER=offscreen KIOSK_LOG=info '%s' --config '%s' --data '%s' --script "
		 "'%s' > '%s' 2>&1",
		 KIOSK_BIN, f->conf, f->data, f->script, f->log);
	rc = system(cmd);
	rc = WIFEXITED(rc) ? WEXITSTATUS(rc) : 128;
	if (rc != 0) {
		snprintf(cmd, sizeof(cmd), "tail -n 30 '%s' >&2", f->log);
		if (system(cmd) != 0)
			fprintf(stderr, "no log\n");
	}
	return rc;
}

bool log_has(struct fixture *f, const char *needle)
{
	FILE *l = fopen(f->log, "r");
	char buf[2048];
	bool found = false;

	if (!l)
		return false;
	while (!found && fgets(buf, sizeof(buf), l))
		found = strstr(buf, needle) != NULL;
	fclose(l);
	return found;
}

const struct catalog_item *item_where(struct fixture *f, bool (*want)(const struct catalog_item *))
{
	for (size_t i = 0; i < f->catalog->n_items; i++)
		if (f->catalog->items[i].self_service && want(&f->catalog->items[i]))
			return &f->catalog->items[i];
	return NULL;
}

/* Home -> card -> catalog (all items) -> the item, paging as a resident would -> guide -> form with
 * phone. */
void to_form(struct fixture *f, const struct catalog_item *it, const char *card)
{
	line(f, "expect HOME");
	line(f, "tap tile.0");
	line(f, "expect CARD");
	line(f, "dev idcard insert %s", card);
	line(f, "wait 3000");
	line(f, "expect CATALOG");
	/* Found by pinyin initials, as a resident would: the test does not depend on rows per page.
	 */
	line(f, "tap catalog.search");
	line(f, "expect SEARCH");
	for (const char *c = it->initials; *c; c++)
		line(f, "tap key.%c", *c);
	line(f, "tap item.0");
	line(f, "expect GUIDE");
	line(f, "tap guide.down");
	line(f, "tap footer.next");
	line(f, "expect FORM");
	line(f, "tap footer.next");
	line(f, "expect FORM");
	line(f, "expect-text 请填写您的手机号码");
	line(f, "tap field.5");
	line(f, "expect PHONE");
	for (const char *d = "13812345678"; *d; d++)
		line(f, "tap key.%c", *d);
	line(f, "tap footer.next");
	line(f, "expect FORM");
}

size_t n_scannable(const struct catalog_item *it)
{
	size_t n = 0;

	for (size_t i = 0; i < it->n_materials; i++)
		n += !it->materials[i].ecert;
	return n;
}

/* Scans the materials for which want() says so (one page each, two for the first), skips the rest.
 */
void scan_materials(struct fixture *f, const struct catalog_item *it,
		    bool (*want)(const struct catalog_material *))
{
	bool first = true;

	line(f, "tap footer.next");
	if (n_scannable(it) == 0) {
		line(f, "expect SUMMARY");
		return;
	}
	line(f, "expect SCAN");
	for (size_t i = 0; i < it->n_materials; i++) {
		if (it->materials[i].ecert)
			continue;
		if (want(&it->materials[i])) {
			line(f, "tap scan.start");
			line(f, "wait 1500");
			if (first) {
				line(f, "tap scan.start");
				line(f, "wait 1500");
				line(f, "tap scan.retake.0");
				line(f, "wait 1500");
				first = false;
			}
		}
		line(f, "tap footer.next");
	}
	line(f, "expect SUMMARY");
}

bool all(const struct catalog_material *m)
{
	(void)m;
	return true;
}

bool has_scan(const struct catalog_item *it)
{
	return n_scannable(it) >= 2 && it->case_kind == 2;
}

void to_printed(struct fixture *f, const struct catalog_item *it)
{
	to_form(f, it, "resident");
	scan_materials(f, it, all);
	line(f, "tap footer.next");
	line(f, "expect PRINT");
	line(f, "wait 2000");
}

void finish_with_rating(struct fixture *f, int level)
{
	line(f, "expect PRINT");
	line(f, "wait 2000");
	line(f, "expect EVAL");
	line(f, "tap level.%d", level);
}

void apply_and_rate(struct fixture *f, int level)
{
	const struct catalog_item *it = item_where(f, has_scan);

	assert_non_null(it);
	to_form(f, it, "resident");
	scan_materials(f, it, all);
	line(f, "tap footer.next");
	finish_with_rating(f, level);
	line(f, "expect THANKS");
	line(f, "tap footer.next");
	line(f, "expect HOME");
}
