/* The receipt printer's USB backend end to end under umockdev: libusb enumerates the printer
 * described in tests/data/receipt_printer.umockdev, and this test answers the usbfs ioctls of its
 * device node as the printer would: it keeps the bulk OUT bytes (the receipt, read back with the
 * ESC/POS interpreter) and answers each DLE EOT request on bulk IN with a status byte from a script
 * (ready, paper near end, paper out before or during the job, cover open, offline, no answer,
 * malformed replies), or a one-way printer's GET_PORT_STATUS on the control pipe. In-process, as
 * libusb's own tests/umockdev.c: the program re-executes itself with libumockdev-preload.so.0. The
 * ioctl handler runs on umockdev's thread; the printer is shared with it under a lock. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "drivers/escpos.h"
#include "drivers/escpos_job.h"
#include "drivers/receipt.h"
#include "drivers/receipt_layout.h"

#include <errno.h>
#include <linux/usbdevice_fs.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <umockdev.h>
#include <unistd.h>

#define WALL_2025_06_01 1748743200000LL
#define MAX_EVENTS	128
#define MAX_URBS	16
#define MAX_REPLIES	16
#define CAPTURE_MAX	(128 * 1024)
#define PRELOAD		"libumockdev-preload.so.0"
#define DESCRIPTION	SRCDIR "/tests/data/receipt_printer.umockdev"
#define SYSFS		"/sys/devices/pci0000:00/0000:00:14.0/usb1/1-2"
#define NODE		"/dev/bus/usb/001/003"
#define EP_OUT		0x01
#define EP_IN		0x82
/* The same printer with only its one-way setting: configuration descriptor of 25 bytes. */
#define ONE_WAY_DESCRIPTORS                                                                    \
	"12010002000000401604115000010102030109021900010100C032090400000107010100070501024000" \
	"00"

/* Under AddressSanitizer the preload library must be allowed to come first. */
#define ASAN_LINK_ORDER "verify_asan_link_order=0"

/* How the printer answers a DLE EOT request. */
enum answer {
	ANSWER_STATUS, /* one status byte, as ESC/POS says */
	ANSWER_NONE,   /* nothing at all */
	ANSWER_EMPTY,  /* a zero-length packet */
	ANSWER_GARBLE, /* a byte with bits 1 and 4 clear: not a status byte */
	ANSWER_DOUBLE, /* two bytes in one packet */
};

struct packet {
	uint8_t b[4];
	int len;
};

struct rig {
	struct clock clock;
	UMockdevTestbed *bed;
	UMockdevIoctlBase *handler;
	char *description;
	struct dev *d;
	struct dev_event ev[MAX_EVENTS];
	int n;

	/* Shared with the ioctl handler's thread. */
	pthread_mutex_t lock;
	bool gone;	   /* unplugged: every ioctl fails with ENODEV, as usbfs does */
	bool driver_bound; /* usblp holds the interface until it is detached */
	bool claimed;
	int detaches;
	int alt; /* the interface's alternate setting */
	bool paper_out, near_end, cover_open, offline;
	bool run_out_on_job; /* the roll ends while the next job prints */
	enum answer answer;
	uint8_t port_status; /* GET_PORT_STATUS reply */
	int requests;	     /* DLE EOT requests seen */
	int port_requests;
	struct packet replies[MAX_REPLIES];
	int n_replies;
	uint8_t *capture; /* the job bytes the printer took */
	size_t captured;
	UMockdevIoctlData *in[MAX_URBS]; /* IN URBs waiting for a reply */
	int n_in;
	UMockdevIoctlData *done[MAX_URBS]; /* completed or discarded, waiting to be reaped */
	int n_done;
	unsigned long unknown; /* the last ioctl not understood, 0 if none */
	bool bad_urb;	       /* a URB the printer's current setting has no endpoint for */
};

static void post(void *ctx, const struct dev_event *ev)
{
	struct rig *r = ctx;

	assert_true(r->n < MAX_EVENTS);
	r->ev[r->n++] = *ev;
}

static void drop_events(struct rig *r)
{
	for (int i = 0; i < r->n; i++)
		dev_event_finish(&r->ev[i]);
	r->n = 0;
}

static int count(const struct rig *r, enum dev_event_type t)
{
	int n = 0;

	for (int i = 0; i < r->n; i++)
		n += r->ev[i].type == t;
	return n;
}

static const struct dev_event *last(const struct rig *r, enum dev_event_type t)
{
	for (int i = r->n - 1; i >= 0; i--)
		if (r->ev[i].type == t)
			return &r->ev[i];
	return NULL;
}

