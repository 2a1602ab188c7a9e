/* Unit tests of personal data at rest in the store: fields and scans sealed on disk, tampering and
 * moved values refused with messages that name the row but not the value, another key refused at
 * open, the one-time sealing of a store written before encryption, and the retention purge on a
 * virtual clock. */
#define _GNU_SOURCE /* memmem */
#include "offline-queue/queue.h"
#include "offline-queue/queue_impl.h"
#include "offline-queue/queue_sync.h"

#include <dirent.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#define PREFIX "T0042"
#define NAME   "王小英"
#define IDNUM  "11010519491231002X"
#define PHONE  "13812345678"
#define DAY_MS (24LL * 3600 * 1000)

struct fix {
	char root[64];
	char store[128];
	char db[160];
	char scans[160];
	struct clock clk;
	struct queue *q;
};

/* A page big enough for several chunks, with a marker to look for on disk. */
#define PAGE_LEN (150 * 1024 + 7)
static unsigned char page[PAGE_LEN];
static const char page_marker[] = "JPEG-MARKER-王小英";

struct sample {
	struct queue_page pages[1];
	struct queue_material mats[1];
	struct queue_case c;
};

static void sample_init(struct sample *s)
{
	memset(s, 0, sizeof(*s));
	for (size_t i = 0; i < PAGE_LEN; i++)
		page[i] = (unsigned char)(i * 31 + 7);
	memcpy(page, "\xff\xd8\xff\xe0", 4);
	memcpy(page + 70000, page_marker, sizeof(page_marker) - 1);
	s->pages[0] = (struct queue_page){page, PAGE_LEN};
	s->mats[0] = (struct queue_material){"M001", "身份证", QUEUE_MAT_RECEIVED, s->pages, 1};
	s->c = (struct queue_case){
		.impl_code = "11110105000000000X4440117008000",
		.item_name = "城乡居民基本养老保险参保登记",
		.case_kind = 2,
		.applicant_name = NAME,
		.id_type = "111",
		.id_number = IDNUM,
		.sex = '2',
		.birth = "19491231",
		.address = "北京市朝阳区某街道1号",
		.mobile = PHONE,
		.delivery = "mail",
		.mail_address = "北京市朝阳区某街道2号",
		.region_code = "110105",
		.accepted_ms = 1710464400000LL,
		.clock_trusted = true,
		.promised_date = "20240329",
		.materials = s->mats,
		.n_materials = 1,
	};
}

static int fix_setup(void **state)
{
	struct fix *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	snprintf(f->root, sizeof(f->root), "/tmp/test_queue_rest.XXXXXX");
	assert_non_null(mkdtemp(f->root));
	snprintf(f->store, sizeof(f->store), "%s/store", f->root);
	snprintf(f->db, sizeof(f->db), "%s/kiosk.db", f->store);
	snprintf(f->scans, sizeof(f->scans), "%s/scans", f->store);
	clock_init_virtual(&f->clk, 1710464400000LL);
	*state = f;
	return 0;
}

static int fix_teardown(void **state)
{
	struct fix *f = *state;
	char cmd[256];

	queue_close(f->q);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", f->root);
	assert_int_equal(system(cmd), 0);
	free(f);
	return 0;
}

static enum kerr fix_open_with(struct fix *f, const struct queue_options *o, char *why)
{
	enum kerr e;

	queue_close(f->q);
	f->q = NULL;
	e = queue_open_with(f->store, PREFIX, o, why, &f->q);
	if (e == KERR_OK)
		queue_set_clock(f->q, &f->clk);
	return e;
}

static void fix_open(struct fix *f)
{
	char why[QUEUE_ERRMSG_SIZE] = "";

	assert_int_equal(fix_open_with(f, NULL, why), KERR_OK);
}

static void add_case(struct fix *f, char case_no[40], char qc[16])
{
	struct sample s;

	sample_init(&s);
	assert_int_equal(queue_case_add(f->q, &s.c, case_no, qc), KERR_OK);
}

