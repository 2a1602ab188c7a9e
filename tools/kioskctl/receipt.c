/* kioskctl receipt: the configured receipt printer's status, and a test slip printed on it. The
 * device is polled on the real clock exactly as the kiosk polls it. */
#include "common/clock.h"
#include "drivers/receipt.h"
#include "drivers/receipt_layout.h"
#include "tools/kioskctl/kioskctl.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

/* What the device told us; filled by the sink (same thread: the backends are polled). */
struct outcome {
	bool told;     /* a status event came */
	bool done;     /* the job ended */
	int job;       /* the job waited for */
	enum kerr err; /* how it ended */
	struct dev_status status;
};

struct opts {
	struct kioskctl_conf_opts conf;
	long timeout_s;
};

static void post(void *ctx, const struct dev_event *ev)
{
	struct outcome *o = ctx;
	struct dev_event copy = *ev;

	o->status = ev->status;
	if (ev->type == DEV_EV_STATUS)
		o->told = true;
	if (ev->type == DEV_EV_PRINT_DONE && ev->value == o->job && o->job > 0) {
		o->done = true;
		o->err = ev->err;
	}
	dev_event_finish(&copy);
}

static const char *explain(enum kerr e)
{
	switch (e) {
	case KERR_OK:
		return "成功 / ok";
	case KERR_PAPER_OUT:
		return "打印机缺纸 / out of paper: load a new roll";
	case KERR_COVER_OPEN:
		return "打印机盖未关 / the cover is open: close it";
	case KERR_JAMMED:
		return "切刀或机芯故障 / cutter or mechanism error: clear the paper path";
	case KERR_IO:
		return "打印机离线或出错 / the printer is offline or in error";
	case KERR_NO_DEVICE:
		return "找不到打印机 / no printer found";
	case KERR_TIMEOUT:
		return "打印机没有应答 / the printer did not answer";
	case KERR_PROTO:
		return "打印机应答有误 / the printer's reply was garbled";
	case KERR_BUSY:
		return "打印机正忙 / the printer is busy";
	default:
		return kerr_str(e);
	}
}

static void nap_until(const struct clock *c, int64_t at)
{
	int64_t ms = at - clock_now_ms(c);
	struct timespec ts;

	/* Bounded so a deadline far away never hides the overall timeout. */
	if (ms > 50)
		ms = 50;
	if (ms <= 0)
		return;
	ts.tv_sec = 0;
	ts.tv_nsec = (long)ms * 1000000L;
	nanosleep(&ts, NULL);
}

/* Polls until stop(o) or the deadline; returns whether stop(o) came true. */
static bool wait_for(struct dev *d, struct clock *clock, struct outcome *o, int64_t end,
		     bool (*stop)(const struct outcome *o, struct dev *d))
{
	for (;;) {
		int64_t now = clock_now_ms(clock), dl;

		dev_poll(d, now);
		if (stop(o, d))
			return true;
		if (now >= end)
			return false;
		dl = dev_next_deadline(d);
		nap_until(clock, dl < end ? dl : end);
	}
}

/* The backend has looked at the printer: it said so, or it has nothing left to do (the simulated
 * printer knows its state from the start). */
static bool looked(const struct outcome *o, struct dev *d)
{
	return o->told || dev_next_deadline(d) == INT64_MAX;
}

static bool job_over(const struct outcome *o, struct dev *d)
{
	(void)d;
	return o->done;
}

static int parse(int argc, char **argv, struct opts *o, const char *cmd)
{
	enum kerr e;

	for (int i = 1; i < argc; i++) {
		char *end;

		if (kioskctl_conf_option(&o->conf, argc, argv, &i, &e)) {
			if (e != KERR_OK)
				return KIOSKCTL_USAGE;
		} else if (!strcmp(argv[i], "--timeout") && i + 1 < argc) {
			o->timeout_s = strtol(argv[++i], &end, 10);
			if (*end || o->timeout_s < 1 || o->timeout_s > 3600) {
				fprintf(stderr, "kioskctl: --timeout wants 1..3600 seconds\n");
				return KIOSKCTL_USAGE;
			}
		} else {
			fprintf(stderr, "kioskctl: receipt %s: unexpected \"%s\"\n", cmd, argv[i]);
			return KIOSKCTL_USAGE;
		}
	}
	return KIOSKCTL_OK;
}

