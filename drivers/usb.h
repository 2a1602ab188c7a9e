/* A USB bulk pipe (or a HID interrupt IN pipe, usb_hid_create()) through libusb: the first attached device whose
 * VID:PID is in a table (or, for a class such as the printer class, any device with an interface of that class,
 * optionally on one port), its bulk endpoints read from the descriptors (or given), the kernel's driver detached
 * while claimed,
 * writes bounded by a timeout and reads that never wait. Found again after it is unplugged and
 * plugged back: usb_bulk_open() looks again each time it is called while closed, and where libusb
 * has hot-plug support its notices say at once when the device leaves or a known one arrives. */
#ifndef DRIVERS_USB_H
#define DRIVERS_USB_H

#include "common/kerr.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define USB_WRITE_TIMEOUT_MS 500
#define USB_IDS_MAX	     16
#define USB_PORT_MAX	     32

struct usb_id {
	uint16_t vid, pid;
};

/* Where a device is plugged in: its bus and the port numbers from the root hub down. */
struct usb_port {
	uint8_t bus;
	uint8_t path[7]; /* USB allows at most 7 tiers below the root */
	int depth;	 /* 0: any port */
};

struct usb_bulk;

/* Parses "VVVV:PPPP[,VVVV:PPPP]..." (hex) into ids, appending after *n. Empty s adds nothing.
 * Errors: KERR_INVAL (malformed), KERR_FULL (more than cap). */
enum kerr usb_ids_parse(const char *s, struct usb_id *ids, size_t cap, size_t *n);
/* Parses a port path as the kernel names it, "BUS-PORT[.PORT]..." ("1-1.4" is bus 1, root port 1,
 * port 4 of the hub on it); empty s gives depth 0 (any port). Errors: KERR_INVAL (malformed, a
 * number out of 1..255, deeper than 7). */
enum kerr usb_port_parse(const char *s, struct usb_port *ret);
/* Parses "IN,OUT" endpoint addresses in hex ("81,02"); empty s gives 0, 0 (from descriptors).
 * Errors: KERR_INVAL (malformed, or IN without bit 7 or OUT with it). */
enum kerr usb_endpoints_parse(const char *s, uint8_t *ret_in, uint8_t *ret_out);

/* A pipe to any device in ids (copied), not yet open; ep_in/ep_out 0 read the descriptors. The
 * caller owns *ret. Errors: KERR_NOMEM, KERR_IO (libusb would not start). */
enum kerr usb_bulk_create(const struct usb_id *ids, size_t n, uint8_t ep_in, uint8_t ep_out,
			  struct usb_bulk **ret);
/* The same for a HID device read through its interrupt IN endpoint (ep_in, or the first of the
 * first HID-class interface); the kernel's usbhid is detached while the interface is claimed and
 * bound again on close. Each read returns at most one report. Writes are KERR_UNSUPPORTED. */
enum kerr usb_hid_create(const struct usb_id *ids, size_t n, uint8_t ep_in, struct usb_bulk **ret);
/* Looks only at interfaces of this class and subclass (the printer class is 7, 1), on any device
 * when the VID:PID table is empty. Such an interface needs a bulk OUT endpoint; its bulk IN is used
 * when it has one, and of its alternate settings the first with both is preferred (a printer's
 * bidirectional protocol 2 over its one-way protocol 1). Call before the first open. */
void usb_bulk_want_class(struct usb_bulk *u, uint8_t cls, uint8_t subclass);
/* Only the device on this port (copied; depth 0: any). Call before the first open. */
void usb_bulk_want_port(struct usb_bulk *u, const struct usb_port *port);
/* Closes and frees (NULL-safe). */
void usb_bulk_destroy(struct usb_bulk *u);
/* Finds, opens and claims the device (no-op when open). Errors: KERR_NO_DEVICE (none attached),
 * KERR_PERM (no access to the device node), KERR_BUSY (another program claimed it), KERR_PROTO
 * (no bulk IN and OUT pair), KERR_IO. */
enum kerr usb_bulk_open(struct usb_bulk *u);
void usb_bulk_close(struct usb_bulk *u);
/* Errors: KERR_NO_DEVICE (closed or unplugged: then closed), KERR_TIMEOUT, KERR_IO. */
enum kerr usb_bulk_write(struct usb_bulk *u, const uint8_t *buf, size_t n);
/* Writes what the device takes of n bytes within timeout_ms; *ret_done says how many it took, also
 * with KERR_TIMEOUT (a device that is slow to take data, such as a printer whose buffer is full, has
 * not failed). Errors: KERR_NO_DEVICE (closed or unplugged: then closed), KERR_TIMEOUT, KERR_IO. */
enum kerr usb_bulk_write_some(struct usb_bulk *u, const uint8_t *buf, size_t n,
			      unsigned timeout_ms, size_t *ret_done);
/* A class-specific IN request to the claimed interface (wIndex is its number), at most n bytes back
 * within timeout_ms. Errors: KERR_NO_DEVICE (closed or unplugged: then closed), KERR_TIMEOUT,
 * KERR_UNSUPPORTED (the device stalled: it does not know the request), KERR_IO. */
enum kerr usb_bulk_class_in(struct usb_bulk *u, uint8_t request, uint16_t value, uint8_t *buf,
			    size_t n, unsigned timeout_ms, size_t *ret_n);
/* The claimed interface's protocol (a printer's 1 one-way, 2 bidirectional), -1 when closed. */
int usb_bulk_protocol(const struct usb_bulk *u);
/* Whether the open pipe has a bulk IN endpoint to read from. */
bool usb_bulk_has_in(const struct usb_bulk *u);
/* Copies up to cap bytes that have arrived, without waiting; *ret_n may be 0. A closed pipe, or
 * one without an IN endpoint, reads nothing. Errors: KERR_NO_DEVICE (unplugged: then closed), KERR_IO. */
enum kerr usb_bulk_read(struct usb_bulk *u, uint8_t *buf, size_t cap, size_t *ret_n);
enum usb_plug {
	USB_PLUG_NONE,
	USB_PLUG_ARRIVED, /* a device in the table appeared while the pipe was closed */
	USB_PLUG_LEFT,	  /* the open device left: the pipe is now closed */
};

/* Handles libusb's pending events without waiting and tells of hot-plug notices for this pipe's
 * devices. Where libusb has no hot-plug support it is always USB_PLUG_NONE, and the caller finds
 * a device by calling usb_bulk_open() again from time to time. */
enum usb_plug usb_bulk_hotplug(struct usb_bulk *u);
/* libusb's words for the last failure, with the device; never NULL. */
const char *usb_bulk_error(const struct usb_bulk *u);

#endif
