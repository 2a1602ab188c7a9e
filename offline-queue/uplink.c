/* The sync worker's thread: rounds of (query, outbox batch, heartbeat,
 * catalog), then a wait until the next thing is due or the kiosk kicks it.
 * Backoff is exponential with full jitter, per entry and for the link as a
 * whole; times are on the monotonic clock. */
#include "offline-queue/uplink_impl.h"

#include "common/log.h"
#include "offline-queue/uplink_catalog.h"

#include <errno.h>
#include <openssl/rand.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define DEFAULT_CHUNK (1u << 20)

static uint64_t next_random(struct uplink *u)
{
	uint64_t z;

	if (u->cfg.seed) {
		/* splitmix64: the same jitter on every scripted run. */
		z = (u->rng += 0x9e3779b97f4a7c15ull);
		z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
		z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
		return z ^ (z >> 31);
	}
	if (RAND_bytes((unsigned char *)&z, sizeof(z)) != 1)
		z = (uint64_t)clock_now_ms(u->clk) * 0x9e3779b97f4a7c15ull;
	return z;
}

static void set_online(struct uplink *u, bool online)
{
	pthread_mutex_lock(&u->mu);
	if (u->status.online != online)
		log_info("uplink: platform %s", online ? "reachable" : "unreachable");
	u->status.online = online;
	if (online) {
		u->status.last_ok_ms = clock_wall_ms(u->clk);
		u->status.last_error[0] = '\0';
	} else {
		snprintf(u->status.last_error, sizeof(u->status.last_error), "%s", u->why);
	}
	pthread_mutex_unlock(&u->mu);
}

/* The link failed: nothing is tried before link_due_ms, unless kicked. */
static void link_down(struct uplink *u)
{
	int64_t wait = uplink_backoff_ms(u->link_failures, u->cfg.backoff_base_ms,
					 u->cfg.backoff_cap_ms, next_random(u));

	u->link_failures++;
	u->link_due_ms = clock_now_ms(u->clk) + wait;
	log_warn("uplink: %s; next try in %lld ms", u->why, (long long)wait);
	set_online(u, false);
}

static void link_up(struct uplink *u)
{
	u->link_failures = 0;
	u->link_due_ms = 0;
	set_online(u, true);
}

/* Records how one entry's exchange ended. false: the round must end. */
static bool settle(struct uplink *u, const struct queue_sync_item *it, enum uplink_outcome out,
		   const char *ref)
{
	const char *what = it->kind == QUEUE_SYNC_CASE	       ? "case"
			   : it->kind == QUEUE_SYNC_CERT_PRINT ? "certificate print"
							       : "evaluation";
	int64_t now = clock_now_ms(u->clk), wait;
	enum kerr err = KERR_OK;

	switch (out) {
	case OUT_DONE:
		link_up(u);
		err = queue_sync_ack(u->q, it->id, ref);
		if (!err)
			log_info("uplink: %s %lld acknowledged as %s", what, (long long)it->ref_id,
				 ref);
		break;
	case OUT_REJECT:
		link_up(u);
		log_err("uplink: %s %lld refused by the platform, kept for a technician: %s", what,
			(long long)it->ref_id, u->why);
		err = queue_sync_reject(u->q, it->id, u->why);
		break;
	case OUT_RETRY:
		link_up(u);
		wait = uplink_backoff_ms(it->attempts, u->cfg.backoff_base_ms,
					 u->cfg.backoff_cap_ms, next_random(u));
		if (wait < u->retry_after_ms)
			wait = u->retry_after_ms;
		log_warn("uplink: %s %lld: %s; again in %lld ms", what, (long long)it->ref_id,
			 u->why, (long long)wait);
		err = queue_sync_retry(u->q, it->id, now + wait, u->why);
		break;
	case OUT_NETDOWN:
		link_down(u);
		err = queue_sync_retry(u->q, it->id, u->link_due_ms, u->why);
		break;
	case OUT_STORE:
		log_err("uplink: %s %lld: %s", what, (long long)it->ref_id, u->why);
		u->link_due_ms = now + u->cfg.backoff_base_ms;
		err = queue_sync_retry(u->q, it->id, u->link_due_ms, u->why);
		break;
	}
	if (err)
		log_err("uplink: cannot record the outcome of %s %lld: %s", what,
			(long long)it->ref_id, queue_errmsg(u->q));
	return out != OUT_NETDOWN && out != OUT_STORE && !err;
}

