/* Failing storage under the real kiosk: a first run stores a case; then, for each fault, a copy of
 * that store is driven through a second resident's journey with tests/support/failio.c preloaded,
 * so one write, fsync, rename or open of a scan file or of the database's WAL fails (EIO, or
 * ENOSPC for a full disk). The resident must be told on the summary screen, the kiosk must keep
 * running and store the case when the resident tries again, and afterwards the store must pass
 * PRAGMA integrity_check with both cases whole: every page decrypted to its recorded SHA-256, no
 * file left that no row names. */
#include <dirent.h>
#include <openssl/evp.h>
#include <setjmp.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include <cmocka.h>

#include "kiosk/catalog.h"
#include "offline-queue/queue.h"
#include "offline-queue/queue_scan.h"
#include "offline-queue/queue_sync.h"
#include "tests/support/journey_script.h"

#define TERMINAL  "ZW3101150001"
#define NOT_SAVED "本机未能保存您的申请"
#define DISK_FULL "本机存储空间不足"

struct fault {
	const char *op, *path, *err, *told;
};

static const struct fault faults[] = {
	{"fsync", "/scans/", "EIO", NOT_SAVED},	     {"write", "/scans/", "ENOSPC", DISK_FULL},
	{"write", "/scans/", "EIO", NOT_SAVED},	     {"rename", "/scans/", "EIO", NOT_SAVED},
	{"open", ".jpg.tmp", "EIO", NOT_SAVED},	     {"fsync", "kiosk.db-wal", "EIO", NOT_SAVED},
	{"write", "kiosk.db-wal", "EIO", NOT_SAVED}, {"write", "kiosk.db-wal", "ENOSPC", DISK_FULL},
};

