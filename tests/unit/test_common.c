/* common/: ID-number check characters, masking, UTF-8, error names, clocks. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "common/clock.h"
#include "common/idnum.h"
#include "common/kerr.h"
#include "common/mask.h"
#include "common/utf8.h"

static void test_idnum(void **state)
{
	(void)state;
	assert_int_equal(idnum_check_char("11010519491231002"), 'X');
	assert_true(idnum_valid("11010519491231002X"));
	assert_false(idnum_valid("11010519491231002x")); /* the check character is an upper-case X */
	assert_false(idnum_valid("110105194912310021"));
	assert_false(idnum_valid("11010519491331002X")); /* month 13 */
	assert_false(idnum_valid("1101051949123100"));
	assert_false(idnum_valid(""));
	assert_false(idnum_valid(NULL));
	assert_int_equal(idnum_check_char("1101051949123100A"), 0);
	/* 2000-02-29 exists, 1900-02-29 does not */
	{
		char id[19] = "11010520000229001";

		id[17] = idnum_check_char(id);
		id[18] = 0;
		assert_true(idnum_valid(id));
		memcpy(id + 6, "19000229", 8);
		id[17] = idnum_check_char(id);
		assert_false(idnum_valid(id));
	}
}

static void test_mask(void **state)
{
	char out[64];

	(void)state;
	mask_name("王小英", out, sizeof(out));
	assert_string_equal(out, "王*英");
	mask_name("王英", out, sizeof(out));
	assert_string_equal(out, "王*");
	mask_name("欧阳建国", out, sizeof(out));
	assert_string_equal(out, "欧**国");
	mask_idnum("11010519491231002X", out, sizeof(out));
	assert_string_equal(out, "110105********002X");
	mask_phone("13812345678", out, sizeof(out));
	assert_string_equal(out, "138****5678");
	mask_name("", out, sizeof(out));
	assert_string_equal(out, "");
	mask_idnum("11010519491231002X", out, 8); /* never overflows, always terminated */
	assert_int_equal(strlen(out), 7);
}

static void test_utf8(void **state)
{
	const char *s = "政a\xff\xe6\x94";
	char out[8];

	(void)state;
	assert_int_equal(utf8_next(&s), 0x653F);
	assert_int_equal(utf8_next(&s), 'a');
	assert_int_equal(utf8_next(&s), 0xFFFD);
	assert_int_equal(utf8_next(&s), 0xFFFD); /* truncated sequence */
	assert_int_equal(utf8_len("政务服务"), 4);
	utf8_copy(out, sizeof(out), "政务服务");
	assert_string_equal(out, "政务"); /* 6 bytes fit, the third character would not */
	s = "\xc0\xaf"; /* overlong '/' */
	assert_int_equal(utf8_next(&s), 0xFFFD);
}

static void test_kerr_and_clock(void **state)
{
	struct clock c;
	int y, mo, d, h, mi, s, wd;

	(void)state;
	assert_string_equal(kerr_str(KERR_PAPER_OUT), "PAPER_OUT");
	assert_string_equal(kerr_str(KERR__COUNT), "UNKNOWN");
	for (int e = 0; e < KERR__COUNT; e++)
		assert_string_not_equal(kerr_str((enum kerr)e), "UNKNOWN");
	clock_init_virtual(&c, 1795397400000LL);
	assert_int_equal(clock_now_ms(&c), 0);
	clock_advance(&c, 1500);
	assert_int_equal(clock_now_ms(&c), 1500);
	clock_local(clock_wall_ms(&c), &y, &mo, &d, &h, &mi, &s, &wd);
	assert_int_equal(y * 10000 + mo * 100 + d, 20261123);
	assert_int_equal(h, 9);
	assert_int_equal(mi, 30);
	assert_int_equal(s, 1);
	assert_int_equal(wd, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_idnum),
		cmocka_unit_test(test_mask),
		cmocka_unit_test(test_utf8),
		cmocka_unit_test(test_kerr_and_clock),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
