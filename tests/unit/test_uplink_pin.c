/* platform.pin as the configuration takes it: well-formed pin lists, and every malformed one
 * refused (the kiosk stops on it rather than refusing the real platform for good). */
#include "offline-queue/uplink_http.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#define PIN_A "sha256//AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="
#define PIN_B "sha256//n3v+Lw9WJ0uV1kXq2zqIu3b0E1ycPzcK0Y2lF0K1x8s="

static void test_pins_taken(void **state)
{
	(void)state;
	assert_true(uplink_http_pin_ok(NULL));
	assert_true(uplink_http_pin_ok(""));
	assert_true(uplink_http_pin_ok(PIN_A));
	assert_true(uplink_http_pin_ok(PIN_A ";" PIN_B));
}

static void test_malformed_pins_refused(void **state)
{
	static const char *const bad[] = {
		"sha256//",
		"sha256:"
		"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
		"sha1//AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
		"sha256//AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",	/* 42 characters */
		"sha256//AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", /* no padding */
		"sha256//AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA!A=", /* not base64 */
		PIN_A ";",
		PIN_A ";;" PIN_B,
		PIN_A " " PIN_B,
		" " PIN_A,
		PIN_A "\n",
		"/etc/kiosk/platform.pub.pem",
		PIN_A ";" PIN_A ";" PIN_A ";" PIN_A ";" PIN_A ";" PIN_A ";" PIN_A ";" PIN_A
		      ";" PIN_A,
	};

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (uplink_http_pin_ok(bad[i]))
			fail_msg("taken: \"%s\"", bad[i]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pins_taken),
		cmocka_unit_test(test_malformed_pins_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