/* Loads the configuration and opens the printer; *ret_cfg is the caller's to free. */
static int open_printer(const struct opts *o, struct dev_sink *sink, struct clock *clock,
			struct config **ret_cfg, struct dev **ret)
{
	/* struct config is large (fonts, calendars): keep it off the stack. */
	struct config *cfg = calloc(1, sizeof(*cfg));
	enum kerr e;

	*ret_cfg = cfg;
	if (!cfg)
		return kioskctl_fail("out of memory");
	if (kioskctl_conf_load(&o->conf, cfg) != KERR_OK)
		return KIOSKCTL_FAILED;
	clock_init_real(clock);
	e = receipt_open(&cfg->dev[DEV_RECEIPT], sink, clock, ret);
	if (e != KERR_OK)
		return kioskctl_fail("打印机无法打开 / cannot open receipt backend \"%s\": %s",
				     cfg->dev[DEV_RECEIPT].backend,
				     e == KERR_INVAL ? "unknown backend or bad setting"
						     : kerr_str(e));
	return KIOSKCTL_OK;
}

static void show_status(FILE *f, const struct config *cfg, const struct dev_status *st)
{
	fprintf(f, "%-10s %s\n", "backend", cfg->dev[DEV_RECEIPT].backend);
	fprintf(f, "%-10s %s\n", "state", dev_state_str(st->state));
	fprintf(f, "%-10s %s\n", "fault", st->fault ? kerr_str(st->fault) : "-");
	fprintf(f, "%-10s %s\n", "paper", st->paper_near_end ? "near end" : "ok");
	fprintf(f, "%-10s %s\n", "detail", st->detail);
}

/* Says why the printer cannot print now and returns KIOSKCTL_FAILED; KIOSKCTL_OK when it can. */
static int unusable(const struct dev_status *st)
{
	if (st->state == DEV_STATE_ABSENT)
		return kioskctl_fail("%s (%s)", explain(KERR_NO_DEVICE), st->detail);
	if (st->state == DEV_STATE_FAULT)
		return kioskctl_fail("打印机故障 / printer fault: %s (%s)", explain(st->fault),
				     st->detail);
	return KIOSKCTL_OK;
}

static int cmd_status(int argc, char **argv)
{
	struct opts o = {.timeout_s = 5};
	struct outcome out = {0};
	struct dev_sink sink = {post, &out};
	struct config *cfg = NULL;
	struct clock clock;
	struct dev *d = NULL;
	int rc = parse(argc, argv, &o, "status");

	if (rc != KIOSKCTL_OK)
		return rc;
	rc = open_printer(&o, &sink, &clock, &cfg, &d);
	if (rc == KIOSKCTL_OK) {
		dev_get_status(d, &out.status);
		if (!wait_for(d, &clock, &out, clock_now_ms(&clock) + o.timeout_s * 1000, looked))
			fprintf(stderr, "kioskctl: no news from the printer within %ld s\n",
				o.timeout_s);
		dev_get_status(d, &out.status);
		show_status(stdout, cfg, &out.status);
		rc = unusable(&out.status);
		if (rc == KIOSKCTL_OK && out.status.paper_near_end)
			fprintf(stderr, "纸卷将尽 / paper near end: load a new roll soon\n");
	}
	dev_destroy(d);
	free(cfg);
	return rc;
}

/* The test slip: what a technician checks by eye (alignment, bold, sizes, Chinese, QR, cut). */
static enum kerr test_slip(struct receipt_build *b, const struct config *cfg)
{
	struct clock c;
	int y, mo, dd, h, mi, s, wd;

