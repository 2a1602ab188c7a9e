/* Unit tests of the durable local store (offline-queue/): open and its refusals, case numbers and
 * query codes, scans on disk, rollback of failed cases, the crash-leftover sweep, the space
 * reserve, evaluations, outbox. */
#define _GNU_SOURCE /* nftw */
#include "offline-queue/queue.h"
#include "offline-queue/queue_impl.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <openssl/evp.h>
#include <setjmp.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#define PREFIX "T0042"
#define VALID_ID "11010519491231002X"

struct fix {
	char root[64];	 /* mkdtemp folder, removed at the end */
	char store[128]; /* root/store */
	char db[160];	 /* root/store/kiosk.db */
	char scans[160]; /* root/store/scans */
	struct clock clk;
	struct queue *q;
};

/* Page contents: three small distinct "JPEGs". */
static const unsigned char page_a[] = { 0xff, 0xd8, 0xff, 0xe0, 'a', 'b', 'c', 0xff, 0xd9 };
static const unsigned char page_b[] = { 0xff, 0xd8, 0xff, 0xe0, 'd', 'e', 'f', 'g', 0xff, 0xd9 };
static const unsigned char page_c[] = { 0xff, 0xd8, 0xff, 0xe0, 'x', 0xff, 0xd9 };

/* A valid case with two scanned materials (2 pages and 1 page) and one that is an electronic
 * certificate. The struct points into *self, so build it in place. */
struct sample {
	struct queue_page pages1[2];
	struct queue_page pages2[1];
	struct queue_material mats[3];
	struct queue_case c;
};

/* ms since the epoch of a local (UTC+8) date and time. */
static int64_t local_ms(int y, int mo, int d, int h, int mi)
{
	struct tm tm = {
		.tm_year = y - 1900, .tm_mon = mo - 1, .tm_mday = d, .tm_hour = h, .tm_min = mi
	};

	return ((int64_t)timegm(&tm) - 8 * 3600) * 1000;
}

static void sample_init(struct sample *s, int64_t accepted_ms)
{
	memset(s, 0, sizeof(*s));
	s->pages1[0] = (struct queue_page){ page_a, sizeof(page_a) };
	s->pages1[1] = (struct queue_page){ page_b, sizeof(page_b) };
	s->pages2[0] = (struct queue_page){ page_c, sizeof(page_c) };
	s->mats[0] = (struct queue_material){ "M001", "身份证", QUEUE_MAT_RECEIVED, s->pages1, 2 };
	s->mats[1] = (struct queue_material){ "M002", "户口簿", QUEUE_MAT_RECEIVED, s->pages2, 1 };
	s->mats[2] = (struct queue_material){ "M003", "营业执照", QUEUE_MAT_ECERT, NULL, 0 };
	s->c = (struct queue_case){
		.impl_code = "11110105000000000X4440117008000",
		.item_name = "城乡居民基本养老保险参保登记",
		.case_kind = 2,
		.applicant_name = "王小英",
		.id_type = "111",
		.id_number = VALID_ID,
		.sex = '2',
		.birth = "19491231",
		.address = "北京市朝阳区某街道1号",
		.mobile = "13812345678",
		.delivery = "pickup",
		.region_code = "110105",
		.accepted_ms = accepted_ms,
		.clock_trusted = true,
		.promised_date = "20240329",
		.with_gaps = false,
		.materials = s->mats,
		.n_materials = 3,
	};
}

static int rm_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static void chmod_back(const char *path)
{
	chmod(path, 0700);
}

static int fix_setup(void **state)
{
	struct fix *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	snprintf(f->root, sizeof(f->root), "/tmp/test_queue.XXXXXX");
	assert_non_null(mkdtemp(f->root));
	snprintf(f->store, sizeof(f->store), "%s/store", f->root);
	snprintf(f->db, sizeof(f->db), "%s/kiosk.db", f->store);
	snprintf(f->scans, sizeof(f->scans), "%s/scans", f->store);
	clock_init_virtual(&f->clk, local_ms(2024, 3, 15, 9, 0));
	*state = f;
	return 0;
}