static void complete(UMockdevIoctlClient *client, int errnum)
{
	umockdev_ioctl_client_complete(client, errnum ? -1 : 0, errnum);
}

static void push_done(struct rig *r, UMockdevIoctlData *urb_data, int status)
{
	struct usbdevfs_urb *urb = (struct usbdevfs_urb *)urb_data->data;

	urb->status = status;
	if (r->n_done < MAX_URBS)
		r->done[r->n_done++] = urb_data;
	else
		umockdev_ioctl_data_unref(urb_data);
}

static UMockdevIoctlData *pop(UMockdevIoctlData **list, int *n)
{
	UMockdevIoctlData *d = list[0];

	memmove(list, list + 1, (size_t)(--*n) * sizeof(*list));
	return d;
}

static void reply(struct rig *r, const uint8_t *b, int len)
{
	if (r->n_replies >= MAX_REPLIES)
		return;
	memcpy(r->replies[r->n_replies].b, b, (size_t)len);
	r->replies[r->n_replies++].len = len;
}

/* The printer's side of 10 04 n. */
static void answer_status(struct rig *r, int n)
{
	bool out = r->paper_out;
	struct escpos_status st = {
		.offline = out || r->cover_open || r->offline,
		.cover_open = r->cover_open,
		.paper_stop = out,
		.paper_near_end = r->near_end || out,
		.paper_end = out,
	};
	uint8_t b[2];

	r->requests++;
	assert_int_equal(escpos_status_encode(n, &st, &b[0]), KERR_OK);
	b[1] = b[0];
	switch (r->answer) {
	case ANSWER_STATUS:
		reply(r, b, 1);
		break;
	case ANSWER_EMPTY:
		reply(r, b, 0);
		break;
	case ANSWER_GARBLE:
		b[0] = 0x00;
		reply(r, b, 1);
		break;
	case ANSWER_DOUBLE:
		reply(r, b, 2);
		break;
	case ANSWER_NONE:
		break;
	}
}

/* Bulk OUT: a status request is answered, anything else is the job and is printed. */
static void take_out(struct rig *r, const uint8_t *p, size_t n)
{
	if (n == 3 && p[0] == 0x10 && p[1] == 0x04) {
		answer_status(r, p[2]);
		return;
	}
	if (r->captured + n <= CAPTURE_MAX) {
		memcpy(r->capture + r->captured, p, n);
		r->captured += n;
	}
	if (r->run_out_on_job)
		r->paper_out = true;
}

/* GET_PORT_STATUS, the only class request a printer gets from the kiosk. */
static int control(struct rig *r, struct usbdevfs_urb *urb, UMockdevIoctlData *buf)
{
	const uint8_t *setup = buf->data;

	if (urb->buffer_length < 9 || setup[0] != 0xa1 || setup[1] != 0x01)
		return EPIPE;
	r->port_requests++;
	buf->data[8] = r->port_status;
	urb->actual_length = 1;
	return 0;
}

static int submit(struct rig *r, UMockdevIoctlData *arg)
{
	UMockdevIoctlData *urb_data =
		umockdev_ioctl_data_resolve(arg, 0, sizeof(struct usbdevfs_urb), NULL);
	struct usbdevfs_urb *urb;
	UMockdevIoctlData *buf;
	bool ctl, out, in;
	int err = 0;

	if (!urb_data)
		return EFAULT;
	urb = (struct usbdevfs_urb *)urb_data->data;
	ctl = urb->type == USBDEVFS_URB_TYPE_CONTROL && urb->endpoint == 0;
	out = urb->type == USBDEVFS_URB_TYPE_BULK && urb->endpoint == EP_OUT && r->claimed;
	in = urb->type == USBDEVFS_URB_TYPE_BULK && urb->endpoint == EP_IN && r->claimed &&
	     r->alt == 1;
	if (!ctl && !out && !in) {
		r->bad_urb = true;
		umockdev_ioctl_data_unref(urb_data);
		return EINVAL;
	}
	buf = umockdev_ioctl_data_resolve(urb_data, offsetof(struct usbdevfs_urb, buffer),
					  (gsize)urb->buffer_length, NULL);
	if (!buf) {
		umockdev_ioctl_data_unref(urb_data);
		return EFAULT;
	}
	if (ctl) {
		err = control(r, urb, buf);
		push_done(r, urb_data, err ? -err : 0);
		err = 0;
	} else if (out) {
		take_out(r, buf->data, (size_t)urb->buffer_length);
		urb->actual_length = urb->buffer_length;
		push_done(r, urb_data, 0);
	} else if (r->n_in < MAX_URBS) {
		r->in[r->n_in++] = urb_data;
	} else {
		umockdev_ioctl_data_unref(urb_data);
	}
	umockdev_ioctl_data_unref(buf);
	return err;
}

