/* The reference platform (tests/platform/) over HTTP and HTTPS: idempotency, cases, resumable pages, evaluations,
 * queries, heartbeat, catalog, the fault switches and client certificates, as docs/uplink.md says. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <openssl/evp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "common/idnum.h"
#include "tests/support/plat_proc.h"

#define TID "ZW3101150001"
#define CASE_NO TID "202611230001"

struct resp {
	long status;
	CURLcode rc;
	char *body; /* owned */
	size_t len;
	char headers[4096];
	size_t hlen;
};

static int setup(void **state)
{
	struct plat_proc *s = calloc(1, sizeof(*s));

	plat_proc_start(s, 0, false);
	*state = s;
	return 0;
}

static int teardown(void **state)
{
	struct plat_proc *s = *state;

	plat_proc_stop(s);
	plat_proc_cleanup(s);
	free(s);
	return 0;
}

static size_t on_body(char *data, size_t size, size_t n, void *userp)
{
	struct resp *r = userp;
	char *b = realloc(r->body, r->len + size * n + 1);

	if (!b)
		return 0;
	memcpy(b + r->len, data, size * n);
	r->body = b;
	r->len += size * n;
	b[r->len] = 0;
	return size * n;
}

static size_t on_header(char *data, size_t size, size_t n, void *userp)
{
	struct resp *r = userp;
	size_t len = size * n;

	if (r->hlen + len < sizeof(r->headers)) {
		memcpy(r->headers + r->hlen, data, len);
		r->hlen += len;
		r->headers[r->hlen] = 0;
	}
	return len;
}

/* The value of a reply header, or NULL. */
static const char *hdr(const struct resp *r, const char *name, char *out, size_t n)
{
	size_t nl = strlen(name);

	for (const char *l = r->headers; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL) {
		if (strncasecmp(l, name, nl) == 0 && l[nl] == ':') {
			const char *v = l + nl + 1;
			size_t len;

			v += strspn(v, " ");
			len = strcspn(v, "\r\n");
			snprintf(out, n, "%.*s", (int)len, v);
			return out;
		}
	}
	return NULL;
}

struct call {
	const char *method;
	const char *path;
	const char *key;          /* Idempotency-Key, NULL for none */
	const char *ctype;        /* NULL: application/json when there is a body */
	const char *terminal;     /* NULL: TID */
	const char *extra_header; /* one more "Name: value" */
	const void *body;
	size_t len;
	const char *cert; /* client certificate and key file names in the pki folder */
	const char *pki;  /* folder of ca.pem for HTTPS */
};

static CURL *easy(struct plat_proc *s, const struct call *c, struct resp *r, struct curl_slist **ret_h)
{
	CURL *e = curl_easy_init();
	struct curl_slist *h = NULL;
	char url[512], line[256];

	snprintf(url, sizeof(url), "%s://127.0.0.1:%u%s", s->tls ? "https" : "http", s->port, c->path);
	curl_easy_setopt(e, CURLOPT_URL, url);
	curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, c->method);
	if (!strcmp(c->method, "HEAD"))
		curl_easy_setopt(e, CURLOPT_NOBODY, 1L);
	if (c->body) {
		curl_easy_setopt(e, CURLOPT_POSTFIELDS, c->body);
		curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE, (long)c->len);
	}
	snprintf(line, sizeof(line), "X-Terminal-Id: %s", c->terminal ? c->terminal : TID);
	h = curl_slist_append(h, line);
	if (c->key) {
		snprintf(line, sizeof(line), "Idempotency-Key: %s", c->key);
		h = curl_slist_append(h, line);
	}
	if (c->body || c->ctype) {
		snprintf(line, sizeof(line), "Content-Type: %s", c->ctype ? c->ctype : "application/json");
		h = curl_slist_append(h, line);
	}
	if (c->extra_header)
		h = curl_slist_append(h, c->extra_header);
	h = curl_slist_append(h, "Expect:");
	h = curl_slist_append(h, "User-Agent: zwkiosk/test");
	curl_easy_setopt(e, CURLOPT_HTTPHEADER, h);
	curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(e, CURLOPT_WRITEDATA, r);
	curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(e, CURLOPT_HEADERDATA, r);
	curl_easy_setopt(e, CURLOPT_TIMEOUT, 10L);
	if (c->pki) {
		char f[256];

		snprintf(f, sizeof(f), "%s/ca.pem", c->pki);
		curl_easy_setopt(e, CURLOPT_CAINFO, f);
		if (c->cert) {
			snprintf(f, sizeof(f), "%s/%s.pem", c->pki, c->cert);
			curl_easy_setopt(e, CURLOPT_SSLCERT, f);
			snprintf(f, sizeof(f), "%s/%s.key", c->pki, c->cert);
			curl_easy_setopt(e, CURLOPT_SSLKEY, f);
		}
	}
	*ret_h = h;
	return e;
}

