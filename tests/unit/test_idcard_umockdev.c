/* The USB backend end to end under umockdev: libusb enumerates the reader described in
 * tests/data/idcard_reader.umockdev, and this test answers the usbfs ioctls of its device node with
 * the simulated module behind the bulk endpoints, so the real libusb pipe, reader loop and parsers
 * read real frames. In-process, as libusb's own tests/umockdev.c: the program re-executes itself
 * with libumockdev-preload.so.0 preloaded (tests/support/umockdev_dev.c). The ioctl handler runs
 * on umockdev's thread; the module and the virtual clock it reads are shared under a lock. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "tests/support/dev_run.h"
#include "tests/support/umockdev_dev.h"
#include "drivers/idcard.h"
#include "drivers/idcard_reader.h"
#include "drivers/idcard_simreader.h"

#include <errno.h>
#include <linux/usbdevice_fs.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#define WALL_2025_06_01 1748743200000LL
#define MAX_EVENTS	64
#define DESCRIPTION	SRCDIR "/tests/data/idcard_reader.umockdev"
#define SYSFS		"/sys/devices/pci0000:00/0000:00:14.0/usb1/1-1"
#define NODE		"/dev/bus/usb/001/002"
#define EP_IN		0x81
#define EP_OUT		0x02

struct rig {
	struct clock clock;
	struct umockdev_dev u; /* its URB queues are shared with the handler, under the lock */
	struct dev *d;
	struct dev_event ev[MAX_EVENTS];
	int n;

	/* Shared with the ioctl handler's thread. */
	pthread_mutex_t lock;
	struct idcard_simreader *mod;
	bool gone;	   /* unplugged: every ioctl fails with ENODEV, as usbfs does */
	unsigned long unknown; /* the last ioctl not understood, 0 if none */
	bool bad_out;	       /* an OUT URB on an endpoint the reader does not have */
	uint8_t last_cmd;      /* the command byte of the last frame the kiosk sent */
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

/* A bulk URB: OUT bytes go to the module at once; IN waits for its reply. */
static int submit(struct rig *r, UMockdevIoctlData *arg)
{
	UMockdevIoctlData *urb_data = umockdev_dev_urb(arg);
	struct usbdevfs_urb *urb;
	UMockdevIoctlData *buf;

	if (!urb_data)
		return EFAULT;
	urb = (struct usbdevfs_urb *)urb_data->data;
	if (urb->type != USBDEVFS_URB_TYPE_BULK ||
	    (urb->endpoint != EP_IN && urb->endpoint != EP_OUT)) {
		r->bad_out = true;
		umockdev_ioctl_data_unref(urb_data);
		return EINVAL;
	}
	buf = umockdev_ioctl_data_resolve(urb_data, offsetof(struct usbdevfs_urb, buffer),
					  (gsize)urb->buffer_length, NULL);
	if (!buf) {
		umockdev_ioctl_data_unref(urb_data);
		return EFAULT;
	}
	if (urb->endpoint == EP_OUT) {
		idcard_simreader_write(r->mod, buf->data, (size_t)urb->buffer_length);
		if (urb->buffer_length > 7)
			r->last_cmd = buf->data[7];
		urb->actual_length = urb->buffer_length;
		umockdev_dev_done(&r->u, urb_data, 0);
	} else {
		umockdev_dev_wait_in(&r->u, urb_data);
	}
	umockdev_ioctl_data_unref(buf);
	return 0;
}

/* The oldest finished URB, else the oldest IN URB filled with what the module has due. */
static int reap(struct rig *r, UMockdevIoctlData *arg)
{
	UMockdevIoctlData *urb_data = NULL;

	if (r->u.n_done > 0) {
		urb_data = umockdev_dev_pop(r->u.done, &r->u.n_done);
	} else if (r->u.n_in > 0 && idcard_simreader_ready_at(r->mod) <= clock_now_ms(&r->clock)) {
		struct usbdevfs_urb *urb;

		urb_data = umockdev_dev_pop(r->u.in, &r->u.n_in);
		urb = (struct usbdevfs_urb *)urb_data->data;
		urb->actual_length =
			(int)idcard_simreader_read(r->mod, urb->buffer, (size_t)urb->buffer_length);
		urb->status = 0;
	}
	if (!urb_data)
		return EAGAIN;
	umockdev_dev_reaped(arg, urb_data);
	return 0;
}

static gboolean on_ioctl(UMockdevIoctlBase *handler, UMockdevIoctlClient *client, gpointer ctx)
{
	struct rig *r = ctx;
	unsigned long req = umockdev_ioctl_client_get_request(client);
	UMockdevIoctlData *arg = umockdev_ioctl_client_get_arg(client);
	int err = 0;

	(void)handler;
	pthread_mutex_lock(&r->lock);
	if (r->gone) {
		err = ENODEV;
	} else if (umockdev_dev_usbfs(&r->u, req, arg, &err)) {
		/* answered alike by every usbfs device */
	} else if (req == USBDEVFS_SUBMITURB) {
		err = submit(r, arg);
	} else if (req == USBDEVFS_REAPURBNDELAY || req == USBDEVFS_REAPURB) {
		err = reap(r, arg);
	} else {
		r->unknown = req;
		err = ENOTTY;
	}
	pthread_mutex_unlock(&r->lock);
	umockdev_dev_complete(client, err);
	return TRUE;
}