/* The oldest finished URB, else the oldest IN URB filled with the oldest reply. */
static int reap(struct rig *r, UMockdevIoctlData *arg)
{
	UMockdevIoctlData *urb_data = NULL, *ptr;

	if (r->n_done > 0) {
		urb_data = pop(r->done, &r->n_done);
	} else if (r->n_in > 0 && r->n_replies > 0) {
		struct usbdevfs_urb *urb;
		struct packet p = r->replies[0];
		UMockdevIoctlData *buf;

		memmove(r->replies, r->replies + 1, (size_t)--r->n_replies * sizeof(p));
		urb_data = pop(r->in, &r->n_in);
		urb = (struct usbdevfs_urb *)urb_data->data;
		buf = umockdev_ioctl_data_resolve(urb_data, offsetof(struct usbdevfs_urb, buffer),
						  (gsize)urb->buffer_length, NULL);
		memcpy(buf->data, p.b, (size_t)p.len);
		umockdev_ioctl_data_unref(buf);
		urb->actual_length = p.len;
		urb->status = 0;
	}
	if (!urb_data)
		return EAGAIN;
	ptr = umockdev_ioctl_data_resolve(arg, 0, sizeof(void *), NULL);
	umockdev_ioctl_data_set_ptr(ptr, 0, urb_data);
	umockdev_ioctl_data_unref(ptr);
	umockdev_ioctl_data_unref(urb_data);
	return 0;
}

static int discard(struct rig *r, UMockdevIoctlData *arg)
{
	unsigned long addr = (unsigned long)*(void **)arg->data;

	for (int i = 0; i < r->n_in; i++) {
		if (r->in[i]->client_addr == addr) {
			UMockdevIoctlData *d = r->in[i];

			memmove(r->in + i, r->in + i + 1,
				(size_t)(r->n_in - i - 1) * sizeof(*r->in));
			r->n_in--;
			push_done(r, d, -ENOENT);
			return 0;
		}
	}
	return EINVAL;
}

/* USBDEVFS_IOCTL: the kernel driver's connect and disconnect. */
static int driver_ioctl(struct rig *r, UMockdevIoctlData *arg)
{
	UMockdevIoctlData *d =
		umockdev_ioctl_data_resolve(arg, 0, sizeof(struct usbdevfs_ioctl), NULL);
	int code = d ? ((struct usbdevfs_ioctl *)d->data)->ioctl_code : 0;
	int err = 0;

	if (code == USBDEVFS_DISCONNECT) {
		if (r->driver_bound)
			r->detaches++;
		else
			err = ENODATA;
		r->driver_bound = false;
	} else if (code == USBDEVFS_CONNECT) {
		r->driver_bound = !r->claimed;
	} else {
		err = ENOTTY;
	}
	if (d)
		umockdev_ioctl_data_unref(d);
	return err;
}

static int set_interface(struct rig *r, UMockdevIoctlData *arg)
{
	UMockdevIoctlData *d =
		umockdev_ioctl_data_resolve(arg, 0, sizeof(struct usbdevfs_setinterface), NULL);
	struct usbdevfs_setinterface *si = d ? (struct usbdevfs_setinterface *)d->data : NULL;
	int err = si && si->interface == 0 && si->altsetting <= 1 && r->claimed ? 0 : EINVAL;

	if (!err)
		r->alt = (int)si->altsetting;
	if (d)
		umockdev_ioctl_data_unref(d);
	return err;
}