static void sql(struct fix *f, const char *fmt, ...)
{
	char text[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	assert_int_equal(queue_db_exec(f->q, text), KERR_OK);
}

static int64_t q_int(struct fix *f, const char *text)
{
	int64_t v = -1;

	assert_int_equal(queue_db_int(f->q, text, &v), KERR_OK);
	return v;
}

/* True when needle is anywhere in the file. */
static bool file_has(const char *path, const void *needle, size_t len)
{
	FILE *fp = fopen(path, "rb");
	unsigned char *buf;
	long n;
	bool found;

	if (!fp)
		return false;
	fseek(fp, 0, SEEK_END);
	n = ftell(fp);
	fseek(fp, 0, SEEK_SET);
	buf = malloc(n > 0 ? (size_t)n : 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, fp), (size_t)n);
	fclose(fp);
	found = memmem(buf, (size_t)n, needle, len) != NULL;
	free(buf);
	return found;
}

static bool store_has(struct fix *f, const char *needle)
{
	char path[512];
	struct dirent *e;
	DIR *d;
	bool found = false;

	snprintf(path, sizeof(path), "%s-wal", f->db);
	found = file_has(f->db, needle, strlen(needle)) || file_has(path, needle, strlen(needle));
	d = opendir(f->scans);
	assert_non_null(d);
	while (!found && (e = readdir(d))) {
		snprintf(path, sizeof(path), "%s/%s", f->scans, e->d_name);
		if (e->d_name[0] != '.')
			found = file_has(path, needle, strlen(needle));
	}
	closedir(d);
	return found;
}