static void ctl(struct rig *r, const char *cmd)
{
	pthread_mutex_lock(&r->lock);
	assert_int_equal(idcard_simreader_control(r->mod, cmd), KERR_OK);
	pthread_mutex_unlock(&r->lock);
}

static void run(struct rig *r, int64_t ms)
{
	dev_run(r->d, &r->clock, &r->lock, ms);
}

static struct dev_status status(const struct rig *r)
{
	struct dev_status st;

	dev_get_status(r->d, &st);
	return st;
}

static void plug(struct rig *r)
{
	pthread_mutex_lock(&r->lock);
	r->gone = false;
	r->u.driver_bound = true;
	r->u.claimed = false;
	pthread_mutex_unlock(&r->lock);
	umockdev_dev_plug(&r->u);
}

static void unplug(struct rig *r)
{
	pthread_mutex_lock(&r->lock);
	r->gone = true;
	umockdev_dev_drop(&r->u);
	idcard_simreader_drop_link(r->mod);
	pthread_mutex_unlock(&r->lock);
	umockdev_dev_unplug(&r->u);
}

static int setup(void **state)
{
	struct rig *r = calloc(1, sizeof(*r));
	struct dev_config cfg = {.backend = "usb"};
	struct dev_sink sink = {post, r};

	assert_non_null(r);
	pthread_mutex_init(&r->lock, NULL);
	clock_init_virtual(&r->clock, WALL_2025_06_01);
	assert_int_equal(idcard_simreader_create(&r->clock, 20, &r->mod), KERR_OK);
	umockdev_dev_init(&r->u, DESCRIPTION, SYSFS, NODE, NULL, G_CALLBACK(on_ioctl), r);
	r->u.driver = "usbhid";
	plug(r);
	assert_int_equal(idcard_open(&cfg, &sink, &r->clock, &r->d), KERR_OK);
	run(r, 200);
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
	assert_false(r->bad_out);
	idcard_simreader_destroy(r->mod);
	umockdev_dev_finish(&r->u);
	pthread_mutex_destroy(&r->lock);
	free(r);
	return 0;
}

static const struct idcard_data *read_one(struct rig *r, const char *card)
{
	char cmd[64];
	const struct dev_event *e;

	snprintf(cmd, sizeof(cmd), "insert %s", card);
	ctl(r, cmd);
	run(r, 1500);
	e = last(r, DEV_EV_CARD);
	assert_non_null(e);
	assert_non_null(e->payload);
	return e->payload;
}

static void lift(struct rig *r)
{
	int before = count(r, DEV_EV_CARD_REMOVED);

	ctl(r, "remove");
	run(r, 500);
	assert_int_equal(count(r, DEV_EV_CARD_REMOVED), before + 1);
}

static void reads_every_card_type(void **state)
{
	struct rig *r = *state;
	const struct idcard_data *c;

	idcard_enable(r->d, true);
	c = read_one(r, "resident");
	assert_int_equal(c->type, IDCARD_RESIDENT);
	assert_string_equal(c->name, "王小英");
	assert_string_equal(c->id_number, "11010519491231002X");
	assert_string_equal(c->address, "北京市东城区景山前街4号");
	assert_true(c->has_photo);
	assert_memory_equal(c->photo, "WLT", 3);
	lift(r);
	c = read_one(r, "elder");
	assert_string_equal(c->valid_to, "长期");
	lift(r);
	c = read_one(r, "hmt");
	assert_int_equal(c->type, IDCARD_HMT_PERMIT);
	assert_string_equal(c->pass_number, "H60123456");
	lift(r);
	c = read_one(r, "foreign");
	assert_int_equal(c->type, IDCARD_FOREIGN_2023);
	assert_string_equal(c->nationality, "GBR");
	lift(r);
	c = read_one(r, "foreign-2017");
	assert_int_equal(c->type, IDCARD_FOREIGN_2017);
	assert_string_equal(c->id_number, "DEU110088021201");
	assert_int_equal(count(r, DEV_EV_CARD), 5);
	assert_int_equal(count(r, DEV_EV_CARD_ERROR), 0);
}

