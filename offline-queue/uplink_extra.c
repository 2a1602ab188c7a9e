/* The exchanges beside the outbox (docs/uplink.md sections 7 to 9): heartbeat,
 * catalog and 进度查询. None of them is retried from the outbox: a lost
 * heartbeat is replaced by the next, a catalog is asked for again, and a query
 * is the resident's, answered now or not at all. */
#include "offline-queue/uplink_impl.h"
#include "offline-queue/uplink_reasons.h"

#include "common/log.h"
#include "offline-queue/uplink_catalog.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Within this of the platform's clock, ours counts as set (docs/uplink.md
 * section 8). */
#define CLOCK_TRUST_MS 120000

struct bad_list {
	struct queue_eval_row rows[UPLINK_MAX_BAD];
	size_t n;
};

static bool take_bad(void *ctx, const struct queue_eval_row *r)
{
	struct bad_list *l = ctx;

	l->rows[l->n++] = *r;
	return l->n < UPLINK_MAX_BAD;
}

static enum kerr bad_since(struct uplink *u, size_t limit, struct bad_list *l)
{
	struct queue_eval_filter f = {
		.from_ms = u->bad_from_ms,
		.to_ms = INT64_MAX,
		.after_id = u->bad_after_id,
		.bad_only = true,
		.limit = limit,
	};

	l->n = 0;
	return queue_eval_each(u->q, &f, take_bad, l);
}

bool uplink_bad_waiting(struct uplink *u)
{
	struct bad_list *l = malloc(sizeof(*l));
	bool any;

	if (!l)
		return false;
	any = bad_since(u, 1, l) == KERR_OK && l->n > 0;
	free(l);
	return any;
}

enum uplink_outcome uplink_send_beat(struct uplink *u)
{
	struct bad_list *bad;
	struct queue_sync_stats qs;
	struct uplink_health health;
	struct uplink_beat_reply rep;
	struct uplink_response r;
	struct uplink_request req = {.method = "POST",
				     .path = API "/heartbeat",
				     .content_type = "application/json",
				     .upload_offset = -1};
	char key[40], *body = NULL, msg[160];
	enum uplink_outcome out;
	enum kerr err;

	if (queue_sync_stats(u->q, &qs) != KERR_OK)
		return OUT_STORE;
	bad = malloc(sizeof(*bad));
	if (!bad)
		return OUT_RETRY;
	/* Not flagging is better than no heartbeat: a store error leaves them for the next. */
	if (bad_since(u, UPLINK_MAX_BAD, bad) != KERR_OK)
		bad->n = 0;
	pthread_mutex_lock(&u->mu);
	health = u->health;
	pthread_mutex_unlock(&u->mu);
	/* Read now, not when the devices last changed: the disk fills between heartbeats. */
	{
		struct queue_space sp;

		if (queue_space_get(u->q, &sp) == KERR_OK) {
			health.free_mb = (int64_t)(sp.free_bytes >> 20);
			health.reserve_mb = (int64_t)(sp.reserve_bytes >> 20);
			health.accepting = sp.accepting;
		}
	}
	struct uplink_beat b = {
		.terminal_id = u->terminal_id,
		.software_version = u->software_version,
		.catalog_version = u->catalog_version,
		.sent_ms = clock_wall_ms(u->clk),
		.uptime_s = (clock_now_ms(u->clk) - u->start_ms) / 1000,
		.health = &health,
		.queue = &qs,
		.bad = bad->rows,
		.n_bad = bad->n,
	};
	if (uplink_body_beat(&b, &body) != KERR_OK) {
		free(bad);
		return OUT_RETRY;
	}
	if (bad->n > 0)
		u->sent_bad_id = bad->rows[bad->n - 1].id;
	else
		u->sent_bad_id = u->bad_after_id;
	free(bad);
	/* A fresh key per beat: a beat is never repeated. */
	snprintf(key, sizeof(key), "beat-%016llx%08llx", (unsigned long long)b.sent_ms,
		 (unsigned long long)(u->rng++ & 0xffffffffu));
	req.body = body;
	req.len = strlen(body);
	req.idempotency_key = key;
	err = uplink_http_do(u->http, &req, &r);
	uplink_body_free(body);
	if (!err && r.status == 200 &&
	    uplink_parse_beat(r.body, r.len, &rep, msg, sizeof(msg)) == 0) {
		int64_t skew = rep.server_ms - clock_wall_ms(u->clk);
		bool trusted = skew > -CLOCK_TRUST_MS && skew < CLOCK_TRUST_MS;

		uplink_response_clear(&r);
		if (!trusted)
			log_warn("uplink: this terminal's clock is %lld s off the platform's",
				 (long long)(skew / 1000));
		pthread_mutex_lock(&u->mu);
		u->status.clock_trusted = trusted;
		pthread_mutex_unlock(&u->mu);
		if (rep.heartbeat_s)
			u->cfg.heartbeat_ms = rep.heartbeat_s * 1000;
		u->bad_after_id = u->sent_bad_id;
		if (rep.catalog_version[0] && strcmp(rep.catalog_version, u->catalog_version) != 0)
			u->catalog_due_ms = clock_now_ms(u->clk);
		return OUT_DONE;
	}
	out = err || r.status != 200 ? uplink_outcome_of(u, err, &r) : OUT_RETRY;
	if (!err && r.status == 200)
		snprintf(u->why, sizeof(u->why), "heartbeat: %s", msg);
	uplink_response_clear(&r);
	return out;
}

