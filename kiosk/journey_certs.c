/* 证照打印's steps: the ID card, the holder's certificates and proofs from the platform, one chosen, fetched,
 * checked, printed on the A4 printer, and the print confirmed. The PDF is the holder's personal data: it lives in
 * a file only while the printer needs it. */
#include "kiosk/journey.h"

#include "common/log.h"
#include "drivers/docprint.h"
#include "drivers/idcard.h"
#include "kiosk/cases.h"
#include "kiosk/kiosk.h"
#include "kiosk/sync.h"
#include "offline-queue/queue_cert_print.h"
#include "kiosk/texts.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

void certs_discard_pdf(struct kiosk *k)
{
	struct session *s = &k->session;

	if (s->cert_pdf[0] && unlink(s->cert_pdf) != 0 && errno != ENOENT)
		log_err("certs: cannot remove a printed certificate: %s", strerror(errno));
	s->cert_pdf[0] = 0;
}

bool guard_tile_certs(struct kiosk *k, int arg)
{
	return arg == 3 && k->uplink && k->dev[DEV_DOCPRINT];
}

void enter_certs_card(struct kiosk *k)
{
	enum kerr e = k->dev[DEV_IDCARD] ? idcard_enable(k->dev[DEV_IDCARD], true) : KERR_NO_DEVICE;

	if (e != KERR_OK)
		log_warn("idcard: cannot start reading: %s", kerr_str(e));
}

void exit_certs_card(struct kiosk *k)
{
	if (k->dev[DEV_IDCARD])
		idcard_enable(k->dev[DEV_IDCARD], false);
}

void act_certs_ask(struct kiosk *k, int arg)
{
	struct session *s = &k->session;
	enum kerr e;

	(void)arg;
	k->banner[0] = 0;
	memset(&s->certs, 0, sizeof(s->certs));
	s->certs_state = SESSION_CERTS_ASKING;
	e = uplink_certs(k->uplink, NULL, cases_id_type(&s->card), s->card.id_number);
	if (e != KERR_OK) {
		s->certs_state = SESSION_CERTS_FAILED;
		s->certs_err = e;
		return;
	}
	k->certs_waiting = true;
	log_info("certs: asking the platform");
}

void act_certs_listed(struct kiosk *k, int arg)
{
	struct session *s = &k->session;

	s->certs_err = (enum kerr)arg;
	if (arg != KERR_OK) {
		s->certs_state = SESSION_CERTS_FAILED;
		log_warn("certs: no list: %s", kerr_str((enum kerr)arg));
		return;
	}
	s->certs = k->certs_reply.list;
	s->certs_state = SESSION_CERTS_LISTED;
	log_info("certs: %zu printable", s->certs.n);
}

bool guard_cert_listed(struct kiosk *k, int arg)
{
	return k->session.certs_state == SESSION_CERTS_LISTED && arg >= 0 && (size_t)arg < k->session.certs.n;
}

static void fetch(struct kiosk *k)
{
	struct session *s = &k->session;
	enum kerr e;

	certs_discard_pdf(k);
	s->cert_step = SESSION_CERT_FETCHING;
	e = uplink_certs(k->uplink, &s->certs.certs[s->cert], cases_id_type(&s->card), s->card.id_number);
	if (e != KERR_OK) {
		s->cert_step = SESSION_CERT_FAULT;
		s->cert_err = e;
		s->cert_device_fault = false;
		return;
	}
	k->certs_waiting = true;
}

void act_cert_choose(struct kiosk *k, int arg)
{
	k->session.cert = arg;
	log_info("certs: %s chosen", k->session.certs.certs[arg].cert_id);
	fetch(k);
}

/* Writes the PDF where the printer backend reads it: readable by the service user alone. */
static enum kerr write_pdf(struct kiosk *k, const unsigned char *pdf, size_t len)
{
	struct session *s = &k->session;
	char dir[512];
	size_t done = 0;
	int fd;

