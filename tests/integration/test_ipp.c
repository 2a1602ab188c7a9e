/* The A4 printer against a real IPP Everywhere printer: ippeveprinter on a free loopback port
 * (mk/ippeve.sh), documents kept so the test sees what arrived, its /media page emptying the tray.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "drivers/docpdf.h"
#include "drivers/docprint.h"
#include "drivers/receipt_layout.h"

#include <dirent.h>
#include <netdb.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAX_EVENTS 256
#define WAIT_MS 30000

struct rig {
	char dir[64];
	int port;
	struct clock clock;
	struct dev *d;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	struct dev_event ev[MAX_EVENTS];
	int n;
};

static struct rig rig = { .lock = PTHREAD_MUTEX_INITIALIZER, .cond = PTHREAD_COND_INITIALIZER };

/* Called from the backend's worker thread. */
static void post(void *ctx, const struct dev_event *ev)
{
	struct rig *r = ctx;

	pthread_mutex_lock(&r->lock);
	if (r->n < MAX_EVENTS)
		r->ev[r->n++] = *ev;
	pthread_cond_broadcast(&r->cond);
	pthread_mutex_unlock(&r->lock);
}

typedef bool match_fn(const struct dev_event *ev);

/* Waits (bounded) for an event after index from that matches; returns a copy. */
static struct dev_event wait_for(struct rig *r, int *from, match_fn *match)
{
	struct timespec until;
	struct dev_event found;
	bool ok = false;

	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += WAIT_MS / 1000;
	pthread_mutex_lock(&r->lock);
	for (;;) {
		for (; *from < r->n && !ok; (*from)++)
			if (match(&r->ev[*from])) {
				found = r->ev[*from];
				ok = true;
			}
		if (ok || pthread_cond_timedwait(&r->cond, &r->lock, &until) != 0)
			break;
	}
	if (!ok)
		for (int i = 0; i < r->n; i++)
			fprintf(stderr, "event %d: %s %s %s %s %s\n", i,
				dev_event_type_str(r->ev[i].type), kerr_str(r->ev[i].err),
				dev_state_str(r->ev[i].status.state),
				kerr_str(r->ev[i].status.fault), r->ev[i].status.detail);
	pthread_mutex_unlock(&r->lock);
	if (!ok)
		fail_msg("no matching event within %d ms", WAIT_MS);
	return found;
}

static bool is_ready(const struct dev_event *ev)
{
	return ev->type == DEV_EV_STATUS && ev->status.state == DEV_STATE_READY;
}

static bool is_paper_out(const struct dev_event *ev)
{
	return ev->type == DEV_EV_STATUS && ev->status.fault == KERR_PAPER_OUT;
}

static bool is_done(const struct dev_event *ev)
{
	return ev->type == DEV_EV_PRINT_DONE;
}

static int events(struct rig *r)
{
	int n;

	pthread_mutex_lock(&r->lock);
	n = r->n;
	pthread_mutex_unlock(&r->lock);
	return n;
}

/* The printer's /media page, as a technician's browser would call it. Every tray is set: the page
 * reads an absent level as an empty tray, the by-pass tray's too. */
static void set_tray(struct rig *r, int sheets)
{
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM }, *ai, *a;
	char port[16], req[256], buf[4096] = "";
	int fd = -1;

	snprintf(port, sizeof(port), "%d", r->port);
	assert_int_equal(getaddrinfo("localhost", port, &hints, &ai), 0);
	for (a = ai; a && fd < 0; a = a->ai_next) {
		fd = socket(a->ai_family, a->ai_socktype, 0);
		if (fd >= 0 && connect(fd, a->ai_addr, a->ai_addrlen) != 0) {
			close(fd);
			fd = -1;
		}
	}
	freeaddrinfo(ai);
	assert_true(fd >= 0);
	snprintf(req, sizeof(req),
		 "GET /media?size1=iso_a4_210x297mm&level1=%d&level3=%d HTTP/1.0\r\n"
		 "Host: localhost:%d\r\n\r\n",
		 sheets, sheets ? 25 : 0, r->port);
	assert_int_equal(write(fd, req, strlen(req)), (ssize_t)strlen(req));
	/* The page is applied before it is sent; the server keeps the connection open after, so
	 * read only up to the end of the headers. */
	for (size_t got = 0; got < sizeof(buf) - 1;) {
		ssize_t n = read(fd, buf + got, sizeof(buf) - 1 - got);

		if (n <= 0)
			break;
		got += (size_t)n;
		buf[got] = 0;
		if (strstr(buf, "\r\n\r\n"))
			break;
	}
	assert_non_null(strstr(buf, " 200 "));
	close(fd);
}

