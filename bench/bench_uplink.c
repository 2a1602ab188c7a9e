/* Benchmarks of the store and the uplink, each beside a minimal loop doing the same work in the same run:
 *  - a durable case commit (two 300 KB scans: files fsynced and renamed, the folder fsynced, then one
 *    transaction) against a raw durable SQLite commit of the same bytes (WAL, synchronous=FULL, the scans as
 *    blobs);
 *  - draining a backlog of stored cases to the reference platform over HTTPS with a client certificate,
 *    against a raw libcurl loop that sends the same requests (POST the case, PATCH each page) on one handle.
 * BENCH_CASES sets the backlog (default 1,000). Figures and ratios are printed; nothing is asserted. */
#include "offline-queue/queue.h"
#include "offline-queue/uplink.h"
#include "offline-queue/uplink_codec.h"
#include "tests/support/plat_proc.h"

#include <curl/curl.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define PAGE_BYTES (300 * 1024)
#define TERMINAL "ZW3101150001"

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static void die(const char *what, enum kerr e)
{
	fprintf(stderr, "bench: %s: %s\n", what, kerr_str(e));
	exit(1);
}

/* Incompressible page bytes, different for every case, as scanned JPEGs are. */
static void fill_page(unsigned char *p, size_t n, uint64_t seed)
{
	uint64_t x = seed * 0x9e3779b97f4a7c15ull + 1;

	for (size_t i = 0; i < n; i++) {
		x ^= x << 13, x ^= x >> 7, x ^= x << 17;
		p[i] = (unsigned char)x;
	}
	p[0] = 0xff, p[1] = 0xd8; /* a JPEG's start */
}

static const struct queue_case sample = {
	.impl_code = "11310115MB2D27461X4000114101000",
	.item_name = "城乡居民基本养老保险参保登记",
	.case_kind = 2,
	.applicant_name = "王小英",
	.id_type = "111",
	.id_number = "11010519491231002X",
	.sex = '2',
	.birth = "19491231",
	.address = "北京市东城区景山前街4号",
	.mobile = "13812345678",
	.delivery = "pickup",
	.region_code = "310115",
	.accepted_ms = 1795000000000,
	.promised_date = "20261230",
};

/* ---- durable commit ---- */

static void commit_store(const char *dir, int n, unsigned char *pages[2], double *ret_ms)
{
	struct queue *q;
	enum kerr e = queue_open(dir, TERMINAL, 0, &q);

	if (e != KERR_OK)
		die("store", e);
	for (int i = 0; i < n; i++) {
		struct queue_page pg[2] = { { pages[0], PAGE_BYTES }, { pages[1], PAGE_BYTES } };
		struct queue_material m = { "M001", "居民身份证", QUEUE_MAT_RECEIVED, pg, 2 };
		struct queue_case c = sample;
		char no[40], code[16];
		double t0;

		pages[0][2] = (unsigned char)i, pages[1][2] = (unsigned char)(i >> 8);
		c.materials = &m, c.n_materials = 1;
		t0 = now_ms();
		e = queue_case_add(q, &c, no, code);
		ret_ms[i] = now_ms() - t0;
		if (e != KERR_OK)
			die("case commit", e);
	}
	queue_close(q);
}

static void sql(sqlite3 *db, const char *s)
{
	if (sqlite3_exec(db, s, NULL, NULL, NULL) != SQLITE_OK) {
		fprintf(stderr, "bench: %s: %s\n", s, sqlite3_errmsg(db));
		exit(1);
	}
}