	if (snprintf(dir, sizeof(dir), "%s/a4", k->opts.data_dir ? k->opts.data_dir : ".") >= (int)sizeof(dir) ||
	    (mkdir(dir, 0700) != 0 && errno != EEXIST))
		return KERR_IO;
	/* cert_id holds only A-Z a-z 0-9 - . _ and never starts with a dot (uplink_parse_certs). */
	snprintf(s->cert_pdf, sizeof(s->cert_pdf), "%s/cert-%s.pdf", dir, s->certs.certs[s->cert].cert_id);
	fd = open(s->cert_pdf, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0) {
		s->cert_pdf[0] = 0;
		return KERR_IO;
	}
	while (done < len) {
		ssize_t n = write(fd, pdf + done, len - done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		done += (size_t)n;
	}
	if (close(fd) != 0 || done < len) {
		certs_discard_pdf(k);
		return KERR_IO;
	}
	return KERR_OK;
}

static void print(struct kiosk *k)
{
	struct session *s = &k->session;
	enum kerr e = docprint_print_pdf(k->dev[DEV_DOCPRINT], s->cert_pdf, s->certs.certs[s->cert].cert_id,
					 &s->cert_job);

	if (e != KERR_OK) {
		s->cert_step = SESSION_CERT_FAULT;
		s->cert_err = e;
		s->cert_device_fault = true;
		log_warn("certs: printer refused the job: %s", kerr_str(e));
		return;
	}
	s->cert_step = SESSION_CERT_PRINTING;
	log_info("certs: %s printing as job %d", s->certs.certs[s->cert].cert_id, s->cert_job);
}

void act_cert_fetched(struct kiosk *k, int arg)
{
	struct session *s = &k->session;
	enum kerr e = (enum kerr)arg;

	if (e == KERR_OK && !k->certs_reply.pdf)
		e = KERR_PROTO;
	if (e == KERR_OK)
		e = write_pdf(k, k->certs_reply.pdf, k->certs_reply.pdf_len);
	if (e != KERR_OK) {
		s->cert_step = SESSION_CERT_FAULT;
		s->cert_err = e;
		s->cert_device_fault = false;
		log_warn("certs: %s not fetched: %s", s->certs.certs[s->cert].cert_id, kerr_str(e));
		return;
	}
	print(k);
}

bool guard_cert_job(struct kiosk *k, int arg)
{
	return k->session.cert_step == SESSION_CERT_PRINTING && arg == k->session.cert_job;
}

/* The platform keeps a record of every certificate printed: through the outbox, once, even when the
 * platform is away now. */
static void record_print(struct kiosk *k, const struct uplink_cert *c)
{
	struct queue_cert_print p = {
		.printed_ms = clock_wall_ms(&k->clock),
		.pages = c->pages > 0 && c->pages < 1000 ? (int)c->pages : 1,
	};
	int64_t id;
	enum kerr e;

	snprintf(p.cert_id, sizeof(p.cert_id), "%s", c->cert_id);
	e = k->queue ? queue_cert_print_add(k->queue, &p, &id) : KERR_IO;
	if (e != KERR_OK) {
		log_err("store: print of %s not recorded for the platform: %s: %s", c->cert_id,
			kerr_str(e), k->queue ? queue_errmsg(k->queue) : "no store");
		return;
	}
	sync_kick(k);
}

void act_cert_printed(struct kiosk *k, int arg)
{
	const struct uplink_cert *c = &k->session.certs.certs[k->session.cert];

	(void)arg;
	log_info("certs: %s printed", c->cert_id);
	record_print(k, c);
	certs_discard_pdf(k);
	k->session.certs_printed++;
}

/* arg is the job; devices.c left its error in print_err. */
void act_cert_print_failed(struct kiosk *k, int arg)
{
	struct session *s = &k->session;

	(void)arg;
	s->cert_step = SESSION_CERT_FAULT;
	s->cert_err = k->print_err;
	s->cert_device_fault = true;
	log_warn("certs: %s not printed: %s", s->certs.certs[s->cert].cert_id, kerr_str(k->print_err));
}

bool guard_cert_fault(struct kiosk *k, int arg)
{
	(void)arg;
	return k->session.cert_step == SESSION_CERT_FAULT;
}

void act_cert_retry(struct kiosk *k, int arg)
{
	(void)arg;
	/* The PDF is still there when the printer failed; after a network failure it is fetched again. */
	if (k->session.cert_pdf[0])
		print(k);
	else
		fetch(k);
}

void exit_cert_print(struct kiosk *k)
{
	certs_discard_pdf(k);
}