static void resp_free(struct resp *r)
{
	free(r->body);
	memset(r, 0, sizeof(*r));
}

static void http(struct plat_proc *s, const struct call *c, struct resp *r)
{
	struct curl_slist *h;
	CURL *e;

	memset(r, 0, sizeof(*r));
	e = easy(s, c, r, &h);
	r->rc = curl_easy_perform(e);
	curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &r->status);
	curl_easy_cleanup(e);
	curl_slist_free_all(h);
}

/* The error code of an error reply, "" when there is none. */
static void error_of(const struct resp *r, char *code, size_t n, char *field, size_t fn)
{
	json_t *j = json_loads(r->body ? r->body : "", 0, NULL);
	json_t *e = json_object_get(j, "error");

	snprintf(code, n, "%s", json_string_value(json_object_get(e, "code")) ?: "");
	if (field)
		snprintf(field, fn, "%s", json_string_value(json_object_get(e, "field")) ?: "");
	json_decref(j);
}

static void expect_error(const struct resp *r, long status, const char *code, const char *field)
{
	char c[32], f[96];

	assert_int_equal(r->rc, CURLE_OK);
	assert_int_equal(r->status, status);
	error_of(r, c, sizeof(c), f, sizeof(f));
	assert_string_equal(c, code);
	if (field)
		assert_string_equal(f, field);
}

static void sha256_hex(const void *data, size_t n, char out[65])
{
	unsigned char md[32];
	unsigned int len;

	EVP_Digest(data, n, md, &len, EVP_sha256(), NULL);
	for (int i = 0; i < 32; i++)
		snprintf(out + 2 * i, 3, "%02x", md[i]);
}

static void valid_id(char out[19])
{
	memcpy(out, "11010519491231002", 17);
	out[17] = idnum_check_char(out);
	out[18] = 0;
}

/* A promised case with one received material of the given pages (bytes), or an electronic certificate when
 * there are none, and one missing material. */
static char *case_body(const char *case_no, const char *query_code, int npages, const char *const *pages)
{
	char id[19], sha[65];
	json_t *pl = json_array(), *root;
	char *s;

	valid_id(id);
	for (int i = 0; i < npages; i++) {
		sha256_hex(pages[i], strlen(pages[i]), sha);
		json_array_append_new(pl, json_pack("{s:i, s:I, s:s}", "ord", i + 1, "size", (json_int_t)strlen(pages[i]),
						    "sha256", sha));
	}
	root = json_pack("{s:s, s:s, s:s, s:s, s:i, s:s, s:s, s:I, s:s, s:b, s:s, s:b,"
			 " s:{s:s, s:s, s:s}, s:{s:s, s:s}, s:[{s:i, s:s, s:s, s:s, s:o}, {s:i, s:s, s:s, s:s}]}",
			 "case_no", case_no, "query_code", query_code, "impl_code", "11310115MB2F00001X3000117003001",
			 "item_name", "城乡居民基本养老保险参保登记", "case_kind", 2, "channel", "5", "region_code",
			 "310115", "accepted_ms", (json_int_t)1795397465000LL, "accepted_at",
			 "2026-11-23T09:31:05+08:00", "clock_trusted", 1, "promised_date", "20261207", "with_gaps", 1,
			 "applicant", "name", "张三", "id_type", "111", "id_number", id, "delivery", "method", "mail",
			 "address", "上海市浦东新区", "materials", "ord", 1, "code", "M001", "name", "居民身份证",
			 "status", npages ? "received" : "ecert", "pages", pl, "ord", 2, "code", "M002", "name", "户口簿", "status",
			 "missing");
	assert_non_null(root);
	s = json_dumps(root, JSON_COMPACT);
	json_decref(root);
	return s;
}

/* Submits a case and returns its platform number in out. */
static void submit_case(struct plat_proc *s, const char *key, const char *case_no, const char *qc, int npages,
			const char *const *pages, char *out, size_t n)
{
	char *body = case_body(case_no, qc, npages, pages);
	struct call c = { "POST", "/api/v1/cases", key, .body = body, .len = strlen(body) };
	struct resp r;
	json_t *j;

	http(s, &c, &r);
	assert_int_equal(r.status, 201);
	j = json_loads(r.body, 0, NULL);
	snprintf(out, n, "%s", json_string_value(json_object_get(j, "platform_no")));
	json_decref(j);
	resp_free(&r);
	free(body);
}

