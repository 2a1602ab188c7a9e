/* The USB backend's parts that need no device: the VID:PID and endpoint settings, and a reader
 * that is not attached (ABSENT, with libusb's words, until it appears). Virtual clock. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "drivers/idcard.h"
#include "drivers/usb.h"

#include <string.h>

static void post(void *ctx, const struct dev_event *ev)
{
	struct dev_event copy = *ev;

	(*(int *)ctx)++;
	dev_event_finish(&copy);
}

static void ids(void **state)
{
	struct usb_id id[USB_IDS_MAX];
	size_t n = 0;

	(void)state;
	assert_int_equal(usb_ids_parse("", id, USB_IDS_MAX, &n), KERR_OK);
	assert_int_equal(n, 0);
	assert_int_equal(usb_ids_parse("0400:c35a,1A2b:0001", id, USB_IDS_MAX, &n), KERR_OK);
	assert_int_equal(n, 2);
	assert_int_equal(id[0].vid, 0x0400);
	assert_int_equal(id[0].pid, 0xc35a);
	assert_int_equal(id[1].vid, 0x1a2b);
	assert_int_equal(id[1].pid, 0x0001);
	n = 0;
	assert_int_equal(usb_ids_parse("0400", id, USB_IDS_MAX, &n), KERR_INVAL);
	assert_int_equal(usb_ids_parse("0400:", id, USB_IDS_MAX, &n), KERR_INVAL);
	assert_int_equal(usb_ids_parse("04000:1", id, USB_IDS_MAX, &n), KERR_INVAL);
	assert_int_equal(usb_ids_parse("zz00:0001", id, USB_IDS_MAX, &n), KERR_INVAL);
	assert_int_equal(usb_ids_parse("0400:c35a,", id, USB_IDS_MAX, &n), KERR_OK);
	n = 0;
	assert_int_equal(usb_ids_parse("1:1,2:2", id, 1, &n), KERR_FULL);
}

static void endpoints(void **state)
{
	uint8_t in = 1, out = 1;

	(void)state;
	assert_int_equal(usb_endpoints_parse("", &in, &out), KERR_OK);
	assert_int_equal(in, 0);
	assert_int_equal(out, 0);
	assert_int_equal(usb_endpoints_parse("81,02", &in, &out), KERR_OK);
	assert_int_equal(in, 0x81);
	assert_int_equal(out, 0x02);
	assert_int_equal(usb_endpoints_parse("02,81", &in, &out), KERR_INVAL);
	assert_int_equal(usb_endpoints_parse("81", &in, &out), KERR_INVAL);
	assert_int_equal(usb_endpoints_parse("81,00", &in, &out), KERR_INVAL);
	assert_int_equal(usb_endpoints_parse("181,02", &in, &out), KERR_INVAL);
}

static void ports(void **state)
{
	static const char *const bad[] = { "1", "1-", "-1", "x-1", "1-0", "0-1", "256-1", "1-1.",
					   "1-1..2", "1-1.2.3.4.5.6.7.8", "1-1 ", "1-99999" };
	struct usb_port p;

	(void)state;
	assert_int_equal(usb_port_parse("", &p), KERR_OK);
	assert_int_equal(p.depth, 0);
	assert_int_equal(usb_port_parse("3-1.4", &p), KERR_OK);
	assert_int_equal(p.bus, 3);
	assert_int_equal(p.depth, 2);
	assert_int_equal(p.path[0], 1);
	assert_int_equal(p.path[1], 4);
	assert_int_equal(usb_port_parse("255-1.2.3.4.5.6.255", &p), KERR_OK);
	assert_int_equal(p.depth, 7);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct usb_port before;

		memset(&p, 0x5a, sizeof(p));
		before = p;
		if (usb_port_parse(bad[i], &p) != KERR_INVAL)
			fail_msg("\"%s\" parsed", bad[i]);
		assert_memory_equal(&p, &before, sizeof(p));
	}
}

static void bad_settings_refused(void **state)
{
	struct clock clock;
	int n = 0;
	struct dev_sink sink = { post, &n };
	struct dev_config cfg = { .backend = "usb", .usb_ids = "nonsense" };
	struct dev *d = NULL;

	(void)state;
	clock_init_virtual(&clock, 0);
	assert_int_equal(idcard_open(&cfg, &sink, &clock, &d), KERR_INVAL);
	assert_null(d);
	memset(cfg.usb_ids, 0, sizeof(cfg.usb_ids));
	strcpy(cfg.usb_endpoints, "02,81");
	assert_int_equal(idcard_open(&cfg, &sink, &clock, &d), KERR_INVAL);
	assert_null(d);
}

static void absent_reader(void **state)
{
	struct clock clock;
	int n = 0;
	struct dev_sink sink = { post, &n };
	/* An id nothing uses, so a real reader on the build machine cannot answer. */
	struct dev_config cfg = { .backend = "usb", .usb_ids = "ffff:fffe" };
	struct dev_status st;
	struct dev *d = NULL;
	enum kerr e;

	(void)state;
	clock_init_virtual(&clock, 0);
	e = idcard_open(&cfg, &sink, &clock, &d);
	if (e == KERR_IO)
		skip(); /* libusb cannot start here at all */
	assert_int_equal(e, KERR_OK);
	dev_poll(d, clock_now_ms(&clock));
	dev_get_status(d, &st);
	if (st.state == DEV_STATE_ABSENT) {
		assert_int_equal(st.fault, KERR_NO_DEVICE);
		assert_non_null(strstr(st.detail, "usb"));
		assert_int_equal(n, 1);
	}
	/* Looked for again a second later, quietly: the status does not change. */
	clock_advance(&clock, 1000);
	dev_poll(d, clock_now_ms(&clock));
	assert_int_equal(dev_control(d, "insert resident"), KERR_UNSUPPORTED);
	dev_destroy(d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(ids),
		cmocka_unit_test(endpoints),
		cmocka_unit_test(ports),
		cmocka_unit_test(bad_settings_refused),
		cmocka_unit_test(absent_reader),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
