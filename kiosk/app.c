/* Set-up, the event loop and rendering. The loop sleeps in ui_sdl_wait() until the next input or deadline, so an
 * idle kiosk uses no CPU; it redraws only when something changed. */
#include "kiosk/app.h"

#include "kiosk/cases.h"

#include "common/log.h"
#include "kiosk/devices.h"
#include "kiosk/input.h"
#include "kiosk/notify.h"
#include "kiosk/sync.h"
#include "kiosk/view.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* Script runs and goldens need a fixed calendar day: 2026-11-23 09:30 in Beijing, a Monday. */
#define SCRIPT_WALL_MS 1795397400000LL

/* How often the retention purge runs after the one at start (monotonic ms). */
#define PURGE_EVERY_MS (60LL * 60 * 1000)

/* How often the health check writes to the store: once a minute is 1,440 small commits a day. */
#define PROBE_EVERY_MS (60LL * 1000)

/* Personal data the platform has held for store.retention_days goes; the case's skeleton stays for
 * 进度查询. Logged by count only. */
static void purge_personal(struct kiosk *k)
{
	struct queue_purge_result r;
	enum kerr e;

	k->purge_due_ms = clock_now_ms(&k->clock) + PURGE_EVERY_MS;
	if (!k->queue)
		return;
	e = queue_purge(k->queue, (int64_t)k->cfg.retention_days * 24 * 3600 * 1000, &r);
	if (e != KERR_OK)
		log_err("store: retention purge failed: %s: %s; tried again in an hour", kerr_str(e),
			queue_errmsg(k->queue));
	else if (r.cases || r.evals)
		log_info("store: purged the personal data of %d cases and %d evaluations held by the platform for "
			 "over %d days",
			 r.cases, r.evals, k->cfg.retention_days);
}

/* mkdir -p with mode 0700; what fails shows up when the key or the store is opened. */
static void make_folder(const char *dir)
{
	char path[4096];

	snprintf(path, sizeof(path), "%s", dir);
	for (char *p = path + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		mkdir(path, 0700);
		*p = '/';
	}
	mkdir(path, 0700);
}

/* The data key is loaded once and lent to every store handle (this one and the sync worker's). */
static enum kerr load_key(struct kiosk *k, char *msg, size_t size)
{
	char path[4096], why[QUEUE_KEY_ERRMSG_SIZE] = "";
	enum kerr e;

	if (k->cfg.key_file[0])
		snprintf(path, sizeof(path), "%s", k->cfg.key_file);
	else
		snprintf(path, sizeof(path), "%s/store.key", k->opts.data_dir);
	/* A missing key is made on first start: the store it will seal is empty then, and a store
	 * sealed with a lost key refuses the new one at open instead of mixing keys. */
	e = queue_key_load(path, true, why, &k->store_key);
	if (e != KERR_OK)
		snprintf(msg, size, "%s", why);
	return e;
}

static void open_store(struct kiosk *k)
{
	char msg[QUEUE_ERRMSG_SIZE] = "";
	struct queue_options o = { .reserve_bytes = (uint64_t)k->cfg.reserve_mb << 20 };
	enum kerr e;

	/* The folder first, so a first start can put the default key file in it. */
	if (!k->cfg.key_file[0])
		make_folder(k->opts.data_dir);
	e = queue_cipher_parse(k->cfg.cipher, &o.cipher);
	if (e == KERR_OK)
		e = load_key(k, msg, sizeof(msg));
	else
		snprintf(msg, sizeof(msg), "store.cipher %s is not a known cipher", k->cfg.cipher);
	o.key = k->store_key;
	if (e == KERR_OK)
		e = queue_open_with(k->opts.data_dir, k->cfg.terminal_id, &o, msg, &k->queue);
	if (e != KERR_OK) {
		snprintf(k->store_error, sizeof(k->store_error), "%s: %.200s", kerr_str(e), msg);
		log_err("store: cannot open %s: %s; applications are off until a technician fixes it",
			k->opts.data_dir, k->store_error);
		k->queue = NULL;
		return;
	}
	queue_set_clock(k->queue, &k->clock);
	/* A script run is a test or a demo: its screens must come out the same every time. The seed moves on with
	 * what the store holds, so a second run on the same store draws new names and codes. */
	if (k->opts.script_path) {
		int64_t cases = 0, evals = 0;

		queue_case_count(k->queue, &cases);
		queue_eval_count(k->queue, &evals);
		queue_set_seed(k->queue, 20261123 + (uint64_t)cases * 7919 + (uint64_t)evals);
	}
	purge_personal(k);
}