static void page_path(char *out, size_t n, const char *platform_no, int m, int p)
{
	snprintf(out, n, "/api/v1/cases/%s/materials/%d/pages/%d", platform_no, m, p);
}

static void patch(struct plat_proc *s, const char *path, const char *key, long long offset, const char *bytes, size_t n,
		  struct resp *r)
{
	char off[64];
	struct call c = { "PATCH", path, key, "application/offset+octet-stream", .extra_header = off, .body = bytes,
			  .len = n };

	snprintf(off, sizeof(off), "Upload-Offset: %lld", offset);
	http(s, &c, r);
}

static void expect_offset(const struct resp *r, const char *offset, const char *complete)
{
	char v[32];

	assert_non_null(hdr(r, "Upload-Offset", v, sizeof(v)));
	assert_string_equal(v, offset);
	if (complete) {
		assert_non_null(hdr(r, "Upload-Complete", v, sizeof(v)));
		assert_string_equal(v, complete);
	}
}

static json_t *admin_state(struct plat_proc *s)
{
	struct call c = { "GET", "/admin/state" };
	struct resp r;
	json_t *j;

	http(s, &c, &r);
	assert_int_equal(r.status, 200);
	j = json_loads(r.body, 0, NULL);
	assert_non_null(j);
	resp_free(&r);
	return j;
}

static void set_faults(struct plat_proc *s, const char *json)
{
	struct call c = { "POST", "/admin/faults", .body = json, .len = strlen(json) };
	struct resp r;

	http(s, &c, &r);
	assert_int_equal(r.status, 200);
	resp_free(&r);
}

static void test_case_submit_and_replay(void **state)
{
	struct plat_proc *s = *state;
	char *body = case_body(CASE_NO, "K7MX3QPA", 1, (const char *const[]){ "page" });
	char *other = case_body(TID "202611230002", "K7MX3QPB", 1, (const char *const[]){ "page" });
	struct call c = { "POST", "/api/v1/cases", "2f1c-1", .body = body, .len = strlen(body) };
	struct resp r1, r2;
	char v[64];
	json_t *j;

	http(s, &c, &r1);
	assert_int_equal(r1.status, 201);
	assert_string_equal(hdr(&r1, "Api-Version", v, sizeof(v)), "1.0");
	assert_null(hdr(&r1, "Idempotent-Replayed", v, sizeof(v)));
	j = json_loads(r1.body, 0, NULL);
	assert_string_equal(json_string_value(json_object_get(j, "status")), "awaiting_materials");
	assert_int_equal(json_integer_value(json_object_get(j, "pages_missing")), 1);
	assert_string_equal(json_string_value(json_object_get(j, "case_no")), CASE_NO);
	json_decref(j);

	/* The same key and body: the first answer again, byte for byte, and nothing new. */
	http(s, &c, &r2);
	assert_int_equal(r2.status, 200);
	assert_string_equal(hdr(&r2, "Idempotent-Replayed", v, sizeof(v)), "true");
	assert_int_equal(r1.len, r2.len);
	assert_memory_equal(r1.body, r2.body, r1.len);
	resp_free(&r1);
	resp_free(&r2);

	/* The same key with another body; another key for the same case number. */
	c.body = other;
	c.len = strlen(other);
	http(s, &c, &r1);
	expect_error(&r1, 422, "key_reused", NULL);
	resp_free(&r1);
	c.body = body;
	c.len = strlen(body);
	c.key = "2f1c-2";
	http(s, &c, &r1);
	expect_error(&r1, 422, "case_exists", "case_no");
	resp_free(&r1);

	/* No key, a malformed key. */
	c.key = NULL;
	http(s, &c, &r1);
	expect_error(&r1, 400, "key_missing", NULL);
	resp_free(&r1);
	c.key = "bad key/with spaces";
	http(s, &c, &r1);
	expect_error(&r1, 400, "key_missing", NULL);
	resp_free(&r1);

	j = admin_state(s);
	assert_int_equal(json_array_size(json_object_get(j, "cases")), 1);
	json_decref(j);
	free(body);
	free(other);
}

