/* One emulated USB device under umockdev for the USB backends' tests: the testbed with the device
 * described in a .umockdev file of tests/data, its usbfs node answered by the test's own ioctl
 * handler, and the URB queues and replies every such handler needs. As libusb's tests/umockdev.c,
 * the test re-executes itself with libumockdev-preload.so.0; a child it starts (kioskctl) inherits
 * the preload and UMOCKDEV_DIR, so its ioctls reach the same handler on umockdev's thread. */
#ifndef TESTS_SUPPORT_UMOCKDEV_DEV_H
#define TESTS_SUPPORT_UMOCKDEV_DEV_H

#include <stdbool.h>
#include <umockdev.h>

#define UMOCKDEV_DEV_URBS 16

struct umockdev_dev {
	UMockdevTestbed *bed;
	UMockdevIoctlBase *handler;
	char *description; /* the description file's text (GLib-owned) */
	const char *sysfs; /* the device's sysfs path in the description */
	const char *node;  /* its usbfs node, /dev/bus/usb/BBB/DDD */

	/* Touched by the ioctl handler's thread: only under the test's lock. */
	UMockdevIoctlData *in[UMOCKDEV_DEV_URBS]; /* IN URBs waiting for the device's bytes */
	int n_in;
	UMockdevIoctlData *done[UMOCKDEV_DEV_URBS]; /* completed or discarded, waiting to be reaped */
	int n_done;
	/* The interface: a kernel driver (driver, e.g. "usblp") holds it until detached; then it is claimed. */
	const char *driver;
	bool driver_bound;
	bool claimed;
	int detaches;
};

/* Re-executes the program with umockdev's preload library (and ASan told to let it come first)
 * unless it is loaded already. Returns true when it is loaded; false when it cannot be, and the
 * caller skips its tests. */
bool umockdev_dev_preloaded(char **argv);

/* Reads the description file; descriptors, when not NULL, replaces its "H: descriptors=" line
 * (hex). on_ioctl(handler, client, ctx) answers the node once plugged. Fails the test on error. */
void umockdev_dev_init(struct umockdev_dev *u, const char *description, const char *sysfs,
		       const char *node, const char *descriptors, GCallback on_ioctl, void *ctx);
/* Frees what init made; unplug first. */
void umockdev_dev_finish(struct umockdev_dev *u);

/* Attaches the handler, then adds the device, so the node answers as soon as libusb hears of it.
 * Call with the test's lock not held. */
void umockdev_dev_plug(struct umockdev_dev *u);
/* Drops the queued URBs; under the test's lock, with the test's device marked gone. */
void umockdev_dev_drop(struct umockdev_dev *u);
/* The removal uevent, the device and its handler gone; after umockdev_dev_drop(), unlocked. */
void umockdev_dev_unplug(struct umockdev_dev *u);

/* Ends an ioctl: 0, or -1 with errnum. */
void umockdev_dev_complete(UMockdevIoctlClient *client, int errnum);
/* The oldest entry of a URB queue (not empty). */
UMockdevIoctlData *umockdev_dev_pop(UMockdevIoctlData **list, int *n);
/* A URB finished with status, queued for reaping (the queue owns urb_data; dropped when full). */
void umockdev_dev_done(struct umockdev_dev *u, UMockdevIoctlData *urb_data, int status);
/* An IN URB kept until the device has bytes for it (dropped when the queue is full). */
void umockdev_dev_wait_in(struct umockdev_dev *u, UMockdevIoctlData *urb_data);
/* Resolves SUBMITURB's argument; NULL when the caller's pointer is bad. */
UMockdevIoctlData *umockdev_dev_urb(UMockdevIoctlData *arg);
/* Hands urb_data to REAPURB's caller and drops the reference. */
void umockdev_dev_reaped(UMockdevIoctlData *arg, UMockdevIoctlData *urb_data);
/* DISCARDURB: the IN URB at the caller's address, finished with -ENOENT; EINVAL if not waiting. */
int umockdev_dev_discard(struct umockdev_dev *u, UMockdevIoctlData *arg);
/* GET_CAPABILITIES as a current kernel answers it. */
void umockdev_dev_capabilities(UMockdevIoctlData *arg);
/* GETDRIVER: driver's name while bound, else ENODATA. */
int umockdev_dev_getdriver(UMockdevIoctlData *arg, bool bound, const char *driver);
/* The requests every usbfs device answers alike: capabilities, the kernel driver (GETDRIVER, connect and
 * disconnect, libusb's DISCONNECT_CLAIM), claiming and releasing the interface, discarding a URB, clearing a
 * halt. True when req was one of them, with *err set (0 or an errno); under the test's lock. */
bool umockdev_dev_usbfs(struct umockdev_dev *u, unsigned long req, UMockdevIoctlData *arg, int *err);

#endif