/* A resident waiting at the screen (进度查询, 证照打印) comes before the rest of the backlog. */
static void serve_waiting(struct uplink *u)
{
	bool query, certs;

	pthread_mutex_lock(&u->mu);
	query = u->query_pending;
	certs = u->certs_pending;
	pthread_mutex_unlock(&u->mu);
	if (query)
		uplink_run_query(u);
	if (certs)
		uplink_run_certs(u);
}

static void publish(struct uplink *u)
{
	struct queue_sync_stats qs;
	int64_t due = INT64_MAX;

	if (queue_sync_stats(u->q, &qs) != KERR_OK)
		memset(&qs, 0, sizeof(qs));
	if (queue_sync_next_due(u->q, &due) != KERR_OK)
		due = clock_now_ms(u->clk) + u->cfg.backoff_base_ms;
	/* The earliest of the outbox, the heartbeat and the catalog, but nothing before the link's
	 * own backoff ends. */
	if (u->beat_due_ms < due)
		due = u->beat_due_ms;
	if (u->catalog_due_ms < due)
		due = u->catalog_due_ms;
	if (due < u->link_due_ms)
		due = u->link_due_ms;
	pthread_mutex_lock(&u->mu);
	u->status.pending = qs.pending;
	u->status.rejected = qs.rejected;
	u->status.acked = qs.acked;
	u->status.next_due_ms = due;
	pthread_mutex_unlock(&u->mu);
}

/* One round. Returns when the outbox has nothing due, the batch is spent, or
 * the link failed. */
static void run_round(struct uplink *u)
{
	struct queue_sync_item it;
	char ref[80];
	int64_t now = clock_now_ms(u->clk);
	enum uplink_outcome out;

	serve_waiting(u);
	if (now < u->link_due_ms)
		return;
	for (int n = 0; n < u->cfg.batch; n++) {
		enum kerr err = queue_sync_next(u->q, clock_now_ms(u->clk), &it);

		if (err == KERR_NOT_FOUND)
			break;
		if (err) {
			log_err("uplink: cannot read the outbox: %s", queue_errmsg(u->q));
			u->link_due_ms = clock_now_ms(u->clk) + u->cfg.backoff_base_ms;
			return;
		}
		ref[0] = '\0';
		out = it.kind == QUEUE_SYNC_CASE	 ? uplink_send_case(u, &it, ref, sizeof(ref))
		      : it.kind == QUEUE_SYNC_CERT_PRINT ? uplink_send_cert_print(u, &it, ref, sizeof(ref))
							 : uplink_send_eval(u, &it, ref, sizeof(ref));
		if (!settle(u, &it, out, ref))
			return;
		serve_waiting(u);
	}
	now = clock_now_ms(u->clk);
	/* The back office calls back on a bad rating: its heartbeat goes now, not in a minute. */
	if (now < u->beat_due_ms && uplink_bad_waiting(u))
		u->beat_due_ms = now;
	if (now >= u->beat_due_ms) {
		out = uplink_send_beat(u);
		if (out == OUT_NETDOWN) {
			link_down(u);
			return;
		}
		if (out == OUT_DONE)
			link_up(u);
		u->beat_due_ms = now + u->cfg.heartbeat_ms;
	}
	if (now >= u->catalog_due_ms) {
		out = uplink_fetch_catalog(u);
		if (out == OUT_NETDOWN) {
			link_down(u);
			return;
		}
		/* The reason list changes with the catalog's cadence. */
		out = uplink_fetch_reasons(u);
		if (out == OUT_NETDOWN) {
			link_down(u);
			return;
		}
		u->catalog_due_ms = now + u->cfg.catalog_ms;
	}
}

