/* libusb bulk pipes. libusb's error codes are translated to the kiosk's in usb_kerr() only. */
#include "drivers/usb.h"

#include <libusb.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* One packet per IN transfer: a transfer of more would wait for a short packet that a reply whose
 * length is a multiple of the packet size never sends. */
#define IN_MAX 512

struct usb_bulk {
	libusb_context *ctx;
	struct usb_id ids[USB_IDS_MAX];
	size_t n_ids;
	uint8_t want_in, want_out; /* from the configuration; 0: from the descriptors */
	bool hid;		   /* an interrupt IN endpoint of a HID interface, no OUT */
	int in_len;		   /* bytes asked of each IN transfer */
	int want_cls, want_sub;	   /* interface class and subclass; -1: vendor-specific first */
	struct usb_port port;
	libusb_device_handle *h;
	int iface, alt, protocol;
	uint8_t ep_in, ep_out;
	struct libusb_transfer *in; /* always submitted while open */
	bool in_busy;		    /* in is submitted and not yet completed or cancelled */
	bool in_done;		    /* completed: in->actual_length bytes at in_buf + in_pos */
	int in_pos;
	uint8_t in_buf[IN_MAX];
	bool hotplug;		 /* libusb tells of arrivals and departures */
	libusb_hotplug_callback_handle plug_cb;
	bool left, arrived;	 /* notices not yet taken by usb_bulk_hotplug() */
	char error[160];
};

static enum kerr usb_kerr(int rc)
{
	switch (rc) {
	case LIBUSB_SUCCESS:
		return KERR_OK;
	case LIBUSB_ERROR_NO_DEVICE:
	case LIBUSB_ERROR_NOT_FOUND:
		return KERR_NO_DEVICE;
	case LIBUSB_ERROR_ACCESS:
		return KERR_PERM;
	case LIBUSB_ERROR_BUSY:
		return KERR_BUSY;
	case LIBUSB_ERROR_TIMEOUT:
		return KERR_TIMEOUT;
	case LIBUSB_ERROR_NO_MEM:
		return KERR_NOMEM;
	default:
		return KERR_IO;
	}
}

static enum kerr failed(struct usb_bulk *u, const char *what, int rc)
{
	enum kerr e = usb_kerr(rc);

	snprintf(u->error, sizeof(u->error), "usb %s: %s", what, libusb_strerror(rc));
	if (e == KERR_NO_DEVICE)
		usb_bulk_close(u);
	return e;
}

static bool hex_u16(const char *s, size_t len, uint16_t *ret)
{
	unsigned v = 0;

	if (len == 0 || len > 4)
		return false;
	for (size_t i = 0; i < len; i++) {
		char c = s[i];
		unsigned d = c >= '0' && c <= '9'   ? (unsigned)(c - '0')
			     : c >= 'a' && c <= 'f' ? (unsigned)(c - 'a' + 10)
			     : c >= 'A' && c <= 'F' ? (unsigned)(c - 'A' + 10)
						    : 16;
		if (d > 15)
			return false;
		v = v << 4 | d;
	}
	*ret = (uint16_t)v;
	return true;
}

enum kerr usb_ids_parse(const char *s, struct usb_id *ids, size_t cap, size_t *n)
{
	while (s && *s) {
		const char *colon = strchr(s, ':'), *end = strchr(s, ',');
		struct usb_id id;

		if (!end)
			end = s + strlen(s);
		while (*s == ' ')
			s++;
		if (!colon || colon > end || !hex_u16(s, (size_t)(colon - s), &id.vid) ||
		    !hex_u16(colon + 1, (size_t)(end - colon - 1), &id.pid))
			return KERR_INVAL;
		if (*n >= cap)
			return KERR_FULL;
		ids[(*n)++] = id;
		s = *end ? end + 1 : end;
	}
	return KERR_OK;
}

enum kerr usb_endpoints_parse(const char *s, uint8_t *ret_in, uint8_t *ret_out)
{
	const char *comma;
	uint16_t in, out;

