/* The umockdev harness of the USB backends' tests (see umockdev_dev.h). */
#include "tests/support/umockdev_dev.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <linux/usbdevice_fs.h>
#include <sys/ioctl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define PRELOAD "libumockdev-preload.so.0"
/* Under AddressSanitizer the preload library must be allowed to come first. */
#define ASAN_LINK_ORDER "verify_asan_link_order=0"

bool umockdev_dev_preloaded(char **argv)
{
	const char *pre = getenv("LD_PRELOAD");
	char buf[512];

	if (pre && strstr(pre, "libumockdev-preload"))
		return true;
	/* Already re-executed once: the library is not there, and trying again would loop. */
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

void umockdev_dev_init(struct umockdev_dev *u, const char *description, const char *sysfs,
		       const char *node, const char *descriptors, GCallback on_ioctl, void *ctx)
{
	gsize len;

	memset(u, 0, sizeof(*u));
	u->sysfs = sysfs;
	u->node = node;
	if (!g_file_get_contents(description, &u->description, &len, NULL))
		fail_msg("cannot read %s", description);
	if (descriptors) {
		char *at = strstr(u->description, "H: descriptors=");
		char *copy;

		assert_non_null(at);
		*at = 0;
		copy = g_strdup_printf("%sH: descriptors=%s\n", u->description, descriptors);
		g_free(u->description);
		u->description = copy;
	}
	u->bed = umockdev_testbed_new();
	assert_non_null(u->bed);
	u->handler = umockdev_ioctl_base_new();
	g_signal_connect_after(u->handler, "handle-ioctl", on_ioctl, ctx);
}

void umockdev_dev_finish(struct umockdev_dev *u)
{
	if (u->handler)
		g_object_unref(u->handler);
	if (u->bed)
		g_object_unref(u->bed);
	g_free(u->description);
	memset(u, 0, sizeof(*u));
}

void umockdev_dev_plug(struct umockdev_dev *u)
{
	/* umockdev reads no comments: the description starts at its "P:" line. */
	const char *desc = strstr(u->description, "P: ");
	GError *err = NULL;

	assert_non_null(desc);
	assert_true(umockdev_testbed_attach_ioctl(u->bed, u->node, u->handler, &err));
	if (!umockdev_testbed_add_from_string(u->bed, desc, &err))
		fail_msg("umockdev description: %s", err->message);
}

void umockdev_dev_drop(struct umockdev_dev *u)
{
	while (u->n_in > 0)
		umockdev_ioctl_data_unref(umockdev_dev_pop(u->in, &u->n_in));
	while (u->n_done > 0)
		umockdev_ioctl_data_unref(umockdev_dev_pop(u->done, &u->n_done));
}

void umockdev_dev_unplug(struct umockdev_dev *u)
{
	umockdev_testbed_uevent(u->bed, u->sysfs, "remove");
	umockdev_testbed_remove_device(u->bed, u->sysfs);
	umockdev_testbed_detach_ioctl(u->bed, u->node, NULL);
}

void umockdev_dev_complete(UMockdevIoctlClient *client, int errnum)
{
	umockdev_ioctl_client_complete(client, errnum ? -1 : 0, errnum);
}

UMockdevIoctlData *umockdev_dev_pop(UMockdevIoctlData **list, int *n)
{
	UMockdevIoctlData *d = list[0];

	memmove(list, list + 1, (size_t)(--*n) * sizeof(*list));
	return d;
}

void umockdev_dev_done(struct umockdev_dev *u, UMockdevIoctlData *urb_data, int status)
{
	struct usbdevfs_urb *urb = (struct usbdevfs_urb *)urb_data->data;

	urb->status = status;
	if (u->n_done < UMOCKDEV_DEV_URBS)
		u->done[u->n_done++] = urb_data;
	else
		umockdev_ioctl_data_unref(urb_data);
}

void umockdev_dev_wait_in(struct umockdev_dev *u, UMockdevIoctlData *urb_data)
{
	if (u->n_in < UMOCKDEV_DEV_URBS)
		u->in[u->n_in++] = urb_data;
	else
		umockdev_ioctl_data_unref(urb_data);
}

UMockdevIoctlData *umockdev_dev_urb(UMockdevIoctlData *arg)
{
	return umockdev_ioctl_data_resolve(arg, 0, sizeof(struct usbdevfs_urb), NULL);
}

void umockdev_dev_reaped(UMockdevIoctlData *arg, UMockdevIoctlData *urb_data)
{
	UMockdevIoctlData *ptr = umockdev_ioctl_data_resolve(arg, 0, sizeof(void *), NULL);

	umockdev_ioctl_data_set_ptr(ptr, 0, urb_data);
	umockdev_ioctl_data_unref(ptr);
	umockdev_ioctl_data_unref(urb_data);
}

int umockdev_dev_discard(struct umockdev_dev *u, UMockdevIoctlData *arg)
{
	unsigned long addr = (unsigned long)*(void **)arg->data;

	for (int i = 0; i < u->n_in; i++) {
		if (u->in[i]->client_addr == addr) {
			UMockdevIoctlData *d = u->in[i];

			memmove(u->in + i, u->in + i + 1, (size_t)(u->n_in - i - 1) * sizeof(*u->in));
			u->n_in--;
			umockdev_dev_done(u, d, -ENOENT);
			return 0;
		}
	}
	return EINVAL;
}

void umockdev_dev_capabilities(UMockdevIoctlData *arg)
{
	UMockdevIoctlData *d = umockdev_ioctl_data_resolve(arg, 0, sizeof(uint32_t), NULL);

	*(uint32_t *)d->data = USBDEVFS_CAP_BULK_CONTINUATION | USBDEVFS_CAP_NO_PACKET_SIZE_LIM |
			       USBDEVFS_CAP_REAP_AFTER_DISCONNECT;
	umockdev_ioctl_data_unref(d);
}

int umockdev_dev_getdriver(UMockdevIoctlData *arg, bool bound, const char *driver)
{
	UMockdevIoctlData *d =
		umockdev_ioctl_data_resolve(arg, 0, sizeof(struct usbdevfs_getdriver), NULL);
	int err = 0;

	if (bound)
		snprintf(((struct usbdevfs_getdriver *)d->data)->driver, USBDEVFS_MAXDRIVERNAME + 1,
			 "%s", driver);
	else
		err = ENODATA;
	umockdev_ioctl_data_unref(d);
	return err;
}

/* USBDEVFS_IOCTL: the kernel driver's connect and disconnect. */
static int driver_ioctl(struct umockdev_dev *u, UMockdevIoctlData *arg)
{
	UMockdevIoctlData *d = umockdev_ioctl_data_resolve(arg, 0, sizeof(struct usbdevfs_ioctl), NULL);
	int code = d ? ((struct usbdevfs_ioctl *)d->data)->ioctl_code : 0;
	int err = 0;

	if (code == USBDEVFS_DISCONNECT) {
		if (u->driver_bound)
			u->detaches++;
		else
			err = ENODATA;
		u->driver_bound = false;
	} else if (code == USBDEVFS_CONNECT) {
		u->driver_bound = !u->claimed;
	} else {
		err = ENOTTY;
	}
	if (d)
		umockdev_ioctl_data_unref(d);
	return err;
}

bool umockdev_dev_usbfs(struct umockdev_dev *u, unsigned long req, UMockdevIoctlData *arg, int *err)
{
	*err = 0;
	if (req == USBDEVFS_GET_CAPABILITIES) {
		umockdev_dev_capabilities(arg);
	} else if (req == USBDEVFS_GETDRIVER) {
		*err = umockdev_dev_getdriver(arg, u->driver_bound, u->driver ? u->driver : "usbfs");
	} else if (req == USBDEVFS_IOCTL) {
		*err = driver_ioctl(u, arg);
	} else if (req == USBDEVFS_DISCONNECT_CLAIM) {
		/* libusb's auto-detach: the kernel's driver leaves, the interface is ours. */
		if (u->driver_bound)
			u->detaches++;
		u->driver_bound = false;
		u->claimed = true;
	} else if (req == USBDEVFS_CLAIMINTERFACE) {
		if (u->driver_bound)
			*err = EBUSY;
		else
			u->claimed = true;
	} else if (req == USBDEVFS_RELEASEINTERFACE) {
		u->claimed = false;
	} else if (req == USBDEVFS_DISCARDURB) {
		*err = umockdev_dev_discard(u, arg);
	} else if (req == USBDEVFS_CLEAR_HALT || req == USBDEVFS_RESETEP) {
		*err = 0;
	} else {
		return false;
	}
	return true;
}