/* Waits until kicked, stopped, or (on a real clock) due. */
static void wait_due(struct uplink *u)
{
	int64_t due, now;
	struct timespec ts;

	pthread_mutex_lock(&u->mu);
	due = u->status.next_due_ms;
	while (!u->stop && !u->kicked && !u->query_pending && !u->certs_pending) {
		now = clock_now_ms(u->clk);
		if (!u->clk->is_virtual && due != INT64_MAX) {
			if (now >= due)
				break;
			clock_gettime(CLOCK_MONOTONIC, &ts);
			ts.tv_sec += (time_t)((due - now) / 1000);
			ts.tv_nsec += (long)((due - now) % 1000) * 1000000L;
			if (ts.tv_nsec >= 1000000000L) {
				ts.tv_sec++;
				ts.tv_nsec -= 1000000000L;
			}
			if (pthread_cond_timedwait(&u->wake, &u->mu, &ts) == ETIMEDOUT)
				break;
		} else if (u->clk->is_virtual && now >= due) {
			break;
		} else {
			pthread_cond_wait(&u->wake, &u->mu);
		}
	}
	pthread_mutex_unlock(&u->mu);
}

static void *worker(void *arg)
{
	struct uplink *u = arg;
	bool stop = false, kicked;
	unsigned seq;

	if (queue_sync_recover(u->q) != KERR_OK)
		log_err("uplink: cannot recover the outbox: %s", queue_errmsg(u->q));
	publish(u);
	while (!stop) {
		pthread_mutex_lock(&u->mu);
		kicked = u->kicked;
		u->kicked = false;
		u->status.busy = true;
		seq = u->kick_seq;
		pthread_mutex_unlock(&u->mu);
		/* A kick says the link may be back: its backoff ends, each entry's stays.
		 */
		if (kicked)
			u->link_due_ms = 0;
		run_round(u);
		publish(u);
		pthread_mutex_lock(&u->mu);
		u->status.busy = false;
		u->status.rounds++;
		u->done_seq = seq;
		pthread_cond_broadcast(&u->round);
		stop = u->stop;
		pthread_mutex_unlock(&u->mu);
		if (u->cfg.notify)
			u->cfg.notify(u->cfg.ctx);
		if (!stop)
			wait_due(u);
		pthread_mutex_lock(&u->mu);
		stop = u->stop;
		pthread_mutex_unlock(&u->mu);
	}
	return NULL;
}

static char *dup_opt(const char *s, bool *failed)
{
	char *d;

	if (!s)
		return NULL;
	d = strdup(s);
	if (!d)
		*failed = true;
	return d;
}

static void free_all(struct uplink *u)
{
	uplink_certs_reply_clear(&u->certs_reply);
	explicit_bzero(u->certs_id_number, sizeof(u->certs_id_number));
	uplink_http_free(u->http);
	queue_close(u->q);
	free(u->chunk);
	free(u->url);
	free(u->ca_file);
	free(u->cert_file);
	free(u->key_file);
	free(u->pin);
	free(u->data_dir);
	free(u->terminal_id);
	free(u->software_version);
	pthread_cond_destroy(&u->round);
	pthread_cond_destroy(&u->wake);
	pthread_mutex_destroy(&u->mu);
	free(u);
}

