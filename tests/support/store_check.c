/* Store checks for tests (see store_check.h). */
#include "tests/support/store_check.h"

#include "offline-queue/queue.h"
#include "offline-queue/queue_scan.h"
#include "offline-queue/queue_sync.h"

#include <dirent.h>
#include <openssl/evp.h>
#include <setjmp.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

static void check_integrity(const char *data)
{
	char path[512];
	sqlite3_stmt *st;
	sqlite3 *db;
	const char *got;

	snprintf(path, sizeof(path), "%s/kiosk.db", data);
	assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &st, NULL),
			 SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	got = (const char *)sqlite3_column_text(st, 0);
	if (!got || strcmp(got, "ok") != 0)
		fail_msg("%s: integrity_check says %s", path, got ? got : "nothing");
	sqlite3_finalize(st);
	sqlite3_close(db);
}

static int count_scans(const char *data)
{
	char path[512];
	struct dirent *e;
	int n = 0;
	DIR *d;

	snprintf(path, sizeof(path), "%s/scans", data);
	d = opendir(path);
	assert_non_null(d);
	while ((e = readdir(d)))
		n += e->d_name[0] != '.';
	closedir(d);
	return n;
}

/* A page read back whole through the store, its digest compared with the recorded one. */
static void check_page(struct queue *q, const char *case_no, const struct queue_page_rec *pg)
{
	unsigned char buf[65536], md[32];
	char hex[65];
	struct queue_scan *sc = NULL;
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	unsigned md_len = 0;
	int64_t off = 0;
	size_t got = 0;
	enum kerr e;

	assert_non_null(ctx);
	e = queue_sync_page_open(q, pg->file_name, &sc);
	if (e)
		fail_msg("case %s: page %s: %s (%s)", case_no, pg->file_name, kerr_str(e),
			 queue_errmsg(q));
	assert_int_equal(EVP_DigestInit_ex(ctx, EVP_sha256(), NULL), 1);
	do {
		e = queue_scan_read(sc, off, buf, sizeof(buf), &got);
		if (e)
			fail_msg("case %s: page %s at %lld: %s (%s)", case_no, pg->file_name,
				 (long long)off, kerr_str(e), queue_errmsg(q));
		assert_int_equal(EVP_DigestUpdate(ctx, buf, got), 1);
		off += (int64_t)got;
	} while (got == sizeof(buf));
	assert_int_equal(EVP_DigestFinal_ex(ctx, md, &md_len), 1);
	for (unsigned i = 0; i < md_len; i++)
		snprintf(hex + 2 * i, 3, "%02x", md[i]);
	if (strcmp(hex, pg->sha256) != 0 || off != pg->size)
		fail_msg("case %s: page %s differs from what was stored", case_no, pg->file_name);
	queue_scan_close(sc);
	EVP_MD_CTX_free(ctx);
}

int64_t store_check_whole(const char *data, const char *terminal)
{
	char why[QUEUE_ERRMSG_SIZE] = "";
	struct queue *q = NULL;
	int64_t count = 0, seen = 0, pages = 0;
	enum kerr e;

	check_integrity(data);
	e = queue_open_msg(data, terminal, 0, why, &q);
	if (e)
		fail_msg("open %s: %s (%s)", data, kerr_str(e), why);
	assert_int_equal(queue_case_count(q, &count), KERR_OK);
	/* Row ids may have gaps (a rolled back insert), so look further until all are seen. */
	for (int64_t id = 1; seen < count && id <= count + 1000; id++) {
		struct queue_case_rec *r = NULL;

		e = queue_case_get_by_id(q, id, &r);
		if (e == KERR_NOT_FOUND)
			continue;
		if (e)
			fail_msg("case id %lld: %s (%s)", (long long)id, kerr_str(e),
				 queue_errmsg(q));
		for (size_t m = 0; m < r->n_materials; m++)
			for (size_t p = 0; p < r->materials[m].n_pages; p++, pages++)
				check_page(q, r->case_no, &r->materials[m].pages[p]);
		queue_case_rec_free(r);
		seen++;
	}
	assert_int_equal(seen, count);
	queue_close(q);
	/* Opening swept what a crash left, so every file is named by a page. */
	assert_int_equal(count_scans(data), pages);
	return count;
}