	if (!s || !*s) {
		*ret_in = 0;
		*ret_out = 0;
		return KERR_OK;
	}
	comma = strchr(s, ',');
	if (!comma || !hex_u16(s, (size_t)(comma - s), &in) ||
	    !hex_u16(comma + 1, strlen(comma + 1), &out) || in > 0xff || out > 0xff ||
	    !(in & 0x80) || (out & 0x80) || out == 0)
		return KERR_INVAL;
	*ret_in = (uint8_t)in;
	*ret_out = (uint8_t)out;
	return KERR_OK;
}

static int LIBUSB_CALL on_plug(libusb_context *ctx, libusb_device *dev, libusb_hotplug_event ev,
			       void *data);

static enum kerr create(const struct usb_id *ids, size_t n, uint8_t ep_in, uint8_t ep_out,
		       bool hid, struct usb_bulk **ret)
{
	struct usb_bulk *u = calloc(1, sizeof(*u));
	int rc;

	if (!u)
		return KERR_NOMEM;
	u->hid = hid;
	u->in_len = IN_MAX;
	if (n > USB_IDS_MAX)
		n = USB_IDS_MAX;
	memcpy(u->ids, ids, n * sizeof(*ids));
	u->n_ids = n;
	u->want_in = ep_in;
	u->want_out = ep_out;
	u->want_cls = -1;
	u->want_sub = -1;
	u->iface = -1;
	rc = libusb_init(&u->ctx);
	if (rc == 0) {
		u->in = libusb_alloc_transfer(0);
		rc = u->in ? 0 : LIBUSB_ERROR_NO_MEM;
	}
	if (rc == 0 && libusb_has_capability(LIBUSB_CAP_HAS_HOTPLUG))
		u->hotplug = libusb_hotplug_register_callback(
				     u->ctx,
				     LIBUSB_HOTPLUG_EVENT_DEVICE_ARRIVED |
					     LIBUSB_HOTPLUG_EVENT_DEVICE_LEFT,
				     0, LIBUSB_HOTPLUG_MATCH_ANY, LIBUSB_HOTPLUG_MATCH_ANY,
				     LIBUSB_HOTPLUG_MATCH_ANY, on_plug, u, &u->plug_cb) == 0;
	if (rc != 0) {
		enum kerr e = usb_kerr(rc);

		usb_bulk_destroy(u);
		return e == KERR_NOMEM ? e : KERR_IO;
	}
	*ret = u;
	return KERR_OK;
}

void usb_bulk_destroy(struct usb_bulk *u)
{
	if (!u)
		return;
	usb_bulk_close(u);
	if (u->hotplug)
		libusb_hotplug_deregister_callback(u->ctx, u->plug_cb);
	if (u->in)
		libusb_free_transfer(u->in);
	if (u->ctx)
		libusb_exit(u->ctx);
	free(u);
}

void usb_bulk_want_class(struct usb_bulk *u, uint8_t cls, uint8_t subclass)
{
	u->want_cls = cls;
	u->want_sub = subclass;
}

void usb_bulk_want_port(struct usb_bulk *u, const struct usb_port *port)
{
	u->port = *port;
}

/* A decimal number of 1..255 at *s, moving *s past it. */
static bool port_number(const char **s, uint8_t *ret)
{
	int v = 0;

	if (**s < '0' || **s > '9')
		return false;
	for (; **s >= '0' && **s <= '9' && v < 1000; (*s)++)
		v = v * 10 + (**s - '0');
	if (v < 1 || v > 255)
		return false;
	*ret = (uint8_t)v;
	return true;
}

enum kerr usb_port_parse(const char *s, struct usb_port *ret)
{
	struct usb_port p;

	memset(&p, 0, sizeof(p));
	if (s && *s) {
		if (!port_number(&s, &p.bus) || *s != '-')
			return KERR_INVAL;
		do {
			s++;
			if (p.depth >= (int)sizeof(p.path) || !port_number(&s, &p.path[p.depth]))
				return KERR_INVAL;
			p.depth++;
		} while (*s == '.');
		if (*s)
			return KERR_INVAL;
	}
	*ret = p;
	return KERR_OK;
}