/* The same fields and bytes in one durable transaction of plain SQLite: the floor a store can reach. */
static void commit_raw(const char *path, int n, unsigned char *pages[2], double *ret_ms)
{
	sqlite3 *db;
	sqlite3_stmt *c, *p;

	if (sqlite3_open(path, &db) != SQLITE_OK)
		exit(1);
	sql(db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;"
		"CREATE TABLE cases(id INTEGER PRIMARY KEY, impl TEXT, item TEXT, name TEXT, idno TEXT, addr TEXT,"
		" mobile TEXT, accepted INTEGER);"
		"CREATE TABLE pages(case_id INTEGER, ord INTEGER, data BLOB);"
		"CREATE TABLE outbox(id INTEGER PRIMARY KEY, case_id INTEGER, key TEXT)");
	sqlite3_prepare_v2(db, "INSERT INTO cases VALUES(NULL,?,?,?,?,?,?,?)", -1, &c, NULL);
	sqlite3_prepare_v2(db, "INSERT INTO pages VALUES(?,?,?)", -1, &p, NULL);
	for (int i = 0; i < n; i++) {
		double t0 = now_ms();
		sqlite3_int64 id;
		char key[80];

		sql(db, "BEGIN IMMEDIATE");
		sqlite3_bind_text(c, 1, sample.impl_code, -1, SQLITE_STATIC);
		sqlite3_bind_text(c, 2, sample.item_name, -1, SQLITE_STATIC);
		sqlite3_bind_text(c, 3, sample.applicant_name, -1, SQLITE_STATIC);
		sqlite3_bind_text(c, 4, sample.id_number, -1, SQLITE_STATIC);
		sqlite3_bind_text(c, 5, sample.address, -1, SQLITE_STATIC);
		sqlite3_bind_text(c, 6, sample.mobile, -1, SQLITE_STATIC);
		sqlite3_bind_int64(c, 7, sample.accepted_ms);
		sqlite3_step(c);
		sqlite3_reset(c);
		id = sqlite3_last_insert_rowid(db);
		for (int k = 0; k < 2; k++) {
			sqlite3_bind_int64(p, 1, id);
			sqlite3_bind_int(p, 2, k + 1);
			sqlite3_bind_blob(p, 3, pages[k], PAGE_BYTES, SQLITE_STATIC);
			sqlite3_step(p);
			sqlite3_reset(p);
		}
		snprintf(key, sizeof(key), "INSERT INTO outbox VALUES(NULL,%lld,'k%d')", (long long)id, i);
		sql(db, key);
		sql(db, "COMMIT");
		ret_ms[i] = now_ms() - t0;
	}
	sqlite3_finalize(c);
	sqlite3_finalize(p);
	sqlite3_close(db);
}

/* ---- drain ---- */

/* The platform's catalog is taken as it comes: the drain is measured, not the catalog. */
static enum kerr catalog_any(void *ctx, const char *body, size_t len, char *version, size_t version_size, char *why,
			     size_t why_size)
{
	(void)ctx, (void)body, (void)len, (void)why, (void)why_size;
	snprintf(version, version_size, "bench");
	return KERR_OK;
}

static void drain_uplink(const char *data, struct plat_proc *p, int n, double *ret_ms)
{
	char ca[128], cert[128], key[128];
	struct uplink_config cfg = {
		.url = p->url,
		.ca_file = plat_proc_path(p, "pki/ca.pem", ca, sizeof(ca)),
		.cert_file = plat_proc_path(p, "pki/client.pem", cert, sizeof(cert)),
		.key_file = plat_proc_path(p, "pki/client.key", key, sizeof(key)),
		.data_dir = data,
		.terminal_id = TERMINAL,
		.software_version = "bench",
		.heartbeat_ms = 3600000,
		.catalog_ms = 3600000,
		.catalog_check = catalog_any,
	};
	struct clock clk;
	struct uplink *u;
	struct uplink_status st;
	double t0 = now_ms();
	enum kerr e;

	clock_init_real(&clk);
	e = uplink_start(&cfg, &clk, &u);
	if (e != KERR_OK)
		die("uplink", e);
	for (;;) {
		uplink_kick(u);
		uplink_wait_round(u, 60000);
		uplink_get_status(u, &st);
		if (st.pending == 0 || st.rejected > 0 || now_ms() - t0 > 30 * 60 * 1000.0)
			break;
	}
	*ret_ms = now_ms() - t0;
	uplink_stop(u);
	if (st.pending || st.rejected || st.acked < n) {
		fprintf(stderr, "bench: drain incomplete: %lld pending, %lld rejected, %lld acked (%s)\n",
			(long long)st.pending, (long long)st.rejected, (long long)st.acked, st.last_error);
		exit(1);
	}
}