static void kernel_driver_lent_while_claimed(void **state)
{
	struct rig *r = *state;

	/* The probe claimed the interface: the kernel's driver was detached for it. */
	pthread_mutex_lock(&r->lock);
	assert_int_equal(r->u.detaches, 1);
	assert_false(r->u.driver_bound);
	assert_true(r->u.claimed);
	pthread_mutex_unlock(&r->lock);
	dev_destroy(r->d);
	r->d = NULL;
	/* Released and given back. */
	pthread_mutex_lock(&r->lock);
	assert_false(r->u.claimed);
	assert_true(r->u.driver_bound);
	pthread_mutex_unlock(&r->lock);
	{
		struct dev_config cfg = {.backend = "usb"};
		struct dev_sink sink = {post, r};

		assert_int_equal(idcard_open(&cfg, &sink, &r->clock, &r->d), KERR_OK);
	}
	run(r, 200);
	assert_int_equal(status(r).state, DEV_STATE_READY);
	assert_int_equal(r->u.detaches, 2);
}

static void wrong_expired_unreadable_and_pulled_mid_read(void **state)
{
	struct rig *r = *state;

	idcard_enable(r->d, true);
	ctl(r, "insert expired");
	run(r, 1500);
	assert_int_equal(count(r, DEV_EV_CARD), 0);
	assert_int_equal(last(r, DEV_EV_CARD_ERROR)->err, KERR_EXPIRED);
	ctl(r, "remove");
	run(r, 500);
	drop_events(r);
	ctl(r, "insert unreadable");
	run(r, 1500);
	assert_int_equal(last(r, DEV_EV_CARD_ERROR)->err, KERR_CARD_READ);
	ctl(r, "remove");
	run(r, 500);
	drop_events(r);
	ctl(r, "fault remove-mid-read on");
	ctl(r, "insert resident");
	run(r, 1500);
	assert_int_equal(last(r, DEV_EV_CARD_ERROR)->err, KERR_CARD_REMOVED);
	assert_int_equal(status(r).state, DEV_STATE_READY);
	ctl(r, "fault remove-mid-read off");
	ctl(r, "remove");
	run(r, 500);
	drop_events(r);
	/* Not one of the four accepted cards: a card of another type, one the module does not
	 * know. */
	ctl(r, "insert unknown-type");
	run(r, 1500);
	assert_int_equal(last(r, DEV_EV_CARD_ERROR)->err, KERR_INVAL);
	ctl(r, "remove");
	run(r, 500);
	drop_events(r);
	ctl(r, "insert other-card");
	run(r, 1500);
	assert_int_equal(last(r, DEV_EV_CARD_ERROR)->err, KERR_INVAL);
	ctl(r, "remove");
	run(r, 500);
	drop_events(r);
	/* The resident puts the right card on: read as if nothing happened. */
	read_one(r, "resident");
}

static void unplugged_and_plugged_back(void **state)
{
	struct rig *r = *state;

	idcard_enable(r->d, true);
	read_one(r, "resident");
	unplug(r);
	run(r, 1000);
	assert_int_equal(status(r).state, DEV_STATE_ABSENT);
	assert_int_equal(status(r).fault, KERR_NO_DEVICE);
	assert_int_equal(count(r, DEV_EV_CARD_REMOVED), 1);
	run(r, 5000);
	assert_int_equal(status(r).state, DEV_STATE_ABSENT);
	plug(r);
	run(r, 2000);
	assert_int_equal(status(r).state, DEV_STATE_READY);
	run(r, 1000);
	assert_int_equal(count(r, DEV_EV_CARD), 2);
}

static void unplugged_mid_read(void **state)
{
	struct rig *r = *state;
	bool reading = false;

	idcard_enable(r->d, true);
	ctl(r, "insert hmt");
	/* Until the read command is out and its reply not yet back. */
	for (int i = 0; i < 400 && !reading; i++) {
		run(r, 5);
		pthread_mutex_lock(&r->lock);
		reading = r->last_cmd == 0x30;
		pthread_mutex_unlock(&r->lock);
	}
	assert_true(reading);
	assert_int_equal(count(r, DEV_EV_CARD), 0);
	unplug(r);
	run(r, 1000);
	assert_int_equal(status(r).state, DEV_STATE_ABSENT);
	assert_int_equal(count(r, DEV_EV_CARD), 0);
	assert_int_equal(last(r, DEV_EV_CARD_ERROR)->err, KERR_NO_DEVICE);
	/* Told by libusb's hot-plug notice, not by a reply that never came. */
	assert_non_null(strstr(status(r).detail, "unplugged"));
	plug(r);
	run(r, 3000);
	assert_int_equal(status(r).state, DEV_STATE_READY);
	assert_int_equal(count(r, DEV_EV_CARD), 1);
	assert_int_equal(((const struct idcard_data *)last(r, DEV_EV_CARD)->payload)->type,
			 IDCARD_HMT_PERMIT);
}

int main(int argc, char **argv)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(reads_every_card_type),
		T(kernel_driver_lent_while_claimed),
		T(wrong_expired_unreadable_and_pulled_mid_read),
		T(unplugged_and_plugged_back),
		T(unplugged_mid_read),
	};

	(void)argc;
	if (!umockdev_dev_preloaded(argv)) {
		printf("umockdev's preload library is missing: the USB tests are skipped\n");
		return 0;
	}
	return cmocka_run_group_tests(tests, NULL, NULL);
}