static void copy_config(struct uplink *u, const struct uplink_config *cfg, bool *failed)
{
	u->cfg = *cfg;
	u->url = dup_opt(cfg->url, failed);
	u->ca_file = dup_opt(cfg->ca_file, failed);
	u->cert_file = dup_opt(cfg->cert_file, failed);
	u->key_file = dup_opt(cfg->key_file, failed);
	u->pin = dup_opt(cfg->pin, failed);
	u->data_dir = dup_opt(cfg->data_dir, failed);
	u->terminal_id = dup_opt(cfg->terminal_id, failed);
	u->software_version = dup_opt(cfg->software_version ? cfg->software_version : "0", failed);
	if (!u->cfg.chunk_bytes || u->cfg.chunk_bytes > UPLINK_MAX_CHUNK)
		u->cfg.chunk_bytes = DEFAULT_CHUNK;
	if (u->cfg.batch <= 0)
		u->cfg.batch = 20;
	if (u->cfg.backoff_base_ms <= 0)
		u->cfg.backoff_base_ms = 2000;
	if (u->cfg.backoff_cap_ms <= 0)
		u->cfg.backoff_cap_ms = 300000;
	if (u->cfg.heartbeat_ms <= 0)
		u->cfg.heartbeat_ms = 60000;
	if (u->cfg.catalog_ms <= 0)
		u->cfg.catalog_ms = 3600000;
	snprintf(u->catalog_version, sizeof(u->catalog_version), "%s",
		 cfg->catalog_version ? cfg->catalog_version : "");
	snprintf(u->status.catalog_version, sizeof(u->status.catalog_version), "%s",
		 u->catalog_version);
}

enum kerr uplink_global_init(void)
{
	return uplink_http_global_init();
}

enum kerr uplink_start(const struct uplink_config *cfg, const struct clock *clk,
		       struct uplink **ret)
{
	struct uplink_http_config hc;
	char msg[QUEUE_ERRMSG_SIZE];
	bool failed = false;
	struct uplink *u;
	enum kerr err;

	if (!cfg->url || !cfg->url[0] || !cfg->data_dir || !cfg->terminal_id)
		return KERR_INVAL;
	u = calloc(1, sizeof(*u));
	if (!u)
		return KERR_NOMEM;
	pthread_mutex_init(&u->mu, NULL);
	{
		pthread_condattr_t ca;

		/* Timed waits on the monotonic clock, so setting the wall clock moves
		 * nothing. */
		pthread_condattr_init(&ca);
		pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
		pthread_cond_init(&u->wake, &ca);
		pthread_cond_init(&u->round, &ca);
		pthread_condattr_destroy(&ca);
	}
	copy_config(u, cfg, &failed);
	u->clk = clk;
	u->rng = cfg->seed;
	u->chunk = malloc(u->cfg.chunk_bytes);
	if (failed || !u->chunk) {
		free_all(u);
		return KERR_NOMEM;
	}
	if (cfg->catalog_etag)
		snprintf(u->etag, sizeof(u->etag), "%s", cfg->catalog_etag);
	else
		(void)uplink_catalog_etag(u->data_dir, u->etag, sizeof(u->etag));
	/* Its own handle: the kiosk's thread keeps storing cases on its own while
	 * this one sends. */
	{
		struct queue_options o = {
			.key = cfg->store_key,
			.cipher = cfg->store_cipher,
			.reserve_bytes = cfg->store_reserve,
		};

		err = queue_open_with(u->data_dir, u->terminal_id, &o, msg, &u->q);
	}
	if (err) {
		log_err("uplink: %s", msg);
		free_all(u);
		return err;
	}
	queue_set_clock(u->q, clk);
	hc = (struct uplink_http_config){
		.base_url = u->url,
		.ca_file = u->ca_file,
		.cert_file = u->cert_file,
		.key_file = u->key_file,
		.terminal_id = u->terminal_id,
		.connect_timeout_s = cfg->connect_timeout_s,
		.stall_time_s = cfg->stall_s,
		.pin = u->pin,
	};
	{
		char ua[96];

		snprintf(ua, sizeof(ua), "zwkiosk/%s", u->software_version);
		hc.user_agent = ua;
		err = uplink_http_new(&hc, &u->http);
	}
	if (err) {
		free_all(u);
		return err;
	}
	u->start_ms = clock_now_ms(clk);
	u->health.free_mb = -1;
	u->health.receipts_unprinted = -1;
	u->health.reserve_mb = -1;
	u->health.accepting = -1;
	u->beat_due_ms = u->start_ms;
	u->bad_from_ms = clock_wall_ms(clk) - UPLINK_BAD_WINDOW_MS;
	u->catalog_due_ms = u->start_ms;
	if (pthread_create(&u->thread, NULL, worker, u) != 0) {
		free_all(u);
		return KERR_NOMEM;
	}
	u->thread_started = true;
	*ret = u;
	return KERR_OK;
}