static int fix_teardown(void **state)
{
	struct fix *f = *state;

	queue_close(f->q);
	chmod_back(f->root);
	chmod_back(f->store);
	chmod_back(f->scans);
	nftw(f->root, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
	free(f);
	return 0;
}

static void fix_open(struct fix *f, uint64_t reserve)
{
	char why[QUEUE_ERRMSG_SIZE] = "";

	queue_close(f->q);
	f->q = NULL;
	assert_int_equal(queue_open_msg(f->store, PREFIX, reserve, why, &f->q), KERR_OK);
	assert_non_null(f->q);
	queue_set_clock(f->q, &f->clk);
}

static void fix_close(struct fix *f)
{
	queue_close(f->q);
	f->q = NULL;
}

/* A query on the open store's own connection, returning one integer. */
static int64_t q_int(struct fix *f, const char *fmt, ...)
{
	char sql[512];
	int64_t v = -1;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(sql, sizeof(sql), fmt, ap);
	va_end(ap);
	assert_int_equal(queue_db_int(f->q, sql, &v), KERR_OK);
	return v;
}

static void q_text(struct fix *f, const char *sql, char *out, size_t n)
{
	sqlite3_stmt *st;

	assert_int_equal(sqlite3_prepare_v2(f->q->db, sql, -1, &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	snprintf(out, n, "%s", (const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
}

/* SQL on a second connection, as another program (or an attacker) would. */
static void other_exec(const char *path, const char *sql)
{
	sqlite3 *db;

	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_close(db), SQLITE_OK);
}

static int count_files(const char *dir)
{
	struct dirent *e;
	int n = 0;
	DIR *d = opendir(dir);

	assert_non_null(d);
	while ((e = readdir(d)))
		if (e->d_name[0] != '.')
			n++;
	closedir(d);
	return n;
}

static bool file_exists(const char *dir, const char *name)
{
	char path[512];
	struct stat st;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	return stat(path, &st) == 0;
}

static void write_file(const char *path, const void *data, size_t len)
{
	FILE *fp = fopen(path, "wb");

	assert_non_null(fp);
	assert_int_equal(fwrite(data, 1, len, fp), len);
	assert_int_equal(fclose(fp), 0);
}

static size_t read_file(const char *path, unsigned char *buf, size_t cap)
{
	FILE *fp = fopen(path, "rb");
	size_t n;

	assert_non_null(fp);
	n = fread(buf, 1, cap, fp);
	fclose(fp);
	return n;
}

static void sha256_hex(const unsigned char *data, size_t len, char out[65])
{
	unsigned char md[32];
	unsigned int md_len = 0;

	assert_int_equal(EVP_Digest(data, len, md, &md_len, EVP_sha256(), NULL), 1);
	for (unsigned i = 0; i < md_len; i++)
		sprintf(out + 2 * i, "%02x", md[i]);
}

static void add_ok(struct fix *f, const struct queue_case *c, char case_no[40], char qc[16])
{
	enum kerr err = queue_case_add(f->q, c, case_no, qc);

	if (err)
		fail_msg("queue_case_add: %s (%s)", kerr_str(err), queue_errmsg(f->q));
}

static void expect_empty_store(struct fix *f)
{
	assert_int_equal(q_int(f, "SELECT count(*) FROM cases"), 0);
	assert_int_equal(q_int(f, "SELECT count(*) FROM materials"), 0);
	assert_int_equal(q_int(f, "SELECT count(*) FROM pages"), 0);
	assert_int_equal(q_int(f, "SELECT count(*) FROM outbox"), 0);
	assert_int_equal(count_files(f->scans), 0);
}

static void test_open_creates_schema(void **state)
{
	struct fix *f = *state;
	struct stat st;
	char mode[16];

	fix_open(f, 0);
	assert_int_equal(stat(f->store, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0700);
	assert_int_equal(stat(f->scans, &st), 0);
	assert_true(S_ISDIR(st.st_mode));
	assert_int_equal(q_int(f, "PRAGMA user_version"), queue_schema_version());
	assert_int_equal(
		q_int(f, "SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name IN "
			 "('meta', "
			 "'case_seq', 'cases', 'materials', 'pages', 'evaluations', 'outbox')"),
		7);
	/* The durability settings are in effect on the store's own connection. */
	q_text(f, "PRAGMA journal_mode", mode, sizeof(mode));
	assert_string_equal(mode, "wal");
	assert_int_equal(q_int(f, "PRAGMA synchronous"), 2);
	assert_int_equal(q_int(f, "PRAGMA foreign_keys"), 1);
	assert_int_equal(q_int(f, "PRAGMA secure_delete"), 1);
	/* No probe or temporary file is left behind. */
	assert_false(file_exists(f->store, ".write-probe"));
	assert_int_equal(count_files(f->scans), 0);
	/* Opening an existing store again is a no-op migration. */
	fix_open(f, 0);
	assert_int_equal(q_int(f, "PRAGMA user_version"), queue_schema_version());
}

static void test_open_rejects_bad_prefix(void **state)
{
	struct fix *f = *state;
	const char *bad[] = { "", "T-01", "ABCDEFGHIJKLMNOPQRSTU", "终端" };
	char why[QUEUE_ERRMSG_SIZE];
	struct queue *q = NULL;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		why[0] = '\0';
		assert_int_equal(queue_open_msg(f->store, bad[i], 0, why, &q), KERR_INVAL);
		assert_null(q);
		assert_non_null(strstr(why, "prefix"));
	}
	assert_int_equal(queue_open(f->store, NULL, 0, &q), KERR_INVAL);
	assert_int_equal(queue_open(NULL, PREFIX, 0, &q), KERR_INVAL);
	assert_null(q);
}

static void test_reopen_keeps_data(void **state)
{
	struct fix *f = *state;
	struct queue_eval e = { .level = 0, .time_ms = local_ms(2024, 3, 15, 9, 5) };
	char case_no[40], qc[16];
	struct queue_case_rec *r = NULL;
	struct sample s;
	int64_t n = -1, id = 0;

	fix_open(f, 0);
	sample_init(&s, local_ms(2024, 3, 15, 9, 0));
	add_ok(f, &s.c, case_no, qc);
	e.case_no = case_no;
	assert_int_equal(queue_eval_add(f->q, &e, &id), KERR_OK);
	fix_close(f);

	fix_open(f, 0);
	assert_int_equal(queue_case_count(f->q, &n), KERR_OK);
	assert_int_equal(n, 1);
	assert_int_equal(queue_eval_count(f->q, &n), KERR_OK);
	assert_int_equal(n, 1);
	assert_int_equal(queue_outbox_pending(f->q, &n), KERR_OK);
	assert_int_equal(n, 2);
	assert_int_equal(queue_case_get(f->q, case_no, &r), KERR_OK);
	assert_string_equal(r->applicant_name, "王小英");
	assert_int_equal(r->n_materials, 3);
	queue_case_rec_free(r);
	assert_int_equal(count_files(f->scans), 3);
}

static void expect_case_no(struct fix *f, int64_t accepted_ms, const char *want)
{
	char case_no[40], qc[16];
	struct sample s;

	sample_init(&s, accepted_ms);
	add_ok(f, &s.c, case_no, qc);
	assert_string_equal(case_no, want);
}

static void test_case_numbers(void **state)
{
	struct fix *f = *state;

	fix_open(f, 0);
	expect_case_no(f, local_ms(2024, 3, 15, 9, 0), PREFIX "202403150001");
	expect_case_no(f, local_ms(2024, 3, 15, 9, 1), PREFIX "202403150002");
	expect_case_no(f, local_ms(2024, 3, 15, 23, 59), PREFIX "202403150003");
	/* 00:30 in Beijing is still the previous day in UTC: the local date counts. */
	expect_case_no(f, local_ms(2024, 3, 16, 0, 30), PREFIX "202403160001");
	expect_case_no(f, local_ms(2024, 3, 16, 8, 0), PREFIX "202403160002");

	/* A restart continues each day's count. */
	fix_close(f);
	fix_open(f, 0);
	expect_case_no(f, local_ms(2024, 3, 16, 9, 0), PREFIX "202403160003");
	/* The clock set back to an earlier day continues that day's count instead of repeating
	 * numbers. */
	expect_case_no(f, local_ms(2024, 3, 15, 10, 0), PREFIX "202403150004");
	fix_close(f);
	fix_open(f, 0);
	expect_case_no(f, local_ms(2024, 3, 15, 11, 0), PREFIX "202403150005");
	assert_int_equal(q_int(f, "SELECT count(DISTINCT case_no) FROM cases"), 8);
}

static void test_case_number_past_9999(void **state)
{
	struct fix *f = *state;

	fix_open(f, 0);
	expect_case_no(f, local_ms(2024, 3, 15, 9, 0), PREFIX "202403150001");
	assert_int_equal(queue_db_exec(f->q, "UPDATE case_seq SET last = 9998"), KERR_OK);
	expect_case_no(f, local_ms(2024, 3, 15, 9, 1), PREFIX "202403159999");
	expect_case_no(f, local_ms(2024, 3, 15, 9, 2), PREFIX "2024031510000");
}

static bool query_code_ok(const char *qc)
{
	if (strlen(qc) != 8)
		return false;
	for (int i = 0; i < 8; i++)
		if (!strchr("23456789ABCDEFGHJKMNPQRSTUVWXYZ", qc[i]) || !qc[i])
			return false;
	return true;
}

static void test_query_codes_and_lookup(void **state)
{
	struct fix *f = *state;
	char case_no[40], qc[16], first_no[40] = "", first_qc[16] = "", lower[16];
	struct queue_case_rec *r = NULL;
	struct sample s;

	fix_open(f, 0);
	for (int i = 0; i < 40; i++) {
		sample_init(&s, local_ms(2024, 3, 15, 9, i));
		add_ok(f, &s.c, case_no, qc);
		assert_true(query_code_ok(qc));
		if (i == 0) {
			memcpy(first_no, case_no, sizeof(first_no));
			memcpy(first_qc, qc, sizeof(first_qc));
		}
	}
	assert_int_equal(q_int(f, "SELECT count(DISTINCT query_code) FROM cases"), 40);

	/* By case number. */
	assert_int_equal(queue_case_get(f->q, first_no, &r), KERR_OK);
	assert_string_equal(r->case_no, first_no);
	assert_string_equal(r->query_code, first_qc);
	assert_string_equal(r->impl_code, "11110105000000000X4440117008000");
	assert_string_equal(r->item_name, "城乡居民基本养老保险参保登记");
	assert_int_equal(r->case_kind, 2);
	assert_string_equal(r->applicant_name, "王小英");
	assert_string_equal(r->id_type, "111");
	assert_string_equal(r->id_number, VALID_ID);
	assert_string_equal(r->mobile, "13812345678");
	assert_string_equal(r->delivery, "pickup");
	assert_int_equal(r->accepted_ms, local_ms(2024, 3, 15, 9, 0));
	assert_true(r->clock_trusted);
	assert_string_equal(r->promised_date, "20240329");
	assert_false(r->with_gaps);
	assert_string_equal(r->platform_no, "");
	assert_int_equal(r->n_materials, 3);
	assert_string_equal(r->materials[0].code, "M001");
	assert_string_equal(r->materials[0].name, "身份证");
	assert_int_equal(r->materials[0].status, QUEUE_MAT_RECEIVED);
	assert_int_equal(r->materials[0].n_pages, 2);
	assert_int_equal(r->materials[1].n_pages, 1);
	assert_int_equal(r->materials[2].status, QUEUE_MAT_ECERT);
	assert_int_equal(r->materials[2].n_pages, 0);
	queue_case_rec_free(r);
	r = NULL;

	/* By query code, as printed and as typed in lower case. */
	assert_int_equal(queue_case_get(f->q, first_qc, &r), KERR_OK);
	assert_string_equal(r->case_no, first_no);
	queue_case_rec_free(r);
	r = NULL;
	for (int i = 0; i < 9; i++)
		lower[i] = (first_qc[i] >= 'A' && first_qc[i] <= 'Z') ? (char)(first_qc[i] + 32)
								      : first_qc[i];
	assert_int_equal(queue_case_get(f->q, lower, &r), KERR_OK);
	assert_string_equal(r->case_no, first_no);
	queue_case_rec_free(r);
	r = NULL;

	assert_int_equal(queue_case_get(f->q, "ZZZZZZZZ", &r), KERR_NOT_FOUND);
	assert_int_equal(queue_case_get(f->q, PREFIX "209901010001", &r), KERR_NOT_FOUND);
	assert_int_equal(queue_case_get(f->q, "", &r), KERR_INVAL);
	assert_int_equal(queue_case_get(f->q, NULL, &r), KERR_INVAL);
	assert_null(r);
	queue_case_rec_free(NULL);
}

static void test_pages_on_disk(void **state)
{
	struct fix *f = *state;
	const unsigned char *want[] = { page_a, page_b, page_c };
	const size_t want_len[] = { sizeof(page_a), sizeof(page_b), sizeof(page_c) };
	char case_no[40], qc[16], path[512], hex[65];
	struct queue_case_rec *r = NULL;
	unsigned char buf[64];
	sqlite3_stmt *st;
	struct sample s;
	int i = 0;

	fix_open(f, 0);
	sample_init(&s, local_ms(2024, 3, 15, 9, 0));
	add_ok(f, &s.c, case_no, qc);
	assert_int_equal(count_files(f->scans), 3);
	assert_int_equal(queue_case_get(f->q, case_no, &r), KERR_OK);

	assert_int_equal(
		sqlite3_prepare_v2(
			f->q->db,
			"SELECT p.file_name, p.size, p.sha256 FROM pages p JOIN materials m "
			"ON p.material_id = m.id ORDER BY m.ord, p.ord",
			-1, &st, NULL),
		SQLITE_OK);
	while (sqlite3_step(st) == SQLITE_ROW) {
		const char *name = (const char *)sqlite3_column_text(st, 0);
		size_t n;

		assert_true(i < 3);
		assert_int_equal(strlen(name), 36);
		assert_non_null(strstr(name, ".jpg"));
		snprintf(path, sizeof(path), "%s/%s", f->scans, name);
		n = read_file(path, buf, sizeof(buf));
		/* At rest the file is sealed: a header, then the page encrypted. */
		assert_true(n > want_len[i]);
		assert_memory_equal(buf, "KSCN", 4);
		assert_memory_not_equal(buf + 20 + 13, want[i], want_len[i]);
		/* Read back through the store it is exactly the page, and the recorded digest is
		 * the plaintext's. */
		{
			struct queue_scan *scan = NULL;

			assert_int_equal(queue_file_open_read(f->q, name, &scan), KERR_OK);
			assert_int_equal(queue_scan_size(scan), (int64_t)want_len[i]);
			assert_int_equal(queue_scan_read(scan, 0, buf, sizeof(buf), &n), KERR_OK);
			queue_scan_close(scan);
		}
		assert_int_equal(n, want_len[i]);
		assert_memory_equal(buf, want[i], n);
		assert_int_equal(sqlite3_column_int64(st, 1), (int64_t)n);
		sha256_hex(buf, n, hex);
		assert_string_equal((const char *)sqlite3_column_text(st, 2), hex);
		i++;
	}
	sqlite3_finalize(st);
	assert_int_equal(i, 3);

	/* The record carries the same digests. */
	sha256_hex(page_a, sizeof(page_a), hex);
	assert_string_equal(r->materials[0].pages[0].sha256, hex);
	sha256_hex(page_b, sizeof(page_b), hex);
	assert_string_equal(r->materials[0].pages[1].sha256, hex);
	sha256_hex(page_c, sizeof(page_c), hex);
	assert_string_equal(r->materials[1].pages[0].sha256, hex);
	queue_case_rec_free(r);
}

/* Each mutation makes the sample invalid in one way. */
static void bad_impl(struct sample *s)
{
	s->c.impl_code = NULL;
}
static void bad_name(struct sample *s)
{
	s->c.applicant_name = "";
}
static void bad_id(struct sample *s)
{
	s->c.id_number = NULL;
}
static void bad_id_check(struct sample *s)
{
	s->c.id_number = "110105194912310021";
}
static void bad_kind(struct sample *s)
{
	s->c.case_kind = 3;
}
static void bad_time(struct sample *s)
{
	s->c.accepted_ms = 0;
}
static void bad_birth(struct sample *s)
{
	s->c.birth = "1949-12-31";
}
static void bad_mail(struct sample *s)
{
	s->c.delivery = "mail";
	s->c.mail_address = NULL;
}
static void bad_pages(struct sample *s)
{
	s->mats[1].pages = NULL;
}
static void bad_page_data(struct sample *s)
{
	s->pages2[0].data = NULL;
}
static void bad_page_len(struct sample *s)
{
	s->pages2[0].len = 0;
}
static void bad_status(struct sample *s)
{
	s->mats[2].status = QUEUE_MAT__COUNT;
}
static void bad_gap(struct sample *s)
{
	s->mats[2].status = QUEUE_MAT_MISSING;
}
static void bad_mats(struct sample *s)
{
	s->c.materials = NULL;
}
static void bad_mat_name(struct sample *s)
{
	s->mats[1].name = NULL;
}
static void bad_too_many(struct sample *s)
{
	s->mats[0].n_pages = QUEUE_MAX_PAGES + 1;
}

static void test_invalid_case_stores_nothing(void **state)
{
	struct fix *f = *state;
	void (*const bad[])(struct sample *) = {
		bad_impl,  bad_name, bad_id,	   bad_id_check,  bad_kind,	bad_time,
		bad_birth, bad_mail, bad_pages,	   bad_page_data, bad_page_len, bad_status,
		bad_gap,   bad_mats, bad_mat_name, bad_too_many,
	};
	char case_no[40], qc[16];
	struct sample s;

	fix_open(f, 0);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		sample_init(&s, local_ms(2024, 3, 15, 9, 0));
		bad[i](&s);
		memset(case_no, 'x', sizeof(case_no));
		memset(qc, 'y', sizeof(qc));
		assert_int_equal(queue_case_add(f->q, &s.c, case_no, qc), KERR_INVAL);
		assert_true(queue_errmsg(f->q)[0] != '\0');
		/* Outputs are untouched on failure. */
		assert_int_equal(case_no[0], 'x');
		assert_int_equal(qc[0], 'y');
	}
	/* Messages never carry the personal value itself. */
	sample_init(&s, local_ms(2024, 3, 15, 9, 0));
	bad_id_check(&s);
	assert_int_equal(queue_case_add(f->q, &s.c, case_no, qc), KERR_INVAL);
	assert_null(strstr(queue_errmsg(f->q), "110105194912310021"));
	assert_int_equal(queue_case_add(f->q, NULL, case_no, qc), KERR_INVAL);
	expect_empty_store(f);
	assert_int_equal(q_int(f, "SELECT count(*) FROM case_seq"), 0);

	/* Accepted with gaps, a missing material is fine. */
	sample_init(&s, local_ms(2024, 3, 15, 9, 0));
	s.mats[2].status = QUEUE_MAT_MISSING;
	s.c.with_gaps = true;
	add_ok(f, &s.c, case_no, qc);
}

static void test_failed_transaction_leaves_nothing(void **state)
{
	struct fix *f = *state;
	char case_no[40], qc[16];
	struct sample s;

	fix_open(f, 0);
	/* Another connection plants a fault: the last insert of the case fails after every page
	 * file is written and every other row is in. */
	other_exec(f->db, "CREATE TRIGGER fault BEFORE INSERT ON outbox BEGIN SELECT RAISE(ABORT, "
			  "'forced fault'); "
			  "END;");
	sample_init(&s, local_ms(2024, 3, 15, 9, 0));
	memset(case_no, 'x', sizeof(case_no));
	assert_int_equal(queue_case_add(f->q, &s.c, case_no, qc), KERR_IO);
	assert_non_null(strstr(queue_errmsg(f->q), "forced fault"));
	assert_int_equal(case_no[0], 'x');
	expect_empty_store(f);
	/* The day's sequence rolled back with the case: the next number is still 0001. */
	assert_int_equal(q_int(f, "SELECT count(*) FROM case_seq"), 0);

	/* The same with a failure in the middle: the second page row. */
	other_exec(
		f->db,
		"DROP TRIGGER fault; CREATE TRIGGER fault BEFORE INSERT ON pages WHEN NEW.ord = 1 "
		"BEGIN SELECT RAISE(ABORT, 'forced fault'); END;");
	assert_int_equal(queue_case_add(f->q, &s.c, case_no, qc), KERR_IO);
	expect_empty_store(f);

	other_exec(f->db, "DROP TRIGGER fault;");
	add_ok(f, &s.c, case_no, qc);
	assert_string_equal(case_no, PREFIX "202403150001");
	assert_int_equal(count_files(f->scans), 3);
}

/* A scan that cannot be written (a file size limit stands in for a full or failing disk): the pages
 * already written for the case are removed again, the half-written one too. */
static void test_scan_write_failure_leaves_nothing(void **state)
{
	struct fix *f = *state;
	static unsigned char big[4096];
	char case_no[40], qc[16];
	struct rlimit old, lim;
	void (*old_handler)(int);
	struct sample s;
	enum kerr err;

	fix_open(f, 0);
	memset(big, 0x5a, sizeof(big));
	sample_init(&s, local_ms(2024, 3, 15, 9, 0));
	/* The third page written is the one that fails, after two whole files. */
	s.pages2[0] = (struct queue_page){ big, sizeof(big) };
	memset(case_no, 'x', sizeof(case_no));
	assert_int_equal(getrlimit(RLIMIT_FSIZE, &old), 0);
	lim = old;
	lim.rlim_cur = 1024;
	old_handler = signal(SIGXFSZ, SIG_IGN);
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &lim), 0);
	err = queue_case_add(f->q, &s.c, case_no, qc);
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &old), 0);
	signal(SIGXFSZ, old_handler);

	assert_int_equal(err, KERR_IO);
	assert_non_null(strstr(queue_errmsg(f->q), "cannot write scan"));
	assert_int_equal(case_no[0], 'x');
	expect_empty_store(f);
	assert_int_equal(q_int(f, "SELECT count(*) FROM case_seq"), 0);

	add_ok(f, &s.c, case_no, qc);
	assert_int_equal(count_files(f->scans), 3);
}