static void test_case_refusals(void **state)
{
	struct plat_proc *s = *state;
	char *body = case_body(CASE_NO, "K7MX3QP0", 1, (const char *const[]){ "page" }); /* 0 is not in the set */
	struct call c = { "POST", "/api/v1/cases", "k-invalid", .body = body, .len = strlen(body) };
	struct resp r;

	http(s, &c, &r);
	expect_error(&r, 400, "invalid", "query_code");
	resp_free(&r);
	c.terminal = "ZW3101159999"; /* the case number must start with the terminal id */
	free(body);
	body = case_body(CASE_NO, "K7MX3QPA", 1, (const char *const[]){ "page" });
	c.body = body;
	c.len = strlen(body);
	http(s, &c, &r);
	expect_error(&r, 400, "invalid", "case_no");
	resp_free(&r);
	c.terminal = "ZW-31";
	http(s, &c, &r);
	expect_error(&r, 400, "invalid", "X-Terminal-Id");
	resp_free(&r);
	c.terminal = NULL;
	c.ctype = "text/plain";
	http(s, &c, &r);
	expect_error(&r, 415, "unsupported_media", NULL);
	resp_free(&r);
	c.ctype = NULL;
	c.body = "{\"case_no\": 1, \"case_no\": 2}";
	c.len = strlen(c.body);
	http(s, &c, &r);
	expect_error(&r, 400, "bad_json", NULL);
	resp_free(&r);
	/* A refusal keeps nothing under its key: the corrected request with the same key is accepted. */
	c.body = body;
	c.len = strlen(body);
	http(s, &c, &r);
	assert_int_equal(r.status, 201);
	resp_free(&r);

	c = (struct call){ "GET", "/api/v1/nowhere" };
	http(s, &c, &r);
	expect_error(&r, 404, "not_found", NULL);
	resp_free(&r);
	c = (struct call){ "GET", "/api/v1/cases" };
	http(s, &c, &r);
	assert_int_equal(r.status, 405);
	resp_free(&r);
	free(body);
}

static void test_too_large(void **state)
{
	struct plat_proc *s = *state;
	size_t n = 16 * 1024 + 1;
	char *big = malloc(n);
	struct call c = { "POST", "/api/v1/evaluations", "k-big", .body = big, .len = n };
	struct resp r;

	memset(big, ' ', n);
	big[0] = '{';
	big[n - 1] = '}';
	http(s, &c, &r);
	expect_error(&r, 413, "too_large", NULL);
	resp_free(&r);
	free(big);
}

static void test_pages(void **state)
{
	struct plat_proc *s = *state;
	const char *page = "0123456789";
	char no[64], path[160], missing[160];
	struct call head = { "HEAD", path };
	struct resp r;
	char v[32];
	json_t *j, *pg;

	submit_case(s, "case-p", CASE_NO, "K7MX3QPA", 1, &page, no, sizeof(no));
	page_path(path, sizeof(path), no, 1, 1);
	http(s, &head, &r);
	assert_int_equal(r.status, 200);
	expect_offset(&r, "0", "?0");
	assert_string_equal(hdr(&r, "Upload-Length", v, sizeof(v)), "10");
	resp_free(&r);

	patch(s, path, "case-p:m1:p1:o5", 5, "56789", 5, &r);
	expect_error(&r, 409, "offset_mismatch", NULL);
	expect_offset(&r, "0", NULL);
	resp_free(&r);
	patch(s, path, "case-p:m1:p1:o0", 0, "0123", 4, &r);
	assert_int_equal(r.status, 204);
	expect_offset(&r, "4", NULL);
	resp_free(&r);
	patch(s, path, "case-p:m1:p1:o4", 4, "4567890", 7, &r);
	expect_error(&r, 413, "too_large", NULL);
	resp_free(&r);

	/* Whole but wrong: the bytes are dropped, and the page is sent again from 0 with the same keys. */
	patch(s, path, "case-p:m1:p1:o4", 4, "45678X", 6, &r);
	expect_error(&r, 422, "digest_mismatch", NULL);
	resp_free(&r);
	http(s, &head, &r);
	expect_offset(&r, "0", "?0");
	resp_free(&r);
	patch(s, path, "case-p:m1:p1:o0", 0, "0123", 4, &r);
	assert_int_equal(r.status, 204);
	assert_null(hdr(&r, "Idempotent-Replayed", v, sizeof(v)));
	resp_free(&r);
	patch(s, path, "case-p:m1:p1:o4", 4, "456789", 6, &r);
	assert_int_equal(r.status, 204);
	expect_offset(&r, "10", "?1");
	resp_free(&r);

	/* A lost answer retried: replayed with its headers. Then the whole page refuses more bytes. */
	patch(s, path, "case-p:m1:p1:o4", 4, "456789", 6, &r);
	assert_int_equal(r.status, 204);
	expect_offset(&r, "10", "?1");
	assert_string_equal(hdr(&r, "Idempotent-Replayed", v, sizeof(v)), "true");
	resp_free(&r);
	patch(s, path, "case-p:m1:p1:o10", 10, "x", 1, &r);
	expect_error(&r, 409, "offset_mismatch", NULL);
	expect_offset(&r, "10", "?1");
	resp_free(&r);
	http(s, &head, &r);
	expect_offset(&r, "10", "?1");
	resp_free(&r);

	page_path(missing, sizeof(missing), no, 1, 2);
	head.path = missing;
	http(s, &head, &r);
	assert_int_equal(r.status, 404);
	resp_free(&r);
	page_path(missing, sizeof(missing), "SH000000-2026-999999", 1, 1);
	patch(s, missing, "k-404", 0, "x", 1, &r);
	expect_error(&r, 404, "not_found", NULL);
	resp_free(&r);

	j = admin_state(s);
	assert_string_equal(json_string_value(json_object_get(json_array_get(json_object_get(j, "cases"), 0), "status")),
			    "received");
	pg = json_array_get(
		json_object_get(json_array_get(json_object_get(json_array_get(json_object_get(j, "cases"), 0),
								 "materials"),
						0),
				"pages"),
		0);
	assert_true(json_is_true(json_object_get(pg, "complete")));
	assert_string_equal(json_string_value(json_object_get(pg, "sha256_held")),
			    json_string_value(json_object_get(pg, "sha256")));
	json_decref(j);
}

