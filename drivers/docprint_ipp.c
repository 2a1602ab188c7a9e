/* Backend "ipp" of the A4 printer: PDF jobs through libcups to an ipp:// URI (IPP Everywhere, no
 * cupsd needed) or a CUPS queue, followed to their end, with the printer's state polled into the
 * device status. libcups blocks, so a worker thread does all of it and posts events; the UI thread
 * only queues jobs and copies the status the worker publishes. */
#include "drivers/docprint.h"
#include "drivers/docprint_ipp.h"
#include "drivers/ipp_status.h"

#include <cups/cups.h>
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define CONNECT_MS 5000
#define REQUEST_S 10.0	      /* any one IPP request */
#define IDLE_POLL_MS 2000     /* printer state while idle */
#define FOLLOW_MS 250	      /* job state while printing */
#define JOB_TIMEOUT_MS 120000 /* a kiosk document that has not printed by then will not */
#define CHUNK 65536

struct docprint_ipp {
	struct dev dev; /* first: the class layer casts. Its status is the UI thread's copy */
	char target[sizeof(((struct dev_config *)0)->path)];
	pthread_t thread;
	bool started;
	pthread_mutex_t lock;
	pthread_cond_t wake;
	/* shared, under lock */
	bool stop;
	bool queued; /* a job waits for the worker */
	bool busy;   /* the worker is on a job */
	int job, next_job;
	char pdf[PATH_MAX];
	char title[128];
	struct dev_status shared; /* the status the worker last saw */
	/* the worker's own */
	cups_dest_t *dest;
	cups_dinfo_t *dinfo;
	http_t *http;
	char resource[256];
	int cancel; /* libcups' cancel flag for connecting; never set: the connect timeout bounds it
		     */
	char errmsg[160]; /* libcups' words for the last failure */
};

/* The one place libcups' codes become ours. */
static enum kerr from_ipp(ipp_status_t s)
{
	switch (s) {
	case IPP_STATUS_OK:
	case IPP_STATUS_OK_IGNORED_OR_SUBSTITUTED:
	case IPP_STATUS_OK_CONFLICTING:
		return KERR_OK;
	case IPP_STATUS_ERROR_SERVICE_UNAVAILABLE:
	case IPP_STATUS_ERROR_NOT_FOUND:
	case IPP_STATUS_ERROR_GONE:
		return KERR_NO_DEVICE;
	case IPP_STATUS_ERROR_NOT_ACCEPTING_JOBS:
	case IPP_STATUS_ERROR_BUSY:
		return KERR_BUSY;
	case IPP_STATUS_ERROR_TIMEOUT:
		return KERR_TIMEOUT;
	case IPP_STATUS_ERROR_DOCUMENT_FORMAT_NOT_SUPPORTED:
	case IPP_STATUS_ERROR_OPERATION_NOT_SUPPORTED:
		return KERR_UNSUPPORTED;
	case IPP_STATUS_ERROR_FORBIDDEN:
	case IPP_STATUS_ERROR_NOT_AUTHENTICATED:
	case IPP_STATUS_ERROR_NOT_AUTHORIZED:
		return KERR_PERM;
	case IPP_STATUS_ERROR_BAD_REQUEST:
	case IPP_STATUS_ERROR_ATTRIBUTES_OR_VALUES:
	case IPP_STATUS_ERROR_DOCUMENT_FORMAT_ERROR:
		return KERR_PROTO;
	default:
		return KERR_IO;
	}
}

static enum kerr last_error(struct docprint_ipp *s)
{
	snprintf(s->errmsg, sizeof(s->errmsg), "%s", cupsLastErrorString());
	return from_ipp(cupsLastError());
}

/* Copies the worker's view into the shared status and posts an event carrying it. Worker only. */
static void publish(struct docprint_ipp *s, enum dev_event_type type, enum kerr err, int value,
		    enum dev_state state, enum kerr fault, bool near_end, const char *detail)
{
	struct dev_event ev = { .cls = DEV_DOCPRINT, .type = type, .err = err, .value = value };
	bool changed;

	pthread_mutex_lock(&s->lock);
	if (state == DEV_STATE_READY && (s->busy || s->queued))
		state = DEV_STATE_BUSY;
	changed = s->shared.state != state || s->shared.fault != fault ||
		  s->shared.paper_near_end != near_end;
	s->shared.state = state;
	s->shared.fault = fault;
	s->shared.paper_near_end = near_end;
	snprintf(s->shared.detail, sizeof(s->shared.detail), "%s", detail);
	ev.status = s->shared;
	pthread_mutex_unlock(&s->lock);
	if (type != DEV_EV_STATUS || changed)
		s->dev.sink.post(s->dev.sink.ctx, &ev);
}

