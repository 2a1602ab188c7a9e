/* Personal data at rest, end to end: the real kiosk binary runs scripted journeys (two residents,
 * scans, a named rating with free text), then every file under its data folder (database, WAL,
 * shared memory, scans, key, receipts) and its log is searched for the residents' ID numbers,
 * names, addresses and phone, in the encodings they could be stored in: none may be found. The
 * store then opens with the same key and gives every value back. */
#define _GNU_SOURCE /* memmem, nftw */
#include <ftw.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cmocka.h>

#include "kiosk/catalog.h"
#include "offline-queue/queue.h"
#include "offline-queue/queue_sync.h"
#include "tests/support/journey_script.h"

/* What the simulated cards and the typed phone put into a case (drivers/idcard_simreader.c). */
static const char *const secrets[] = {
	"11010519491231002X", "110105194603150018", "王小英",	  "张建国",
	"13812345678",	      "景山前街",	    "建国路88号", "排队太久",
};
#define N_SECRETS (sizeof(secrets) / sizeof(secrets[0]))

struct scan_state {
	int files;
	int hits;
	char where[512];
};

/* nftw has no context pointer; the test is single-threaded. */
static struct scan_state *scan_now;

/* The needle as it is, and as UTF-16LE (how SQLite could hold TEXT in a UTF-16 database). */
static bool contains(const unsigned char *buf, size_t n, const char *needle)
{
	unsigned char wide[128];
	size_t w = 0;

	if (memmem(buf, n, needle, strlen(needle)))
		return true;
	for (const char *p = needle; *p && w + 2 <= sizeof(wide); p++) {
		if ((unsigned char)*p >= 0x80)
			return false; /* ASCII only: enough for numbers */
		wide[w++] = (unsigned char)*p;
		wide[w++] = 0;
	}
	return memmem(buf, n, wide, w) != NULL;
}

static int scan_file(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	FILE *fp;
	unsigned char *buf;
	size_t n;

	(void)ftw;
	if (flag != FTW_F)
		return 0;
	fp = fopen(path, "rb");
	assert_non_null(fp);
	buf = malloc((size_t)sb->st_size + 1);
	assert_non_null(buf);
	n = fread(buf, 1, (size_t)sb->st_size, fp);
	fclose(fp);
	scan_now->files++;
	for (size_t i = 0; i < N_SECRETS; i++) {
		if (contains(buf, n, secrets[i])) {
			scan_now->hits++;
			snprintf(scan_now->where, sizeof(scan_now->where), "%s holds \"%s\"", path,
				 secrets[i]);
			fprintf(stderr, "plaintext: %s\n", scan_now->where);
		}
	}
	free(buf);
	return 0;
}

static void scan_tree(const char *dir, struct scan_state *s)
{
	scan_now = s;
	assert_int_equal(nftw(dir, scan_file, 16, FTW_PHYS), 0);
	scan_now = NULL;
}

static void journey(struct fixture *f, const struct catalog_item *it, const char *card, int level)
{
	to_form(f, it, card);
	line(f, "tap choice.1");
	scan_materials(f, it, all);
	line(f, "tap footer.next");
	finish_with_rating(f, level);
}

static void test_no_plaintext_at_rest(void **state)
{
	struct fixture *f = *state;
	const struct catalog_item *it = item_where(f, has_scan);
	struct scan_state s = {0};
	char found[4][40];
	size_t n = 0;
	struct queue *q;
	struct queue_case_rec *rec;
	struct queue_eval_rec *e = NULL;

	assert_non_null(it);
	write_conf(f, NULL);
	begin(f);
	journey(f, it, "resident", 4);
	line(f, "expect REASONS");
	line(f, "tap reason.1");
	line(f, "tap reasons.text");
	line(f, "expect EVAL_TEXT");
	line(f, "tap key.q");
	line(f, "text 排队太久");
	line(f, "tap footer.next");
	line(f, "expect REASONS");
	line(f, "tap reasons.named");
	line(f, "tap footer.next");
	line(f, "expect THANKS");
	line(f, "wait 11000");
	line(f, "expect HOME");
	journey(f, it, "elder", 0);
	line(f, "expect THANKS");
	line(f, "wait 11000");
	line(f, "expect HOME");
	assert_int_equal(run(f), 0);

	/* The search itself finds what it looks for (a UTF-16 number too). */
	{
		char path[192];
		FILE *c;

		snprintf(path, sizeof(path), "%s/control", f->dir);
		c = fopen(path, "wb");
		assert_non_null(c);
		fwrite("x\0"
		       "1\0"
		       "3\0"
		       "8\0"
		       "1\0"
		       "2\0"
		       "3\0"
		       "4\0"
		       "5\0"
		       "6\0"
		       "7\0"
		       "8\0",
		       1, 24, c);
		fputs(" 张建国", c);
		fclose(c);
		scan_tree(path, &s);
		assert_int_equal(s.hits, 2);
		memset(&s, 0, sizeof(s));
	}
	/* Everything the kiosk left: data folder and log. */
	scan_tree(f->data, &s);
	scan_tree(f->log, &s);
	assert_true(s.files >= 6); /* database, key, scans, receipts, log */
	assert_int_equal(s.hits, 0);

	/* With its key the store still gives everything back. */
	assert_int_equal(queue_open(f->data, "ZW3101150001", 0, &q), KERR_OK);
	assert_int_equal(queue_case_find_person(q, "111", "11010519491231002X", found, 4, &n),
			 KERR_OK);
	assert_int_equal(n, 1);
	assert_int_equal(queue_case_get(q, found[0], &rec), KERR_OK);
	assert_string_equal(rec->applicant_name, "王小英");
	assert_string_equal(rec->mobile, "13812345678");
	queue_case_rec_free(rec);
	assert_int_equal(queue_eval_get(q, 1, &e), KERR_OK);
	assert_non_null(strstr(e->text, "排队太久"));
	queue_eval_rec_free(e);
	queue_close(q);
	/* And while a handle is open (WAL and shared memory present), still nothing. */
	assert_int_equal(queue_open(f->data, "ZW3101150001", 0, &q), KERR_OK);
	memset(&s, 0, sizeof(s));
	scan_tree(f->data, &s);
	assert_int_equal(s.hits, 0);
	queue_close(q);
}

/* store.key_file elsewhere, with the wrong mode: the kiosk refuses to store, says why, and writes
 * no personal data anywhere. */
static void test_key_file_mode_refused(void **state)
{
	struct fixture *f = *state;
	char extra[256], key[160];
	FILE *k;

	snprintf(key, sizeof(key), "%s/other.key", f->dir);
	k = fopen(key, "w");
	assert_non_null(k);
	fputs("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f\n", k);
	fclose(k);
	assert_int_equal(chmod(key, 0644), 0);
	snprintf(extra, sizeof(extra), "store.key_file = %s\nstore.cipher = sm4-ctr-hmac-sm3", key);
	write_conf(f, extra);
	begin(f);
	line(f, "expect HOME");
	assert_int_equal(run(f), 0);
	assert_true(log_has(f, "only its owner may read it"));
	/* Fixed: the kiosk opens its store with the national cipher. */
	assert_int_equal(chmod(key, 0600), 0);
	begin(f);
	line(f, "expect HOME");
	assert_int_equal(run(f), 0);
	assert_false(log_has(f, "cannot open"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_no_plaintext_at_rest, setup, teardown),
		cmocka_unit_test_setup_teardown(test_key_file_mode_refused, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