static char *eval_body(const char *level, const char *code, const char *scheme, bool with_reason)
{
	json_t *j = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:[], s:b, s:I, s:b}", "case_no", CASE_NO,
			      "platform_no", "SH310115-2026-000001", "channel", "5", "terminal_id", TID, "level", level,
			      "level_code", code, "level_scheme", scheme, "reasons", "named", 0, "rated_ms",
			      (json_int_t)1795397525000LL, "followup", 0);
	char *s;

	if (with_reason)
		json_array_append_new(json_object_get(j, "reasons"), json_string("R01"));
	s = json_dumps(j, JSON_COMPACT);
	json_decref(j);
	return s;
}

static void test_evaluations(void **state)
{
	struct plat_proc *s = *state;
	char *good = eval_body("dissatisfied", "4", "gbt39046", true);
	char *asc = eval_body("very_satisfied", "5", "ascending", false);
	char *wrong = eval_body("dissatisfied", "2", "gbt39046", true);
	char *noreason = eval_body("very_dissatisfied", "5", "gbt39046", false);
	struct call c = { "POST", "/api/v1/evaluations", "ev-1", .body = good, .len = strlen(good) };
	struct resp r;
	json_t *j;

	http(s, &c, &r);
	assert_int_equal(r.status, 201);
	j = json_loads(r.body, 0, NULL);
	assert_string_equal(json_string_value(json_object_get(j, "eval_id")), "E000001");
	json_decref(j);
	resp_free(&r);
	http(s, &c, &r);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.body, "E000001"));
	resp_free(&r);
	c = (struct call){ "POST", "/api/v1/evaluations", "ev-2", .body = asc, .len = strlen(asc) };
	http(s, &c, &r);
	assert_int_equal(r.status, 201);
	resp_free(&r);
	/* A terminal mapped the wrong way round is refused, not stored as the opposite opinion. */
	c = (struct call){ "POST", "/api/v1/evaluations", "ev-3", .body = wrong, .len = strlen(wrong) };
	http(s, &c, &r);
	expect_error(&r, 400, "level_mismatch", "level_code");
	resp_free(&r);
	c = (struct call){ "POST", "/api/v1/evaluations", "ev-4", .body = noreason, .len = strlen(noreason) };
	http(s, &c, &r);
	expect_error(&r, 400, "invalid", "reasons");
	resp_free(&r);
	j = admin_state(s);
	assert_int_equal(json_array_size(json_object_get(j, "evaluations")), 2);
	json_decref(j);
	free(good);
	free(asc);
	free(wrong);
	free(noreason);
}