static void disconnect(struct docprint_ipp *s)
{
	if (s->http)
		httpClose(s->http);
	s->http = NULL;
	cupsFreeDestInfo(s->dinfo);
	s->dinfo = NULL;
}

static bool direct(const struct docprint_ipp *s)
{
	return strncmp(s->target, "ipp://", 6) == 0 || strncmp(s->target, "ipps://", 7) == 0;
}

static enum kerr connect_printer(struct docprint_ipp *s)
{
	if (s->http)
		return KERR_OK;
	if (!s->dest) {
		if (direct(s))
			s->dest = cupsGetDestWithURI(NULL, s->target);
		else
			s->dest = cupsGetNamedDest(CUPS_HTTP_DEFAULT, s->target, NULL);
		if (!s->dest) {
			snprintf(s->errmsg, sizeof(s->errmsg), "no printer %.120s", s->target);
			return KERR_NO_DEVICE;
		}
	}
	/* A dest made from a URI names the printer in device-uri: connect to the device itself. */
	s->http = cupsConnectDest(
		s->dest, direct(s) ? CUPS_DEST_FLAGS_DEVICE : CUPS_DEST_FLAGS_NONE, CONNECT_MS,
		&s->cancel, s->resource, sizeof(s->resource), NULL, NULL);
	if (!s->http) {
		snprintf(s->errmsg, sizeof(s->errmsg), "cannot connect to %.120s", s->target);
		return KERR_NO_DEVICE;
	}
	httpSetTimeout(s->http, REQUEST_S, NULL, NULL);
	s->dinfo = cupsCopyDestInfo(s->http, s->dest);
	if (!s->dinfo) {
		enum kerr e = last_error(s);

		disconnect(s);
		return e == KERR_OK ? KERR_NO_DEVICE : e;
	}
	return KERR_OK;
}

static const char *printer_uri(const struct docprint_ipp *s)
{
	const char *uri = cupsGetOption(direct(s) ? "device-uri" : "printer-uri-supported",
					s->dest->num_options, s->dest->options);

	return uri ? uri : s->target;
}

/* One Get-Printer-Attributes, or Get-Job-Attributes when job > 0. */
static enum kerr ask(struct docprint_ipp *s, int job, struct ipp_status *ret)
{
	static const char *const printer_attrs[] = { "printer-state", "printer-state-reasons" };
	static const char *const job_attrs[] = { "job-state", "job-state-reasons" };
	ipp_t *req =
		ippNewRequest(job > 0 ? IPP_OP_GET_JOB_ATTRIBUTES : IPP_OP_GET_PRINTER_ATTRIBUTES);
	ipp_t *resp;
	enum kerr e;

	ippAddString(req, IPP_TAG_OPERATION, IPP_TAG_URI, "printer-uri", NULL, printer_uri(s));
	if (job > 0)
		ippAddInteger(req, IPP_TAG_OPERATION, IPP_TAG_INTEGER, "job-id", job);
	ippAddString(req, IPP_TAG_OPERATION, IPP_TAG_NAME, "requesting-user-name", NULL,
		     cupsUser());
	ippAddStrings(req, IPP_TAG_OPERATION, IPP_TAG_KEYWORD, "requested-attributes", 2, NULL,
		      job > 0 ? job_attrs : printer_attrs);
	resp = cupsDoRequest(s->http, req, s->resource);
	e = last_error(s);
	if (e == KERR_OK)
		e = ipp_status_read(resp, ret);
	ippDelete(resp);
	if (e == KERR_NO_DEVICE || e == KERR_IO)
		disconnect(s);
	return e;
}

static enum kerr printer_status(struct docprint_ipp *s, struct ipp_status *ret)
{
	enum kerr e = connect_printer(s);

	if (e == KERR_OK)
		e = ask(s, 0, ret);
	return e;
}

/* Polls the printer and publishes what it says. Returns the printer's fault, or why it could not
 * be asked. */
static enum kerr refresh(struct docprint_ipp *s)
{
	struct ipp_status st;
	enum kerr e = printer_status(s, &st);

	if (e != KERR_OK) {
		publish(s, DEV_EV_STATUS, KERR_OK, 0, DEV_STATE_ABSENT, KERR_NO_DEVICE, false,
			s->errmsg);
		return e == KERR_IO ? KERR_NO_DEVICE : e;
	}
	publish(s, DEV_EV_STATUS, KERR_OK, 0, st.fault ? DEV_STATE_FAULT : DEV_STATE_READY,
		st.fault, st.near_end, st.detail[0] ? st.detail : "idle");
	return st.fault;
}