static gboolean on_ioctl(UMockdevIoctlBase *handler, UMockdevIoctlClient *client, gpointer ctx)
{
	struct rig *r = ctx;
	unsigned long req = umockdev_ioctl_client_get_request(client);
	UMockdevIoctlData *arg = umockdev_ioctl_client_get_arg(client);
	UMockdevIoctlData *d;
	int err = 0;

	(void)handler;
	pthread_mutex_lock(&r->lock);
	if (r->gone) {
		err = ENODEV;
	} else if (req == USBDEVFS_GET_CAPABILITIES) {
		d = umockdev_ioctl_data_resolve(arg, 0, sizeof(uint32_t), NULL);
		*(uint32_t *)d->data = USBDEVFS_CAP_BULK_CONTINUATION |
				       USBDEVFS_CAP_NO_PACKET_SIZE_LIM |
				       USBDEVFS_CAP_REAP_AFTER_DISCONNECT;
		umockdev_ioctl_data_unref(d);
	} else if (req == USBDEVFS_GETDRIVER) {
		d = umockdev_ioctl_data_resolve(arg, 0, sizeof(struct usbdevfs_getdriver), NULL);
		if (r->driver_bound)
			snprintf(((struct usbdevfs_getdriver *)d->data)->driver,
				 USBDEVFS_MAXDRIVERNAME + 1, "usblp");
		else
			err = ENODATA;
		umockdev_ioctl_data_unref(d);
	} else if (req == USBDEVFS_IOCTL) {
		err = driver_ioctl(r, arg);
	} else if (req == USBDEVFS_DISCONNECT_CLAIM) {
		/* libusb's auto-detach: usblp leaves, the interface is ours. */
		if (r->driver_bound)
			r->detaches++;
		r->driver_bound = false;
		r->claimed = true;
	} else if (req == USBDEVFS_CLAIMINTERFACE) {
		if (r->driver_bound)
			err = EBUSY;
		else
			r->claimed = true;
	} else if (req == USBDEVFS_RELEASEINTERFACE) {
		r->claimed = false;
		r->alt = 0;
	} else if (req == USBDEVFS_SETINTERFACE) {
		err = set_interface(r, arg);
	} else if (req == USBDEVFS_SUBMITURB) {
		err = submit(r, arg);
	} else if (req == USBDEVFS_REAPURBNDELAY || req == USBDEVFS_REAPURB) {
		err = reap(r, arg);
	} else if (req == USBDEVFS_DISCARDURB) {
		err = discard(r, arg);
	} else if (req == USBDEVFS_CLEAR_HALT || req == USBDEVFS_RESETEP) {
		err = 0;
	} else {
		r->unknown = req;
		err = ENOTTY;
	}
	pthread_mutex_unlock(&r->lock);
	complete(client, err);
	return TRUE;
}

/* Runs the device for ms of virtual time, polling at every deadline it names. */
static void run(struct rig *r, int64_t ms)
{
	int64_t end = clock_now_ms(&r->clock) + ms;

	for (int guard = 0; guard < 100000; guard++) {
		int64_t now = clock_now_ms(&r->clock);
		int64_t dl = dev_next_deadline(r->d);

		if (dl > end) {
			clock_advance(&r->clock, end - now);
			dev_poll(r->d, end);
			return;
		}
		if (dl > now)
			clock_advance(&r->clock, dl - now);
		dev_poll(r->d, clock_now_ms(&r->clock));
	}
	fail_msg("the device never went quiet");
}

static struct dev_status status(const struct rig *r)
{
	struct dev_status st;

	dev_get_status(r->d, &st);
	return st;
}

/* Sets what the printer will say; the lock keeps the handler's thread out meanwhile. */
#define PRINTER(r, stmt)                          \
	do {                                      \
		pthread_mutex_lock(&(r)->lock);   \
		stmt;                             \
		pthread_mutex_unlock(&(r)->lock); \
	} while (0)

static size_t captured(struct rig *r)
{
	size_t n;

	PRINTER(r, n = r->captured);
	return n;
}

static void plug(struct rig *r)
{
	/* umockdev reads no comments: the description starts at its "P:" line. */
	const char *desc = strstr(r->description, "P: ");
	GError *err = NULL;

	PRINTER(r, {
		r->gone = false;
		r->driver_bound = true;
		r->claimed = false;
		r->alt = 0;
	});
	/* The handler first, so the node answers as soon as libusb hears of it. */
	assert_true(umockdev_testbed_attach_ioctl(r->bed, NODE, r->handler, &err));
	if (!umockdev_testbed_add_from_string(r->bed, desc, &err))
		fail_msg("umockdev description: %s", err->message);
}

static void unplug(struct rig *r)
{
	PRINTER(r, {
		r->gone = true;
		while (r->n_in > 0)
			umockdev_ioctl_data_unref(pop(r->in, &r->n_in));
		while (r->n_done > 0)
			umockdev_ioctl_data_unref(pop(r->done, &r->n_done));
		r->n_replies = 0;
	});
	umockdev_testbed_uevent(r->bed, SYSFS, "remove");
	umockdev_testbed_remove_device(r->bed, SYSFS);
	umockdev_testbed_detach_ioctl(r->bed, NODE, NULL);
}

