/* The delivery checker (deliver_check.h): the terminal's store read through the queue API, the
 * platform's /admin/ledger through libcurl, compared item by item. */
#include "tests/support/deliver_check.h"

#include <curl/curl.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "offline-queue/queue.h"
#include "offline-queue/queue_key.h"

/* A ledger of thousands of cases stays well under this. */
#define MAX_LEDGER (64u << 20)
/* Any prefix opens a store: it only starts the numbers of new cases, and none is made here. */
#define CHECK_PREFIX "CHECK"

struct body {
	char *data;
	size_t len;
};

struct check {
	struct queue *q;
	json_t *cases; /* the ledger's, borrowed from its root */
	json_t *evals;
	char *case_seen; /* per ledger case: matched by a stored case */
	char *eval_seen;
	struct deliver_report *r;
	enum kerr err;
};

static void note(struct deliver_report *r, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Findings go into detail while it has room; the counts say how many there were in all. */
static void note(struct deliver_report *r, const char *fmt, ...)
{
	size_t used = strlen(r->detail);
	va_list ap;

	if (used + 2 >= sizeof(r->detail))
		return;
	if (used)
		r->detail[used++] = ' ';
	va_start(ap, fmt);
	vsnprintf(r->detail + used, sizeof(r->detail) - used, fmt, ap);
	va_end(ap);
}

static size_t on_body(char *data, size_t size, size_t n, void *userp)
{
	struct body *b = userp;
	size_t add = size * n;
	char *grown;

	if (add > MAX_LEDGER - b->len)
		return 0;
	grown = realloc(b->data, b->len + add + 1);
	if (!grown)
		return 0;
	b->data = grown;
	memcpy(b->data + b->len, data, add);
	b->len += add;
	b->data[b->len] = '\0';
	return add;
}

/* libcurl's codes end here as KERR_NET, with its message in detail. */
static enum kerr fetch_ledger(const char *base, const char *ca, json_t **ret,
			      struct deliver_report *r)
{
	char url[512], errbuf[CURL_ERROR_SIZE] = "";
	struct body b = {NULL, 0};
	CURL *c = curl_easy_init();
	CURLcode rc = CURLE_OK;
	json_error_t jerr;
	long status = 0;
	json_t *root;

	if (!c)
		return KERR_NOMEM;
	snprintf(url, sizeof(url), "%s/admin/ledger", base);
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &b);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 5L);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, 30L);
	if (ca && ca[0])
		curl_easy_setopt(c, CURLOPT_CAINFO, ca);
	rc = curl_easy_perform(c);
	if (rc == CURLE_OK)
		curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
	curl_easy_cleanup(c);
	if (rc != CURLE_OK || status != 200) {
		note(r, "GET %s: %s", url,
		     rc != CURLE_OK ? (errbuf[0] ? errbuf : curl_easy_strerror(rc)) : "not 200");
		free(b.data);
		return KERR_NET;
	}
	root = json_loadb(b.data ? b.data : "", b.len, 0, &jerr);
	free(b.data);
	if (!json_is_array(json_object_get(root, "cases")) ||
	    !json_is_array(json_object_get(root, "evaluations"))) {
		note(r, "%s: not a ledger (%s)", url, root ? "no cases or evaluations" : jerr.text);
		json_decref(root);
		return KERR_PROTO;
	}
	*ret = root;
	return KERR_OK;
}

static const char *str(json_t *o, const char *name)
{
	const char *s = json_string_value(json_object_get(o, name));

	return s ? s : "";
}

static json_int_t num(json_t *o, const char *name)
{
	return json_integer_value(json_object_get(o, name));
}

/* Every page the platform was told of is whole and equal to the stored one, and no other. */
static bool pages_match(const struct queue_case_rec *rec, json_t *held, char *why, size_t n)
{
	json_t *pages = json_object_get(held, "pages"), *pg;
	size_t k = 0;

	for (size_t m = 0; m < rec->n_materials; m++) {
		const struct queue_material_rec *mat = &rec->materials[m];

		if (mat->status != QUEUE_MAT_RECEIVED)
			continue;
		for (size_t p = 0; p < mat->n_pages; p++, k++) {
			pg = json_array_get(pages, k);
			if (!pg || num(pg, "material") != (json_int_t)m + 1 ||
			    num(pg, "ord") != (json_int_t)p + 1) {
				snprintf(why, n, "page %zu/%zu not announced", m + 1, p + 1);
				return false;
			}
			if (!json_is_true(json_object_get(pg, "complete"))) {
				snprintf(why, n, "page %zu/%zu has %lld of %lld bytes", m + 1,
					 p + 1, (long long)num(pg, "offset"),
					 (long long)num(pg, "size"));
				return false;
			}
			if (strcmp(str(pg, "sha256_held"), mat->pages[p].sha256) != 0) {
				snprintf(why, n, "page %zu/%zu differs from the stored scan", m + 1,
					 p + 1);
				return false;
			}
		}
	}
	if (json_array_size(pages) != k) {
		snprintf(why, n, "%zu pages held where %zu were stored", json_array_size(pages), k);
		return false;
	}
	return true;
}