static void test_case_queries(void **state)
{
	struct plat_proc *s = *state;
	const char *page = "abc";
	char no1[64], no2[64], id[19], body[128];
	struct call c = { "POST", "/api/v1/case-queries", .body = "{\"query_code\":\"K7MX3QPA\"}" };
	struct resp r;
	json_t *j, *cases;
	const char *st = "{\"status\":\"processing\",\"status_text\":\"窗口审核中\",\"promised_date\":\"20261210\"}";
	char admin[128];
	struct call move = { "POST", admin, .body = st, .len = strlen(st) };

	submit_case(s, "q-1", CASE_NO, "K7MX3QPA", 1, &page, no1, sizeof(no1));
	submit_case(s, "q-2", TID "202611230002", "K7MX3QPB", 1, &page, no2, sizeof(no2));
	snprintf(admin, sizeof(admin), "/admin/cases/%s/status", no1);
	http(s, &move, &r);
	assert_int_equal(r.status, 200);
	resp_free(&r);

	c.len = strlen(c.body);
	http(s, &c, &r);
	assert_int_equal(r.status, 200);
	j = json_loads(r.body, 0, NULL);
	cases = json_object_get(j, "cases");
	assert_int_equal(json_array_size(cases), 1);
	assert_string_equal(json_string_value(json_object_get(json_array_get(cases, 0), "status")), "processing");
	assert_string_equal(json_string_value(json_object_get(json_array_get(cases, 0), "status_text")), "窗口审核中");
	assert_string_equal(json_string_value(json_object_get(json_array_get(cases, 0), "promised_date")), "20261210");
	json_decref(j);
	resp_free(&r);

	valid_id(id);
	snprintf(body, sizeof(body), "{\"id_type\":\"111\",\"id_number\":\"%s\"}", id);
	c.body = body;
	c.len = strlen(body);
	http(s, &c, &r);
	assert_int_equal(r.status, 200);
	j = json_loads(r.body, 0, NULL);
	cases = json_object_get(j, "cases");
	assert_int_equal(json_array_size(cases), 2);
	/* Newest first. */
	assert_string_equal(json_string_value(json_object_get(json_array_get(cases, 0), "platform_no")), no2);
	assert_string_equal(json_string_value(json_object_get(json_array_get(cases, 1), "platform_no")), no1);
	json_decref(j);
	resp_free(&r);

	c.body = "{\"query_code\":\"ZZZZZZZZ\"}";
	c.len = strlen(c.body);
	http(s, &c, &r);
	assert_int_equal(r.status, 200);
	assert_string_equal(r.body, "{\"cases\":[]}");
	resp_free(&r);
}

static void test_heartbeat_and_catalog(void **state)
{
	struct plat_proc *s = *state;
	const char *beat = "{\"terminal_id\":\"" TID "\",\"software_version\":\"0.3.0\",\"sent_ms\":1795397465000,"
			   "\"uptime_s\":3600,\"catalog_version\":\"2025.06.1\",\"devices\":{\"idcard\":\"ok\","
			   "\"receipt\":\"paper_near_end\"},\"queue\":{\"pending\":0,\"rejected\":0},"
			   "\"store\":{\"free_mb\":5120}}";
	const char *newcat = "{\"version\":\"2025.06.2\",\"themes\":[],\"items\":[]}";
	struct call c = { "POST", "/api/v1/heartbeat", "hb-1", .body = beat, .len = strlen(beat) };
	struct resp r;
	char v[64];
	json_t *j;

	http(s, &c, &r);
	assert_int_equal(r.status, 200);
	j = json_loads(r.body, 0, NULL);
	assert_true(json_integer_value(json_object_get(j, "server_ms")) > 1700000000000LL);
	assert_string_equal(json_string_value(json_object_get(j, "catalog_version")), "2025.06.1");
	assert_int_equal(json_integer_value(json_object_get(j, "heartbeat_s")), 60);
	assert_non_null(strstr(json_string_value(json_object_get(j, "server_at")), "+08:00"));
	json_decref(j);
	resp_free(&r);
	j = admin_state(s);
	assert_int_equal(json_integer_value(json_object_get(j, "heartbeats")), 1);
	json_decref(j);

	c = (struct call){ "GET", "/api/v1/catalog" };
	http(s, &c, &r);
	assert_int_equal(r.status, 200);
	assert_string_equal(hdr(&r, "ETag", v, sizeof(v)), "\"2025.06.1\"");
	assert_non_null(strstr(r.body, "\"items\""));
	resp_free(&r);
	c.extra_header = "If-None-Match: \"2025.06.1\"";
	http(s, &c, &r);
	assert_int_equal(r.status, 304);
	resp_free(&r);

	c = (struct call){ "POST", "/admin/catalog", .body = newcat, .len = strlen(newcat) };
	http(s, &c, &r);
	assert_int_equal(r.status, 200);
	resp_free(&r);
	c = (struct call){ "GET", "/api/v1/catalog", .extra_header = "If-None-Match: \"2025.06.1\"" };
	http(s, &c, &r);
	assert_int_equal(r.status, 200);
	assert_string_equal(hdr(&r, "ETag", v, sizeof(v)), "\"2025.06.2\"");
	resp_free(&r);
}