struct reply {
	char body[1024];
	size_t len;
};

static size_t on_body(char *ptr, size_t size, size_t nmemb, void *ud)
{
	struct reply *r = ud;
	size_t n = size * nmemb, room = sizeof(r->body) - 1 - r->len;

	memcpy(r->body + r->len, ptr, n < room ? n : room);
	r->len += n < room ? n : room;
	r->body[r->len] = '\0';
	return n;
}

static long request(CURL *c, const char *method, const char *url, struct curl_slist *hdr, const void *body,
		    size_t len, struct reply *r)
{
	long status = 0;

	r->len = 0, r->body[0] = '\0';
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdr);
	curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
	curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)len);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, r);
	if (curl_easy_perform(c) != CURLE_OK)
		return -1;
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
	return status;
}

/* The same requests a drain makes, from bodies and bytes already in memory: one handle, keep-alive, the
 * same TLS, nothing stored, no outbox, no state. */
static void drain_raw(struct plat_proc *p, char **bodies, int n, unsigned char *pages[2], double *ret_ms)
{
	char ca[128], cert[128], key[128], url[256], h[160];
	CURL *c = curl_easy_init();
	struct reply r;
	double t0;

	curl_easy_setopt(c, CURLOPT_HTTP_VERSION, (long)CURL_HTTP_VERSION_2TLS);
	curl_easy_setopt(c, CURLOPT_CAINFO, plat_proc_path(p, "pki/ca.pem", ca, sizeof(ca)));
	curl_easy_setopt(c, CURLOPT_SSLCERT, plat_proc_path(p, "pki/client.pem", cert, sizeof(cert)));
	curl_easy_setopt(c, CURLOPT_SSLKEY, plat_proc_path(p, "pki/client.key", key, sizeof(key)));
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
	t0 = now_ms();
	for (int i = 0; i < n; i++) {
		struct curl_slist *hdr = NULL;
		struct uplink_case_reply cr;
		char why[128];

		hdr = curl_slist_append(hdr, "X-Terminal-Id: " TERMINAL);
		hdr = curl_slist_append(hdr, "Content-Type: application/json");
		snprintf(h, sizeof(h), "Idempotency-Key: raw-case-%d", i);
		hdr = curl_slist_append(hdr, h);
		snprintf(url, sizeof(url), "%s/api/v1/cases", p->url);
		if (request(c, "POST", url, hdr, bodies[i], strlen(bodies[i]), &r) != 201 ||
		    uplink_parse_case(r.body, r.len, &cr, why, sizeof(why)) != KERR_OK) {
			fprintf(stderr, "bench: raw POST %d failed: %s\n", i, r.body);
			exit(1);
		}
		curl_slist_free_all(hdr);
		for (int k = 0; k < 2; k++) {
			hdr = curl_slist_append(NULL, "X-Terminal-Id: " TERMINAL);
			hdr = curl_slist_append(hdr, "Content-Type: application/offset+octet-stream");
			hdr = curl_slist_append(hdr, "Upload-Offset: 0");
			snprintf(h, sizeof(h), "Idempotency-Key: raw-page-%d-%d", i, k);
			hdr = curl_slist_append(hdr, h);
			snprintf(url, sizeof(url), "%s/api/v1/cases/%s/materials/1/pages/%d", p->url, cr.platform_no,
				 k + 1);
			pages[0][2] = (unsigned char)i, pages[1][2] = (unsigned char)(i >> 8);
			if (request(c, "PATCH", url, hdr, pages[k], PAGE_BYTES, &r) != 204) {
				fprintf(stderr, "bench: raw PATCH %d/%d failed: %s\n", i, k, r.body);
				exit(1);
			}
			curl_slist_free_all(hdr);
		}
	}
	*ret_ms = now_ms() - t0;
	curl_easy_cleanup(c);
}

