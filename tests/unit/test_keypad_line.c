/* The serial keypad protocols: line and byte maps, lines split anyhow, malformed and unknown
 * lines, and the parser coming back after each. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "drivers/keypad_line.h"

#include <string.h>

/* Feeds s and writes what came out as letters: L<level>, U (unknown), M (malformed). */
static void feed(struct keypad_line *l, const struct keypad_serial_map *m, const char *s,
		 size_t n, char *out, size_t cap)
{
	size_t o = 0;

	for (size_t i = 0; i < n; i++) {
		int level = -1;

		switch (keypad_line_push(l, m, (uint8_t)s[i], &level)) {
		case KEYPAD_LINE_LEVEL:
			assert_true(level >= 0 && level < KEYPAD_LEVELS);
			assert_true(o + 2 < cap);
			out[o++] = 'L';
			out[o++] = (char)('0' + level);
			break;
		case KEYPAD_LINE_UNKNOWN:
			assert_true(o + 1 < cap);
			out[o++] = 'U';
			break;
		case KEYPAD_LINE_MALFORMED:
			assert_true(o + 1 < cap);
			out[o++] = 'M';
			break;
		case KEYPAD_LINE_NONE:
			break;
		}
	}
	out[o] = 0;
}

#define FEED(l, m, lit, out) feed(l, m, lit, sizeof(lit) - 1, out, sizeof(out))

static void default_lines(void **state)
{
	struct keypad_serial_map m;
	struct keypad_line l = { 0 };
	char out[64];

	(void)state;
	assert_int_equal(keypad_serial_map_parse(NULL, &m), KERR_OK);
	FEED(&l, &m, "KEY 1\r\nKEY 5\r\nkey3\n  KEY   2  \r", out);
	assert_string_equal(out, "L0L4L2L1");
	/* Split across reads, as a port delivers it. */
	FEED(&l, &m, "KE", out);
	assert_string_equal(out, "");
	FEED(&l, &m, "Y 4\r", out);
	assert_string_equal(out, "L3");
	FEED(&l, &m, "\n\r\n\n", out);
	assert_string_equal(out, "");
}

static void unknown_and_malformed_lines(void **state)
{
	struct keypad_serial_map m;
	struct keypad_line l = { 0 };
	char out[64], longline[200];

	(void)state;
	assert_int_equal(keypad_serial_map_parse("line:KEY:1,2,3,4,5", &m), KERR_OK);
	FEED(&l, &m, "KEY 6\r\nBEEP\r\nKEY\r\nKEY 1 2\r\n", out);
	assert_string_equal(out, "UUUU");
	FEED(&l, &m, "KEY \x01" "1\r\nKEY \xe4\xb8\x80\r\nKEY 2\r\n", out);
	assert_string_equal(out, "MML1");
	memset(longline, 'A', sizeof(longline));
	feed(&l, &m, longline, sizeof(longline), out, sizeof(out));
	assert_string_equal(out, "");
	FEED(&l, &m, "KEY 1\r\nKEY 1\r\n", out);
	/* The overlong line ends at the first CR and is dropped whole, tail included. */
	assert_string_equal(out, "ML0");
	FEED(&l, &m, "\0\0\0\n", out);
	assert_string_equal(out, "M");
}

static void other_protocols(void **state)
{
	struct keypad_serial_map m;
	struct keypad_line l = { 0 };
	char out[64];

	(void)state;
	assert_int_equal(keypad_serial_map_parse("byte:31/a1,32,33,34,35", &m), KERR_OK);
	FEED(&l, &m, "1\xa1" "59\n", out);
	assert_string_equal(out, "L0L0L4UU");
	assert_int_equal(keypad_serial_map_parse("line::A,B,C,-,E", &m), KERR_OK);
	FEED(&l, &m, "a\nD\nE\n", out);
	assert_string_equal(out, "L0UL4");
	assert_int_equal(keypad_serial_map_parse("line:$PJ,:VS/05,S/04,B/03,D/02,VD/01", &m),
			 KERR_OK);
	FEED(&l, &m, "$PJ,05\r\n$PJ,D\r\n", out);
	assert_string_equal(out, "L0L3");
}

static void malformed_maps(void **state)
{
	static const char *const bad[] = {
		"line", "line:KEY", "line:KEY:", "line:KEY:1,,2", "line:KEY:1,2,3,4,5,6",
		"line:KEY:a b", "line:KEY:123456789012", "line:K Y:1", "line:KEY:1/2/3/4/5",
		"line:KEYKEYKEYKEYKEYKEY:1", "byte:", "byte:100", "byte:zz", "byte:-,-",
		"serial:1", "line:KEY:1/", "byte:31,",
	};
	struct keypad_serial_map m;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (keypad_serial_map_parse(bad[i], &m) != KERR_INVAL)
			fail_msg("accepted \"%s\"", bad[i]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(default_lines),
		cmocka_unit_test(unknown_and_malformed_lines),
		cmocka_unit_test(other_protocols),
		cmocka_unit_test(malformed_maps),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