static void open_printer(struct rig *r, const struct dev_config *cfg)
{
	struct dev_sink sink = {post, r};

	assert_int_equal(receipt_open(cfg, &sink, &r->clock, &r->d), KERR_OK);
	run(r, 200);
}

/* A printer with the given descriptors (NULL: the description file's), not yet opened. */
static struct rig *rig_create(const char *descriptors)
{
	struct rig *r = calloc(1, sizeof(*r));
	gsize len;

	assert_non_null(r);
	pthread_mutex_init(&r->lock, NULL);
	clock_init_virtual(&r->clock, WALL_2025_06_01);
	r->capture = malloc(CAPTURE_MAX);
	assert_non_null(r->capture);
	r->port_status = 0x18; /* selected, no error */
	assert_true(g_file_get_contents(DESCRIPTION, &r->description, &len, NULL));
	if (descriptors) {
		char *at = strstr(r->description, "H: descriptors=");
		char *copy;

		assert_non_null(at);
		*at = 0;
		copy = g_strdup_printf("%sH: descriptors=%s\n", r->description, descriptors);
		g_free(r->description);
		r->description = copy;
	}
	r->bed = umockdev_testbed_new();
	assert_non_null(r->bed);
	r->handler = umockdev_ioctl_base_new();
	g_signal_connect_after(r->handler, "handle-ioctl", G_CALLBACK(on_ioctl), r);
	plug(r);
	return r;
}

static int setup(void **state)
{
	struct rig *r = rig_create(NULL);
	struct dev_config cfg = {.backend = "usb"};

	open_printer(r, &cfg);
	assert_int_equal(status(r).state, DEV_STATE_READY);
	drop_events(r);
	*state = r;
	return 0;
}

static int teardown(void **state)
{
	struct rig *r = *state;

	drop_events(r);
	dev_destroy(r->d);
	if (!r->gone)
		unplug(r);
	assert_int_equal(r->unknown, 0);
	assert_false(r->bad_urb);
	g_object_unref(r->handler);
	g_object_unref(r->bed);
	g_free(r->description);
	free(r->capture);
	pthread_mutex_destroy(&r->lock);
	free(r);
	return 0;
}

static const struct receipt_material missing[] = {
	{"户口簿", "缺少，可容缺后补"},
};

static const struct receipt_case sample = {
	.hall = "政务服务自助终端 · 花木街道便民服务中心",
	.case_no = "ZW3101150001202506030001",
	.item = "城乡居民基本养老保险参保登记",
	.applicant = "王*英",
	.id_number = "3101**********0023",
	.accepted = "2025-06-03 10:05",
	.promised = "2025-06-12（7个工作日）",
	.query_code = "8KQ2M7",
	.qr = "ZWFW:ZW3101150001202506030001:8KQ2M7",
	.phone = "12345",
	.deadline = "2025-06-17",
	.missing = missing,
	.n_missing = 1,
};

/* Prints the acceptance receipt and its commitment; returns the job id. */
static int print(struct rig *r, struct receipt_build *b)
{
	struct receipt_doc doc;
	int job = 0;

	receipt_build_init(b);
	receipt_layout_acceptance(b, &sample);
	receipt_layout_commitment(b, &sample);
	assert_int_equal(receipt_build_doc(b, &doc), KERR_OK);
	assert_int_equal(receipt_print(r->d, &doc, &job), KERR_OK);
	assert_true(job > 0);
	return job;
}

/* Prints, runs until the job ends, and returns how it ended. */
static enum kerr print_job(struct rig *r)
{
	struct receipt_build b;
	const struct dev_event *e;
	int job = print(r, &b);

	receipt_build_finish(&b);
	run(r, 5000);
	assert_int_equal(count(r, DEV_EV_PRINT_DONE), 1);
	e = last(r, DEV_EV_PRINT_DONE);
	assert_int_equal(e->value, job);
	return e->err;
}

static bool has_text(const struct escpos_job *j, const char *text)
{
	for (size_t i = 0; i < j->n; i++)
		if ((j->items[i].kind == ESCPOS_ITEM_TEXT || j->items[i].kind == ESCPOS_ITEM_QR) &&
		    strstr(j->items[i].text, text))
			return true;
	return false;
}