/* The platform's copy (kept in the data folder by the uplink) wins over the shipped one, unless it
 * cannot be read: then the shipped one, and the log says why. */
static enum kerr load_catalog(struct kiosk *k, char *err, size_t errlen)
{
	char path[4096];
	struct stat st;

	sync_catalog_path(k, path, sizeof(path));
	if (k->cfg.platform.url[0] && stat(path, &st) == 0) {
		if (catalog_load_file(path, &k->catalog, err, errlen) == KERR_OK)
			return KERR_OK;
		log_err("catalog: the platform's copy %s cannot be used (%s); using %s", path, err,
			k->cfg.catalog);
	}
	return catalog_load_file(k->cfg.catalog, &k->catalog, err, errlen);
}

enum kerr app_init(struct kiosk *k, const struct kiosk_opts *opts)
{
	struct ui_sdl_config uc;
	char err[256] = "";
	enum kerr e;

	memset(k, 0, sizeof(*k));
	k->opts = *opts;
	k->timer_ms = INT64_MAX;
	k->last_countdown = -2;
	k->show_dev_help = opts->dev;
	session_init(&k->session);
	config_defaults(&k->cfg);
	if (opts->config_path && config_load(&k->cfg, opts->config_path, err, sizeof(err)) != KERR_OK) {
		log_err("config: %s", err);
		return KERR_INVAL;
	}
	if (k->cfg.eval_mapping[0]) {
		if (evalmap_load(&k->evalmap, k->cfg.eval_mapping, err, sizeof(err)) != KERR_OK) {
			log_err("eval.mapping: %s", err);
			return KERR_INVAL;
		}
	} else if (evalmap_from_codes(&k->evalmap, k->cfg.eval_scheme, k->cfg.eval_level_codes) !=
		   KERR_OK) {
		log_err("config: eval.level_codes must be five codes separated by commas; evaluations "
			"stay queued");
		memset(k->evalmap.scheme.codes, 0, sizeof(k->evalmap.scheme.codes));
	}
	if (opts->script_path)
		clock_init_virtual(&k->clock, SCRIPT_WALL_MS);
	else
		clock_init_real(&k->clock);

	e = load_catalog(k, err, sizeof(err));
	if (e != KERR_OK) {
		snprintf(k->catalog_error, sizeof(k->catalog_error), "%s", err);
		log_err("catalog: %s: %s; the terminal shows the fault on its home screen", k->cfg.catalog, err);
		k->catalog = NULL;
	} else {
		log_info("catalog: version %s, %zu items", k->catalog->version, k->catalog->n_items);
	}
	open_store(k);

	uc = (struct ui_sdl_config){
		.width = k->cfg.width,
		.height = k->cfg.height,
		.fullscreen = k->cfg.fullscreen,
		.headless = opts->headless,
		.font_path = k->cfg.font,
		.bold_path = k->cfg.font_bold[0] ? k->cfg.font_bold : NULL,
		.title = "政务服务自助终端",
	};
	e = ui_sdl_create(&uc, &k->ui);
	if (e != KERR_OK) {
		log_err("display: %s: %s", kerr_str(e), ui_sdl_last_error());
		return e;
	}
	if (opts->shots_dir) {
		mkdir(opts->shots_dir, 0755);
		ui_sdl_keep_pixels(k->ui, true);
	}
	e = ui_arena_init(&k->arena, 4 << 20);
	if (e != KERR_OK)
		return e;
	cases_a4_sweep(k);
	devices_open(k);
	sync_start(k);
	if (opts->control_path && control_start(k, opts->control_path) != KERR_OK)
		log_warn("control: cannot listen on %s", opts->control_path);
	k->state = FLOW_HOME;
	flow_set_state(k, FLOW_HOME);
	k->last_touch_ms = clock_now_ms(&k->clock);
	health_init(&k->health, opts->script_path ? 0 : notify_watchdog_ms(), k->queue ? PROBE_EVERY_MS : 0,
		    k->last_touch_ms);
	return KERR_OK;
}