static void test_orphans_swept_at_open(void **state)
{
	struct fix *f = *state;
	const char *orphan = "0123456789abcdef0123456789abcdef.jpg";
	const char *tmp = "fedcba9876543210fedcba9876543210.jpg.tmp";
	const char *foreign = "README.txt";
	char case_no[40], qc[16], path[512], kept[64];
	struct sample s;

	fix_open(f, 0);
	sample_init(&s, local_ms(2024, 3, 15, 9, 0));
	add_ok(f, &s.c, case_no, qc);
	q_text(f, "SELECT file_name FROM pages ORDER BY id LIMIT 1", kept, sizeof(kept));
	fix_close(f);

	/* What a crash between file and row leaves, and a file that is not ours. */
	snprintf(path, sizeof(path), "%s/%s", f->scans, orphan);
	write_file(path, page_a, sizeof(page_a));
	snprintf(path, sizeof(path), "%s/%s", f->scans, tmp);
	write_file(path, page_a, 3);
	snprintf(path, sizeof(path), "%s/%s", f->scans, foreign);
	write_file(path, "hi", 2);
	assert_int_equal(count_files(f->scans), 6);

	fix_open(f, 0);
	assert_false(file_exists(f->scans, orphan));
	assert_false(file_exists(f->scans, tmp));
	assert_true(file_exists(f->scans, foreign));
	assert_true(file_exists(f->scans, kept));
	assert_int_equal(count_files(f->scans), 4);
}