static void prints_what_the_layout_says(void **state)
{
	struct rig *r = *state;
	struct receipt_build b;
	struct receipt_doc doc;
	struct escpos want;
	struct escpos_job paper;
	int cuts = 0;

	print(r, &b);
	assert_int_equal(status(r).state, DEV_STATE_BUSY);
	run(r, 5000);
	assert_int_equal(last(r, DEV_EV_PRINT_DONE)->err, KERR_OK);
	assert_int_equal(status(r).state, DEV_STATE_READY);
	assert_false(status(r).paper_near_end);
	/* The very bytes the simulated printer would have been given. */
	assert_int_equal(receipt_build_doc(&b, &doc), KERR_OK);
	escpos_init(&want, ESCPOS_DEFAULT_MAX);
	assert_int_equal(escpos_render_receipt(&want, &doc), KERR_OK);
	assert_int_equal(captured(r), want.len);
	assert_memory_equal(r->capture, want.data, want.len);
	escpos_finish(&want);
	receipt_build_finish(&b);
	/* And what the printer made of them. */
	assert_int_equal(escpos_job_parse(r->capture, r->captured, &paper), KERR_OK);
	assert_true(has_text(&paper, "ZW3101150001202506030001"));
	assert_true(has_text(&paper, "城乡居民基本养老保险参保登记"));
	assert_true(has_text(&paper, "8KQ2M7"));
	assert_true(has_text(&paper, "ZWFW:ZW3101150001202506030001:8KQ2M7"));
	assert_true(has_text(&paper, "户口簿"));
	for (size_t i = 0; i < paper.n; i++)
		cuts += paper.items[i].kind == ESCPOS_ITEM_CUT;
	assert_int_equal(cuts, 2);
	escpos_job_finish(&paper);
	/* Four requests before the job, some while it printed, four after. */
	PRINTER(r, assert_true(r->requests >= 8));
	/* Read on the bidirectional setting. */
	PRINTER(r, assert_int_equal(r->alt, 1));
}

static void kernel_driver_lent_while_claimed(void **state)
{
	struct rig *r = *state;
	struct dev_config cfg = {.backend = "usb"};

	PRINTER(r, {
		assert_int_equal(r->detaches, 1);
		assert_false(r->driver_bound);
		assert_true(r->claimed);
	});
	dev_destroy(r->d);
	r->d = NULL;
	/* Released and given back to usblp. */
	PRINTER(r, {
		assert_false(r->claimed);
		assert_true(r->driver_bound);
	});
	open_printer(r, &cfg);
	assert_int_equal(status(r).state, DEV_STATE_READY);
	PRINTER(r, assert_int_equal(r->detaches, 2));
}

static void paper_near_end_prints_and_tells_the_health(void **state)
{
	struct rig *r = *state;
	const struct dev_event *e;

	PRINTER(r, r->near_end = true);
	assert_int_equal(print_job(r), KERR_OK);
	assert_true(captured(r) > 0);
	e = last(r, DEV_EV_PRINT_DONE);
	assert_true(e->status.paper_near_end);
	assert_int_equal(e->status.state, DEV_STATE_READY);
	/* The status event the heartbeat's health is made from. */
	e = last(r, DEV_EV_STATUS);
	assert_non_null(e);
	assert_true(e->status.paper_near_end);
	assert_true(status(r).paper_near_end);
	assert_string_equal(status(r).detail, "paper near end");
	/* A new roll: the health hears of that too, while idle. */
	drop_events(r);
	PRINTER(r, r->near_end = false);
	run(r, 4000);
	assert_false(status(r).paper_near_end);
	assert_int_equal(count(r, DEV_EV_STATUS), 1);
}

/* Each fault refuses the job before a byte of it goes out, and clears when the printer does. */
static void faults_before_the_job_refuse_it(void **state)
{
	struct rig *r = *state;
	static const struct {
		const char *name;
		enum kerr want;
	} faults[] = {
		{"paper out", KERR_PAPER_OUT},
		{"cover open", KERR_COVER_OPEN},
		{"offline", KERR_IO},
	};

	for (size_t i = 0; i < sizeof(faults) / sizeof(faults[0]); i++) {
		PRINTER(r, {
			r->paper_out = i == 0;
			r->cover_open = i == 1;
			r->offline = i == 2;
		});
		drop_events(r);
		assert_int_equal(print_job(r), faults[i].want);
		assert_int_equal(captured(r), 0);
		assert_int_equal(status(r).state, DEV_STATE_FAULT);
		assert_int_equal(status(r).fault, faults[i].want);
		assert_string_equal(status(r).detail, faults[i].name);
		PRINTER(r, r->paper_out = r->cover_open = r->offline = false);
		run(r, 4000);
		assert_int_equal(status(r).state, DEV_STATE_READY);
	}
	drop_events(r);
	assert_int_equal(print_job(r), KERR_OK);
	assert_true(captured(r) > 0);
}