	clock_init_real(&c);
	clock_local(clock_wall_ms(&c), &y, &mo, &dd, &h, &mi, &s, &wd);
	receipt_build_init(b);
	receipt_build_add(b, RECEIPT_TEXT, RECEIPT_CENTER, true, 2, "打印测试");
	receipt_build_add(b, RECEIPT_TEXT, RECEIPT_CENTER, false, 1, "Receipt printer test");
	receipt_build_add(b, RECEIPT_RULE, RECEIPT_LEFT, false, 1, NULL);
	receipt_build_add(b, RECEIPT_TEXT, RECEIPT_LEFT, false, 1, "终端 terminal: %s",
			  cfg->terminal_id);
	receipt_build_add(b, RECEIPT_TEXT, RECEIPT_LEFT, false, 1, "%s", cfg->hall);
	receipt_build_add(b, RECEIPT_TEXT, RECEIPT_LEFT, false, 1,
			  "时间 time: %04d-%02d-%02d %02d:%02d:%02d", y, mo, dd, h, mi, s);
	receipt_build_add(b, RECEIPT_TEXT, RECEIPT_LEFT, true, 1,
			  "中文：政务服务 7x24 自助服务终端");
	receipt_build_add(b, RECEIPT_TEXT, RECEIPT_LEFT, false, 1,
			  "0123456789 ABCDEFGHIJKLMNOPQRSTUVWXYZ abcdefghijklmnopqrstuvwxyz");
	receipt_build_add(b, RECEIPT_TEXT, RECEIPT_RIGHT, false, 1, "右对齐 right");
	receipt_build_add(b, RECEIPT_QR, RECEIPT_CENTER, false, 1, "KIOSK-TEST:%s",
			  cfg->terminal_id);
	return b->err;
}

static int cmd_test(int argc, char **argv)
{
	struct opts o = {.timeout_s = 60};
	struct outcome out = {0};
	struct dev_sink sink = {post, &out};
	struct config *cfg = NULL;
	struct receipt_build *b = NULL;
	struct receipt_doc doc;
	struct clock clock;
	struct dev *d = NULL;
	int64_t end;
	enum kerr e;
	int rc = parse(argc, argv, &o, "test");

	if (rc != KIOSKCTL_OK)
		return rc;
	rc = open_printer(&o, &sink, &clock, &cfg, &d);
	if (rc != KIOSKCTL_OK)
		goto out;
	end = clock_now_ms(&clock) + o.timeout_s * 1000;
	dev_get_status(d, &out.status);
	wait_for(d, &clock, &out, end, looked);
	dev_get_status(d, &out.status);
	/* A printer in fault is still asked: the job's own check says what is wrong now. */
	if (out.status.state == DEV_STATE_ABSENT) {
		rc = unusable(&out.status);
		goto out;
	}
	b = calloc(1, sizeof(*b));
	if (!b) {
		rc = kioskctl_fail("out of memory");
		goto out;
	}
	e = test_slip(b, cfg);
	if (e == KERR_OK)
		e = receipt_build_doc(b, &doc);
	if (e == KERR_OK)
		e = receipt_print(d, &doc, &out.job);
	if (e != KERR_OK) {
		rc = kioskctl_fail("测试页未打印 / test slip not printed: %s", explain(e));
		goto out;
	}
	if (!wait_for(d, &clock, &out, end, job_over)) {
		rc = kioskctl_fail("%ld 秒内未打印完 / not done within %ld s", o.timeout_s,
				   o.timeout_s);
		goto out;
	}
	dev_get_status(d, &out.status);
	if (out.err != KERR_OK) {
		rc = kioskctl_fail("测试页打印失败 / test slip failed: %s (%s)", explain(out.err),
				   out.status.detail);
		goto out;
	}
	printf("测试页已打印 / test slip printed (job %d)\n", out.job);
	if (out.status.paper_near_end)
		fprintf(stderr, "纸卷将尽 / paper near end: load a new roll soon\n");
out:
	if (b)
		receipt_build_finish(b);
	free(b);
	dev_destroy(d);
	free(cfg);
	return rc;
}

static const struct kioskctl_cmd cmds[] = {
	{"status", cmd_status,
	 "status [--config FILE] [--set KEY=VALUE]... [--timeout SECONDS]\n"
	 "        the configured printer's state: ready, paper near end, or what is wrong"},
	{"test", cmd_test,
	 "test [--config FILE] [--set KEY=VALUE]... [--timeout SECONDS]\n"
	 "        print a test slip (Chinese text, sizes, QR code, cut) and wait until it is out"},
};

static int run(int argc, char **argv)
{
	return kioskctl_dispatch("receipt", cmds, sizeof(cmds) / sizeof(cmds[0]), argc, argv);
}

const struct kioskctl_group kioskctl_receipt = {
	.name = "receipt",
	.summary = "the receipt printer: its status, a test slip",
	.run = run,
};