/* The requests of the raw loop: the stored cases' own bodies under case numbers of their own. */
static char **raw_bodies(const char *data, int n)
{
	char **b = calloc((size_t)n, sizeof(*b));
	struct queue *q;

	if (!b || queue_open(data, TERMINAL, 0, &q) != KERR_OK)
		exit(1);
	for (int i = 0; i < n; i++) {
		struct queue_case_rec *r;

		if (queue_case_get_by_id(q, i + 1, &r) != KERR_OK)
			exit(1);
		snprintf(r->case_no, sizeof(r->case_no), TERMINAL "20260101%05d", 10000 + i);
		if (uplink_body_case(r, &b[i]) != KERR_OK)
			exit(1);
		queue_case_rec_free(r);
	}
	queue_close(q);
	return b;
}

static double mean(const double *v, int n)
{
	double sum = 0;

	for (int i = 0; i < n; i++)
		sum += v[i];
	return sum / n;
}

/* The mean is the figure that counts: a raw commit's median leaves out the checkpoints that copy its blobs into
 * the database a second time, which its p99 shows. */
static void print_commit(int n, double *store, double *raw)
{
	double ms = mean(store, n), mr = mean(raw, n);

	qsort(store, (size_t)n, sizeof(double), cmp_double);
	qsort(raw, (size_t)n, sizeof(double), cmp_double);
	printf("durable case commit, two 300 KB scans, %d cases:\n", n);
	printf("  store    mean %.2f ms  p50 %.2f ms  p99 %.2f ms\n", ms, store[n / 2], store[n * 99 / 100]);
	printf("  raw SQLite (blobs in the row's transaction) mean %.2f ms  p50 %.2f ms  p99 %.2f ms\n", mr,
	       raw[n / 2], raw[n * 99 / 100]);
	printf("  ratio store/raw: mean %.2f, p50 %.2f   (target: within 2x)\n", ms / mr, store[n / 2] / raw[n / 2]);
}

static void print_drain(int n, double up_ms, double raw_ms)
{
	double mb = n * 2.0 * PAGE_BYTES / (1024.0 * 1024.0);

	printf("drain of %d stored cases (%.0f MiB of scans) to the local platform over HTTPS:\n", n, mb);
	printf("  uplink %.1f s (%.1f cases/s, %.1f MiB/s);  raw curl loop %.1f s (%.1f cases/s);  rate ratio %.2f"
	       "   (target: at least 0.5)\n",
	       up_ms / 1e3, n / (up_ms / 1e3), mb / (up_ms / 1e3), raw_ms / 1e3, n / (raw_ms / 1e3), raw_ms / up_ms);
}

int main(void)
{
	const char *env = getenv("BENCH_CASES");
	int n = env && atoi(env) > 0 ? atoi(env) : 1000;
	char dir[] = "/tmp/kiosk-bench-uplink-XXXXXX", data[96], raw[96], cmd[160];
	unsigned char *pages[2] = { malloc(PAGE_BYTES), malloc(PAGE_BYTES) };
	double *store_ms = calloc((size_t)n, sizeof(double)), *raw_ms = calloc((size_t)n, sizeof(double));
	double up = 0, rawloop = 0;
	struct plat_proc p = { 0 };
	char **bodies;

	/* The uplink's per-case lines would bury the figures. */
	setenv("KIOSK_LOG", "warn", 0);
	if (!mkdtemp(dir) || !pages[0] || !pages[1] || !store_ms || !raw_ms)
		return 1;
	snprintf(data, sizeof(data), "%s/data", dir);
	snprintf(raw, sizeof(raw), "%s/raw.db", dir);
	fill_page(pages[0], PAGE_BYTES, 1);
	fill_page(pages[1], PAGE_BYTES, 2);

	commit_store(data, n, pages, store_ms);
	commit_raw(raw, n, pages, raw_ms);
	print_commit(n, store_ms, raw_ms);
	unlink(raw);

	if (uplink_global_init() != KERR_OK)
		return 1;
	bodies = raw_bodies(data, n);
	plat_proc_start(&p, 0, true);
	drain_raw(&p, bodies, n, pages, &rawloop);
	drain_uplink(data, &p, n, &up);
	print_drain(n, up, rawloop);
	plat_proc_cleanup(&p);

	for (int i = 0; i < n; i++)
		uplink_body_free(bodies[i]);
	free(bodies);
	free(pages[0]);
	free(pages[1]);
	free(store_ms);
	free(raw_ms);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : 1;
}