static void paper_out_during_the_job_is_a_failure(void **state)
{
	struct rig *r = *state;

	PRINTER(r, r->run_out_on_job = true);
	/* The printer took every byte, and said nothing of it: the status after tells. */
	assert_int_equal(print_job(r), KERR_PAPER_OUT);
	assert_true(captured(r) > 0);
	assert_int_equal(status(r).state, DEV_STATE_FAULT);
	assert_int_equal(status(r).fault, KERR_PAPER_OUT);
	/* A new roll: ready again, without restarting anything. */
	PRINTER(r, r->paper_out = r->run_out_on_job = false);
	run(r, 4000);
	assert_int_equal(status(r).state, DEV_STATE_READY);
}

static void no_answer_and_malformed_answers(void **state)
{
	struct rig *r = *state;
	static const struct {
		enum answer answer;
		enum kerr want;
	} cases[] = {
		{ANSWER_NONE, KERR_TIMEOUT},
		{ANSWER_EMPTY, KERR_TIMEOUT},
		{ANSWER_GARBLE, KERR_PROTO},
		{ANSWER_DOUBLE, KERR_PROTO},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		PRINTER(r, r->answer = cases[i].answer);
		drop_events(r);
		assert_int_equal(print_job(r), cases[i].want);
		/* Never printed blind. */
		assert_int_equal(captured(r), 0);
		assert_int_equal(status(r).state, DEV_STATE_FAULT);
		assert_int_equal(status(r).fault, cases[i].want);
		PRINTER(r, r->answer = ANSWER_STATUS);
		run(r, 5000);
		assert_int_equal(status(r).state, DEV_STATE_READY);
	}
}

static void one_job_at_a_time(void **state)
{
	struct rig *r = *state;
	struct receipt_build b;
	struct receipt_doc doc;
	int job = 0;

	print(r, &b);
	assert_int_equal(receipt_build_doc(&b, &doc), KERR_OK);
	assert_int_equal(receipt_print(r->d, &doc, &job), KERR_BUSY);
	receipt_build_finish(&b);
	run(r, 5000);
	assert_int_equal(count(r, DEV_EV_PRINT_DONE), 1);
	assert_int_equal(last(r, DEV_EV_PRINT_DONE)->err, KERR_OK);
}

static void unplugged_while_idle_and_back(void **state)
{
	struct rig *r = *state;

	unplug(r);
	run(r, 4000);
	assert_int_equal(status(r).state, DEV_STATE_ABSENT);
	assert_int_equal(status(r).fault, KERR_NO_DEVICE);
	assert_non_null(strstr(status(r).detail, "unplugged"));
	/* A job meanwhile is refused at once, not queued for a printer that is not there. */
	{
		struct receipt_build b;
		struct receipt_doc doc;
		int job = 0;

		receipt_build_init(&b);
		receipt_layout_acceptance(&b, &sample);
		assert_int_equal(receipt_build_doc(&b, &doc), KERR_OK);
		assert_int_equal(receipt_print(r->d, &doc, &job), KERR_NO_DEVICE);
		receipt_build_finish(&b);
	}
	plug(r);
	run(r, 3000);
	assert_int_equal(status(r).state, DEV_STATE_READY);
	drop_events(r);
	assert_int_equal(print_job(r), KERR_OK);
}

static void unplugged_mid_job_and_back(void **state)
{
	struct rig *r = *state;
	struct receipt_build b;
	int job = print(r, &b);

	receipt_build_finish(&b);
	/* Until the bytes are out and the paper is coming. */
	for (int i = 0; i < 200 && captured(r) == 0; i++)
		run(r, 5);
	assert_true(captured(r) > 0);
	assert_int_equal(count(r, DEV_EV_PRINT_DONE), 0);
	unplug(r);
	run(r, 1000);
	assert_int_equal(count(r, DEV_EV_PRINT_DONE), 1);
	assert_int_equal(last(r, DEV_EV_PRINT_DONE)->value, job);
	assert_int_equal(last(r, DEV_EV_PRINT_DONE)->err, KERR_NO_DEVICE);
	assert_int_equal(status(r).state, DEV_STATE_ABSENT);
	plug(r);
	run(r, 3000);
	assert_int_equal(status(r).state, DEV_STATE_READY);
	drop_events(r);
	PRINTER(r, r->captured = 0);
	assert_int_equal(print_job(r), KERR_OK);
	assert_true(captured(r) > 0);
}