/* Sends the file as the job's one document. */
static enum kerr send_document(struct docprint_ipp *s, int ipp_job, const char *path,
			       const char *title)
{
	char *buf = NULL;
	FILE *f = fopen(path, "rb");
	enum kerr e = KERR_OK;
	size_t n;

	if (!f)
		return KERR_NOT_FOUND;
	buf = malloc(CHUNK);
	if (!buf) {
		fclose(f);
		return KERR_NOMEM;
	}
	if (cupsStartDestDocument(s->http, s->dest, s->dinfo, ipp_job, title, CUPS_FORMAT_PDF, 0,
				  NULL, 1) != HTTP_STATUS_CONTINUE) {
		e = last_error(s);
		goto out;
	}
	while ((n = fread(buf, 1, CHUNK, f)) > 0)
		if (cupsWriteRequestData(s->http, buf, n) != HTTP_STATUS_CONTINUE) {
			e = KERR_IO;
			break;
		}
	if (ferror(f))
		e = KERR_IO;
	/* Finish even after a failed write: it reads the printer's answer and frees the request. */
	if (from_ipp(cupsFinishDestDocument(s->http, s->dest, s->dinfo)) != KERR_OK && e == KERR_OK)
		e = last_error(s);
out:
	free(buf);
	fclose(f);
	return e;
}

static bool stopping(struct docprint_ipp *s)
{
	bool stop;

	pthread_mutex_lock(&s->lock);
	stop = s->stop;
	pthread_mutex_unlock(&s->lock);
	return stop;
}

static void nap(struct docprint_ipp *s, int ms)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	t.tv_sec += ms / 1000;
	t.tv_nsec += (long)(ms % 1000) * 1000000L;
	if (t.tv_nsec >= 1000000000L) {
		t.tv_sec++;
		t.tv_nsec -= 1000000000L;
	}
	pthread_mutex_lock(&s->lock);
	if (!s->stop && !s->queued)
		pthread_cond_timedwait(&s->wake, &s->lock, &t);
	pthread_mutex_unlock(&s->lock);
}

/* Waits for the job's end. A printer that stops for paper, a jam or an open cover keeps the job
 * until a person comes: the job is cancelled instead, so a print offered again later is the only
 * copy that comes out. */
static enum kerr follow(struct docprint_ipp *s, int ipp_job)
{
	for (int waited = 0; waited < JOB_TIMEOUT_MS; waited += FOLLOW_MS) {
		struct ipp_status job;
		enum kerr fault;
		enum kerr e = ask(s, ipp_job, &job);

		if (e != KERR_OK)
			return e;
		if (job.job_state == IPP_JSTATE_COMPLETED)
			return KERR_OK;
		if (job.job_state == IPP_JSTATE_CANCELED)
			return KERR_CANCELLED;
		if (job.job_state == IPP_JSTATE_ABORTED) {
			fault = refresh(s);
			return fault != KERR_OK ? fault : KERR_IO;
		}
		fault = refresh(s);
		if (fault != KERR_OK || stopping(s)) {
			cupsCancelDestJob(s->http, s->dest, ipp_job);
			return stopping(s) ? KERR_CANCELLED : fault;
		}
		nap(s, FOLLOW_MS);
	}
	cupsCancelDestJob(s->http, s->dest, ipp_job);
	return KERR_TIMEOUT;
}

static enum kerr run_job(struct docprint_ipp *s, const char *path, const char *title)
{
	enum kerr e = refresh(s);
	int ipp_job = 0;

	/* Asked first: a printer with no paper would take the job and hold it. */
	if (e != KERR_OK)
		return e;
	if (cupsCreateDestJob(s->http, s->dest, s->dinfo, &ipp_job, title, 0, NULL) !=
	    IPP_STATUS_OK)
		return last_error(s);
	e = send_document(s, ipp_job, path, title);
	if (e != KERR_OK) {
		cupsCancelDestJob(s->http, s->dest, ipp_job);
		return e;
	}
	return follow(s, ipp_job);
}

