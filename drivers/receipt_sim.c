/* Backend "sim" of the receipt printer: jobs become real ESC/POS bytes and are spooled; a simulated
 * printer answers real DLE EOT requests, decoded as a real printer's replies are, and prints by
 * interpreting the bytes it received: job-N.png beside job-N.bin in a spool folder is its paper. */
#include "common/log.h"
#include "drivers/escpos.h"
#include "drivers/escpos_job.h"
#include "drivers/receipt_png.h"
#include "drivers/receipt.h"
#include "drivers/sim.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SLOW_MS 3000

/* The printer's side: what it knows about itself, reported only through status bytes. */
struct printer {
	bool paper_out;
	bool near_end;
	bool cover_open;
	bool mid_job; /* armed: the roll runs out during the next job */
	bool ran_out; /* it did: out of paper until refilled */
};

struct receipt_sim {
	struct dev dev; /* first: the class layer casts */
	struct printer prn;
	bool plugged;
	bool slow;
	int latency_ms;
	char path[sizeof(((struct dev_config *)0)->path)];
	int next_job;
	/* the job in progress */
	bool busy;
	bool sent; /* its bytes reached the printer (the status was fine before it) */
	int job;
	enum kerr early; /* the status before the job forbade it */
	int64_t done_at;
	/* the last job the printer received */
	uint8_t *last;
	size_t last_len;
	int last_job;
};

/* The printer answering one real-time request: 10 04 n in, one status byte out. */
static enum kerr printer_answer(const struct printer *p, const uint8_t *req, size_t n, uint8_t *ret)
{
	bool out = p->paper_out || p->ran_out;
	struct escpos_status st = {
		.offline = out || p->cover_open,
		.cover_open = p->cover_open,
		.paper_stop = out,
		.paper_near_end = p->near_end || out,
		.paper_end = out,
	};

	if (n != 3 || req[0] != 0x10 || req[1] != 0x04)
		return KERR_PROTO;
	return escpos_status_encode(req[2], &st, ret);
}

/* Asks the printer for all four status bytes, as a USB backend does over bulk OUT and IN. */
static enum kerr query(const struct receipt_sim *s, struct escpos_status *ret)
{
	struct escpos_status st;
	enum kerr e = KERR_OK;

	memset(&st, 0, sizeof(st));
	for (int n = 1; n <= 4 && e == KERR_OK; n++) {
		struct escpos req;
		uint8_t b = 0;

		escpos_init(&req, 8);
		escpos_status_request(&req, n);
		e = req.err;
		if (e == KERR_OK)
			e = printer_answer(&s->prn, req.data, req.len, &b);
		if (e == KERR_OK)
			e = escpos_status_decode(n, b, &st);
		escpos_finish(&req);
	}
	if (e == KERR_OK)
		*ret = st;
	return e;
}

static enum kerr check(const struct receipt_sim *s, bool *near_end, const char **detail)
{
	struct escpos_status st;
	enum kerr e = query(s, &st);

	if (e != KERR_OK) {
		*detail = "status unreadable";
		*near_end = false;
		return e;
	}
	*near_end = st.paper_near_end && !st.paper_end;
	return escpos_status_fault(&st, detail);
}

/* Brings the device status in line with the printer's; DEV_EV_STATUS when anything changed. */
static void refresh(struct receipt_sim *s)
{
	struct dev_status *cur = &s->dev.status;
	const char *detail = "unplugged";
	enum dev_state state = DEV_STATE_ABSENT;
	enum kerr fault = KERR_NO_DEVICE;
	bool near = false;

	if (s->plugged) {
		fault = check(s, &near, &detail);
		if (fault != KERR_OK)
			state = DEV_STATE_FAULT;
		else
			state = s->busy ? DEV_STATE_BUSY : DEV_STATE_READY;
	}
	if (cur->state == state && cur->fault == fault && cur->paper_near_end != near) {
		cur->paper_near_end = near;
		snprintf(cur->detail, sizeof(cur->detail), "%s", detail);
		dev_post(&s->dev, DEV_EV_STATUS, fault, 0, NULL, NULL);
		return;
	}
	cur->paper_near_end = near;
	dev_set_status(&s->dev, state, fault, detail);
}

static void keep_last(struct receipt_sim *s, const struct escpos *e, int job)
{
	uint8_t *copy = malloc(e->len);

	if (s->last) {
		explicit_bzero(s->last, s->last_len);
		free(s->last);
	}
	s->last = copy;
	s->last_len = copy ? e->len : 0;
	s->last_job = copy ? job : 0;
	if (copy)
		memcpy(copy, e->data, e->len);
}

/* The printer's side of a job: it reads the bytes as any ESC/POS printer would and puts the paper
 * out as a PNG when there is a spool folder to put it in. Bytes it cannot read fail the job. */
static enum kerr printer_print(const struct receipt_sim *s, const struct escpos *e, int job)
{
	struct escpos_job paper;
	char name[32], png[sizeof(s->path) + sizeof(name)];
	enum kerr err = escpos_job_parse(e->data, e->len, &paper);

	if (err == KERR_FULL || err == KERR_UNSUPPORTED)
		err = KERR_PROTO;
	snprintf(name, sizeof(name), "job-%d.png", job);
	if (err == KERR_OK && sim_spool_name(s->path, name, png, sizeof(png)) == KERR_OK)
		err = receipt_png_write(&paper, png);
	escpos_job_finish(&paper);
	return err;
}

