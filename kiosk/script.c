/* Scripts of touches, keys and device events: journey tests, goldens, benchmarks and the control socket all
 * drive the real kiosk through these lines. On the virtual clock, "wait" advances time deterministically. */
#include "kiosk/app.h"

#include "common/log.h"
#include "kiosk/devices.h"
#include "kiosk/input.h"
#include "kiosk/sync.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Handles everything already queued (device events, control lines) without waiting. */
static void drain(struct kiosk *k)
{
	for (int guard = 0; guard < 10000; guard++) {
		struct ui_input in;

		ui_sdl_wait(k->ui, 0, &in);
		if (in.type == UI_IN_NONE)
			break;
		app_handle(k, &in);
	}
	app_render(k);
}

/* Advances the virtual clock by ms, stopping at every device or timer deadline on the way. */
static void advance(struct kiosk *k, int64_t ms)
{
	int64_t end = clock_now_ms(&k->clock) + ms;

	for (;;) {
		int64_t now = clock_now_ms(&k->clock);
		int64_t next = devices_next_deadline(k), t = app_next_timer(k, now);

		if (t < next)
			next = t;
		if (next <= now)
			next = now + 1;
		if (next > end)
			next = end;
		clock_advance(&k->clock, next - now);
		now = clock_now_ms(&k->clock);
		devices_poll(k, now);
		app_timers(k, now);
		drain(k);
		if (now >= end)
			break;
	}
}

static int64_t real_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* "sync [seconds]": lets the uplink work until the outbox is empty and no 进度查询 or 证照打印 request is out. The worker runs
 * on real time against a real server; the virtual clock jumps to each backoff's end, so a retry comes as
 * soon as the exchange before it has failed. Gives up after seconds of real time (30 by default). */
static enum kerr sync_until_empty(struct kiosk *k, int seconds, char *err, size_t errlen)
{
	int64_t give_up = real_ms() + (int64_t)(seconds > 0 ? seconds : 30) * 1000;
	struct uplink_status st;
	int64_t pending = -1;
	enum kerr round;

	if (!k->uplink || !k->queue) {
		snprintf(err, errlen, "sync needs platform.url in the configuration");
		return KERR_INVAL;
	}
	for (;;) {
		int64_t now = clock_now_ms(&k->clock);

		uplink_get_status(k->uplink, &st);
		/* A resident's request is answered at once, not at a due time: the clock stays put, so the
		 * screen's timers do not jump while it is out. */
		if (!st.busy && st.next_due_ms > now && st.next_due_ms != INT64_MAX && !k->query_waiting &&
		    !k->certs_waiting)
			advance(k, st.next_due_ms - now);
		uplink_kick(k->uplink);
		round = uplink_wait_round(k->uplink, give_up - real_ms() > 0 ? give_up - real_ms() : 1);
		drain(k);
		/* What the round brought (a catalog, a reason list) is taken now, not whenever its wake-up
		 * reaches the queue: the next line may already have started a resident's session. */
		sync_handle(k);
		uplink_get_status(k->uplink, &st);
		/* The store says what is left, not the worker's last report, which may predate the
		 * latest case. */
		if (round == KERR_OK && queue_outbox_pending(k->queue, &pending) == KERR_OK &&
		    pending == 0 && !k->query_waiting && !k->certs_waiting)
			return KERR_OK;
		if (real_ms() >= give_up) {
			snprintf(err, errlen,
				 "the outbox still holds %lld entries after %d s (%s; next due in %lld ms, %u rounds)",
				 (long long)st.pending, seconds, st.last_error[0] ? st.last_error : "no error",
				 (long long)(st.next_due_ms - clock_now_ms(&k->clock)), st.rounds);
			return KERR_BUSY;
		}
	}
}

/* "scan-wait [seconds]": lets a real scanner's worker finish the job in progress (the pages come on real time),
 * handling its events as they arrive; gives up after seconds of real time (30 by default). */
static enum kerr scan_wait(struct kiosk *k, int seconds, char *err, size_t errlen)
{
	int64_t give_up = real_ms() + (int64_t)(seconds > 0 ? seconds : 30) * 1000;

	while (k->session.scanning) {
		struct ui_input in;

		if (real_ms() >= give_up) {
			snprintf(err, errlen, "the scanner's job did not end within %d s", seconds > 0 ? seconds : 30);
			return KERR_TIMEOUT;
		}
		ui_sdl_wait(k->ui, 50, &in);
		if (in.type != UI_IN_NONE)
			app_handle(k, &in);
		devices_poll(k, clock_now_ms(&k->clock));
	}
	drain(k);
	return KERR_OK;
}

static int parse_key(const char *s)
{
	if (s[0] == 'f' && s[1] >= '1' && s[1] <= '9')
		return UI_KEY_F1 + atoi(s + 1) - 1;
	if (!strcmp(s, "esc"))
		return UI_KEY_ESCAPE;
	if (!strcmp(s, "return"))
		return UI_KEY_RETURN;
	if (!strcmp(s, "backspace"))
		return UI_KEY_BACKSPACE;
	if (s[0] && !s[1])
		return (unsigned char)s[0];
	return -1;
}

static bool frame_has_text(const struct ui_frame *f, const char *needle)
{
	for (size_t i = 0; i < f->n_cmds; i++)
		if (f->cmds[i].type == UI_CMD_TEXT && f->cmds[i].text && strstr(f->cmds[i].text, needle))
			return true;
	return false;
}

enum kerr script_line(struct kiosk *k, const char *line, char *err, size_t errlen)
{
	char cmd[32] = "", a[256] = "", b[64] = "";
	bool hold = false;
	int n;

