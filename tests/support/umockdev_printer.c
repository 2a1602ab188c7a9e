/* The receipt printer under umockdev (see umockdev_printer.h). */
#include "tests/support/umockdev_printer.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "drivers/escpos.h"

#include <errno.h>
#include <linux/usbdevice_fs.h>
#include <sys/ioctl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DESCRIPTION SRCDIR "/tests/data/receipt_printer.umockdev"
#define SYSFS	    "/sys/devices/pci0000:00/0000:00:14.0/usb1/1-2"
#define NODE	    "/dev/bus/usb/001/003"
#define EP_OUT	    0x01
#define EP_IN	    0x82

static void reply(struct umockdev_printer *r, const uint8_t *b, int len)
{
	if (r->n_replies >= UMOCKDEV_PRINTER_REPLIES)
		return;
	memcpy(r->replies[r->n_replies].b, b, (size_t)len);
	r->replies[r->n_replies++].len = len;
}

/* The printer's side of 10 04 n. */
static void answer_status(struct umockdev_printer *r, int n)
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
	case UMOCKDEV_PRINTER_STATUS:
		reply(r, b, 1);
		break;
	case UMOCKDEV_PRINTER_EMPTY:
		reply(r, b, 0);
		break;
	case UMOCKDEV_PRINTER_GARBLE:
		b[0] = 0x00;
		reply(r, b, 1);
		break;
	case UMOCKDEV_PRINTER_DOUBLE:
		reply(r, b, 2);
		break;
	case UMOCKDEV_PRINTER_NONE:
	case UMOCKDEV_PRINTER__COUNT:
		break;
	}
}

/* Bulk OUT: a status request is answered, anything else is the job and is printed. */
static void take_out(struct umockdev_printer *r, const uint8_t *p, size_t n)
{
	if (n == 3 && p[0] == 0x10 && p[1] == 0x04) {
		answer_status(r, p[2]);
		return;
	}
	if (r->captured + n <= UMOCKDEV_PRINTER_CAPTURE) {
		memcpy(r->capture + r->captured, p, n);
		r->captured += n;
	}
	if (r->run_out_on_job)
		r->paper_out = true;
}

/* GET_PORT_STATUS, the only class request a printer gets from the kiosk. */
static int control(struct umockdev_printer *r, struct usbdevfs_urb *urb, UMockdevIoctlData *buf)
{
	const uint8_t *setup = buf->data;

	if (urb->buffer_length < 9 || setup[0] != 0xa1 || setup[1] != 0x01)
		return EPIPE;
	r->port_requests++;
	buf->data[8] = r->port_status;
	urb->actual_length = 1;
	return 0;
}

static int submit(struct umockdev_printer *r, UMockdevIoctlData *arg)
{
	UMockdevIoctlData *urb_data =
		umockdev_dev_urb(arg);
	struct usbdevfs_urb *urb;
	UMockdevIoctlData *buf;
	bool ctl, out, in;
	int err = 0;

	if (!urb_data)
		return EFAULT;
	urb = (struct usbdevfs_urb *)urb_data->data;
	ctl = urb->type == USBDEVFS_URB_TYPE_CONTROL && urb->endpoint == 0;
	out = urb->type == USBDEVFS_URB_TYPE_BULK && urb->endpoint == EP_OUT && r->u.claimed;
	in = urb->type == USBDEVFS_URB_TYPE_BULK && urb->endpoint == EP_IN && r->u.claimed &&
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
		umockdev_dev_done(&r->u, urb_data, err ? -err : 0);
		err = 0;
	} else if (out) {
		take_out(r, buf->data, (size_t)urb->buffer_length);
		urb->actual_length = urb->buffer_length;
		umockdev_dev_done(&r->u, urb_data, 0);
	} else {
		umockdev_dev_wait_in(&r->u, urb_data);
	}
	umockdev_ioctl_data_unref(buf);
	return err;
}

/* The oldest finished URB, else the oldest IN URB filled with the oldest reply. */
static int reap(struct umockdev_printer *r, UMockdevIoctlData *arg)
{
	UMockdevIoctlData *urb_data = NULL;

	if (r->u.n_done > 0) {
		urb_data = umockdev_dev_pop(r->u.done, &r->u.n_done);
	} else if (r->u.n_in > 0 && r->n_replies > 0) {
		struct usbdevfs_urb *urb;
		struct umockdev_printer_packet p = r->replies[0];
		UMockdevIoctlData *buf;

		memmove(r->replies, r->replies + 1, (size_t)--r->n_replies * sizeof(p));
		urb_data = umockdev_dev_pop(r->u.in, &r->u.n_in);
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
	umockdev_dev_reaped(arg, urb_data);
	return 0;
}

static int set_interface(struct umockdev_printer *r, UMockdevIoctlData *arg)
{
	UMockdevIoctlData *d =
		umockdev_ioctl_data_resolve(arg, 0, sizeof(struct usbdevfs_setinterface), NULL);
	struct usbdevfs_setinterface *si = d ? (struct usbdevfs_setinterface *)d->data : NULL;
	int err = si && si->interface == 0 && si->altsetting <= 1 && r->u.claimed ? 0 : EINVAL;

	if (!err)
		r->alt = (int)si->altsetting;
	if (d)
		umockdev_ioctl_data_unref(d);
	return err;
}

static gboolean on_ioctl(UMockdevIoctlBase *handler, UMockdevIoctlClient *client, gpointer ctx)
{
	struct umockdev_printer *r = ctx;
	unsigned long req = umockdev_ioctl_client_get_request(client);
	UMockdevIoctlData *arg = umockdev_ioctl_client_get_arg(client);
	int err = 0;

	(void)handler;
	pthread_mutex_lock(&r->lock);
	if (r->gone) {
		err = ENODEV;
	} else if (umockdev_dev_usbfs(&r->u, req, arg, &err)) {
		/* Released, the interface falls back to its first setting. */
		if (req == USBDEVFS_RELEASEINTERFACE)
			r->alt = 0;
	} else if (req == USBDEVFS_SETINTERFACE) {
		err = set_interface(r, arg);
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

void umockdev_printer_plug(struct umockdev_printer *p)
{
	UMOCKDEV_PRINTER(p, {
		p->gone = false;
		p->u.driver_bound = true;
		p->u.claimed = false;
		p->alt = 0;
	});
	umockdev_dev_plug(&p->u);
}

void umockdev_printer_unplug(struct umockdev_printer *p)
{
	UMOCKDEV_PRINTER(p, {
		p->gone = true;
		umockdev_dev_drop(&p->u);
		p->n_replies = 0;
	});
	umockdev_dev_unplug(&p->u);
}

void umockdev_printer_init(struct umockdev_printer *p, const char *descriptors)
{
	memset(p, 0, sizeof(*p));
	pthread_mutex_init(&p->lock, NULL);
	p->capture = malloc(UMOCKDEV_PRINTER_CAPTURE);
	assert_non_null(p->capture);
	p->port_status = 0x18; /* selected, no error */
	umockdev_dev_init(&p->u, DESCRIPTION, SYSFS, NODE, descriptors, G_CALLBACK(on_ioctl), p);
	p->u.driver = "usblp";
	umockdev_printer_plug(p);
}

void umockdev_printer_finish(struct umockdev_printer *p)
{
	if (!p->gone)
		umockdev_printer_unplug(p);
	umockdev_dev_finish(&p->u);
	free(p->capture);
	pthread_mutex_destroy(&p->lock);
}
