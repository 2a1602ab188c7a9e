/* The kiosk's side of the uplink: starting the worker from configuration,
 * kicking it when a case is stored, reporting the devices' health, and taking
 * in what it brings back (a newer catalog, a query's answer, whether the
 * platform's clock agrees with ours). */
#include "kiosk/sync.h"

#include "kiosk/cases.h"

#include "common/log.h"
#include "kiosk/devices.h"
#include "kiosk/kiosk.h"
#include "offline-queue/uplink_catalog.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/statvfs.h>

#define KIOSK_VERSION "0.3.0"

/* On the worker's thread: the kiosk's own loader judges the platform's catalog,
 * touching nothing but its arguments. */
static enum kerr check_catalog(void *ctx, const char *body, size_t len, char *version,
			       size_t version_size, char *why, size_t why_size)
{
	struct catalog *c = NULL;
	enum kerr e;

	(void)ctx;
	e = catalog_load_buffer(body, len, &c, why, why_size);
	if (e == KERR_OK)
		snprintf(version, version_size, "%s", c->version);
	catalog_destroy(c);
	return e;
}

/* On the worker's thread: only wake the kiosk's loop, which reads the status
 * itself. */
static void notify(void *ctx)
{
	struct kiosk *k = ctx;
	struct kiosk_msg *m = calloc(1, sizeof(*m));

	if (!m)
		return;
	m->kind = KIOSK_MSG_UPLINK;
	if (ui_sdl_wake(k->ui, m) != KERR_OK)
		free(m);
}

void sync_start(struct kiosk *k)
{
	const struct config_platform *pc = &k->cfg.platform;
	struct uplink_config uc;
	enum kerr e;

	if (!pc->url[0]) {
		log_info("uplink: no platform.url configured; cases stay queued on this "
			 "terminal");
		return;
	}
	if (!k->queue) {
		log_err("uplink: not started, the store is not open");
		return;
	}
	uc = (struct uplink_config){
		.url = pc->url,
		.ca_file = pc->ca[0] ? pc->ca : NULL,
		.cert_file = pc->cert[0] ? pc->cert : NULL,
		.key_file = pc->key[0] ? pc->key : NULL,
		.pin = pc->pin[0] ? pc->pin : NULL,
		.connect_timeout_s = pc->connect_timeout_s,
		.stall_s = pc->stall_s,
		.data_dir = k->opts.data_dir,
		.store_key = k->store_key,
		.store_reserve = (uint64_t)k->cfg.reserve_mb << 20,
		.terminal_id = k->cfg.terminal_id,
		.software_version = KIOSK_VERSION,
		.chunk_bytes = (size_t)pc->chunk_kb * 1024,
		.batch = pc->batch,
		.backoff_base_ms = pc->backoff_base_ms,
		.backoff_cap_ms = (int64_t)pc->backoff_cap_s * 1000,
		.heartbeat_ms = (int64_t)pc->heartbeat_s * 1000,
		.catalog_ms = (int64_t)pc->catalog_s * 1000,
		.catalog_version = k->catalog ? k->catalog->version : NULL,
		.catalog_check = check_catalog,
		.notify = notify,
		.ctx = k,
		.seed = k->opts.script_path ? 20261123 : 0,
	};
	/* Checked when the configuration was read; the store would not be open otherwise. */
	(void)queue_cipher_parse(k->cfg.cipher, &uc.store_cipher);
	/* Checked when the kiosk started; codes left empty keep evaluations queued. */
	uc.scheme = k->evalmap.scheme;
	e = uplink_global_init();
	if (!e)
		e = uplink_start(&uc, &k->clock, &k->uplink);
	if (e) {
		log_err("uplink: cannot start: %s; cases stay queued", kerr_str(e));
		k->uplink = NULL;
		return;
	}
	log_info("uplink: syncing with %s", pc->url);
	sync_report_health(k);
}

void sync_stop(struct kiosk *k)
{
	uplink_stop(k->uplink);
	k->uplink = NULL;
}

void sync_kick(struct kiosk *k)
{
	uplink_kick(k->uplink);
}