static void *worker(void *arg)
{
	struct docprint_ipp *s = arg;
	char path[PATH_MAX], title[128];

	refresh(s);
	pthread_mutex_lock(&s->lock);
	while (!s->stop) {
		struct dev_status after;
		int job;
		enum kerr e;

		if (!s->queued) {
			pthread_mutex_unlock(&s->lock);
			nap(s, IDLE_POLL_MS);
			if (!stopping(s))
				refresh(s);
			pthread_mutex_lock(&s->lock);
			continue;
		}
		s->queued = false;
		s->busy = true;
		job = s->job;
		memcpy(path, s->pdf, sizeof(path));
		memcpy(title, s->title, sizeof(title));
		pthread_mutex_unlock(&s->lock);
		e = run_job(s, path, title);
		pthread_mutex_lock(&s->lock);
		s->busy = false;
		pthread_mutex_unlock(&s->lock);
		/* The status after the job, then its end: the receiver sees the fault first. */
		if (e != KERR_NO_DEVICE)
			refresh(s);
		pthread_mutex_lock(&s->lock);
		after = s->shared;
		pthread_mutex_unlock(&s->lock);
		publish(s, DEV_EV_PRINT_DONE, e, job,
			after.state == DEV_STATE_BUSY ? DEV_STATE_READY : after.state, after.fault,
			after.paper_near_end, after.detail);
		pthread_mutex_lock(&s->lock);
	}
	pthread_mutex_unlock(&s->lock);
	disconnect(s);
	return NULL;
}

static bool is_pdf(const char *path)
{
	char head[5];
	FILE *f = fopen(path, "rb");
	bool ok = f && fread(head, 1, 5, f) == 5 && memcmp(head, "%PDF-", 5) == 0;

	if (f)
		fclose(f);
	return ok;
}

static enum kerr ipp_print_pdf(struct dev *d, const char *path, const char *title, int *ret_job)
{
	struct docprint_ipp *s = (struct docprint_ipp *)d;
	enum kerr e = KERR_OK;

	if (strlen(path) >= sizeof(s->pdf) || !is_pdf(path))
		return KERR_INVAL;
	pthread_mutex_lock(&s->lock);
	if (s->queued || s->busy) {
		e = KERR_BUSY;
	} else {
		snprintf(s->pdf, sizeof(s->pdf), "%s", path);
		snprintf(s->title, sizeof(s->title), "%s", title);
		s->job = ++s->next_job;
		s->queued = true;
		s->shared.state = DEV_STATE_BUSY;
		d->status = s->shared;
		*ret_job = s->job;
		pthread_cond_signal(&s->wake);
	}
	pthread_mutex_unlock(&s->lock);
	return e;
}

static void ipp_poll(struct dev *d, int64_t now)
{
	struct docprint_ipp *s = (struct docprint_ipp *)d;

	(void)now;
	pthread_mutex_lock(&s->lock);
	d->status = s->shared;
	pthread_mutex_unlock(&s->lock);
}

static enum kerr ipp_control(struct dev *d, const char *cmd)
{
	(void)d;
	(void)cmd;
	return KERR_UNSUPPORTED;
}

static void ipp_destroy(struct dev *d)
{
	struct docprint_ipp *s = (struct docprint_ipp *)d;

	if (s->started) {
		pthread_mutex_lock(&s->lock);
		s->stop = true;
		pthread_cond_signal(&s->wake);
		pthread_mutex_unlock(&s->lock);
		pthread_join(s->thread, NULL);
	}
	disconnect(s);
	cupsFreeDests(s->dest ? 1 : 0, s->dest);
	pthread_cond_destroy(&s->wake);
	pthread_mutex_destroy(&s->lock);
	free(s);
}

static const struct docprint_ops ipp_ops = {
	.base = {
		.name = "docprint-ipp",
		.cls = DEV_DOCPRINT,
		.destroy = ipp_destroy,
		.poll = ipp_poll,
		.control = ipp_control,
	},
	.print_pdf = ipp_print_pdf,
};

enum kerr docprint_ipp_open(const struct dev_config *cfg, const struct dev_sink *sink,
			    struct clock *clock, struct dev **ret)
{
	struct docprint_ipp *s;
	pthread_condattr_t ca;

	if (!cfg->path[0])
		return KERR_INVAL;
	s = calloc(1, sizeof(*s));
	if (!s)
		return KERR_NOMEM;
	dev_init(&s->dev, &ipp_ops.base, sink, clock);
	snprintf(s->target, sizeof(s->target), "%s", cfg->path);
	pthread_mutex_init(&s->lock, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&s->wake, &ca);
	pthread_condattr_destroy(&ca);
	/* Unknown until the worker has asked: absent, so nothing is promised before then. */
	s->shared.state = DEV_STATE_ABSENT;
	s->shared.fault = KERR_NO_DEVICE;
	snprintf(s->shared.detail, sizeof(s->shared.detail), "connecting");
	s->dev.status = s->shared;
	if (pthread_create(&s->thread, NULL, worker, s) != 0) {
		ipp_destroy(&s->dev);
		return KERR_NOMEM;
	}
	s->started = true;
	*ret = &s->dev;
	return KERR_OK;
}
