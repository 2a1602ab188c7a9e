/* Backend "usb" of the receipt printer: the receipt rendered to ESC/POS by the same encoder the
 * simulated printer reads, written to the bulk OUT endpoint of a USB printer-class interface, and
 * the printer's real-time status (DLE EOT 1..4) read back on bulk IN before, during and after every
 * job. Polled on the kiosk's clock like the ID-card reader's USB backend: every transfer is
 * bounded, reads never wait, and a printer unplugged is looked for again until it is back. */
#include "common/log.h"
#include "drivers/escpos.h"
#include "drivers/receipt.h"
#include "drivers/receipt_backend.h"
#include "drivers/usb.h"
#include "drivers/usbprn.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PRINTER_CLASS	 7
#define PRINTER_SUBCLASS 1

#define LOOK_MS		   5	 /* how often a status reply is looked for */
#define REPLY_TIMEOUT_MS   1000	 /* DLE EOT is answered at once: later than this, not at all */
#define CONTROL_TIMEOUT_MS 1000	 /* GET_PORT_STATUS on a one-way printer */
#define REPROBE_MS	   2000	 /* an absent printer is looked for again */
#define WATCH_MS	   3000	 /* an idle printer's status is read again */
#define CHUNK		   4096	 /* job bytes per write */
#define WRITE_SLICE_MS	   100	 /* the longest one write may hold the kiosk's loop */
#define STALL_MS	   10000 /* the printer took no byte for this long: the job fails */
#define DURING_MS	   500	 /* the status while the paper comes out */
/* DLE EOT is answered at once, even while earlier lines are still printing, so the status that
 * says whether a job came out is read after the time its paper takes: about 25 ms a line at the
 * 150 mm/s of an ordinary 80 mm thermal printer, plus the cut. */
#define PRINT_BASE_MS 800
#define PRINT_LINE_MS 25
#define PRINT_MAX_MS  20000

enum job_phase {
	JOB_NONE,
	JOB_BEFORE,   /* the status is read before any byte goes out */
	JOB_SEND,     /* the bytes are going out */
	JOB_PRINTING, /* all out: the status is read while the paper comes out, and after */
	JOB_PHASE__COUNT
};

static const char *const phase_names[JOB_PHASE__COUNT] = {
	[JOB_NONE] = "none",
	[JOB_BEFORE] = "before",
	[JOB_SEND] = "send",
	[JOB_PRINTING] = "printing",
};

/* One reading of the status: DLE EOT 1 to 4, one request at a time. */
struct ask {
	bool on;
	bool final; /* the reading after the job's paper should be out */
	int n;	    /* the request in flight, 1..4 */
	bool sent;
	int64_t deadline;
	struct escpos_status st;
};

struct receipt_usb {
	struct dev dev; /* first: the class layer casts */
	struct usb_bulk *pipe;
	struct ask ask;
	int64_t next_look; /* closed: open again then; idle: read the status again then */
	enum job_phase phase;
	int job, next_job;
	struct escpos bytes; /* the job's ESC/POS; receipts carry personal data, wiped at the end */
	size_t sent;
	int64_t progress_at; /* the last time the printer took bytes */
	int64_t print_until; /* when the job's paper should be out */
	int64_t next_during;
};

static bool is_open(const struct receipt_usb *s)
{
	return usb_bulk_protocol(s->pipe) >= 0;
}

/* Sets the status; DEV_EV_STATUS when anything in it changed, paper near end and the words too
 * (dev_set_status alone tells only of state and fault): the health report hears of a roll running
 * low, and the first look for an absent printer is told like any other. */
static void show(struct receipt_usb *s, enum kerr fault, bool near, const char *detail)
{
	struct dev_status *cur = &s->dev.status;
	enum dev_state state = fault == KERR_NO_DEVICE ? DEV_STATE_ABSENT
			       : fault != KERR_OK      ? DEV_STATE_FAULT
			       : s->phase != JOB_NONE  ? DEV_STATE_BUSY
						       : DEV_STATE_READY;

	if (cur->state == state && cur->fault == fault &&
	    (cur->paper_near_end != near ||
	     strncmp(cur->detail, detail, sizeof(cur->detail) - 1))) {
		cur->paper_near_end = near;
		snprintf(cur->detail, sizeof(cur->detail), "%s", detail);
		dev_post(&s->dev, DEV_EV_STATUS, fault, 0, NULL, NULL);
		return;
	}
	cur->paper_near_end = near;
	dev_set_status(&s->dev, state, fault, detail);
}