static void first_scan(struct fix *f, char *name, size_t size)
{
	sqlite3_stmt *st;

	assert_int_equal(sqlite3_prepare_v2(f->q->db, "SELECT file_name FROM pages ORDER BY id", -1,
					    &st, NULL),
			 SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	snprintf(name, size, "%s", (const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
}

/* Reads the whole page back through the store; KERR of the first failure. */
static enum kerr read_scan(struct fix *f, const char *name, unsigned char *out, size_t *ret_len)
{
	struct queue_scan *s = NULL;
	size_t got = 0, total = 0;
	enum kerr e;

	e = queue_file_open_read(f->q, name, &s);
	if (e)
		return e;
	/* Odd offsets and sizes, across chunk edges. */
	do {
		e = queue_scan_read(s, (int64_t)total, out + total, 40000, &got);
		total += got;
	} while (!e && got > 0);
	queue_scan_close(s);
	*ret_len = total;
	return e;
}

static void test_sealed_on_disk(void **state)
{
	struct fix *f = *state;
	char case_no[40], qc[16], name[64];
	struct queue_case_rec *r = NULL;
	unsigned char *back = malloc(PAGE_LEN + 100);
	size_t n = 0;

	fix_open(f);
	add_case(f, case_no, qc);
	assert_int_equal(q_int(f,
			       "SELECT count(*) FROM cases WHERE typeof(applicant_name) = "
			       "'blob' AND typeof(id_number) = 'blob' AND typeof(mobile) = 'blob' "
			       "AND typeof(address) = 'blob'"),
			 1);
	assert_int_equal(queue_case_get(f->q, qc, &r), KERR_OK);
	assert_string_equal(r->applicant_name, NAME);
	assert_string_equal(r->id_number, IDNUM);
	assert_string_equal(r->mobile, PHONE);
	assert_string_equal(r->sex, "2");
	assert_string_equal(r->birth, "19491231");
	assert_string_equal(r->mail_address, "北京市朝阳区某街道2号");
	queue_case_rec_free(r);
	first_scan(f, name, sizeof(name));
	assert_int_equal(read_scan(f, name, back, &n), KERR_OK);
	assert_int_equal(n, PAGE_LEN);
	assert_memory_equal(back, page, PAGE_LEN);
	free(back);
	queue_close(f->q);
	f->q = NULL;
	/* Nothing personal in plaintext in the database, its WAL or the scans. */
	fix_open(f);
	assert_false(store_has(f, NAME));
	assert_false(store_has(f, IDNUM));
	assert_false(store_has(f, PHONE));
	assert_false(store_has(f, "朝阳区"));
	assert_false(store_has(f, page_marker));
}

static void test_tampered_fields(void **state)
{
	struct fix *f = *state;
	char case_no[40], qc[16], case_no2[40], qc2[16];
	struct queue_case_rec *r = NULL;
	const char *msg;

	fix_open(f);
	add_case(f, case_no, qc);
	add_case(f, case_no2, qc2);
	/* Another resident's sealed number copied onto this row: refused. */
	sql(f,
	    "UPDATE cases SET id_number = (SELECT id_number FROM cases WHERE id = 2) WHERE id = 1");
	assert_int_equal(queue_case_get(f->q, qc, &r), KERR_CORRUPT);
	msg = queue_errmsg(f->q);
	assert_non_null(strstr(msg, "cases.id_number of row 1"));
	assert_null(strstr(msg, IDNUM));
	/* A column's value moved to another column of the same row: refused. */
	sql(f, "UPDATE cases SET mobile = id_number WHERE id = 2");
	assert_int_equal(queue_case_get(f->q, qc2, &r), KERR_CORRUPT);
	assert_non_null(strstr(queue_errmsg(f->q), "cases.mobile of row 2"));
	/* One flipped byte. */
	sql(f, "UPDATE cases SET mobile = NULL, id_number = (SELECT id_number FROM cases WHERE id "
	       "= 2) WHERE id = 2");
	assert_int_equal(queue_case_get(f->q, qc2, &r), KERR_OK);
	queue_case_rec_free(r);
	r = NULL;
	sql(f, "UPDATE cases SET applicant_name = CAST(substr(applicant_name, 1, 20) || "
	       "(CASE WHEN substr(applicant_name, 21, 1) = x'00' THEN x'01' ELSE x'00' END) || "
	       "substr(applicant_name, 22) AS BLOB) WHERE id = 2");
	assert_int_equal(queue_case_get(f->q, qc2, &r), KERR_CORRUPT);
	assert_non_null(strstr(queue_errmsg(f->q), "fails its authentication check"));
	/* Plain text put in place of a sealed value: refused, not shown. */
	sql(f, "UPDATE cases SET applicant_name = '" NAME "' WHERE id = 2");
	assert_int_equal(queue_case_get(f->q, qc2, &r), KERR_CORRUPT);
	assert_non_null(strstr(queue_errmsg(f->q), "stored unencrypted"));
	assert_null(r);
}

static void test_tampered_scans(void **state)
{
	struct fix *f = *state;
	char case_no[40], qc[16], a[64], b[64], path[512], path_b[512];
	unsigned char *back = malloc(PAGE_LEN + 100);
	struct stat st;
	size_t n;
	int fd;

	fix_open(f);
	add_case(f, case_no, qc);
	add_case(f, case_no, qc);
	first_scan(f, a, sizeof(a));
	q_int(f, "SELECT 1");
	{
		sqlite3_stmt *s;

		assert_int_equal(sqlite3_prepare_v2(f->q->db,
						    "SELECT file_name FROM pages WHERE id = 2", -1,
						    &s, NULL),
				 SQLITE_OK);
		assert_int_equal(sqlite3_step(s), SQLITE_ROW);
		snprintf(b, sizeof(b), "%s", (const char *)sqlite3_column_text(s, 0));
		sqlite3_finalize(s);
	}
	snprintf(path, sizeof(path), "%s/%s", f->scans, a);
	snprintf(path_b, sizeof(path_b), "%s/%s", f->scans, b);
	assert_int_equal(stat(path, &st), 0);
	/* One byte in the third chunk: the first two still read, the third fails. */
	fd = open(path, O_RDWR);
	assert_true(fd >= 0);
	{
		unsigned char c;
		off_t at = 20 + 2 * (65536 + 29) + 100;

		assert_int_equal(pread(fd, &c, 1, at), 1);
		c ^= 0x20;
		assert_int_equal(pwrite(fd, &c, 1, at), 1);
		assert_int_equal(read_scan(f, a, back, &n), KERR_CORRUPT);
		assert_non_null(strstr(queue_errmsg(f->q), "chunk 2"));
		assert_non_null(strstr(queue_errmsg(f->q), a));
		c ^= 0x20;
		assert_int_equal(pwrite(fd, &c, 1, at), 1);
	}
	assert_int_equal(read_scan(f, a, back, &n), KERR_OK);
	/* The size in the header changed: every chunk fails, and the length no longer fits. */
	{
		unsigned char c;

		assert_int_equal(pread(fd, &c, 1, 19), 1);
		c ^= 1;
		assert_int_equal(pwrite(fd, &c, 1, 19), 1);
		assert_int_equal(read_scan(f, a, back, &n), KERR_CORRUPT);
		c ^= 1;
		assert_int_equal(pwrite(fd, &c, 1, 19), 1);
	}
	/* Truncated by one byte. */
	assert_int_equal(ftruncate(fd, st.st_size - 1), 0);
	assert_int_equal(read_scan(f, a, back, &n), KERR_CORRUPT);
	assert_non_null(strstr(queue_errmsg(f->q), "truncated"));
	close(fd);
	/* Another file's sealed bytes under this name: bound to its own name, refused. */
	assert_int_equal(rename(path_b, path), 0);
	assert_int_equal(read_scan(f, a, back, &n), KERR_CORRUPT);
	/* A plain JPEG put in place. */
	fd = open(path, O_WRONLY | O_TRUNC);
	assert_int_equal(write(fd, page, 4096), 4096);
	close(fd);
	assert_int_equal(read_scan(f, a, back, &n), KERR_CORRUPT);
	assert_non_null(strstr(queue_errmsg(f->q), "plaintext"));
	free(back);
}

static void test_wrong_key_refused(void **state)
{
	struct fix *f = *state;
	char case_no[40], qc[16], why[QUEUE_ERRMSG_SIZE] = "", path[256];
	unsigned char other[QUEUE_KEY_BYTES];
	struct queue_options o = {0};
	struct queue_key *k = NULL;

	fix_open(f);
	add_case(f, case_no, qc);
	queue_close(f->q);
	f->q = NULL;
	memset(other, 0x42, sizeof(other));
	assert_int_equal(queue_key_from_bytes(other, &k), KERR_OK);
	o.key = k;
	assert_int_equal(fix_open_with(f, &o, why), KERR_PERM);
	assert_non_null(strstr(why, "another data key"));
	queue_key_destroy(k);
	/* The default key file readable by others: refused with the reason. */
	snprintf(path, sizeof(path), "%s/store.key", f->store);
	assert_int_equal(chmod(path, 0644), 0);
	assert_int_equal(fix_open_with(f, NULL, why), KERR_PERM);
	assert_non_null(strstr(why, "mode 644"));
	assert_int_equal(chmod(path, 0600), 0);
	fix_open(f);
}

/* store.cipher switched: new values in SM4, older AES ones still read, and back. */
static void test_national_cipher(void **state)
{
	struct fix *f = *state;
	char case_no[40], qc[16], qc2[16], why[QUEUE_ERRMSG_SIZE] = "", name[64];
	struct queue_options o = {.cipher = QUEUE_CIPHER_SM4_CTR_HMAC_SM3};
	struct queue_case_rec *r = NULL;
	unsigned char *back = malloc(PAGE_LEN + 100);
	size_t n;

	fix_open(f);
	add_case(f, case_no, qc);
	assert_int_equal(fix_open_with(f, &o, why), KERR_OK);
	add_case(f, case_no, qc2);
	assert_int_equal(q_int(f, "SELECT count(*) FROM cases WHERE substr(id_number, 1, 1) = "
				  "x'02'"),
			 1);
	assert_int_equal(queue_case_get(f->q, qc, &r), KERR_OK);
	assert_string_equal(r->id_number, IDNUM);
	queue_case_rec_free(r);
	first_scan(f, name, sizeof(name));
	assert_int_equal(read_scan(f, name, back, &n), KERR_OK);
	fix_open(f);
	assert_int_equal(queue_case_get(f->q, qc2, &r), KERR_OK);
	assert_string_equal(r->applicant_name, NAME);
	assert_memory_equal(r->materials[0].pages[0].sha256, r->materials[0].pages[0].sha256, 64);
	assert_int_equal(read_scan(f, r->materials[0].pages[0].file_name, back, &n), KERR_OK);
	assert_int_equal(n, PAGE_LEN);
	assert_memory_equal(back, page, PAGE_LEN);
	queue_case_rec_free(r);
	assert_false(store_has(f, IDNUM));
	free(back);
}

/* A store written before at-rest encryption: same schema, plain text in the personal columns, plain
 * JPEGs in scans/, no key check. Opening it seals everything once. */
static void test_migration(void **state)
{
	struct fix *f = *state;
	char case_no[40], qc[16], name[64], path[512], key[256];
	struct queue_case_rec *r = NULL;
	struct queue_eval_rec *e = NULL;
	struct queue_eval ev = {.level = 3,
				.reasons = "R01",
				.text = "窗口人员态度差",
				.named = true,
				.evaluator_id = IDNUM,
				.time_ms = 1710464400000LL};
	unsigned char *back = malloc(PAGE_LEN + 100);
	int64_t eval_id;
	size_t n;
	int fd;

	fix_open(f);
	add_case(f, case_no, qc);
	assert_int_equal(queue_eval_add(f->q, &ev, &eval_id), KERR_OK);
	first_scan(f, name, sizeof(name));
	/* Back to what the earlier firmware wrote. */
	sql(f, "DELETE FROM meta WHERE key IN ('at_rest', 'key_check')");
	sql(f, "UPDATE cases SET applicant_name = '" NAME "', id_number = '" IDNUM "', sex = '2', "
	       "birth = '19491231', address = '北京市朝阳区某街道1号', mobile = '" PHONE "', "
	       "mail_address = '北京市朝阳区某街道2号'");
	sql(f, "UPDATE evaluations SET text = '窗口人员态度差', evaluator_id = '" IDNUM "'");
	queue_close(f->q);
	f->q = NULL;
	snprintf(path, sizeof(path), "%s/%s", f->scans, name);
	fd = open(path, O_WRONLY | O_TRUNC);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, page, PAGE_LEN), PAGE_LEN);
	close(fd);
	/* And the old firmware had no key: a new one is made. */
	snprintf(key, sizeof(key), "%s/store.key", f->store);
	assert_int_equal(unlink(key), 0);
	assert_true(file_has(path, page_marker, strlen(page_marker)));

	fix_open(f);
	assert_int_equal(q_int(f,
			       "SELECT count(*) FROM cases WHERE typeof(applicant_name) = 'text' "
			       "OR typeof(id_number) = 'text' OR typeof(sex) = 'text' OR "
			       "typeof(birth) = 'text' OR typeof(address) = 'text' OR "
			       "typeof(mobile) = 'text' OR typeof(mail_address) = 'text'"),
			 0);
	assert_int_equal(q_int(f,
			       "SELECT count(*) FROM evaluations WHERE typeof(text) = 'blob' AND "
			       "typeof(evaluator_id) = 'blob'"),
			 1);
	assert_int_equal(queue_case_get(f->q, qc, &r), KERR_OK);
	assert_string_equal(r->applicant_name, NAME);
	assert_string_equal(r->id_number, IDNUM);
	assert_string_equal(r->address, "北京市朝阳区某街道1号");
	queue_case_rec_free(r);
	assert_int_equal(queue_eval_get(f->q, eval_id, &e), KERR_OK);
	assert_string_equal(e->text, "窗口人员态度差");
	assert_string_equal(e->evaluator_id, IDNUM);
	queue_eval_rec_free(e);
	assert_false(file_has(path, page_marker, strlen(page_marker)));
	assert_int_equal(read_scan(f, name, back, &n), KERR_OK);
	assert_int_equal(n, PAGE_LEN);
	assert_memory_equal(back, page, PAGE_LEN);
	/* Once only: plain values appearing later are tampering, not old data. */
	sql(f, "UPDATE cases SET mobile = '" PHONE "'");
	fix_open(f);
	assert_int_equal(queue_case_get(f->q, qc, &r), KERR_CORRUPT);
	/* After a checkpoint nothing plain is left in the files. */
	sql(f, "UPDATE cases SET mobile = NULL");
	sql(f, "PRAGMA wal_checkpoint(TRUNCATE)");
	assert_false(store_has(f, IDNUM));
	assert_false(store_has(f, NAME));
	free(back);
}

static void ack_all(struct fix *f)
{
	struct queue_sync_item it;

	while (queue_sync_next(f->q, 0, &it) == KERR_OK)
		assert_int_equal(queue_sync_ack(f->q, it.id, "P-1"), KERR_OK);
}

static void test_retention(void **state)
{
	struct fix *f = *state;
	char case_no[40], qc[16], case_no2[40], qc2[16], found[4][40], name[64];
	struct queue_eval ev = {.case_no = NULL,
				.level = 0,
				.text = "很好",
				.named = true,
				.evaluator_id = IDNUM,
				.time_ms = 1710464400000LL};
	struct queue_purge_result r;
	struct queue_case_rec *rec = NULL;
	struct queue_eval_rec *e = NULL;
	int64_t eval_id;
	size_t n = 0;

	fix_open(f);
	add_case(f, case_no, qc);
	first_scan(f, name, sizeof(name));
	assert_int_equal(queue_eval_add(f->q, &ev, &eval_id), KERR_OK);
	ack_all(f);
	/* A second case stays unacknowledged: never purged. */
	add_case(f, case_no2, qc2);

	clock_advance(&f->clk, 7 * DAY_MS - 1000);
	assert_int_equal(queue_purge(f->q, 7 * DAY_MS, &r), KERR_OK);
	assert_int_equal(r.cases, 0);
	assert_int_equal(r.evals, 0);
	clock_advance(&f->clk, 1000);
	assert_int_equal(queue_purge(f->q, 7 * DAY_MS, &r), KERR_OK);
	assert_int_equal(r.cases, 1);
	assert_int_equal(r.evals, 1);

	/* The skeleton stays: 进度查询 by query code still finds the case, without the person. */
	assert_int_equal(queue_case_get(f->q, qc, &rec), KERR_OK);
	assert_string_equal(rec->case_no, case_no);
	assert_string_equal(rec->applicant_name, "");
	assert_string_equal(rec->id_number, "");
	assert_string_equal(rec->mobile, "");
	assert_int_equal(rec->materials[0].n_pages, 1);
	assert_int_equal(strlen(rec->materials[0].pages[0].sha256), 64);
	queue_case_rec_free(rec);
	assert_int_equal(queue_eval_get(f->q, eval_id, &e), KERR_OK);
	assert_string_equal(e->text, "");
	assert_true(e->named);
	queue_eval_rec_free(e);
	{
		char path[512];
		struct stat st;

		snprintf(path, sizeof(path), "%s/%s", f->scans, name);
		assert_int_not_equal(stat(path, &st), 0);
	}
	/* By card only the unacknowledged case is found now. */
	assert_int_equal(queue_case_find_person(f->q, "111", IDNUM, found, 4, &n), KERR_OK);
	assert_int_equal(n, 1);
	assert_string_equal(found[0], case_no2);
	assert_int_equal(queue_case_get(f->q, qc2, &rec), KERR_OK);
	assert_string_equal(rec->applicant_name, NAME);
	queue_case_rec_free(rec);
	/* Again: nothing left to do. A store reopened keeps it so. */
	assert_int_equal(queue_purge(f->q, 7 * DAY_MS, &r), KERR_OK);
	assert_int_equal(r.cases + r.evals, 0);
	fix_open(f);
	assert_int_equal(q_int(f, "PRAGMA secure_delete"), 1);
	assert_int_equal(q_int(f, "SELECT count(*) FROM cases"), 2);
	assert_false(store_has(f, "很好"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_sealed_on_disk, fix_setup, fix_teardown),
		cmocka_unit_test_setup_teardown(test_tampered_fields, fix_setup, fix_teardown),
		cmocka_unit_test_setup_teardown(test_tampered_scans, fix_setup, fix_teardown),
		cmocka_unit_test_setup_teardown(test_wrong_key_refused, fix_setup, fix_teardown),
		cmocka_unit_test_setup_teardown(test_national_cipher, fix_setup, fix_teardown),
		cmocka_unit_test_setup_teardown(test_migration, fix_setup, fix_teardown),
		cmocka_unit_test_setup_teardown(test_retention, fix_setup, fix_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