void uplink_stop(struct uplink *u)
{
	if (!u)
		return;
	pthread_mutex_lock(&u->mu);
	u->stop = true;
	pthread_cond_broadcast(&u->wake);
	pthread_mutex_unlock(&u->mu);
	if (u->thread_started)
		pthread_join(u->thread, NULL);
	free_all(u);
}

void uplink_kick(struct uplink *u)
{
	if (!u)
		return;
	pthread_mutex_lock(&u->mu);
	u->kicked = true;
	u->kick_seq++;
	pthread_cond_broadcast(&u->wake);
	pthread_mutex_unlock(&u->mu);
}

void uplink_get_status(struct uplink *u, struct uplink_status *ret)
{
	pthread_mutex_lock(&u->mu);
	*ret = u->status;
	pthread_mutex_unlock(&u->mu);
}

void uplink_set_health(struct uplink *u, const struct uplink_health *h)
{
	pthread_mutex_lock(&u->mu);
	u->health = *h;
	pthread_mutex_unlock(&u->mu);
}

enum kerr uplink_wait_round(struct uplink *u, int64_t timeout_ms)
{
	struct timespec ts;
	enum kerr err = KERR_OK;
	unsigned target;

	/* u->round waits on the monotonic clock: an RTC set meanwhile neither ends nor stretches it. */
	clock_gettime(CLOCK_MONOTONIC, &ts);
	ts.tv_sec += (time_t)(timeout_ms / 1000);
	ts.tv_nsec += (long)(timeout_ms % 1000) * 1000000L;
	if (ts.tv_nsec >= 1000000000L) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000L;
	}
	pthread_mutex_lock(&u->mu);
	/* A round that started before the latest kick may have read the outbox before the change
	 * the kick announced: wait for one that started after it. */
	target = u->kick_seq;
	while ((int)(u->done_seq - target) < 0) {
		if (pthread_cond_timedwait(&u->round, &u->mu, &ts) == ETIMEDOUT) {
			err = KERR_BUSY;
			break;
		}
	}
	pthread_mutex_unlock(&u->mu);
	return err;
}

enum kerr uplink_query(struct uplink *u, const char *query_code, const char *id_type,
		       const char *id_number)
{
	if ((query_code && query_code[0]) == (id_number && id_number[0]))
		return KERR_INVAL;
	if ((query_code && strlen(query_code) >= sizeof(u->query_code)) ||
	    (id_number && strlen(id_number) >= sizeof(u->query_id_number)) ||
	    (id_type && strlen(id_type) >= sizeof(u->query_id_type)))
		return KERR_INVAL;
	pthread_mutex_lock(&u->mu);
	snprintf(u->query_code, sizeof(u->query_code), "%s", query_code ? query_code : "");
	snprintf(u->query_id_type, sizeof(u->query_id_type), "%s", id_type ? id_type : "111");
	snprintf(u->query_id_number, sizeof(u->query_id_number), "%s", id_number ? id_number : "");
	u->query_pending = true;
	u->query_answered = false;
	pthread_cond_broadcast(&u->wake);
	pthread_mutex_unlock(&u->mu);
	return KERR_OK;
}

bool uplink_query_take(struct uplink *u, struct uplink_query_reply *ret, enum kerr *ret_err)
{
	bool answered;

	pthread_mutex_lock(&u->mu);
	answered = u->query_answered && !u->query_pending;
	if (answered) {
		*ret = u->query_reply;
		*ret_err = u->query_err;
		u->query_answered = false;
		explicit_bzero(u->query_id_number, sizeof(u->query_id_number));
	}
	pthread_mutex_unlock(&u->mu);
	return answered;
}