/* Ends the job in progress with err, which is also the printer's state now: its bytes wiped, the
 * status shown, then DEV_EV_PRINT_DONE (carrying that status). */
static void job_end(struct receipt_usb *s, enum kerr err, bool near, const char *detail)
{
	log_debug("receipt usb: job %d %s in phase %s, %zu of %zu bytes sent", s->job,
		  kerr_str(err), phase_names[s->phase], s->sent, s->bytes.len);
	s->phase = JOB_NONE;
	escpos_finish(&s->bytes);
	show(s, err, near, detail);
	dev_post(&s->dev, DEV_EV_PRINT_DONE, err, s->job, NULL, NULL);
}

/* The printer is gone (unplugged, or closed by a transfer that found it gone). */
static void lost(struct receipt_usb *s, int64_t now)
{
	usb_bulk_close(s->pipe);
	s->ask.on = false;
	s->next_look = now + REPROBE_MS;
	if (s->phase != JOB_NONE)
		job_end(s, KERR_NO_DEVICE, false, usb_bulk_error(s->pipe));
	else
		show(s, KERR_NO_DEVICE, false, usb_bulk_error(s->pipe));
}

static void ask_start(struct receipt_usb *s, int64_t now)
{
	memset(&s->ask, 0, sizeof(s->ask));
	s->ask.on = true;
	s->ask.n = 1;
	s->ask.final = s->phase == JOB_PRINTING && now >= s->print_until;
}

/* A one-way printer has no bulk IN: the printer class's own status on the control pipe. */
static enum kerr ask_port(struct receipt_usb *s)
{
	uint8_t b[8];
	size_t n = 0;
	enum kerr e = usb_bulk_class_in(s->pipe, USBPRN_GET_PORT_STATUS, 0, b, sizeof(b),
					CONTROL_TIMEOUT_MS, &n);

	return e == KERR_OK ? usbprn_port_status_decode(b, n, &s->ask.st) : e;
}

/* Sends the next request, or takes its reply. Returns true when the reading is over, *ret_err
 * telling how. */
static bool ask_step(struct receipt_usb *s, int64_t now, enum kerr *ret_err)
{
	struct ask *a = &s->ask;
	uint8_t buf[64];
	size_t got;
	enum kerr e = KERR_OK;

	if (!usb_bulk_has_in(s->pipe)) {
		*ret_err = ask_port(s);
		return true;
	}
	while (a->n <= 4) {
		if (!a->sent) {
			struct escpos req;

			/* A late reply to an earlier request must not answer this one. */
			for (int i = 0; i < 8 && e == KERR_OK; i++) {
				e = usb_bulk_read(s->pipe, buf, sizeof(buf), &got);
				if (got == 0)
					break;
			}
			escpos_init(&req, 8);
			escpos_status_request(&req, a->n);
			if (e == KERR_OK)
				e = req.err;
			if (e == KERR_OK)
				e = usb_bulk_write(s->pipe, req.data, req.len);
			escpos_finish(&req);
			if (e != KERR_OK)
				break;
			a->sent = true;
			a->deadline = now + REPLY_TIMEOUT_MS;
		}
		e = usb_bulk_read(s->pipe, buf, sizeof(buf), &got);
		if (e != KERR_OK)
			break;
		if (got == 0) {
			if (now < a->deadline)
				return false;
			e = KERR_TIMEOUT;
			break;
		}
		/* One byte per request; anything else is not a status reply. */
		if (got != 1 || escpos_status_decode(a->n, buf[0], &a->st) != KERR_OK) {
			log_debug("receipt usb: DLE EOT %d answered %zu bytes, first %02x", a->n,
				  got, buf[0]);
			e = KERR_PROTO;
			break;
		}
		a->n++;
		a->sent = false;
	}
	*ret_err = e;
	return true;
}