static void test_fault_fail_500(void **state)
{
	struct plat_proc *s = *state;
	char *body = case_body(CASE_NO, "K7MX3QPA", 0, NULL);
	struct call c = { "POST", "/api/v1/cases", "f500", .body = body, .len = strlen(body) };
	struct resp r;
	char v[8];

	set_faults(s, "{\"fail_500\":1}");
	http(s, &c, &r);
	expect_error(&r, 500, "internal", NULL);
	resp_free(&r);
	/* Nothing was kept under the key: the retry is a new request. */
	http(s, &c, &r);
	assert_int_equal(r.status, 201);
	assert_null(hdr(&r, "Idempotent-Replayed", v, sizeof(v)));
	assert_non_null(strstr(r.body, "\"status\":\"received\""));
	resp_free(&r);
	free(body);
}

static void test_fault_lose_response(void **state)
{
	struct plat_proc *s = *state;
	char *body = case_body(CASE_NO, "K7MX3QPA", 0, NULL);
	struct call c = { "POST", "/api/v1/cases", "lost", .body = body, .len = strlen(body) };
	struct resp r;
	char v[8];
	json_t *j;

	set_faults(s, "{\"lose_response\":1}");
	http(s, &c, &r);
	assert_int_not_equal(r.rc, CURLE_OK);
	resp_free(&r);
	/* Committed before the answer was lost: the retry gets the first answer, and there is one case. */
	http(s, &c, &r);
	assert_int_equal(r.status, 200);
	assert_string_equal(hdr(&r, "Idempotent-Replayed", v, sizeof(v)), "true");
	resp_free(&r);
	j = admin_state(s);
	assert_int_equal(json_array_size(json_object_get(j, "cases")), 1);
	json_decref(j);
	free(body);
}

/* A certificate printed at a terminal (section 7a): kept once under its key, even when the answer to
 * the first try was lost; a body that is not a print is refused. */
static void test_certificate_prints(void **state)
{
	struct plat_proc *s = *state;
	const char *good = "{\"terminal_id\":\"ZW3101150001\",\"cert_id\":\"ZM-20261120-000001\","
			   "\"printed_ms\":1795397465000,\"printed_at\":\"2026-11-23T09:31:05+08:00\","
			   "\"pages\":2}";
	const char *const bad[] = {
		"{\"cert_id\":\"ZM-1\",\"printed_ms\":1795397465000}",
		"{\"cert_id\":\"\",\"printed_ms\":1795397465000,\"pages\":1}",
		"{\"cert_id\":\"ZM-1\",\"printed_ms\":0,\"pages\":1}",
		"{\"cert_id\":\"ZM-1\",\"printed_ms\":1795397465000,\"pages\":\"2\"}",
		"{\"terminal_id\":\"OTHER\",\"cert_id\":\"ZM-1\",\"printed_ms\":1,\"pages\":1}",
	};
	struct call c = { "POST", "/api/v1/certificate-prints", "print-1", .body = good,
			  .len = strlen(good) };
	struct resp r;
	json_t *j, *p0;

	set_faults(s, "{\"lose_response\":1}");
	http(s, &c, &r);
	assert_int_not_equal(r.rc, CURLE_OK);
	resp_free(&r);
	http(s, &c, &r);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.body, "\"print_id\":\"P000001\""));
	resp_free(&r);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		c = (struct call){ "POST", "/api/v1/certificate-prints", "print-bad", .body = bad[i],
				   .len = strlen(bad[i]) };
		http(s, &c, &r);
		assert_int_equal(r.status, 400);
		resp_free(&r);
	}
	j = admin_state(s);
	assert_int_equal(json_array_size(json_object_get(j, "certificate_prints")), 1);
	p0 = json_array_get(json_object_get(j, "certificate_prints"), 0);
	assert_string_equal(json_string_value(json_object_get(p0, "cert_id")), "ZM-20261120-000001");
	assert_int_equal(json_integer_value(json_object_get(p0, "pages")), 2);
	assert_string_equal(json_string_value(json_object_get(p0, "terminal")), "ZW3101150001");
	json_decref(j);
}

static void test_fault_drop_mid_body(void **state)
{
	struct plat_proc *s = *state;
	static char page[20000];
	const char *pages[] = { page };
	char no[64], path[160];
	struct call head = { "HEAD", path };
	struct resp r;

	memset(page, 'j', sizeof(page) - 1);
	submit_case(s, "drop", CASE_NO, "K7MX3QPA", 1, pages, no, sizeof(no));
	page_path(path, sizeof(path), no, 1, 1);
	set_faults(s, "{\"drop_mid_body\":1}");
	patch(s, path, "drop:m1:p1:o0", 0, page, 8000, &r);
	assert_int_not_equal(r.rc, CURLE_OK);
	resp_free(&r);
	/* The half that arrived was kept; the terminal asks and continues from there. */
	http(s, &head, &r);
	expect_offset(&r, "4000", "?0");
	resp_free(&r);
	patch(s, path, "drop:m1:p1:o4000", 4000, page + 4000, strlen(page) - 4000, &r);
	assert_int_equal(r.status, 204);
	expect_offset(&r, "19999", "?1");
	resp_free(&r);
}

