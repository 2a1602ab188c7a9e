/* The HID keypad backend end to end under umockdev: libusb enumerates the keypad described in
 * tests/data/keypad_hid.umockdev, and this test answers the usbfs ioctls of its device node,
 * completing interrupt IN URBs with the reports of tests/data/keypad_hid.reports at their times on
 * the virtual clock, so the real libusb pipe, the report map and the key state machine run. As
 * test_idcard_umockdev.c: in-process, the program re-executing itself with umockdev's preload
 * library (tests/support/umockdev_dev.c); the ioctl handler runs on umockdev's thread and shares
 * the rig under a lock. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "tests/support/dev_run.h"
#include "tests/support/umockdev_dev.h"
#include "drivers/keypad.h"

#include <errno.h>
#include <linux/usbdevice_fs.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#define MAX_EVENTS  64
#define MAX_REPORTS 64
#define DESCRIPTION SRCDIR "/tests/data/keypad_hid.umockdev"
#define REPORTS	    SRCDIR "/tests/data/keypad_hid.reports"
#define SYSFS	    "/sys/devices/pci0000:00/0000:00:14.0/usb1/1-2"
#define NODE	    "/dev/bus/usb/001/003"
#define EP_IN	    0x81
#define IDS	    "1209:0001"

struct report {
	int64_t at; /* on the virtual clock */
	uint8_t data[16];
	int len;
};

struct rig {
	struct clock clock;
	struct umockdev_dev u; /* its URB queues are shared with the handler, under the lock */
	struct dev *d;
	struct dev_event ev[MAX_EVENTS];
	int n;

	/* Shared with the ioctl handler's thread. */
	pthread_mutex_t lock;
	bool gone;
	struct report rep[MAX_REPORTS]; /* due in order */
	int n_rep, next_rep;
	unsigned long unknown;
	bool bad_urb; /* a URB that is not an interrupt IN on the keypad's endpoint */
};

static void post(void *ctx, const struct dev_event *ev)
{
	struct rig *r = ctx;

	assert_true(r->n < MAX_EVENTS);
	r->ev[r->n++] = *ev;
}

static const char *keys(const struct rig *r)
{
	static char out[MAX_EVENTS + 1];
	int o = 0;

	for (int i = 0; i < r->n; i++)
		if (r->ev[i].type == DEV_EV_KEY)
			out[o++] = (char)('0' + r->ev[i].value);
	out[o] = 0;
	return out;
}

static int submit(struct rig *r, UMockdevIoctlData *arg)
{
	UMockdevIoctlData *urb_data = umockdev_dev_urb(arg);
	struct usbdevfs_urb *urb;
	UMockdevIoctlData *buf;

	if (!urb_data)
		return EFAULT;
	urb = (struct usbdevfs_urb *)urb_data->data;
	if (urb->type != USBDEVFS_URB_TYPE_INTERRUPT || urb->endpoint != EP_IN ||
	    urb->buffer_length != 8) {
		r->bad_urb = true;
		umockdev_ioctl_data_unref(urb_data);
		return EINVAL;
	}
	/* Resolved now so that reap() may write the report into the caller's buffer. */
	buf = umockdev_ioctl_data_resolve(urb_data, offsetof(struct usbdevfs_urb, buffer),
					  (gsize)urb->buffer_length, NULL);
	if (!buf) {
		umockdev_ioctl_data_unref(urb_data);
		return EFAULT;
	}
	umockdev_ioctl_data_unref(buf);
	umockdev_dev_wait_in(&r->u, urb_data);
	return 0;
}