enum uplink_outcome uplink_fetch_catalog(struct uplink *u)
{
	struct uplink_request req = {.method = "GET",
				     .path = API "/catalog",
				     .upload_offset = -1,
				     .max_reply = UPLINK_MAX_CATALOG};
	struct uplink_response r;
	char version[72] = "", msg[256] = "";
	enum uplink_outcome out;
	enum kerr err;

	if (u->etag[0])
		req.if_none_match = u->etag;
	err = uplink_http_do(u->http, &req, &r);
	if (!err && r.status == 304) {
		uplink_response_clear(&r);
		return OUT_DONE;
	}
	if (err || r.status != 200) {
		out = uplink_outcome_of(u, err, &r);
		uplink_response_clear(&r);
		return out;
	}
	/* The kiosk's own loader judges it: a catalog it would refuse is never
	 * written. */
	if (!u->cfg.catalog_check ||
	    u->cfg.catalog_check(u->cfg.ctx, r.body, r.len, version, sizeof(version), msg,
				 sizeof(msg)) != KERR_OK) {
		log_err("uplink: the platform's catalog was refused, keeping the current "
			"one: %s",
			msg);
		snprintf(u->why, sizeof(u->why), "catalog refused: %.200s", msg);
		uplink_response_clear(&r);
		return OUT_REJECT;
	}
	err = uplink_catalog_store(u->data_dir, r.body, r.len, r.etag);
	if (err) {
		log_err("uplink: cannot store the catalog in %s: %s", u->data_dir, kerr_str(err));
		uplink_response_clear(&r);
		return OUT_STORE;
	}
	snprintf(u->etag, sizeof(u->etag), "%s", r.etag);
	snprintf(u->catalog_version, sizeof(u->catalog_version), "%s", version);
	uplink_response_clear(&r);
	log_info("uplink: catalog %s stored", version);
	pthread_mutex_lock(&u->mu);
	u->status.catalog_updates++;
	snprintf(u->status.catalog_version, sizeof(u->status.catalog_version), "%s", version);
	pthread_mutex_unlock(&u->mu);
	return OUT_DONE;
}

enum uplink_outcome uplink_fetch_reasons(struct uplink *u)
{
	struct uplink_request req = {.method = "GET", .upload_offset = -1, .max_reply = UPLINK_REASONS_MAX_BODY};
	struct uplink_response r;
	struct uplink_reasons *list;
	char path[128], why[160] = "";
	enum uplink_outcome out;
	enum kerr err;