/* A reading is over: what it means for the device and for the job in progress. */
static void asked(struct receipt_usb *s, int64_t now, enum kerr err)
{
	const char *detail;
	enum kerr fault;
	bool near = false;

	if (err == KERR_NO_DEVICE) {
		lost(s, now);
		return;
	}
	if (err == KERR_OK) {
		fault = escpos_status_fault(&s->ask.st, &detail);
		near = s->ask.st.paper_near_end && !s->ask.st.paper_end;
	} else {
		fault = err;
		detail = err == KERR_TIMEOUT ? "no answer to a status request"
			 : err == KERR_PROTO ? "a status reply that is not one"
					     : "status unreadable";
	}
	switch (s->phase) {
	case JOB_NONE:
		s->next_look = now + WATCH_MS;
		show(s, fault, near, detail);
		break;
	case JOB_BEFORE:
		/* Cheap printers take a job with no paper and report success: nothing goes out
		 * unless the printer said it can print. */
		if (fault != KERR_OK) {
			s->next_look = now + WATCH_MS;
			job_end(s, fault, near, detail);
			return;
		}
		s->phase = JOB_SEND;
		s->progress_at = now;
		show(s, KERR_OK, near, "printing");
		break;
	case JOB_PRINTING:
		/* A fault the printer names ends the job at once: the roll ran out half way. A
		 * reading that failed while it prints is tried again until the last one. */
		if ((err == KERR_OK && fault != KERR_OK) || s->ask.final) {
			s->next_look = now + WATCH_MS;
			job_end(s, fault, near, detail);
			return;
		}
		s->next_during = now + DURING_MS;
		show(s, KERR_OK, near, "printing");
		break;
	default:
		break;
	}
}

/* How long the job's paper takes to come out: its lines and feeds. */
static int64_t print_ms(const struct escpos *e)
{
	int64_t lines = 0;

	for (size_t i = 0; i < e->len; i++) {
		if (e->data[i] == '\n')
			lines++;
		else if (e->data[i] == 0x1b && i + 2 < e->len && e->data[i + 1] == 'd')
			lines += e->data[i + 2];
	}
	lines = PRINT_BASE_MS + lines * PRINT_LINE_MS;
	return lines < PRINT_MAX_MS ? lines : PRINT_MAX_MS;
}

/* One chunk of the job per poll, so a printer slow to take data never holds the kiosk long. */
static void send_step(struct receipt_usb *s, int64_t now)
{
	size_t n = s->bytes.len - s->sent, done = 0;
	enum kerr e;

	if (n > CHUNK)
		n = CHUNK;
	e = usb_bulk_write_some(s->pipe, s->bytes.data + s->sent, n, WRITE_SLICE_MS, &done);
	s->sent += done;
	if (done > 0)
		s->progress_at = now;
	if (e == KERR_NO_DEVICE) {
		lost(s, now);
		return;
	}
	if (e == KERR_TIMEOUT && now - s->progress_at < STALL_MS)
		return;
	if (e != KERR_OK) {
		/* Half a receipt may be out: the resident is told, and the printer watched. */
		s->next_look = now + WATCH_MS;
		job_end(s, e, false,
			e == KERR_TIMEOUT ? "the printer takes no more data"
					  : usb_bulk_error(s->pipe));
		return;
	}
	if (s->sent == s->bytes.len) {
		s->phase = JOB_PRINTING;
		s->print_until = now + print_ms(&s->bytes);
		s->next_during = now + DURING_MS;
	}
}

static void usb_poll(struct dev *d, int64_t now)
{
	struct receipt_usb *s = (struct receipt_usb *)d;
	enum kerr e;

	switch (usb_bulk_hotplug(s->pipe)) {
	case USB_PLUG_LEFT:
		lost(s, now);
		return;
	case USB_PLUG_ARRIVED:
		s->next_look = now;
		break;
	case USB_PLUG_NONE:
		break;
	}
	if (!is_open(s)) {
		if (s->phase != JOB_NONE || s->dev.status.state != DEV_STATE_ABSENT) {
			lost(s, now);
			return;
		}
		if (now < s->next_look)
			return;
		e = usb_bulk_open(s->pipe);
		if (e != KERR_OK) {
			/* Found but unusable (no access, claimed by another program, no bulk
			 * OUT) is, for the kiosk, a printer that is not there; the detail says
			 * why. */
			s->next_look = now + REPROBE_MS;
			show(s, KERR_NO_DEVICE, false, usb_bulk_error(s->pipe));
			return;
		}
		log_debug("receipt usb: %s open, protocol %d", usb_bulk_error(s->pipe),
			  usb_bulk_protocol(s->pipe));
		ask_start(s, now);
	}
	if (s->ask.on) {
		if (!ask_step(s, now, &e))
			return;
		s->ask.on = false;
		asked(s, now, e);
		if (!is_open(s))
			return;
	}
	if (s->phase == JOB_SEND)
		send_step(s, now);
	else if (s->phase == JOB_PRINTING && now >= s->next_during)
		ask_start(s, now);
	else if (s->phase == JOB_NONE && now >= s->next_look)
		ask_start(s, now);
}