static void sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static void sh(const char *fmt, ...)
{
	char cmd[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	assert_int_equal(system(cmd), 0);
}

/* A resident from home to the thanks screen; with told, the first submission fails with that
 * message and the second, the fault gone, stores the case. */
static void journey(struct fixture *f, const struct catalog_item *it, const char *told)
{
	begin(f);
	to_form(f, it, "resident");
	scan_materials(f, it, all);
	line(f, "tap footer.next");
	if (told) {
		line(f, "expect SUMMARY");
		line(f, "expect-text %s", told);
		line(f, "tap footer.next");
	}
	finish_with_rating(f, 0);
	line(f, "expect THANKS");
	line(f, "wait 11000");
	line(f, "expect HOME");
}

/* The kiosk on the script with failio preloaded; its log is kept in f->log. */
static int run_faulty(struct fixture *f, const struct fault *ft, const char *faultlog)
{
	char cmd[2048];
	int rc;

	fclose(f->s);
	f->s = NULL;
	snprintf(cmd, sizeof(cmd),
		 "FAILIO_OP=%s FAILIO_PATH='%s' FAILIO_NTH=1 FAILIO_ERRNO=%s FAILIO_LOG='%s' "
		 "LD_PRELOAD='%s' ASAN_OPTIONS=\"$ASAN_OPTIONS:verify_asan_link_order=0\" "
		 "SDL_VIDEODRIVER=offscreen KIOSK_LOG=info '%s' --config '%s' --data '%s' "
		 "--script '%s' > '%s' 2>&1",
		 ft->op, ft->path, ft->err, faultlog, FAILIO_LIB, KIOSK_BIN, f->conf, f->data,
		 f->script, f->log);
	rc = system(cmd);
	rc = WIFEXITED(rc) ? WEXITSTATUS(rc) : 128;
	if (rc != 0) {
		snprintf(cmd, sizeof(cmd), "tail -n 30 '%s' >&2", f->log);
		if (system(cmd) != 0)
			fprintf(stderr, "no log\n");
	}
	return rc;
}

static int count_lines(const char *path)
{
	FILE *fp = fopen(path, "r");
	int n = 0, c;

	if (!fp)
		return 0;
	while ((c = fgetc(fp)) != EOF)
		n += c == '\n';
	fclose(fp);
	return n;
}

static int count_scans(const char *data)
{
	char path[256];
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

static void check_integrity(const char *data)
{
	char path[256];
	sqlite3_stmt *st;
	sqlite3 *db;

	snprintf(path, sizeof(path), "%s/kiosk.db", data);
	assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &st, NULL),
			 SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_string_equal((const char *)sqlite3_column_text(st, 0), "ok");
	sqlite3_finalize(st);
	sqlite3_close(db);
}

/* A page read back whole through the store and its digest compared with the recorded one. */
static void check_page(struct queue *q, const struct queue_page_rec *pg)
{
	unsigned char buf[65536], md[32];
	char hex[65];
	struct queue_scan *sc = NULL;
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	unsigned md_len = 0;
	int64_t off = 0;
	size_t got;

	assert_non_null(ctx);
	assert_int_equal(queue_sync_page_open(q, pg->file_name, &sc), KERR_OK);
	assert_int_equal(EVP_DigestInit_ex(ctx, EVP_sha256(), NULL), 1);
	do {
		assert_int_equal(queue_scan_read(sc, off, buf, sizeof(buf), &got), KERR_OK);
		assert_int_equal(EVP_DigestUpdate(ctx, buf, got), 1);
		off += (int64_t)got;
	} while (got == sizeof(buf));
	assert_int_equal(EVP_DigestFinal_ex(ctx, md, &md_len), 1);
	for (unsigned i = 0; i < md_len; i++)
		snprintf(hex + 2 * i, 3, "%02x", md[i]);
	assert_string_equal(hex, pg->sha256);
	assert_int_equal(off, pg->size);
	queue_scan_close(sc);
	EVP_MD_CTX_free(ctx);
}

/* n cases, each whole; no scan file beyond what the rows name. */
static void check_store(const char *data, int64_t n)
{
	char why[QUEUE_ERRMSG_SIZE] = "";
	struct queue *q = NULL;
	int64_t count = 0;
	int pages = 0;

	check_integrity(data);
	assert_int_equal(queue_open_msg(data, TERMINAL, 0, why, &q), KERR_OK);
	assert_int_equal(queue_case_count(q, &count), KERR_OK);
	assert_int_equal(count, n);
	for (int64_t id = 1; id <= n; id++) {
		struct queue_case_rec *r = NULL;

		assert_int_equal(queue_case_get_by_id(q, id, &r), KERR_OK);
		for (size_t m = 0; m < r->n_materials; m++)
			for (size_t p = 0; p < r->materials[m].n_pages; p++, pages++)
				check_page(q, &r->materials[m].pages[p]);
		queue_case_rec_free(r);
	}
	queue_close(q);
	assert_true(pages > 0);
	assert_int_equal(count_scans(data), pages);
}

static void test_storage_faults(void **state)
{
	struct fixture *f = *state;
	const struct catalog_item *it = item_where(f, has_scan);
	char base[160], faultlog[160];

	assert_non_null(it);
	write_conf(f, NULL);
	journey(f, it, NULL);
	assert_int_equal(run(f), 0);
	check_store(f->data, 1);
	snprintf(base, sizeof(base), "%s/base", f->dir);
	sh("mv '%s' '%s'", f->data, base);

	for (size_t i = 0; i < sizeof(faults) / sizeof(faults[0]); i++) {
		const struct fault *ft = &faults[i];

		snprintf(faultlog, sizeof(faultlog), "%s/faults-%zu", f->dir, i);
		sh("rm -rf '%s' && cp -a '%s' '%s'", f->data, base, f->data);
		journey(f, it, ft->told);
		if (run_faulty(f, ft, faultlog) != 0)
			fail_msg("%s of %s failing with %s: the journey did not go on", ft->op,
				 ft->path, ft->err);
		/* Exactly one failure went in, and the kiosk said why in its log. */
		assert_int_equal(count_lines(faultlog), 1);
		assert_true(log_has(f, "store: case not stored"));
		check_store(f->data, 2);
		printf("%s of %s failing with %s: resident told, case stored on retry, store "
		       "intact\n",
		       ft->op, ft->path, ft->err);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_storage_faults),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