	while (*line == ' ' || *line == '\t')
		line++;
	if (*line == 0 || *line == '#')
		return KERR_OK;
	/* "& LINE": what LINE queues (a device's event) stays queued until after the next line, as
	 * when a key and a touch come at the same moment. */
	if (*line == '&') {
		line++;
		while (*line == ' ' || *line == '\t')
			line++;
		hold = true;
	}
	n = sscanf(line, "%31s %255s %63s", cmd, a, b);
	app_render(k);
	if (!strcmp(cmd, "tap")) {
		const struct ui_hit *h;
		struct ui_input in = { .type = UI_IN_TAP };

		if (n == 3) {
			in.x = atoi(a), in.y = atoi(b);
		} else {
			h = ui_frame_hit_by_id(&k->frame, a);
			if (!h) {
				snprintf(err, errlen, "no target \"%s\" on the %s screen", a, flow_state_str(k->state));
				return KERR_INVAL;
			}
			in.x = h->r.x + h->r.w / 2, in.y = h->r.y + h->r.h / 2;
		}
		app_handle(k, &in);
	} else if (!strcmp(cmd, "key")) {
		struct ui_input in = { .type = UI_IN_KEY, .key = parse_key(a) };

		if (in.key < 0) {
			snprintf(err, errlen, "unknown key %s", a);
			return KERR_INVAL;
		}
		app_handle(k, &in);
	} else if (!strcmp(cmd, "text")) {
		const char *t = line + 4;
		struct ui_input in = { .type = UI_IN_TEXT };

		while (*t == ' ')
			t++;
		snprintf(in.text, sizeof(in.text), "%s", t);
		app_handle(k, &in);
	} else if (!strcmp(cmd, "dev")) {
		enum kerr e = devices_control(k, line + 4);

		if (e != KERR_OK) {
			snprintf(err, errlen, "device command \"%s\" failed: %s", line + 4, kerr_str(e));
			return KERR_INVAL;
		}
	} else if (!strcmp(cmd, "wait")) {
		if (!k->clock.is_virtual) {
			snprintf(err, errlen, "wait needs the virtual clock of a script run");
			return KERR_INVAL;
		}
		advance(k, atoll(a));
	} else if (!strcmp(cmd, "rtc") || !strcmp(cmd, "rtc-jump")) {
		/* The wall clock set or stepped, the monotonic one untouched: deadlines must not notice. */
		if (!k->clock.is_virtual || n < 2) {
			snprintf(err, errlen, "%s needs milliseconds and the virtual clock of a script run", cmd);
			return KERR_INVAL;
		}
		clock_set_wall(&k->clock, atoll(a) + (cmd[3] ? clock_wall_ms(&k->clock) : 0));
		log_info("script: wall clock now %lld ms", (long long)clock_wall_ms(&k->clock));
	} else if (!strcmp(cmd, "sync")) {
		enum kerr e = sync_until_empty(k, n >= 2 ? atoi(a) : 30, err, errlen);

		if (e != KERR_OK)
			return e;
	} else if (!strcmp(cmd, "scan-wait")) {
		enum kerr e = scan_wait(k, n >= 2 ? atoi(a) : 30, err, errlen);

		if (e != KERR_OK)
			return e;
	} else if (!strcmp(cmd, "expect")) {
		if (strcmp(a, flow_state_str(k->state)) != 0) {
			snprintf(err, errlen, "expected state %s, the kiosk is in %s", a, flow_state_str(k->state));
			return KERR_INVAL;
		}
	} else if (!strcmp(cmd, "expect-text") || !strcmp(cmd, "expect-no-text")) {
		const char *t = line + strlen(cmd);
		bool want = cmd[7] == 't', has;

		while (*t == ' ')
			t++;
		has = frame_has_text(&k->frame, t);
		if (has != want) {
			snprintf(err, errlen, "%s \"%s\" on the %s screen", want ? "no text" : "unexpected text", t,
				 flow_state_str(k->state));
			return KERR_INVAL;
		}
	} else if (!strcmp(cmd, "theme")) {
		for (int i = 0; i < UI_THEME__COUNT; i++)
			if (!strcmp(a, ui_theme_str((enum ui_theme_id)i)))
				k->theme_id = (enum ui_theme_id)i;
		k->dirty = true;
	} else if (!strcmp(cmd, "shot")) {
		if (app_shot(k, a) != KERR_OK) {
			snprintf(err, errlen, "cannot save shot %s", a);
			return KERR_IO;
		}
	} else if (!strcmp(cmd, "stall")) {
		/* Blocks the loop for a number of real ms: how tests show the watchdog that a stuck loop stops
		 * its pings. */
		struct timespec ts = { atoll(a) / 1000, (atoll(a) % 1000) * 1000000 };

		while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
			;
	} else if (!strcmp(cmd, "quit")) {
		k->quit = true;
	} else {
		snprintf(err, errlen, "unknown command \"%s\"", cmd);
		return KERR_INVAL;
	}
	if (!hold)
		drain(k);
	return KERR_OK;
}

int script_run_file(struct kiosk *k, const char *path)
{
	FILE *f = fopen(path, "r");
	char line[1024], err[512];
	int no = 0;

	if (!f) {
		fprintf(stderr, "kiosk: cannot read script %s: %s\n", path, strerror(errno));
		return 2;
	}
	drain(k);
	while (!k->quit && fgets(line, sizeof(line), f)) {
		no++;
		line[strcspn(line, "\r\n")] = 0;
		if (script_line(k, line, err, sizeof(err)) != KERR_OK) {
			fprintf(stderr, "kiosk: %s:%d: %s\n", path, no, err);
			fclose(f);
			return 3;
		}
	}
	fclose(f);
	return 0;
}