/* Two twins of one write at once while answers are slow: one does the work, the other hears in_progress. */
static void test_fault_slow_in_progress(void **state)
{
	struct plat_proc *s = *state;
	char *body = case_body(CASE_NO, "K7MX3QPA", 0, NULL);
	struct call c = { "POST", "/api/v1/cases", "twin", .body = body, .len = strlen(body) };
	struct resp r[2];
	struct curl_slist *h[2];
	CURL *e[2];
	CURLM *m = curl_multi_init();
	int running = 1, busy = 0, created = 0;
	struct timespec t0, t1;
	char v[8];

	set_faults(s, "{\"slow_ms\":300}");
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (int i = 0; i < 2; i++) {
		memset(&r[i], 0, sizeof(r[i]));
		e[i] = easy(s, &c, &r[i], &h[i]);
		curl_multi_add_handle(m, e[i]);
	}
	while (running) {
		curl_multi_perform(m, &running);
		if (running)
			curl_multi_poll(m, NULL, 0, 100, NULL);
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	for (int i = 0; i < 2; i++) {
		curl_easy_getinfo(e[i], CURLINFO_RESPONSE_CODE, &r[i].status);
		if (r[i].status == 201)
			created++;
		if (r[i].status == 409) {
			char code[32];

			error_of(&r[i], code, sizeof(code), NULL, 0);
			assert_string_equal(code, "in_progress");
			assert_string_equal(hdr(&r[i], "Retry-After", v, sizeof(v)), "1");
			busy++;
		}
		curl_multi_remove_handle(m, e[i]);
		curl_easy_cleanup(e[i]);
		curl_slist_free_all(h[i]);
		resp_free(&r[i]);
	}
	curl_multi_cleanup(m);
	assert_int_equal(created, 1);
	assert_int_equal(busy, 1);
	assert_true((t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000 >= 300);
	set_faults(s, "{\"slow_ms\":0}");
	free(body);
}

/* HTTPS with the test PKI: the server's certificate verifies against ca.pem for 127.0.0.1, and with --client-ca
 * a request needs a certificate whose CN is its X-Terminal-Id. */
static void test_tls_client_certs(void **state)
{
	struct plat_proc s = { 0 };
	char pki[96];
	const char *beat = "{\"sent_ms\":1795397465000}";
	struct call c = { "POST", "/api/v1/heartbeat", "tls-1", .body = beat, .len = strlen(beat), .pki = pki,
			  .cert = "client" };
	struct resp r;

	(void)state;
	plat_proc_start(&s, 0, true);
	plat_proc_path(&s, "pki", pki, sizeof(pki));

	http(&s, &c, &r);
	assert_int_equal(r.rc, CURLE_OK);
	assert_int_equal(r.status, 200);
	resp_free(&r);
	c.key = "tls-2";
	c.terminal = "ZW3101150002";
	http(&s, &c, &r);
	expect_error(&r, 403, "forbidden", NULL);
	resp_free(&r);
	c.terminal = NULL;
	c.cert = NULL;
	http(&s, &c, &r);
	assert_true(r.rc != CURLE_OK || r.status == 401);
	if (r.rc == CURLE_OK)
		expect_error(&r, 401, "unauthenticated", NULL);
	resp_free(&r);
	/* The platform's own certificate checked against the system store alone fails: no verification is off. */
	c.cert = "client";
	c.pki = NULL;
	http(&s, &c, &r);
	assert_int_not_equal(r.rc, CURLE_OK);
	resp_free(&r);
	plat_proc_stop(&s);
	plat_proc_cleanup(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_case_submit_and_replay, setup, teardown),
		cmocka_unit_test_setup_teardown(test_case_refusals, setup, teardown),
		cmocka_unit_test_setup_teardown(test_too_large, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pages, setup, teardown),
		cmocka_unit_test_setup_teardown(test_evaluations, setup, teardown),
		cmocka_unit_test_setup_teardown(test_case_queries, setup, teardown),
		cmocka_unit_test_setup_teardown(test_heartbeat_and_catalog, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fault_fail_500, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fault_lose_response, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fault_drop_mid_body, setup, teardown),
		cmocka_unit_test_setup_teardown(test_certificate_prints, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fault_slow_in_progress, setup, teardown),
		cmocka_unit_test(test_tls_client_certs),
	};
	int rc;

	curl_global_init(CURL_GLOBAL_DEFAULT);
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	curl_global_cleanup();
	return rc;
}