/* Another process storing a case holds the writers' lock from its first scan file to its commit:
 * an open meanwhile must not sweep its files, and the next open after it is gone must. */
static void test_sweep_spares_a_case_being_stored(void **state)
{
	struct fix *f = *state;
	const char *inflight = "00112233445566778899aabbccddeeff.jpg";
	char path[512], lock[200];
	int fd;

	fix_open(f, 0);
	fix_close(f);
	snprintf(path, sizeof(path), "%s/%s", f->scans, inflight);
	write_file(path, page_a, sizeof(page_a));
	snprintf(lock, sizeof(lock), "%s/scans.lock", f->store);
	fd = open(lock, O_RDWR | O_CLOEXEC);
	assert_true(fd >= 0);
	assert_int_equal(flock(fd, LOCK_SH), 0);

	fix_open(f, 0);
	assert_true(file_exists(f->scans, inflight));
	/* This handle can still store while the other writer works. */
	{
		char case_no[40], qc[16];
		struct sample s;

		sample_init(&s, local_ms(2024, 3, 15, 9, 0));
		add_ok(f, &s.c, case_no, qc);
	}
	fix_close(f);

	/* The writer died (its lock went with it) without committing: a leftover now. */
	assert_int_equal(close(fd), 0);
	fix_open(f, 0);
	assert_false(file_exists(f->scans, inflight));
	assert_int_equal(count_files(f->scans), 3);
}