static const char *health_word(const struct dev_status *s)
{
	switch (s->state) {
	case DEV_STATE_ABSENT:
		return "absent";
	case DEV_STATE_FAULT:
		switch (s->fault) {
		case KERR_PAPER_OUT:
			return "paper_out";
		case KERR_COVER_OPEN:
			return "cover_open";
		case KERR_JAMMED:
			return "jammed";
		case KERR_NO_DEVICE:
			return "offline";
		default:
			return "fault";
		}
	default:
		return s->paper_near_end ? "paper_near_end" : "ok";
	}
}

void sync_report_health(struct kiosk *k)
{
	struct uplink_health h;
	struct statvfs vfs;

	if (!k->uplink)
		return;
	memset(&h, 0, sizeof(h));
	/* The worker reads the store's space itself at each heartbeat. */
	h.reserve_mb = -1;
	h.accepting = -1;
	for (int c = 0; c < DEV__COUNT && h.n_devices < UPLINK_MAX_DEVICES; c++) {
		struct dev_status s = {.state = DEV_STATE_ABSENT};

		if (k->dev[c])
			dev_get_status(k->dev[c], &s);
		snprintf(h.devices[h.n_devices].name, sizeof(h.devices[0].name), "%s",
			 dev_class_str((enum dev_class)c));
		snprintf(h.devices[h.n_devices].state, sizeof(h.devices[0].state), "%s",
			 health_word(&s));
		h.n_devices++;
	}
	h.receipts_unprinted = k->receipts_unprinted;
	h.free_mb = statvfs(k->opts.data_dir, &vfs) == 0
			    ? (int64_t)((uint64_t)vfs.f_bavail * vfs.f_frsize >> 20)
			    : -1;
	uplink_set_health(k->uplink, &h);
}

bool sync_clock_trusted(struct kiosk *k)
{
	struct uplink_status st;

	if (!k->uplink)
		return false;
	uplink_get_status(k->uplink, &st);
	return st.clock_trusted;
}

/* The platform's catalog replaces the running one only between residents, so
 * nobody's guide changes under their finger. */
void sync_apply_catalog(struct kiosk *k)
{
	struct catalog *c = NULL;
	char path[4096], err[256];

	if (k->catalog_pending == 0 || flow_states()[k->state].is_session)
		return;
	k->catalog_pending = 0;
	sync_catalog_path(k, path, sizeof(path));
	if (catalog_load_file(path, &c, err, sizeof(err)) != KERR_OK) {
		log_err("catalog: the platform's copy %s cannot be used: %s", path, err);
		return;
	}
	log_info("catalog: now version %s from the platform (%zu items)", c->version, c->n_items);
	catalog_destroy(k->catalog);
	k->catalog = c;
	k->catalog_error[0] = '\0';
	k->dirty = true;
}

void sync_handle(struct kiosk *k)
{
	struct uplink_status st;

	if (!k->uplink)
		return;
	uplink_get_status(k->uplink, &st);
	if (st.catalog_updates != k->catalog_updates_seen) {
		k->catalog_updates_seen = st.catalog_updates;
		k->catalog_pending = 1;
	}
	sync_apply_catalog(k);
	if (st.reasons_updates != k->reasons_updates_seen) {
		k->reasons_updates_seen = st.reasons_updates;
		k->reasons_pending = true;
	}
	/* Between residents: a resident's ticked reasons are positions in the list on screen. */
	if (k->reasons_pending && !flow_states()[k->state].is_session) {
		k->reasons_pending = false;
		cases_reasons_load(k);
	}
	if (k->online != st.online) {
		k->online = st.online;
		k->dirty = true;
	}
	if (k->query_waiting && uplink_query_take(k->uplink, &k->query_reply, &k->query_err)) {
		k->query_waiting = false;
		flow_dispatch(k, EV_QUERY_DONE, 0);
	}
	if (k->certs_waiting) {
		enum kerr err;

		if (uplink_certs_take(k->uplink, &k->certs_reply, &err)) {
			k->certs_waiting = false;
			flow_dispatch(k, EV_CERTS_DONE, err);
			uplink_certs_reply_clear(&k->certs_reply);
		}
	}
}

const char *sync_catalog_path(const struct kiosk *k, char *buf, size_t size)
{
	snprintf(buf, size, "%s/%s", k->opts.data_dir, UPLINK_CATALOG_NAME);
	return buf;
}