static int64_t usb_next_deadline(struct dev *d)
{
	struct receipt_usb *s = (struct receipt_usb *)d;
	int64_t now = clock_now_ms(d->clock);

	if (!is_open(s))
		return s->phase != JOB_NONE ? now : s->next_look;
	if (s->ask.on)
		return now + LOOK_MS;
	switch (s->phase) {
	case JOB_BEFORE:
	case JOB_SEND:
		return now;
	case JOB_PRINTING:
		return s->next_during;
	default:
		return s->next_look;
	}
}

static enum kerr usb_print(struct dev *d, const struct receipt_doc *doc, int *ret_job)
{
	struct receipt_usb *s = (struct receipt_usb *)d;
	int64_t now = clock_now_ms(d->clock);
	enum kerr e;

	if (s->phase != JOB_NONE)
		return KERR_BUSY;
	if (!is_open(s)) {
		e = usb_bulk_open(s->pipe);
		if (e != KERR_OK) {
			s->next_look = now + REPROBE_MS;
			show(s, KERR_NO_DEVICE, false, usb_bulk_error(s->pipe));
			return KERR_NO_DEVICE;
		}
		s->ask.on = false;
	}
	escpos_init(&s->bytes, ESCPOS_DEFAULT_MAX);
	e = escpos_render_receipt(&s->bytes, doc);
	if (e != KERR_OK) {
		escpos_finish(&s->bytes);
		return e;
	}
	s->job = ++s->next_job;
	s->sent = 0;
	s->phase = JOB_BEFORE;
	/* A reading under way is taken as the one before the job: it is being read now. */
	if (!s->ask.on)
		ask_start(s, now);
	/* A printer known to be in fault stays so until the reading says otherwise. */
	if (s->dev.status.state != DEV_STATE_FAULT)
		show(s, KERR_OK, s->dev.status.paper_near_end, "checking the printer");
	*ret_job = s->job;
	return KERR_OK;
}

static enum kerr usb_control(struct dev *d, const char *cmd)
{
	(void)d;
	(void)cmd;
	return KERR_UNSUPPORTED;
}

static void usb_destroy(struct dev *d)
{
	struct receipt_usb *s = (struct receipt_usb *)d;

	/* Releasing the interface gives it back to the kernel's usblp. */
	usb_bulk_destroy(s->pipe);
	escpos_finish(&s->bytes);
	free(s);
}

static const struct receipt_ops usb_ops = {
	.base = {
		.name = "receipt-usb",
		.cls = DEV_RECEIPT,
		.destroy = usb_destroy,
		.poll = usb_poll,
		.next_deadline = usb_next_deadline,
		.control = usb_control,
	},
	.print = usb_print,
};

enum kerr receipt_usb_open(const struct dev_config *cfg, const struct dev_sink *sink,
			   struct clock *clock, struct dev **ret)
{
	struct usb_id ids[USB_IDS_MAX];
	struct usb_port port;
	struct receipt_usb *s;
	uint8_t ep_in, ep_out;
	size_t n = 0;
	enum kerr e;

	e = usb_ids_parse(cfg->usb_ids, ids, USB_IDS_MAX, &n);
	if (e == KERR_OK)
		e = usb_endpoints_parse(cfg->usb_endpoints, &ep_in, &ep_out);
	if (e == KERR_OK)
		e = usb_port_parse(cfg->usb_port, &port);
	if (e != KERR_OK)
		return KERR_INVAL;
	s = calloc(1, sizeof(*s));
	if (!s)
		return KERR_NOMEM;
	dev_init(&s->dev, &usb_ops.base, sink, clock);
	e = usb_bulk_create(ids, n, ep_in, ep_out, &s->pipe);
	if (e != KERR_OK) {
		usb_bulk_destroy(s->pipe);
		free(s);
		return e;
	}
	usb_bulk_want_class(s->pipe, PRINTER_CLASS, PRINTER_SUBCLASS);
	usb_bulk_want_port(s->pipe, &port);
	/* Not looked for yet: the first poll does, so opening never waits on the bus. */
	s->dev.status.state = DEV_STATE_ABSENT;
	s->dev.status.fault = KERR_NO_DEVICE;
	snprintf(s->dev.status.detail, sizeof(s->dev.status.detail), "not looked for yet");
	s->next_look = clock_now_ms(clock);
	*ret = &s->dev;
	return KERR_OK;
}