static void test_reserve_refuses_cases(void **state)
{
	struct fix *f = *state;
	struct queue_eval e = { .level = 1, .time_ms = local_ms(2024, 3, 15, 9, 5) };
	char case_no[40], qc[16];
	struct sample s;
	int64_t id;

	/* Opening still works with the disk "full": the stored cases must stay reachable for the
	 * uplink. */
	fix_open(f, UINT64_MAX / 2);
	assert_int_equal(queue_space_check(f->q, 0), KERR_FULL);
	sample_init(&s, local_ms(2024, 3, 15, 9, 0));
	memset(case_no, 'x', sizeof(case_no));
	assert_int_equal(queue_case_add(f->q, &s.c, case_no, qc), KERR_FULL);
	assert_non_null(strstr(queue_errmsg(f->q), "reserve"));
	assert_int_equal(case_no[0], 'x');
	expect_empty_store(f);
	/* Case without scans too: the rows alone must fit beside the reserve. */
	s.c.n_materials = 0;
	assert_int_equal(queue_case_add(f->q, &s.c, case_no, qc), KERR_FULL);
	expect_empty_store(f);
	/* An evaluation is not held back by the reserve. */
	assert_int_equal(queue_eval_add(f->q, &e, &id), KERR_OK);

	fix_open(f, 0);
	assert_int_equal(queue_space_check(f->q, 1024), KERR_OK);
	add_ok(f, &s.c, case_no, qc);
}