/* Counts the documents the printer kept and finds one equal to the file at want. */
static int kept(const char *dir, const char *want, bool *ret_found)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	if (!d)
		return 0;
	while ((e = readdir(d))) {
		char path[1024], cmd[2200];

		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		if (e->d_type == DT_DIR) {
			n += kept(path, want, ret_found);
			continue;
		}
		if (!strstr(e->d_name, ".pdf"))
			continue;
		n++;
		snprintf(cmd, sizeof(cmd), "cmp -s '%s' '%s'", path, want);
		if (want && system(cmd) == 0)
			*ret_found = true;
	}
	closedir(d);
	return n;
}

static void make_pdf(const char *path)
{
	static const struct receipt_material missing[] = { { "户口簿", "缺少，可容缺后补" } };
	const struct receipt_case c = {
		.hall = "花木街道便民服务中心",
		.case_no = "ZW3101150001202506030001",
		.item = "城乡居民基本养老保险参保登记",
		.applicant = "王*英",
		.id_number = "3101**********0023",
		.accepted = "2025-06-03 10:05",
		.query_code = "8KQ2M7",
		.qr = "ZWFW:ZW3101150001202506030001:8KQ2M7",
		.phone = "12345",
		.missing = missing,
		.n_missing = 1,
	};
	static struct receipt_build b;
	struct receipt_doc doc;

	receipt_build_init(&b);
	receipt_layout_acceptance(&b, &c);
	receipt_layout_notice(&b, &c);
	assert_int_equal(receipt_build_doc(&b, &doc), KERR_OK);
	assert_int_equal(docpdf_write(&doc, c.case_no, c.qr, path), KERR_OK);
	receipt_build_finish(&b);
}

static int setup(void **state)
{
	struct rig *r = &rig;
	char cmd[512], uri[128];
	struct dev_config cfg = { .backend = "ipp" };
	struct dev_sink sink = { post, r };
	FILE *f;
	int from = 0;

	(void)state;
	strcpy(r->dir, "/tmp/test_ipp.XXXXXX");
	if (!mkdtemp(r->dir))
		return -1;
	snprintf(cmd, sizeof(cmd), "sh '%s/mk/ippeve.sh' start '%.60s' KioskTest > '%.60s/port'", SRCDIR,
		 r->dir, r->dir);
	if (system(cmd) != 0)
		return -1;
	snprintf(cmd, sizeof(cmd), "%.60s/port", r->dir);
	f = fopen(cmd, "r");
	if (!f || fscanf(f, "%d", &r->port) != 1)
		return -1;
	fclose(f);
	clock_init_real(&r->clock);
	snprintf(uri, sizeof(uri), "ipp://localhost:%d/ipp/print", r->port);
	snprintf(cfg.path, sizeof(cfg.path), "%s", uri);
	if (docprint_open(&cfg, &sink, &r->clock, &r->d) != KERR_OK)
		return -1;
	wait_for(r, &from, is_ready);
	return 0;
}

static int teardown(void **state)
{
	struct rig *r = &rig;
	char cmd[512];

	(void)state;
	dev_destroy(r->d);
	snprintf(cmd, sizeof(cmd), "sh '%s/mk/ippeve.sh' stop '%.60s'; rm -rf '%.60s'", SRCDIR,
		 r->dir, r->dir);
	return system(cmd) == 0 ? 0 : -1;
}

static void prints_a_generated_pdf(void **state)
{
	struct rig *r = &rig;
	char pdf[128], spool[128];
	struct dev_event ev;
	bool found = false;
	int job = 0, from = events(r);

	(void)state;
	snprintf(pdf, sizeof(pdf), "%.60s/receipt.pdf", r->dir);
	snprintf(spool, sizeof(spool), "%.60s/spool", r->dir);
	make_pdf(pdf);
	assert_int_equal(docprint_print_pdf(r->d, pdf, "受理回执", &job), KERR_OK);
	assert_int_equal(r->d->status.state, DEV_STATE_BUSY);
	assert_int_equal(docprint_print_pdf(r->d, pdf, "again", &job), KERR_BUSY);
	ev = wait_for(r, &from, is_done);
	assert_int_equal(ev.err, KERR_OK);
	assert_int_equal(ev.value, job);
	assert_int_equal(kept(spool, pdf, &found), 1);
	assert_true(found);
	dev_poll(r->d, 0);
	assert_int_equal(r->d->status.state, DEV_STATE_READY);
}

