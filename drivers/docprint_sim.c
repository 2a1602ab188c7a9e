/* Backend "sim" of the A4 printer: takes a PDF as a spooler would (checked, copied), finishes it
 * after the configured latency, and fails jobs the way paper-out, an open cover or a jam would. */
#include "common/log.h"
#include "drivers/docprint.h"
#include "drivers/sim.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SLOW_MS 3000
/* Kiosk documents are forms of a few pages; a bigger file is a mistake, not a job. */
#define PDF_MAX (32L * 1024 * 1024)

struct docprint_sim {
	struct dev dev; /* first: the class layer casts */
	bool plugged;
	bool slow;
	bool paper_out;
	bool cover_open;
	bool jam;    /* armed: the next job jams */
	bool jammed; /* it did: stays jammed until cleared */
	int latency_ms;
	char path[sizeof(((struct dev_config *)0)->path)];
	int next_job;
	/* the job in progress */
	bool busy;
	int job;
	enum kerr early; /* the printer refused the job before starting */
	int64_t done_at;
	char title[128];
};

static enum kerr printer_fault(const struct docprint_sim *s, const char **detail)
{
	if (s->cover_open) {
		*detail = "cover-open";
		return KERR_COVER_OPEN;
	}
	if (s->paper_out) {
		*detail = "media-empty";
		return KERR_PAPER_OUT;
	}
	if (s->jammed) {
		*detail = "media-jam";
		return KERR_JAMMED;
	}
	*detail = "idle";
	return KERR_OK;
}

static void refresh(struct docprint_sim *s)
{
	const char *detail = "unplugged";
	enum kerr fault = KERR_NO_DEVICE;
	enum dev_state state = DEV_STATE_ABSENT;

	if (s->plugged) {
		fault = printer_fault(s, &detail);
		if (fault != KERR_OK)
			state = DEV_STATE_FAULT;
		else
			state = s->busy ? DEV_STATE_BUSY : DEV_STATE_READY;
	}
	dev_set_status(&s->dev, state, fault, detail);
}

/* Reads the whole file, which must be a PDF. Errors: NOT_FOUND, INVAL, NOMEM, IO. */
static enum kerr load_pdf(const char *path, unsigned char **ret, size_t *ret_len)
{
	FILE *f = fopen(path, "rb");
	unsigned char *buf = NULL;
	enum kerr e = KERR_OK;
	long n;

	if (!f)
		return KERR_NOT_FOUND;
	if (fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) != 0) {
		e = KERR_IO;
		goto out;
	}
	if (n < 5 || n > PDF_MAX) {
		e = KERR_INVAL;
		goto out;
	}
	buf = malloc((size_t)n);
	if (!buf) {
		e = KERR_NOMEM;
		goto out;
	}
	if (fread(buf, 1, (size_t)n, f) != (size_t)n) {
		e = KERR_IO;
		goto out;
	}
	if (memcmp(buf, "%PDF-", 5) != 0) {
		e = KERR_INVAL;
		goto out;
	}
	*ret = buf;
	*ret_len = (size_t)n;
	buf = NULL;
out:
	free(buf);
	fclose(f);
	return e;
}

static enum kerr sim_print_pdf(struct dev *d, const char *path, const char *title, int *ret_job)
{
	struct docprint_sim *s = (struct docprint_sim *)d;
	int64_t now = clock_now_ms(d->clock);
	unsigned char *pdf = NULL;
	const char *detail;
	char name[32];
	size_t len = 0;
	enum kerr e;

	if (!s->plugged)
		return KERR_NO_DEVICE;
	if (s->busy)
		return KERR_BUSY;
	e = load_pdf(path, &pdf, &len);
	if (e == KERR_NOT_FOUND)
		e = KERR_INVAL;
	if (e != KERR_OK)
		return e;
	s->early = printer_fault(s, &detail);
	if (s->early == KERR_OK) {
		snprintf(name, sizeof(name), "job-%d.pdf", s->next_job + 1);
		e = sim_spool(s->path, name, pdf, len);
	}
	explicit_bzero(pdf, len);
	free(pdf);
	if (e != KERR_OK)
		return e;
	s->job = ++s->next_job;
	s->busy = true;
	s->done_at = s->early == KERR_OK ? now + (s->slow ? SLOW_MS : s->latency_ms) : now;
	snprintf(s->title, sizeof(s->title), "%s", title);
	refresh(s);
	*ret_job = s->job;
	return KERR_OK;
}

static void sim_poll(struct dev *d, int64_t now)
{
	struct docprint_sim *s = (struct docprint_sim *)d;
	const char *detail;
	enum kerr e;

	if (!s->busy || now < s->done_at)
		return;
	if (s->early == KERR_OK && s->jam)
		s->jammed = true;
	e = s->early != KERR_OK ? s->early : printer_fault(s, &detail);
	s->busy = false;
	refresh(s);
	log_debug("docprint sim: job %d %s", s->job, kerr_str(e));
	dev_post(d, DEV_EV_PRINT_DONE, e, s->job, NULL, NULL);
}

static int64_t sim_next_deadline(struct dev *d)
{
	struct docprint_sim *s = (struct docprint_sim *)d;

	return s->busy ? s->done_at : INT64_MAX;
}

static enum kerr sim_control(struct dev *d, const char *cmd)
{
	struct docprint_sim *s = (struct docprint_sim *)d;
	bool on, cut;

	log_debug("docprint sim: %s", cmd);
	if (sim_match_switch(cmd, "fault paper-out", &on)) {
		s->paper_out = on;
	} else if (sim_match_switch(cmd, "fault cover", &on)) {
		s->cover_open = on;
	} else if (sim_match_switch(cmd, "fault jam", &on)) {
		s->jam = on;
		s->jammed = false;
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
	free(d);
}

static const struct docprint_ops sim_ops = {
	.base = {
		.name = "docprint-sim",
		.cls = DEV_DOCPRINT,
		.destroy = sim_destroy,
		.poll = sim_poll,
		.next_deadline = sim_next_deadline,
		.control = sim_control,
	},
	.print_pdf = sim_print_pdf,
};

enum kerr docprint_sim_open(const struct dev_config *cfg, const struct dev_sink *sink,
			    struct clock *clock, struct dev **ret)
{
	struct docprint_sim *s = calloc(1, sizeof(*s));

	if (!s)
		return KERR_NOMEM;
	dev_init(&s->dev, &sim_ops.base, sink, clock);
	s->plugged = true;
	s->latency_ms = cfg->latency_ms > 0 ? cfg->latency_ms : 0;
	snprintf(s->path, sizeof(s->path), "%s", cfg->path);
	snprintf(s->dev.status.detail, sizeof(s->dev.status.detail), "idle");
	*ret = &s->dev;
	return KERR_OK;
}