static void test_folder_under_a_file(void **state)
{
	struct fix *f = *state;
	char file[128], dir[160], why[QUEUE_ERRMSG_SIZE] = "";
	struct queue *q = NULL;

	snprintf(file, sizeof(file), "%s/plain", f->root);
	write_file(file, "x", 1);
	snprintf(dir, sizeof(dir), "%s/store", file);
	assert_int_equal(queue_open_msg(dir, PREFIX, 0, why, &q), KERR_PERM);
	assert_null(q);
	assert_non_null(strstr(why, "store folder"));
	assert_non_null(strstr(why, "Not a directory"));

	/* The store folder itself a regular file. */
	assert_int_equal(queue_open_msg(file, PREFIX, 0, why, &q), KERR_PERM);
	assert_null(q);
}

/* Opens a read-only (0500) and an unreadable (000) store folder; 0 when both give KERR_PERM with a
 * message. */
static int open_locked_folders(struct fix *f)
{
	char why[QUEUE_ERRMSG_SIZE] = "";
	struct queue *q = NULL;

	if (chmod(f->store, 0500) != 0)
		return 10;
	if (queue_open_msg(f->store, PREFIX, 0, why, &q) != KERR_PERM || q ||
	    !strstr(why, "not writable"))
		return 11;
	if (chmod(f->store, 0000) != 0)
		return 12;
	why[0] = '\0';
	if (queue_open_msg(f->store, PREFIX, 0, why, &q) != KERR_PERM || q ||
	    !strstr(why, f->store))
		return 13;
	return 0;
}

static void test_folder_not_writable(void **state)
{
	struct fix *f = *state;
	int status = 0;
	pid_t pid;

	fix_open(f, 0);
	fix_close(f);
	if (geteuid() != 0) {
		assert_int_equal(open_locked_folders(f), 0);
		return;
	}
	/* Root ignores file modes: run the check as nobody in a child, or skip when that is
	 * impossible. */
	assert_int_equal(chmod(f->root, 0755), 0);
	fflush(NULL);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		if (chown(f->store, 65534, 65534) != 0 || setgid(65534) != 0 || setuid(65534) != 0)
			_exit(77);
		_exit(open_locked_folders(f));
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	if (WEXITSTATUS(status) == 77)
		skip();
	assert_int_equal(WEXITSTATUS(status), 0);
}