	/* A level scheme is a token of the mapping (letters, digits, - _ .): safe in a query. */
	if (!u->cfg.scheme.name[0])
		return OUT_DONE;
	snprintf(path, sizeof(path), API "/evaluation-reasons?scheme=%s", u->cfg.scheme.name);
	req.path = path;
	err = uplink_http_do(u->http, &req, &r);
	/* None for this scheme: the mapping's built-in list stays. */
	if (!err && r.status == 404) {
		uplink_response_clear(&r);
		return OUT_DONE;
	}
	if (err || r.status != 200) {
		out = uplink_outcome_of(u, err, &r);
		uplink_response_clear(&r);
		return out;
	}
	list = calloc(1, sizeof(*list));
	if (!list) {
		uplink_response_clear(&r);
		return OUT_STORE;
	}
	err = uplink_parse_reasons(r.body, r.len, list, why, sizeof(why));
	if (err) {
		log_err("uplink: the platform's reason list was refused, keeping the current one: %s", why);
		snprintf(u->why, sizeof(u->why), "reason list refused: %.200s", why);
		out = OUT_REJECT;
	} else if (strcmp(list->version, u->reasons_version) == 0) {
		out = OUT_DONE;
	} else if (queue_reasons_put(u->q, u->cfg.scheme.name, list->version, r.body, r.len) != KERR_OK) {
		log_err("uplink: cannot store the reason list: %s", queue_errmsg(u->q));
		out = OUT_STORE;
	} else {
		snprintf(u->reasons_version, sizeof(u->reasons_version), "%s", list->version);
		log_info("uplink: reason list %s stored for %s", list->version, u->cfg.scheme.name);
		pthread_mutex_lock(&u->mu);
		u->status.reasons_updates++;
		pthread_mutex_unlock(&u->mu);
		out = OUT_DONE;
	}
	free(list);
	uplink_response_clear(&r);
	return out;
}

/* Records what the platform says of this terminal's own cases, so 进度查询 can
 * show it offline. */
static void remember(struct uplink *u, const struct uplink_query_reply *rep)
{
	for (size_t i = 0; i < rep->n; i++) {
		const struct uplink_case_status *c = &rep->cases[i];
		struct queue_remote_status s;

		if (!c->case_no[0])
			continue;
		memset(&s, 0, sizeof(s));
		snprintf(s.status, sizeof(s.status), "%s", c->status);
		snprintf(s.status_text, sizeof(s.status_text), "%s", c->status_text);
		snprintf(s.promised_date, sizeof(s.promised_date), "%s", c->promised_date);
		s.checked_ms = clock_wall_ms(u->clk);
		/* Not ours (another terminal's case): nothing to update, and not an error.
		 */
		(void)queue_remote_status_put(u->q, c->case_no, &s);
	}
}

void uplink_run_query(struct uplink *u)
{
	struct uplink_request req = {.method = "POST",
				     .path = API "/case-queries",
				     .content_type = "application/json",
				     .upload_offset = -1};
	struct uplink_query_reply *rep;
	struct uplink_response r;
	char code[16], type[8], number[40], *body = NULL, msg[160];
	enum kerr err;

	pthread_mutex_lock(&u->mu);
	memcpy(code, u->query_code, sizeof(code));
	memcpy(type, u->query_id_type, sizeof(type));
	memcpy(number, u->query_id_number, sizeof(number));
	u->query_pending = false;
	pthread_mutex_unlock(&u->mu);
	rep = calloc(1, sizeof(*rep));
	err = rep ? uplink_body_query(code, type, number, &body) : KERR_NOMEM;
	explicit_bzero(number, sizeof(number));
	if (!err) {
		req.body = body;
		req.len = strlen(body);
		err = uplink_http_do(u->http, &req, &r);
		uplink_body_free(body);
		if (!err && r.status != 200) {
			uplink_outcome_of(u, err, &r);
			log_warn("uplink: case query failed: %s", u->why);
			err = r.status >= 500 ? KERR_NET : KERR_PROTO;
		} else if (!err && uplink_parse_query(r.body, r.len, rep, msg, sizeof(msg)) != 0) {
			log_warn("uplink: case query reply refused: %s", msg);
			err = KERR_PROTO;
		} else if (err) {
			log_warn("uplink: case query: %s", r.error);
		}
		uplink_response_clear(&r);
	}
	if (!err)
		remember(u, rep);
	pthread_mutex_lock(&u->mu);
	if (!u->query_pending) { /* else a newer query replaced this one while it ran
				  */
		if (rep)
			u->query_reply = *rep;
		if (err)
			u->query_reply.n = 0;
		u->query_err = err;
		u->query_answered = true;
	}
	pthread_mutex_unlock(&u->mu);
	free(rep);
	/* The resident is waiting: tell the screen now, not when the round's uploads are done. */
	if (u->cfg.notify)
		u->cfg.notify(u->cfg.ctx);
}