/* Limited by VID:PID or by port: the printer is found only where it was said to be. */
static void selected_by_ids_and_port(void **state)
{
	struct rig *r = *state;
	static const struct {
		const char *ids, *port;
		enum dev_state want;
	} cases[] = {
		{"0416:5011", "", DEV_STATE_READY},
		{"04b8:0e15,0416:5011", "1-2", DEV_STATE_READY},
		{"04b8:0e15", "", DEV_STATE_ABSENT},
		{"", "1-3", DEV_STATE_ABSENT},
		{"", "2-2", DEV_STATE_ABSENT},
	};
	static const char *const bad[][2] = {
		{"0416", ""}, {"", "1"},     {"", "1-"},
		{"", "x-1"},  {"", "1-2.0"}, {"", "1-1.2.3.4.5.6.7.8"},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct dev_config cfg = {.backend = "usb"};

		dev_destroy(r->d);
		r->d = NULL;
		snprintf(cfg.usb_ids, sizeof(cfg.usb_ids), "%s", cases[i].ids);
		snprintf(cfg.usb_port, sizeof(cfg.usb_port), "%s", cases[i].port);
		open_printer(r, &cfg);
		assert_int_equal(status(r).state, cases[i].want);
		drop_events(r);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct dev_config cfg = {.backend = "usb"};
		struct dev_sink sink = {post, r};
		struct dev *d = NULL;

		snprintf(cfg.usb_ids, sizeof(cfg.usb_ids), "%s", bad[i][0]);
		snprintf(cfg.usb_port, sizeof(cfg.usb_port), "%s", bad[i][1]);
		assert_int_equal(receipt_open(&cfg, &sink, &r->clock, &d), KERR_INVAL);
		assert_null(d);
	}
}

/* A printer with only the one-way setting: its status through GET_PORT_STATUS. */
static void one_way_printer(void **state)
{
	struct rig *r = rig_create(ONE_WAY_DESCRIPTORS);
	struct dev_config cfg = {.backend = "usb"};

	(void)state;
	open_printer(r, &cfg);
	assert_int_equal(status(r).state, DEV_STATE_READY);
	drop_events(r);
	assert_int_equal(print_job(r), KERR_OK);
	assert_true(captured(r) > 0);
	PRINTER(r, {
		assert_int_equal(r->requests, 0);
		assert_true(r->port_requests >= 2);
		r->captured = 0;
		r->port_status = 0x38; /* paper empty */
	});
	drop_events(r);
	assert_int_equal(print_job(r), KERR_PAPER_OUT);
	assert_int_equal(captured(r), 0);
	PRINTER(r, r->port_status = 0x08); /* deselected */
	run(r, 4000);
	assert_int_equal(status(r).fault, KERR_IO);
	PRINTER(r, r->port_status = 0x18);
	run(r, 4000);
	assert_int_equal(status(r).state, DEV_STATE_READY);
	*state = r;
	teardown(state);
}

/* Re-executes with umockdev's preload library when it is not loaded yet. */
static bool preloaded(char **argv)
{
	const char *pre = getenv("LD_PRELOAD");
	char buf[512];

	if (pre && strstr(pre, "libumockdev-preload"))
		return true;
	if (getenv("KIOSK_UMOCKDEV_REEXEC"))
		return false;
	setenv("KIOSK_UMOCKDEV_REEXEC", "1", 1);
	snprintf(buf, sizeof(buf), "%s%s%s", PRELOAD, pre && *pre ? ":" : "", pre ? pre : "");
	setenv("LD_PRELOAD", buf, 1);
	pre = getenv("ASAN_OPTIONS");
	snprintf(buf, sizeof(buf), "%s%s%s", pre ? pre : "", pre && *pre ? ":" : "",
		 ASAN_LINK_ORDER);
	setenv("ASAN_OPTIONS", buf, 1);
	execv("/proc/self/exe", argv);
	return false;
}

int main(int argc, char **argv)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(prints_what_the_layout_says),
		T(kernel_driver_lent_while_claimed),
		T(paper_near_end_prints_and_tells_the_health),
		T(faults_before_the_job_refuse_it),
		T(paper_out_during_the_job_is_a_failure),
		T(no_answer_and_malformed_answers),
		T(one_job_at_a_time),
		T(unplugged_while_idle_and_back),
		T(unplugged_mid_job_and_back),
		T(selected_by_ids_and_port),
		cmocka_unit_test(one_way_printer),
	};

	(void)argc;
	if (!preloaded(argv)) {
		printf("umockdev's %s could not be preloaded: the USB tests are skipped\n",
		       PRELOAD);
		return 0;
	}
	return cmocka_run_group_tests(tests, NULL, NULL);
}