static void empty_tray_refuses_then_recovers(void **state)
{
	struct rig *r = &rig;
	char pdf[128], spool[128];
	struct dev_event ev;
	bool found = false;
	int job = 0, from = events(r), before;

	(void)state;
	snprintf(pdf, sizeof(pdf), "%.60s/receipt.pdf", r->dir);
	snprintf(spool, sizeof(spool), "%.60s/spool", r->dir);
	before = kept(spool, NULL, &found);
	set_tray(r, 0);
	ev = wait_for(r, &from, is_paper_out);
	assert_int_equal(ev.status.state, DEV_STATE_FAULT);
	/* Asked first: nothing is sent to a printer with an empty tray. */
	assert_int_equal(docprint_print_pdf(r->d, pdf, "受理回执", &job), KERR_OK);
	ev = wait_for(r, &from, is_done);
	assert_int_equal(ev.err, KERR_PAPER_OUT);
	assert_int_equal(ev.status.fault, KERR_PAPER_OUT);
	assert_int_equal(kept(spool, NULL, &found), before);
	set_tray(r, 250);
	wait_for(r, &from, is_ready);
	assert_int_equal(docprint_print_pdf(r->d, pdf, "受理回执", &job), KERR_OK);
	ev = wait_for(r, &from, is_done);
	assert_int_equal(ev.err, KERR_OK);
	assert_int_equal(kept(spool, NULL, &found), before + 1);
}

static bool contains(const char *path, const char *needle)
{
	char cmd[512];

	snprintf(cmd, sizeof(cmd), "grep -q '%s' '%s'", needle, path);
	return system(cmd) == 0;
}

/* The tray runs dry while a job prints: the job is cancelled, not left to come out later beside
 * the copy the resident will be offered again. */
static void tray_empties_mid_job(void **state)
{
	struct rig *r = &rig;
	char pdf[128], spool[128], hold[128], log[128];
	struct dev_event ev;
	bool found = false;
	int job = 0, from = events(r), before;
	FILE *f;

	(void)state;
	snprintf(pdf, sizeof(pdf), "%.60s/receipt.pdf", r->dir);
	snprintf(spool, sizeof(spool), "%.60s/spool", r->dir);
	snprintf(hold, sizeof(hold), "%.60s/hold", r->dir);
	snprintf(log, sizeof(log), "%.60s/printer.log", r->dir);
	before = kept(spool, NULL, &found);
	f = fopen(hold, "w");
	assert_non_null(f);
	fclose(f);
	assert_false(contains(log, "Cancel-Job"));
	assert_int_equal(docprint_print_pdf(r->d, pdf, "受理回执", &job), KERR_OK);
	/* Bounded wait for the document to arrive: the printer is now printing it. */
	for (int i = 0; i < 200 && kept(spool, NULL, &found) == before; i++)
		usleep(50 * 1000);
	assert_int_equal(kept(spool, NULL, &found), before + 1);
	set_tray(r, 0);
	ev = wait_for(r, &from, is_done);
	assert_int_equal(ev.err, KERR_PAPER_OUT);
	assert_int_equal(ev.value, job);
	assert_true(contains(log, "Cancel-Job"));
	unlink(hold);
	set_tray(r, 250);
	wait_for(r, &from, is_ready);
}

static void bad_input(void **state)
{
	struct rig *r = &rig;
	struct dev_config cfg = { .backend = "ipp" };
	struct dev_sink sink = { post, r };
	struct dev *d = NULL;
	int job = 0;

	(void)state;
	assert_int_equal(docprint_print_pdf(r->d, "/etc/hostname", "x", &job), KERR_INVAL);
	assert_int_equal(docprint_print_pdf(r->d, "/no/such.pdf", "x", &job), KERR_INVAL);
	assert_int_equal(job, 0);
	assert_int_equal(docprint_open(&cfg, &sink, &r->clock, &d), KERR_INVAL);
	assert_int_equal(dev_control(r->d, "fault paper-out on"), KERR_UNSUPPORTED);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(prints_a_generated_pdf),
		cmocka_unit_test(empty_tray_refuses_then_recovers),
		cmocka_unit_test(tray_empties_mid_job),
		cmocka_unit_test(bad_input),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