static bool check_case(void *ctx, const struct queue_case_row *row)
{
	struct check *c = ctx;
	struct deliver_report *r = c->r;
	struct queue_case_rec *rec = NULL;
	json_t *held = NULL, *it;
	char why[160];
	size_t i;
	int copies;

	r->receipted++;
	if (strcmp(row->state, "acked") != 0)
		r->pending++;
	json_array_foreach(c->cases, i, it)
	{
		if (strcmp(str(it, "case_no"), row->case_no) == 0) {
			held = it;
			c->case_seen[i] = 1;
			break;
		}
	}
	if (!held) {
		r->lost++;
		note(r, "lost: case %s (outbox %s%s%s).", row->case_no, row->state,
		     row->last_error[0] ? ": " : "", row->last_error);
		return true;
	}
	r->replayed += (int)num(held, "replayed");
	copies = (int)(num(held, "created") + num(held, "duplicates"));
	if (copies > 1) {
		r->duplicated++;
		note(r, "duplicated: case %s created %d times.", row->case_no, copies);
	}
	c->err = queue_case_get_by_id(c->q, row->id, &rec);
	if (c->err) {
		note(r, "case %s: %s.", row->case_no, queue_errmsg(c->q));
		return false;
	}
	if (!pages_match(rec, held, why, sizeof(why))) {
		r->lost++;
		note(r, "lost: case %s held incomplete: %s (outbox %s).", row->case_no, why,
		     row->state);
	} else {
		r->held++;
	}
	queue_case_rec_free(rec);
	return true;
}

/* The platform's evaluation for a stored one: by its key, or, for a copy sent under another key,
 * by the same case, rating time and kind. */
static bool same_eval(json_t *it, const struct queue_eval_row *row)
{
	if (row->key[0] && strcmp(str(it, "key"), row->key) == 0)
		return true;
	return strcmp(str(it, "case_no"), row->case_no) == 0 &&
	       num(it, "rated_ms") == row->time_ms &&
	       json_is_true(json_object_get(it, "followup")) == row->followup;
}

static bool check_eval(void *ctx, const struct queue_eval_row *row)
{
	struct check *c = ctx;
	struct deliver_report *r = c->r;
	json_t *it;
	size_t i;
	int copies = 0;

	r->receipted++;
	json_array_foreach(c->evals, i, it)
	{
		if (c->eval_seen[i] || !same_eval(it, row))
			continue;
		c->eval_seen[i] = 1;
		copies++;
		r->replayed += (int)num(it, "replayed");
	}
	if (copies == 0) {
		r->lost++;
		note(r, "lost: evaluation %lld%s%s.", (long long)row->id,
		     row->case_no[0] ? " of case " : "", row->case_no);
		return true;
	}
	r->held++;
	if (copies > 1) {
		r->duplicated++;
		note(r, "duplicated: evaluation %lld held %d times.", (long long)row->id, copies);
	}
	return true;
}

static enum kerr open_store(const char *dir, const char *key_path, struct queue_key **ret_key,
			    struct queue **ret_q, struct deliver_report *r)
{
	char path[512], why[QUEUE_KEY_ERRMSG_SIZE > QUEUE_ERRMSG_SIZE ? QUEUE_KEY_ERRMSG_SIZE
								      : QUEUE_ERRMSG_SIZE] = "";
	struct queue_options o = {0};
	enum kerr e;

	if (!key_path) {
		snprintf(path, sizeof(path), "%s/store.key", dir);
		key_path = path;
	}
	e = queue_key_load(key_path, false, why, ret_key);
	if (e) {
		note(r, "key %s: %s", key_path, why);
		return e;
	}
	o.key = *ret_key;
	e = queue_open_with(dir, CHECK_PREFIX, &o, why, ret_q);
	if (e)
		note(r, "store %s: %s", dir, why);
	return e;
}

enum kerr deliver_check(const char *data_dir, const char *key_path, const char *platform_base_url,
			const char *ca, struct deliver_report *ret)
{
	struct check c = {.r = ret};
	struct queue_key *key = NULL;
	json_t *ledger = NULL, *it;
	enum kerr e;
	size_t i;

	memset(ret, 0, sizeof(*ret));
	if (!data_dir || !platform_base_url)
		return KERR_INVAL;
	e = fetch_ledger(platform_base_url, ca, &ledger, ret);
	if (!e)
		e = open_store(data_dir, key_path, &key, &c.q, ret);
	if (e)
		goto out;
	c.cases = json_object_get(ledger, "cases");
	c.evals = json_object_get(ledger, "evaluations");
	c.case_seen = calloc(json_array_size(c.cases) + 1, 1);
	c.eval_seen = calloc(json_array_size(c.evals) + 1, 1);
	if (!c.case_seen || !c.eval_seen) {
		e = KERR_NOMEM;
		goto out;
	}
	e = queue_case_each(c.q, check_case, &c);
	if (!e)
		e = c.err;
	if (!e) {
		struct queue_eval_filter all = {0};

		e = queue_eval_each(c.q, &all, check_eval, &c);
	}
	if (e) {
		note(ret, "reading the store: %s", queue_errmsg(c.q));
		goto out;
	}
	json_array_foreach(c.cases, i, it)
	{
		if (c.case_seen[i])
			continue;
		ret->unexpected++;
		note(ret, "unexpected: case %s (%s) from %s.", str(it, "case_no"),
		     str(it, "platform_no"), str(it, "terminal"));
	}
	json_array_foreach(c.evals, i, it)
	{
		if (c.eval_seen[i])
			continue;
		ret->unexpected++;
		note(ret, "unexpected: evaluation %s from %s.", str(it, "eval_id"),
		     str(it, "terminal"));
	}
out:
	if (e) {
		char why[sizeof(ret->detail)];

		snprintf(why, sizeof(why), "%s", ret->detail);
		memset(ret, 0, sizeof(*ret));
		snprintf(ret->detail, sizeof(ret->detail), "%s", why);
	}
	free(c.case_seen);
	free(c.eval_seen);
	queue_close(c.q);
	queue_key_destroy(key);
	json_decref(ledger);
	return e;
}