static void test_garbage_db_left_untouched(void **state)
{
	struct fix *f = *state;
	unsigned char junk[4096], back[8192];
	char why[QUEUE_ERRMSG_SIZE] = "", wal[200];
	struct queue *q = NULL;
	struct stat st;

	for (size_t i = 0; i < sizeof(junk); i++)
		junk[i] = (unsigned char)(i * 7 + 3);
	assert_int_equal(mkdir(f->store, 0700), 0);
	write_file(f->db, junk, sizeof(junk));

	assert_int_equal(queue_open_msg(f->store, PREFIX, 0, why, &q), KERR_CORRUPT);
	assert_null(q);
	assert_non_null(strstr(why, "not an SQLite database"));
	assert_non_null(strstr(why, "untouched"));
	assert_int_equal(read_file(f->db, back, sizeof(back)), sizeof(junk));
	assert_memory_equal(back, junk, sizeof(junk));
	snprintf(wal, sizeof(wal), "%s-wal", f->db);
	assert_int_equal(stat(wal, &st), -1);
	/* Still refused the second time: nothing was "repaired". */
	assert_int_equal(queue_open(f->store, PREFIX, 0, &q), KERR_CORRUPT);
}

static void test_foreign_sqlite_db_refused(void **state)
{
	struct fix *f = *state;
	char why[QUEUE_ERRMSG_SIZE] = "";
	unsigned char before[8192], after[8192];
	struct queue *q = NULL;
	size_t n;

	assert_int_equal(mkdir(f->store, 0700), 0);
	other_exec(f->db, "CREATE TABLE contacts (name TEXT); INSERT INTO contacts VALUES ('x');");
	n = read_file(f->db, before, sizeof(before));
	assert_int_equal(queue_open_msg(f->store, PREFIX, 0, why, &q), KERR_CORRUPT);
	assert_null(q);
	assert_non_null(strstr(why, "not a kiosk store"));
	/* Not even switched to WAL. */
	assert_int_equal(read_file(f->db, after, sizeof(after)), n);
	assert_memory_equal(before, after, n);
}

static void test_newer_schema_refused(void **state)
{
	struct fix *f = *state;
	char why[QUEUE_ERRMSG_SIZE] = "", sql[64];
	struct queue *q = NULL;

	fix_open(f, 0);
	fix_close(f);
	snprintf(sql, sizeof(sql), "PRAGMA user_version = %d", queue_schema_version() + 1);
	other_exec(f->db, sql);
	assert_int_equal(queue_open_msg(f->store, PREFIX, 0, why, &q), KERR_CORRUPT);
	assert_null(q);
	assert_non_null(strstr(why, "newer"));
}

static void test_eval_validation(void **state)
{
	struct fix *f = *state;
	const struct queue_eval base = {
		.case_no = PREFIX "202403150001",
		.impl_code = "11110105000000000X4440117008000",
		.time_ms = local_ms(2024, 3, 15, 9, 10),
	};
	struct queue_eval e;
	int64_t id = -7, id2 = -7, n;

	fix_open(f, 0);
	e = base;
	e.level = -1;
	assert_int_equal(queue_eval_add(f->q, &e, &id), KERR_INVAL);
	e.level = 5;
	assert_int_equal(queue_eval_add(f->q, &e, &id), KERR_INVAL);
	/* Bad ratings need reasons. */
	e.level = 3;
	assert_int_equal(queue_eval_add(f->q, &e, &id), KERR_INVAL);
	e.level = 4;
	e.reasons = "";
	assert_int_equal(queue_eval_add(f->q, &e, &id), KERR_INVAL);
	/* The evaluator's identity only when they agreed to be named, and then required. */
	e = base;
	e.named = true;
	assert_int_equal(queue_eval_add(f->q, &e, &id), KERR_INVAL);
	e.named = false;
	e.evaluator_id = VALID_ID;
	assert_int_equal(queue_eval_add(f->q, &e, &id), KERR_INVAL);
	e = base;
	e.time_ms = 0;
	assert_int_equal(queue_eval_add(f->q, &e, &id), KERR_INVAL);
	assert_int_equal(queue_eval_add(f->q, NULL, &id), KERR_INVAL);
	assert_int_equal(id, -7);
	assert_int_equal(q_int(f, "SELECT count(*) FROM evaluations"), 0);
	assert_int_equal(q_int(f, "SELECT count(*) FROM outbox"), 0);

	e = base;
	e.level = 4;
	e.reasons = "R01,R07";
	e.text = "等了很久";
	e.named = true;
	e.evaluator_id = VALID_ID;
	assert_int_equal(queue_eval_add(f->q, &e, &id), KERR_OK);
	e = base;
	e.case_no = NULL;
	e.impl_code = NULL;
	e.level = 0;
	e.followup = true;
	/* A follow-up names the case it follows: the platform keeps one per case. */
	assert_int_equal(queue_eval_add(f->q, &e, &id2), KERR_INVAL);
	e.case_no = base.case_no;
	assert_int_equal(queue_eval_add(f->q, &e, &id2), KERR_OK);
	assert_true(id > 0 && id2 > 0 && id != id2);
	assert_int_equal(queue_eval_count(f->q, &n), KERR_OK);
	assert_int_equal(n, 2);
	/* Stored by level name, never by a numeric code whose direction differs between
	 * standards. */
	assert_int_equal(q_int(f,
			       "SELECT count(*) FROM evaluations WHERE id = %lld AND level = "
			       "'very_dissatisfied' AND evaluator_id IS NOT NULL",
			       (long long)id),
			 1);
	assert_int_equal(q_int(f,
			       "SELECT count(*) FROM evaluations WHERE id = %lld AND level = "
			       "'very_satisfied' AND evaluator_id IS NULL AND followup = 1",
			       (long long)id2),
			 1);
}