static bool class_match(const struct usb_bulk *u, const struct libusb_interface_descriptor *alt)
{
	return alt->bInterfaceClass == u->want_cls && alt->bInterfaceSubClass == u->want_sub;
}

/* Whether dev is one this pipe is for: its VID:PID in the table (any, for a class pipe with an
 * empty table), on the wanted port, with an interface of the wanted class. */
static bool known(const struct usb_bulk *u, libusb_device *dev)
{
	struct libusb_device_descriptor d;
	bool ok = u->n_ids == 0 && u->want_cls >= 0;

	if (libusb_get_device_descriptor(dev, &d) != 0)
		return false;
	for (size_t i = 0; i < u->n_ids && !ok; i++)
		ok = u->ids[i].vid == d.idVendor && u->ids[i].pid == d.idProduct;
	if (ok && u->port.depth > 0) {
		uint8_t path[sizeof(u->port.path)];
		int n = libusb_get_port_numbers(dev, path, (int)sizeof(path));

		ok = libusb_get_bus_number(dev) == u->port.bus && n == u->port.depth &&
		     memcmp(path, u->port.path, (size_t)n) == 0;
	}
	if (ok && u->want_cls >= 0) {
		struct libusb_config_descriptor *cfg = NULL;

		ok = false;
		if (libusb_get_active_config_descriptor(dev, &cfg) != 0)
			return false;
		for (int i = 0; i < cfg->bNumInterfaces && !ok; i++)
			for (int a = 0; a < cfg->interface[i].num_altsetting && !ok; a++)
				ok = class_match(u, &cfg->interface[i].altsetting[a]);
		libusb_free_config_descriptor(cfg);
	}
	return ok;
}

/* Called by libusb from within its event handling, so it only takes note. */
static int LIBUSB_CALL on_plug(libusb_context *ctx, libusb_device *dev, libusb_hotplug_event ev,
			       void *data)
{
	struct usb_bulk *u = data;

	(void)ctx;
	if (ev == LIBUSB_HOTPLUG_EVENT_DEVICE_LEFT && u->h && libusb_get_device(u->h) == dev)
		u->left = true;
	else if (ev == LIBUSB_HOTPLUG_EVENT_DEVICE_ARRIVED && !u->h && known(u, dev))
		u->arrived = true;
	return 0;
}

enum kerr usb_bulk_create(const struct usb_id *ids, size_t n, uint8_t ep_in, uint8_t ep_out,
			  struct usb_bulk **ret)
{
	return create(ids, n, ep_in, ep_out, false, ret);
}

enum kerr usb_hid_create(const struct usb_id *ids, size_t n, uint8_t ep_in, struct usb_bulk **ret)
{
	return create(ids, n, ep_in, 0, true, ret);
}

/* A HID interface (class 3) with an interrupt IN endpoint, the configured one or the first. A
 * transfer asks for one packet exactly: an interrupt transfer of more would wait for a short
 * packet that a report filling the packet never sends. */
static bool pick_hid(struct usb_bulk *u, const struct libusb_config_descriptor *cfg)
{
	for (int i = 0; i < cfg->bNumInterfaces; i++) {
		const struct libusb_interface_descriptor *alt;

		if (cfg->interface[i].num_altsetting < 1)
			continue;
		alt = &cfg->interface[i].altsetting[0];
		if (alt->bInterfaceClass != LIBUSB_CLASS_HID)
			continue;
		for (int k = 0; k < alt->bNumEndpoints; k++) {
			const struct libusb_endpoint_descriptor *ep = &alt->endpoint[k];
			uint8_t a = ep->bEndpointAddress;
			int len = ep->wMaxPacketSize & 0x7ff;

			if ((ep->bmAttributes & 3) != LIBUSB_TRANSFER_TYPE_INTERRUPT ||
			    !(a & 0x80) || (u->want_in && a != u->want_in) || len == 0)
				continue;
			u->iface = alt->bInterfaceNumber;
			u->ep_in = a;
			u->ep_out = 0;
			u->in_len = len < IN_MAX ? len : IN_MAX;
			return true;
		}
	}
	return false;
}