/* The oldest cancelled URB, else the oldest IN URB filled with the next report that is due. */
static int reap(struct rig *r, UMockdevIoctlData *arg)
{
	UMockdevIoctlData *urb_data = NULL;

	if (r->u.n_done > 0) {
		urb_data = umockdev_dev_pop(r->u.done, &r->u.n_done);
	} else if (r->u.n_in > 0 && r->next_rep < r->n_rep &&
		   r->rep[r->next_rep].at <= clock_now_ms(&r->clock)) {
		const struct report *rp = &r->rep[r->next_rep++];
		struct usbdevfs_urb *urb;

		urb_data = umockdev_dev_pop(r->u.in, &r->u.n_in);
		urb = (struct usbdevfs_urb *)urb_data->data;
		memcpy(urb->buffer, rp->data, (size_t)rp->len);
		urb->actual_length = rp->len;
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

/* Queues the reports of one section of the recording, starting now. */
static void play(struct rig *r, const char *section)
{
	FILE *f = fopen(REPORTS, "r");
	char line[256];
	bool in = false;
	int64_t t0 = clock_now_ms(&r->clock);

	assert_non_null(f);
	pthread_mutex_lock(&r->lock);
	r->n_rep = r->next_rep = 0;
	while (fgets(line, sizeof(line), f)) {
		struct report *rp = &r->rep[r->n_rep];
		long at;
		char hex[64];

		if (line[0] == '=') {
			line[strcspn(line, "\n")] = 0;
			in = strcmp(line + 2, section) == 0;
			continue;
		}
		if (!in || line[0] == '#' || sscanf(line, "%ld %63s", &at, hex) != 2)
			continue;
		assert_true(r->n_rep < MAX_REPORTS);
		rp->at = t0 + at;
		rp->len = (int)strlen(hex) / 2;
		for (int i = 0; i < rp->len; i++)
			assert_int_equal(sscanf(hex + 2 * i, "%2hhx", &rp->data[i]), 1);
		r->n_rep++;
	}
	pthread_mutex_unlock(&r->lock);
	fclose(f);
	assert_true(r->n_rep > 0);
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
	pthread_mutex_unlock(&r->lock);
	umockdev_dev_unplug(&r->u);
}

static void open_dev(struct rig *r)
{
	struct dev_config cfg = { .backend = "hid" };
	struct dev_sink sink = { post, r };

	snprintf(cfg.usb_ids, sizeof(cfg.usb_ids), IDS);
	assert_int_equal(keypad_open(&cfg, &sink, &r->clock, &r->d), KERR_OK);
}

static int setup(void **state)
{
	struct rig *r = calloc(1, sizeof(*r));

	assert_non_null(r);
	pthread_mutex_init(&r->lock, NULL);
	clock_init_virtual(&r->clock, 0);
	umockdev_dev_init(&r->u, DESCRIPTION, SYSFS, NODE, NULL, G_CALLBACK(on_ioctl), r);
	r->u.driver = "usbhid";
	plug(r);
	open_dev(r);
	run(r, 100);
	assert_int_equal(status(r).state, DEV_STATE_READY);
	r->n = 0;
	*state = r;
	return 0;
}

static int teardown(void **state)
{
	struct rig *r = *state;

	dev_destroy(r->d);
	if (!r->gone)
		unplug(r);
	assert_int_equal(r->unknown, 0);
	assert_false(r->bad_urb);
	umockdev_dev_finish(&r->u);
	pthread_mutex_destroy(&r->lock);
	free(r);
	return 0;
}

static void each_key_once(void **state)
{
	struct rig *r = *state;

	keypad_enable(r->d, true);
	play(r, "each-key");
	run(r, 3000);
	assert_string_equal(keys(r), "01234");
}

static void bounce_chords_rollover_and_short_reports(void **state)
{
	struct rig *r = *state;

	keypad_enable(r->d, true);
	play(r, "noisy");
	run(r, 2500);
	assert_string_equal(keys(r), "23");
	play(r, "hold");
	run(r, 2500);
	assert_string_equal(keys(r), "234");
	assert_int_equal(status(r).state, DEV_STATE_READY);
}

static void not_asked_keys_are_dropped(void **state)
{
	struct rig *r = *state;

	play(r, "each-key");
	run(r, 3000);
	assert_string_equal(keys(r), "");
	keypad_enable(r->d, true);
	play(r, "hold");
	run(r, 2500);
	assert_string_equal(keys(r), "4");
}

static void usbhid_lent_while_claimed(void **state)
{
	struct rig *r = *state;

	pthread_mutex_lock(&r->lock);
	assert_int_equal(r->u.detaches, 1);
	assert_false(r->u.driver_bound);
	assert_true(r->u.claimed);
	pthread_mutex_unlock(&r->lock);
	dev_destroy(r->d);
	r->d = NULL;
	pthread_mutex_lock(&r->lock);
	assert_false(r->u.claimed);
	assert_true(r->u.driver_bound);
	pthread_mutex_unlock(&r->lock);
	open_dev(r);
	run(r, 100);
	assert_int_equal(status(r).state, DEV_STATE_READY);
}

static void unplugged_and_plugged_back(void **state)
{
	struct rig *r = *state;

	keypad_enable(r->d, true);
	unplug(r);
	run(r, 500);
	assert_int_equal(status(r).state, DEV_STATE_ABSENT);
	assert_int_equal(status(r).fault, KERR_NO_DEVICE);
	run(r, 5000);
	assert_int_equal(status(r).state, DEV_STATE_ABSENT);
	plug(r);
	run(r, 3000);
	assert_int_equal(status(r).state, DEV_STATE_READY);
	play(r, "each-key");
	run(r, 3000);
	assert_string_equal(keys(r), "01234");
}

static void configuration_checked(void **state)
{
	struct rig *r = *state;
	struct dev_config cfg = { .backend = "hid" };
	struct dev_sink sink = { post, r };
	struct dev *d;

	/* No ids: a keypad is a keyboard to the kernel, and no other keyboard may be taken. */
	assert_int_equal(keypad_open(&cfg, &sink, &r->clock, &d), KERR_INVAL);
	snprintf(cfg.usb_ids, sizeof(cfg.usb_ids), IDS);
	snprintf(cfg.map, sizeof(cfg.map), "keys:zz");
	assert_int_equal(keypad_open(&cfg, &sink, &r->clock, &d), KERR_INVAL);
	cfg.map[0] = 0;
	snprintf(cfg.usb_endpoints, sizeof(cfg.usb_endpoints), "02");
	assert_int_equal(keypad_open(&cfg, &sink, &r->clock, &d), KERR_INVAL);
}

int main(int argc, char **argv)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(each_key_once),
		T(bounce_chords_rollover_and_short_reports),
		T(not_asked_keys_are_dropped),
		T(usbhid_lent_while_claimed),
		T(unplugged_and_plugged_back),
		T(configuration_checked),
	};

	(void)argc;
	if (!umockdev_dev_preloaded(argv)) {
		printf("umockdev's preload library is missing: the USB tests are skipped\n");
		return 0;
	}
	return cmocka_run_group_tests(tests, NULL, NULL);
}