static bool uuid4_ok(const char *k)
{
	if (strlen(k) != 36 || k[8] != '-' || k[13] != '-' || k[18] != '-' || k[23] != '-')
		return false;
	for (int i = 0; i < 36; i++)
		if (i != 8 && i != 13 && i != 18 && i != 23 && !strchr("0123456789abcdef", k[i]))
			return false;
	return k[14] == '4' && strchr("89ab", k[19]);
}

static void test_outbox_entries(void **state)
{
	struct fix *f = *state;
	struct queue_eval e = { .level = 2, .time_ms = local_ms(2024, 3, 15, 9, 30) };
	char case_no[40], qc[16];
	struct sample s;
	sqlite3_stmt *st;
	int64_t id, n;
	int rows = 0;

	fix_open(f, 0);
	sample_init(&s, local_ms(2024, 3, 15, 9, 0));
	add_ok(f, &s.c, case_no, qc);
	add_ok(f, &s.c, case_no, qc);
	e.case_no = case_no;
	assert_int_equal(queue_eval_add(f->q, &e, &id), KERR_OK);
	assert_int_equal(queue_eval_add(f->q, &e, &id), KERR_OK);

	assert_int_equal(queue_outbox_pending(f->q, &n), KERR_OK);
	assert_int_equal(n, 4);
	/* One entry per case and per evaluation, each naming its row. */
	assert_int_equal(q_int(f, "SELECT count(*) FROM outbox o JOIN cases c ON o.kind = 'case' "
				  "AND o.ref_id = c.id"),
			 2);
	assert_int_equal(q_int(f, "SELECT count(*) FROM outbox o JOIN evaluations e "
				  "ON o.kind = 'eval' AND o.ref_id = e.id"),
			 2);
	assert_int_equal(q_int(f, "SELECT count(DISTINCT idempotency_key) FROM outbox"), 4);
	assert_int_equal(
		q_int(f, "SELECT count(*) FROM outbox WHERE state = 'pending' AND attempts = 0"),
		4);
	assert_int_equal(q_int(f, "SELECT count(*) FROM outbox WHERE created_ms = %lld",
			       (long long)clock_wall_ms(&f->clk)),
			 4);
	assert_int_equal(
		sqlite3_prepare_v2(f->q->db, "SELECT idempotency_key FROM outbox", -1, &st, NULL),
		SQLITE_OK);
	while (sqlite3_step(st) == SQLITE_ROW) {
		assert_true(uuid4_ok((const char *)sqlite3_column_text(st, 0)));
		rows++;
	}
	sqlite3_finalize(st);
	assert_int_equal(rows, 4);

	/* Acknowledged entries no longer count as pending. */
	assert_int_equal(
		queue_db_exec(f->q, "UPDATE outbox SET state = 'acked' WHERE kind = 'eval'"),
		KERR_OK);
	assert_int_equal(queue_outbox_pending(f->q, &n), KERR_OK);
	assert_int_equal(n, 2);
}

static void test_names_and_errmsg(void **state)
{
	(void)state;
	assert_string_equal(queue_material_status_str(QUEUE_MAT_RECEIVED), "RECEIVED");
	assert_string_equal(queue_material_status_str(QUEUE_MAT_OPTIONAL), "OPTIONAL");
	assert_string_equal(queue_material_status_str(QUEUE_MAT__COUNT), "UNKNOWN");
	assert_non_null(queue_errmsg(NULL));
	queue_close(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_open_creates_schema, fix_setup, fix_teardown),
		cmocka_unit_test_setup_teardown(test_open_rejects_bad_prefix, fix_setup,
						fix_teardown),
		cmocka_unit_test_setup_teardown(test_reopen_keeps_data, fix_setup, fix_teardown),
		cmocka_unit_test_setup_teardown(test_case_numbers, fix_setup, fix_teardown),
		cmocka_unit_test_setup_teardown(test_case_number_past_9999, fix_setup,
						fix_teardown),
		cmocka_unit_test_setup_teardown(test_query_codes_and_lookup, fix_setup,
						fix_teardown),
		cmocka_unit_test_setup_teardown(test_pages_on_disk, fix_setup, fix_teardown),
		cmocka_unit_test_setup_teardown(test_invalid_case_stores_nothing, fix_setup,
						fix_teardown),
		cmocka_unit_test_setup_teardown(test_failed_transaction_leaves_nothing, fix_setup,
						fix_teardown),
		cmocka_unit_test_setup_teardown(test_scan_write_failure_leaves_nothing, fix_setup,
						fix_teardown),
		cmocka_unit_test_setup_teardown(test_orphans_swept_at_open, fix_setup,
						fix_teardown),
		cmocka_unit_test_setup_teardown(test_sweep_spares_a_case_being_stored, fix_setup,
						fix_teardown),
		cmocka_unit_test_setup_teardown(test_reserve_refuses_cases, fix_setup,
						fix_teardown),
		cmocka_unit_test_setup_teardown(test_folder_under_a_file, fix_setup, fix_teardown),
		cmocka_unit_test_setup_teardown(test_folder_not_writable, fix_setup, fix_teardown),
		cmocka_unit_test_setup_teardown(test_garbage_db_left_untouched, fix_setup,
						fix_teardown),
		cmocka_unit_test_setup_teardown(test_foreign_sqlite_db_refused, fix_setup,
						fix_teardown),
		cmocka_unit_test_setup_teardown(test_newer_schema_refused, fix_setup, fix_teardown),
		cmocka_unit_test_setup_teardown(test_eval_validation, fix_setup, fix_teardown),
		cmocka_unit_test_setup_teardown(test_outbox_entries, fix_setup, fix_teardown),
		cmocka_unit_test(test_names_and_errmsg),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