/* The bulk endpoints of one alternate setting, the configured ones when given. */
static void bulk_pair(const struct usb_bulk *u, const struct libusb_interface_descriptor *alt,
		      uint8_t *in, uint8_t *out)
{
	*in = 0;
	*out = 0;
	for (int k = 0; k < alt->bNumEndpoints; k++) {
		const struct libusb_endpoint_descriptor *ep = &alt->endpoint[k];
		uint8_t a = ep->bEndpointAddress;

		if ((ep->bmAttributes & 3) != LIBUSB_TRANSFER_TYPE_BULK)
			continue;
		if ((a & 0x80) && !*in && (!u->want_in || a == u->want_in))
			*in = a;
		if (!(a & 0x80) && !*out && (!u->want_out || a == u->want_out))
			*out = a;
	}
}

/* A class pipe: the first setting of the class with a bulk OUT, one with a bulk IN as well
 * preferred (status can then be read back). */
static bool pick_class(struct usb_bulk *u, const struct libusb_config_descriptor *cfg)
{
	for (int pass = 0; pass < 2; pass++) {
		for (int i = 0; i < cfg->bNumInterfaces; i++) {
			for (int a = 0; a < cfg->interface[i].num_altsetting; a++) {
				const struct libusb_interface_descriptor *alt =
					&cfg->interface[i].altsetting[a];
				uint8_t in, out;

				if (!class_match(u, alt))
					continue;
				bulk_pair(u, alt, &in, &out);
				if (!out || (pass == 0 && !in))
					continue;
				u->iface = alt->bInterfaceNumber;
				u->alt = alt->bAlternateSetting;
				u->protocol = alt->bInterfaceProtocol;
				u->ep_in = in;
				u->ep_out = out;
				return true;
			}
		}
	}
	return false;
}

/* The interface with a bulk IN and OUT pair: the configured endpoints, else the first pair,
 * vendor-specific interfaces first. */
static bool pick_endpoints(struct usb_bulk *u, const struct libusb_config_descriptor *cfg)
{
	if (u->want_cls >= 0)
		return pick_class(u, cfg);
	for (int pass = 0; pass < 2; pass++) {
		for (int i = 0; i < cfg->bNumInterfaces; i++) {
			const struct libusb_interface_descriptor *alt;
			uint8_t in = 0, out = 0;

			if (cfg->interface[i].num_altsetting < 1)
				continue;
			alt = &cfg->interface[i].altsetting[0];
			if (pass == 0 && alt->bInterfaceClass != LIBUSB_CLASS_VENDOR_SPEC)
				continue;
			bulk_pair(u, alt, &in, &out);
			if (in && out) {
				u->iface = alt->bInterfaceNumber;
				u->alt = 0;
				u->protocol = alt->bInterfaceProtocol;
				u->ep_in = in;
				u->ep_out = out;
				return true;
			}
		}
	}
	return false;
}

static void LIBUSB_CALL in_done(struct libusb_transfer *t)
{
	struct usb_bulk *u = t->user_data;

	u->in_busy = false;
	u->in_done = true;
	u->in_pos = 0;
}

static int submit_in(struct usb_bulk *u)
{
	int rc;

	if (u->hid)
		libusb_fill_interrupt_transfer(u->in, u->h, u->ep_in, u->in_buf, u->in_len, in_done,
					       u, 0);
	else
		libusb_fill_bulk_transfer(u->in, u->h, u->ep_in, u->in_buf, u->in_len, in_done, u,
					  0);
	u->in_done = false;
	rc = libusb_submit_transfer(u->in);
	u->in_busy = rc == 0;
	return rc;
}