/* Messages the other threads posted after the last loop turn: freed unread, with the payloads
 * device events own. */
static void discard_messages(struct kiosk *k)
{
	for (int guard = 0; guard < 100000; guard++) {
		struct ui_input in;

		ui_sdl_wait(k->ui, 0, &in);
		if (in.type == UI_IN_NONE)
			break;
		if (in.type == UI_IN_WAKE && in.data) {
			struct kiosk_msg *m = in.data;

			if (m->kind == KIOSK_MSG_DEVICE)
				dev_event_finish(&m->ev);
			free(m);
		}
	}
}

void app_finish(struct kiosk *k)
{
	control_stop(k);
	sync_stop(k);
	devices_close(k);
	if (k->ui)
		discard_messages(k);
	session_clear(&k->session);
	ui_arena_finish(&k->arena);
	ui_sdl_destroy(k->ui);
	queue_close(k->queue);
	queue_key_destroy(k->store_key);
	k->store_key = NULL;
	catalog_destroy(k->catalog);
}

enum kerr app_shot(struct kiosk *k, const char *name)
{
	char path[1024];
	enum kerr e;

	snprintf(path, sizeof(path), "%s/%s.png", k->opts.shots_dir ? k->opts.shots_dir : ".", name);
	e = ui_sdl_save_png(k->ui, path);
	if (e != KERR_OK)
		log_err("shot: cannot write %s", path);
	return e;
}

void app_render(struct kiosk *k)
{
	int64_t now = clock_now_ms(&k->clock);

	if (!k->dirty)
		return;
	k->dirty = false;
	k->last_countdown = view_seconds_left(k, now);
	view_build(k, now);
	if (k->arena.overflowed)
		log_err("ui: frame arena full in %s; the screen is incomplete", flow_state_str(k->state));
	ui_sdl_draw(k->ui, &k->frame);
	k->frames++;
	/* Ready once the first screen is on the panel: home, or the technician's not-provisioned screen. */
	if (!k->ready_sent) {
		k->ready_sent = true;
		notify_ready(k->store_error[0]	 ? "home screen up; the store cannot be used"
			     : k->catalog_error[0] ? "home screen up; the catalog cannot be used"
						   : "home screen up");
	}
	if (k->opts.shots_dir && !k->opts.script_path) {
		char name[64];

		snprintf(name, sizeof(name), "%04u-%s", k->shot_seq++, flow_state_str(k->state));
		app_shot(k, name);
	}
	if (k->opts.max_frames && k->frames >= (unsigned)k->opts.max_frames)
		k->quit = true;
}

void app_timers(struct kiosk *k, int64_t now)
{
	int left = view_seconds_left(k, now);

	/* Between residents only: a purge takes the store's write lock, a resident's commit must not wait. */
	if (k->queue && now >= k->purge_due_ms && !flow_states()[k->state].is_session)
		purge_personal(k);

	if (left == 0) {
		flow_dispatch(k, EV_IDLE, 0);
		return;
	}
	if (left != k->last_countdown)
		k->dirty = true;
	if (k->timer_ms <= now) {
		k->timer_ms = INT64_MAX;
		flow_dispatch(k, EV_TIMEOUT, 0);
	}
}

int64_t app_next_timer(const struct kiosk *k, int64_t now)
{
	int64_t t = k->timer_ms;

	if (flow_states()[k->state].is_session) {
		int64_t limit = (int64_t)(k->theme_id == UI_THEME_ELDER ? 2 : 1) * k->cfg.timeout_s * 1000;
		int64_t left = limit - (now - k->last_touch_ms);
		/* Wake when the shown seconds change, so the countdown ticks and the wipe is on time. */
		int64_t step = left > 0 ? ((left - 1) % 1000) + 1 : 0;

		if (now + step < t)
			t = now + step;
	}
	return t;
}

