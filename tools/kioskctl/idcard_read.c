/* kioskctl idcard read: opens the configured reader, waits for one card and prints it. The device
 * is polled on the real clock exactly as the kiosk polls it. */
#include "tools/kioskctl/idcard.h"

#include "tools/kioskctl/kioskctl.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

/* What the device told us; filled by the sink (same thread: the backends are polled). */
struct outcome {
	bool done;
	bool told_ready;
	enum kerr err;
	struct idcard_data *card; /* owned here once posted */
	struct dev_status status;
};

static void post(void *ctx, const struct dev_event *ev)
{
	struct outcome *o = ctx;
	struct dev_event copy = *ev;

	o->status = ev->status;
	switch (ev->type) {
	case DEV_EV_CARD:
		if (!o->done && copy.payload) {
			o->card = copy.payload;
			copy.payload = NULL;
			o->done = true;
			o->err = KERR_OK;
		}
		break;
	case DEV_EV_CARD_ERROR:
		if (!o->done) {
			o->done = true;
			o->err = ev->err;
		}
		break;
	default:
		break;
	}
	dev_event_finish(&copy);
}

static void nap_until(const struct clock *c, int64_t at)
{
	int64_t ms = at - clock_now_ms(c);
	struct timespec ts;

	/* Bounded so a deadline far away never hides the overall timeout. */
	if (ms > 100)
		ms = 100;
	if (ms <= 0)
		return;
	ts.tv_sec = 0;
	ts.tv_nsec = (long)ms * 1000000L;
	nanosleep(&ts, NULL);
}

static int wait_card(struct dev *d, struct clock *clock, struct outcome *o, int timeout_s,
		     const struct dev_config *cfg)
{
	int64_t end = clock_now_ms(clock) + (int64_t)timeout_s * 1000;

	while (!o->done) {
		int64_t now = clock_now_ms(clock);

		dev_poll(d, now);
		if (o->done)
			break;
		if (o->status.state == DEV_STATE_ABSENT)
			return kioskctl_fail("%s: %s %s (%s)", idcard_explain(KERR_NO_DEVICE),
					     cfg->backend, cfg->path[0] ? cfg->path : "",
					     o->status.detail);
		if (o->status.state == DEV_STATE_FAULT)
			return kioskctl_fail("读卡器故障 / reader fault: %s (%s)",
					     idcard_explain(o->status.fault), o->status.detail);
		if (o->status.state == DEV_STATE_READY && !o->told_ready) {
			fprintf(stderr,
				"读卡器就绪，请放置证件 / reader ready: place a card (%d s)\n",
				timeout_s);
			o->told_ready = true;
		}
		if (now >= end)
			return kioskctl_fail(
				"%d 秒内未读到证件 / no card within %d s%s", timeout_s, timeout_s,
				o->told_ready ? "" : " (the reader never became ready)");
		nap_until(clock, dev_next_deadline(d) < end ? dev_next_deadline(d) : end);
	}
	if (o->err != KERR_OK)
		return kioskctl_fail("读卡失败 / card not read: %s", idcard_explain(o->err));
	return KIOSKCTL_OK;
}

int idcard_cmd_read(int argc, char **argv)
{
	struct kioskctl_conf_opts co = { 0 };
	struct outcome o = { 0 };
	struct dev_sink sink = { post, &o };
	struct config *cfg;
	struct clock clock;
	struct dev *d = NULL;
	bool full = false;
	long timeout_s = 15;
	enum kerr e;
	int rc;

	for (int i = 1; i < argc; i++) {
		char *end;

		if (kioskctl_conf_option(&co, argc, argv, &i, &e)) {
			if (e != KERR_OK)
				return KIOSKCTL_USAGE;
		} else if (!strcmp(argv[i], "--full")) {
			full = true;
		} else if (!strcmp(argv[i], "--timeout") && i + 1 < argc) {
			timeout_s = strtol(argv[++i], &end, 10);
			if (*end || timeout_s < 1 || timeout_s > 3600) {
				fprintf(stderr, "kioskctl: --timeout wants 1..3600 seconds\n");
				return KIOSKCTL_USAGE;
			}
		} else {
			fprintf(stderr, "kioskctl: idcard read: unexpected \"%s\"\n", argv[i]);
			return KIOSKCTL_USAGE;
		}
	}
	/* struct config is large (fonts, calendars): keep it off the stack. */
	cfg = calloc(1, sizeof(*cfg));
	if (!cfg)
		return kioskctl_fail("out of memory");
	if (kioskctl_conf_load(&co, cfg) != KERR_OK) {
		free(cfg);
		return KIOSKCTL_FAILED;
	}
	clock_init_real(&clock);
	e = idcard_open(&cfg->dev[DEV_IDCARD], &sink, &clock, &d);
	if (e != KERR_OK) {
		rc = kioskctl_fail("读卡器无法打开 / cannot open reader backend \"%s\": %s",
				   cfg->dev[DEV_IDCARD].backend,
				   e == KERR_INVAL ? "unknown backend or bad setting"
						   : kerr_str(e));
		free(cfg);
		return rc;
	}
	dev_get_status(d, &o.status);
	idcard_enable(d, true);
	rc = wait_card(d, &clock, &o, (int)timeout_s, &cfg->dev[DEV_IDCARD]);
	if (rc == KIOSKCTL_OK)
		idcard_print(stdout, o.card, full);
	idcard_data_free(o.card);
	dev_destroy(d);
	free(cfg);
	return rc;
}