static int open_device(struct usb_bulk *u, libusb_device *dev)
{
	struct libusb_config_descriptor *cfg = NULL;
	int rc = libusb_get_active_config_descriptor(dev, &cfg);

	if (rc != 0)
		return rc;
	if (u->hid ? !pick_hid(u, cfg) : !pick_endpoints(u, cfg)) {
		libusb_free_config_descriptor(cfg);
		snprintf(u->error, sizeof(u->error), "usb: %s",
			 u->hid ? "no HID interface with an interrupt IN endpoint"
				: "no bulk IN and OUT endpoints");
		return LIBUSB_ERROR_NOT_SUPPORTED;
	}
	libusb_free_config_descriptor(cfg);
	if (!u->in)
		u->in = libusb_alloc_transfer(0);
	if (!u->in)
		return LIBUSB_ERROR_NO_MEM;
	rc = libusb_open(dev, &u->h);
	if (rc != 0)
		return rc;
	/* The kernel may have bound a driver (usbhid, cdc, usblp): lend the interface to us and
	 * give it back on release. Not every platform can; claiming then tells. */
	libusb_set_auto_detach_kernel_driver(u->h, 1);
	rc = libusb_claim_interface(u->h, u->iface);
	if (rc == 0 && u->alt != 0) {
		rc = libusb_set_interface_alt_setting(u->h, u->iface, u->alt);
		if (rc != 0)
			libusb_release_interface(u->h, u->iface);
	}
	if (rc == 0 && u->ep_in) {
		rc = submit_in(u);
		if (rc != 0)
			libusb_release_interface(u->h, u->iface);
	}
	if (rc != 0) {
		libusb_close(u->h);
		u->h = NULL;
	}
	return rc;
}

enum kerr usb_bulk_open(struct usb_bulk *u)
{
	libusb_device **list = NULL;
	ssize_t n;
	int rc = LIBUSB_ERROR_NO_DEVICE;

	if (u->h)
		return KERR_OK;
	n = libusb_get_device_list(u->ctx, &list);
	if (n < 0)
		return failed(u, "list", (int)n);
	for (ssize_t i = 0; i < n; i++) {
		struct libusb_device_descriptor d;

		if (!known(u, list[i]) || libusb_get_device_descriptor(list[i], &d) != 0)
			continue;
		rc = open_device(u, list[i]);
		if (rc == 0) {
			snprintf(u->error, sizeof(u->error), "%04x:%04x", d.idVendor, d.idProduct);
			break;
		}
	}
	libusb_free_device_list(list, 1);
	if (rc == LIBUSB_ERROR_NOT_SUPPORTED)
		return KERR_PROTO;
	if (rc != 0) {
		snprintf(u->error, sizeof(u->error), "usb: %s",
			 rc == LIBUSB_ERROR_NO_DEVICE ? "no matching device attached"
						      : libusb_strerror(rc));
		return usb_kerr(rc);
	}
	return KERR_OK;
}

void usb_bulk_close(struct usb_bulk *u)
{
	bool lost;

	if (!u->h)
		return;
	if (u->in_busy && libusb_cancel_transfer(u->in) == 0) {
		struct timeval tv = { 0, 100000 };

		/* Bounded: a device that vanished completes cancellations at once anyway. */
		for (int i = 0; i < 10 && u->in_busy; i++)
			libusb_handle_events_timeout_completed(u->ctx, &tv, NULL);
	}
	/* A transfer that could not be cancelled (the device went first) stays in flight for
	 * libusb until the handle closes; it cannot be submitted again, so it is replaced. */
	lost = u->in_busy;
	u->in_busy = false;
	u->in_done = false;
	libusb_release_interface(u->h, u->iface);
	libusb_close(u->h);
	u->h = NULL;
	if (lost) {
		libusb_free_transfer(u->in);
		u->in = libusb_alloc_transfer(0);
	}
}

enum kerr usb_bulk_write_some(struct usb_bulk *u, const uint8_t *buf, size_t n,
			      unsigned timeout_ms, size_t *ret_done)
{
	int done = 0, rc;

	*ret_done = 0;
	if (!u->h)
		return KERR_NO_DEVICE;
	if (n > INT32_MAX)
		n = INT32_MAX;
	rc = libusb_bulk_transfer(u->h, u->ep_out, (unsigned char *)buf, (int)n, &done, timeout_ms);
	*ret_done = done > 0 ? (size_t)done : 0;
	if (rc == LIBUSB_ERROR_TIMEOUT) {
		snprintf(u->error, sizeof(u->error), "usb write: the device took %zu of %zu bytes",
			 *ret_done, n);
		return KERR_TIMEOUT;
	}
	return rc == 0 ? KERR_OK : failed(u, "write", rc);
}