static enum kerr sim_print(struct dev *d, const struct receipt_doc *doc, int *ret_job)
{
	struct receipt_sim *s = (struct receipt_sim *)d;
	int64_t now = clock_now_ms(d->clock);
	const char *detail;
	struct escpos e;
	char name[32];
	bool near;
	enum kerr err;

	if (!s->plugged)
		return KERR_NO_DEVICE;
	if (s->busy)
		return KERR_BUSY;
	escpos_init(&e, ESCPOS_DEFAULT_MAX);
	err = escpos_render_receipt(&e, doc);
	if (err != KERR_OK)
		goto out;
	/* Cheap printers take a job with no paper and report success: ask first. */
	s->early = check(s, &near, &detail);
	s->sent = s->early == KERR_OK;
	if (s->sent) {
		snprintf(name, sizeof(name), "job-%d.bin", s->next_job + 1);
		err = sim_spool(s->path, name, e.data, e.len);
		if (err == KERR_OK)
			err = printer_print(s, &e, s->next_job + 1);
		if (err != KERR_OK)
			goto out;
		keep_last(s, &e, s->next_job + 1);
	}
	s->job = ++s->next_job;
	s->busy = true;
	s->done_at = s->sent ? now + (s->slow ? SLOW_MS : s->latency_ms) : now;
	refresh(s);
	*ret_job = s->job;
out:
	escpos_finish(&e);
	return err;
}

static void sim_poll(struct dev *d, int64_t now)
{
	struct receipt_sim *s = (struct receipt_sim *)d;
	const char *detail;
	enum kerr err;
	bool near;

	if (!s->busy || now < s->done_at)
		return;
	if (s->sent && s->prn.mid_job)
		s->prn.ran_out = true;
	/* And ask again after: a job that ran out of paper half way is not a success. */
	err = s->sent ? check(s, &near, &detail) : s->early;
	s->busy = false;
	refresh(s);
	log_debug("receipt sim: job %d %s", s->job, kerr_str(err));
	dev_post(d, DEV_EV_PRINT_DONE, err, s->job, NULL, NULL);
}

static int64_t sim_next_deadline(struct dev *d)
{
	struct receipt_sim *s = (struct receipt_sim *)d;

	return s->busy ? s->done_at : INT64_MAX;
}

static enum kerr sim_control(struct dev *d, const char *cmd)
{
	struct receipt_sim *s = (struct receipt_sim *)d;
	bool on, cut;

	log_debug("receipt sim: %s", cmd);
	if (sim_match_switch(cmd, "fault paper-out", &on)) {
		s->prn.paper_out = on;
		/* Refilled or emptied: either way the roll is now what the switch says. */
		s->prn.ran_out = false;
	} else if (sim_match_switch(cmd, "fault near-end", &on)) {
		s->prn.near_end = on;
	} else if (sim_match_switch(cmd, "fault cover", &on)) {
		s->prn.cover_open = on;
	} else if (sim_match_switch(cmd, "fault paper-out-mid-job", &on)) {
		s->prn.mid_job = on;
		if (!on)
			s->prn.ran_out = false;
	} else if (sim_match_switch(cmd, "slow", &on)) {
		s->slow = on;
		return KERR_OK;
	} else if (sim_plug_command(cmd, &s->plugged, &s->busy, &cut)) {
		refresh(s);
		if (cut)
			dev_post(d, DEV_EV_PRINT_DONE, KERR_NO_DEVICE, s->job, NULL, NULL);
		return KERR_OK;
	} else {
		return KERR_INVAL;
	}
	if (s->plugged)
		refresh(s);
	return KERR_OK;
}

static void sim_destroy(struct dev *d)
{
	struct receipt_sim *s = (struct receipt_sim *)d;

	if (s->last) {
		explicit_bzero(s->last, s->last_len);
		free(s->last);
	}
	free(s);
}

static const struct receipt_ops sim_ops = {
	.base = {
		.name = "receipt-sim",
		.cls = DEV_RECEIPT,
		.destroy = sim_destroy,
		.poll = sim_poll,
		.next_deadline = sim_next_deadline,
		.control = sim_control,
	},
	.print = sim_print,
};

enum kerr receipt_sim_open(const struct dev_config *cfg, const struct dev_sink *sink,
			   struct clock *clock, struct dev **ret)
{
	struct receipt_sim *s = calloc(1, sizeof(*s));

	if (!s)
		return KERR_NOMEM;
	dev_init(&s->dev, &sim_ops.base, sink, clock);
	s->plugged = true;
	s->latency_ms = cfg->latency_ms > 0 ? cfg->latency_ms : 0;
	snprintf(s->path, sizeof(s->path), "%s", cfg->path);
	snprintf(s->dev.status.detail, sizeof(s->dev.status.detail), "ready");
	*ret = &s->dev;
	return KERR_OK;
}

enum kerr receipt_sim_get_last_job(const struct dev *d, const uint8_t **ret_data, size_t *ret_len,
				   int *ret_job)
{
	const struct receipt_sim *s = (const struct receipt_sim *)d;

	if (!d || d->ops != &sim_ops.base)
		return KERR_INVAL;
	if (!s->last)
		return KERR_NOT_FOUND;
	*ret_data = s->last;
	*ret_len = s->last_len;
	*ret_job = s->last_job;
	return KERR_OK;
}