static void handle_line(struct kiosk *k, const char *line)
{
	char err[256];

	/* Only the command word: the rest may be typed text (a phone number, a name). */
	if (script_line(k, line, err, sizeof(err)) != KERR_OK)
		log_warn("control: %.*s: %s", (int)strcspn(line, " "), line, err);
}

void app_handle(struct kiosk *k, struct ui_input *in)
{
	int64_t now = clock_now_ms(&k->clock);

	switch (in->type) {
	case UI_IN_TAP: {
		const struct ui_hit *h = ui_frame_hit(&k->frame, in->x, in->y);

		k->last_touch_ms = now;
		k->dirty = true;
		if (h)
			input_hit(k, h);
		break;
	}
	case UI_IN_PRESS:
		k->last_touch_ms = now;
		break;
	case UI_IN_KEY:
		k->last_touch_ms = now;
		input_key(k, in->key);
		break;
	case UI_IN_TEXT:
		k->last_touch_ms = now;
		input_text(k, in->text);
		break;
	case UI_IN_WAKE: {
		struct kiosk_msg *m = in->data;

		if (m->kind == KIOSK_MSG_DEVICE)
			devices_handle(k, &m->ev);
		else if (m->kind == KIOSK_MSG_UPLINK)
			sync_handle(k);
		else
			handle_line(k, m->line);
		free(m);
		break;
	}
	case UI_IN_EXPOSE:
		k->dirty = true;
		break;
	case UI_IN_QUIT:
		k->quit = true;
		break;
	default:
		break;
	}
}

/* The watchdog's side of a loop turn: the store probe when due (between residents), then a ping while healthy,
 * or one WATCHDOG=trigger when the check failed. Pings come from here only, never from a thread, so a stuck
 * loop stops them. */
static void watchdog_turn(struct kiosk *k, int64_t now)
{
	struct health *h = &k->health;

	if (k->queue && health_probe_due(h, now) && !flow_states()[k->state].is_session) {
		enum kerr e = queue_probe(k->queue);

		if (e != KERR_OK)
			log_warn("health: the store refused its probe write: %s: %s", kerr_str(e),
				 queue_errmsg(k->queue));
		health_probe_result(h, e, clock_now_ms(&k->clock));
	}
	switch (health_tick(h, now)) {
	case HEALTH_PING:
		notify_watchdog();
		break;
	case HEALTH_TRIGGER: {
		char status[160];

		snprintf(status, sizeof(status), "health check failed: %s (busiest loop turn %lld ms, store %s)",
			 health_fault_str(h->fault), (long long)h->worst_turn_ms, kerr_str(h->last_probe));
		log_err("health: %s; asking systemd to restart the kiosk", status);
		notify_watchdog_trigger(status);
		break;
	}
	default:
		break;
	}
}

int app_run(struct kiosk *k)
{
	if (k->opts.script_path)
		return script_run_file(k, k->opts.script_path);
	while (!k->quit) {
		int64_t now = clock_now_ms(&k->clock), next;
		struct ui_input in;
		int timeout;

		devices_poll(k, now);
		app_timers(k, now);
		app_render(k);
		if (k->quit)
			break;
		now = clock_now_ms(&k->clock);
		health_turn_end(&k->health, now);
		watchdog_turn(k, now);
		now = clock_now_ms(&k->clock);
		next = devices_next_deadline(k);
		if (app_next_timer(k, now) < next)
			next = app_next_timer(k, now);
		if (health_next_deadline(&k->health) < next)
			next = health_next_deadline(&k->health);
		timeout = next == INT64_MAX ? -1 : next <= now ? 0 : next - now > 60000 ? 60000 : (int)(next - now);
		ui_sdl_wait(k->ui, timeout, &in);
		health_turn_start(&k->health, clock_now_ms(&k->clock));
		app_handle(k, &in);
	}
	return k->exit_code;
}