enum kerr usb_bulk_class_in(struct usb_bulk *u, uint8_t request, uint16_t value, uint8_t *buf,
			    size_t n, unsigned timeout_ms, size_t *ret_n)
{
	int rc;

	if (!u->h)
		return KERR_NO_DEVICE;
	rc = libusb_control_transfer(u->h,
				     LIBUSB_ENDPOINT_IN | LIBUSB_REQUEST_TYPE_CLASS |
					     LIBUSB_RECIPIENT_INTERFACE,
				     request, value, (uint16_t)u->iface, buf,
				     (uint16_t)(n > 0xffff ? 0xffff : n), timeout_ms);
	if (rc == LIBUSB_ERROR_PIPE) {
		snprintf(u->error, sizeof(u->error), "usb: request %u stalled", request);
		return KERR_UNSUPPORTED;
	}
	if (rc < 0)
		return failed(u, "control", rc);
	*ret_n = (size_t)rc;
	return KERR_OK;
}

int usb_bulk_protocol(const struct usb_bulk *u)
{
	return u->h ? u->protocol : -1;
}

bool usb_bulk_has_in(const struct usb_bulk *u)
{
	return u->h && u->ep_in;
}

enum kerr usb_bulk_write(struct usb_bulk *u, const uint8_t *buf, size_t n)
{
	int done = 0, rc;

	if (!u->h)
		return KERR_NO_DEVICE;
	if (!u->ep_out)
		return KERR_UNSUPPORTED;
	rc = libusb_bulk_transfer(u->h, u->ep_out, (unsigned char *)buf, (int)n, &done,
				  USB_WRITE_TIMEOUT_MS);
	if (rc == 0 && (size_t)done != n)
		rc = LIBUSB_ERROR_IO;
	return rc == 0 ? KERR_OK : failed(u, "write", rc);
}

enum kerr usb_bulk_read(struct usb_bulk *u, uint8_t *buf, size_t cap, size_t *ret_n)
{
	struct timeval zero = { 0, 0 };
	size_t n = 0;
	int rc;

	*ret_n = 0;
	if (!u->h || !u->ep_in)
		return KERR_OK;
	if (!u->in_done) {
		rc = libusb_handle_events_timeout_completed(u->ctx, &zero, NULL);
		if (rc != 0 && rc != LIBUSB_ERROR_INTERRUPTED)
			return failed(u, "events", rc);
	}
	if (!u->in_done)
		return KERR_OK;
	switch (u->in->status) {
	case LIBUSB_TRANSFER_COMPLETED:
		n = (size_t)(u->in->actual_length - u->in_pos);
		if (n > cap)
			n = cap;
		memcpy(buf, u->in_buf + u->in_pos, n);
		u->in_pos += (int)n;
		*ret_n = n;
		break;
	case LIBUSB_TRANSFER_NO_DEVICE:
		return failed(u, "read", LIBUSB_ERROR_NO_DEVICE);
	case LIBUSB_TRANSFER_STALL:
		libusb_clear_halt(u->h, u->ep_in);
		break;
	default:
		break;
	}
	if (u->in->status != LIBUSB_TRANSFER_COMPLETED || u->in_pos >= u->in->actual_length) {
		rc = submit_in(u);
		if (rc != 0)
			return failed(u, "read", rc);
	}
	return KERR_OK;
}

enum usb_plug usb_bulk_hotplug(struct usb_bulk *u)
{
	struct timeval zero = { 0, 0 };

	if (!u->hotplug)
		return USB_PLUG_NONE;
	libusb_handle_events_timeout_completed(u->ctx, &zero, NULL);
	if (u->left) {
		u->left = false;
		u->arrived = false;
		snprintf(u->error, sizeof(u->error), "usb: the device was unplugged");
		usb_bulk_close(u);
		return USB_PLUG_LEFT;
	}
	if (u->arrived) {
		u->arrived = false;
		return u->h ? USB_PLUG_NONE : USB_PLUG_ARRIVED;
	}
	return USB_PLUG_NONE;
}

const char *usb_bulk_error(const struct usb_bulk *u)
{
	return u->error;
}
