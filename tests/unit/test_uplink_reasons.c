/* The platform's reason list (docs/uplink.md section 6a): a good list is taken whole, and every
 * malformed one is refused with a reason, never half taken. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "offline-queue/uplink_reasons.h"

static enum kerr parse(const char *s, struct uplink_reasons *r)
{
	char why[160];

	return uplink_parse_reasons(s, strlen(s), r, why, sizeof(why));
}

static void test_good(void **state)
{
	struct uplink_reasons r;

	(void)state;
	assert_int_equal(parse("{\"version\":\"A-2026.1\",\"reasons\":["
			       "{\"code\":\"A01\",\"text\":\"办事指南看不懂\",\"levels\":[\"dissatisfied\"]},"
			       "{\"code\":\"A99\",\"text\":\"其他\",\"levels\":[\"dissatisfied\",\"very_dissatisfied\"]}]}",
			       &r),
			 KERR_OK);
	assert_string_equal(r.version, "A-2026.1");
	assert_int_equal(r.n, 2);
	assert_string_equal(r.reasons[0].code, "A01");
	assert_string_equal(r.reasons[0].text, "办事指南看不懂");
	assert_true(r.reasons[0].for_level[0]);
	assert_false(r.reasons[0].for_level[1]);
	assert_true(r.reasons[1].for_level[1]);
}

static void test_malformed(void **state)
{
	static const char *const bad[] = {
		"",
		"[]",
		"{\"version\":\"v\"}",
		"{\"version\":\"\",\"reasons\":[{\"code\":\"A\",\"text\":\"t\",\"levels\":[\"dissatisfied\"]}]}",
		"{\"version\":5,\"reasons\":[{\"code\":\"A\",\"text\":\"t\",\"levels\":[\"dissatisfied\"]}]}",
		"{\"version\":\"v\",\"reasons\":[]}",
		"{\"version\":\"v\",\"reasons\":[1]}",
		"{\"version\":\"v\",\"reasons\":[{\"code\":\"\",\"text\":\"t\",\"levels\":[\"dissatisfied\"]}]}",
		"{\"version\":\"v\",\"reasons\":[{\"code\":\"A B\",\"text\":\"t\",\"levels\":[\"dissatisfied\"]}]}",
		"{\"version\":\"v\",\"reasons\":[{\"code\":\"A\\u0000\",\"text\":\"t\",\"levels\":[\"dissatisfied\"]}]}",
		"{\"version\":\"v\",\"reasons\":[{\"code\":\"A\",\"text\":\"\",\"levels\":[\"dissatisfied\"]}]}",
		"{\"version\":\"v\",\"reasons\":[{\"code\":\"A\",\"text\":\"a\\nb\",\"levels\":[\"dissatisfied\"]}]}",
		"{\"version\":\"v\",\"reasons\":[{\"code\":\"A\",\"text\":\"t\",\"levels\":[]}]}",
		"{\"version\":\"v\",\"reasons\":[{\"code\":\"A\",\"text\":\"t\",\"levels\":[\"satisfied\"]}]}",
		"{\"version\":\"v\",\"reasons\":[{\"code\":\"A\",\"text\":\"t\",\"levels\":[\"dissatisfied\",\"dissatisfied\"]}]}",
		"{\"version\":\"v\",\"reasons\":[{\"code\":\"A\",\"text\":\"t\",\"levels\":[\"dissatisfied\"]},"
		"{\"code\":\"A\",\"text\":\"u\",\"levels\":[\"dissatisfied\"]}]}",
		"{\"version\":\"v\",\"version\":\"w\",\"reasons\":[{\"code\":\"A\",\"text\":\"t\",\"levels\":[\"dissatisfied\"]}]}",
		"{\"version\":\"v\",\"reasons\":[{\"code\":\"A\",\"text\":\"t\",\"levels\":[\"dissatisfied\"]}",
	};
	struct uplink_reasons r;

	(void)state;
	memset(&r, 0x5a, sizeof(r));
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		print_message("%zu\n", i);
		assert_int_equal(parse(bad[i], &r), KERR_PROTO);
	}
	/* Nothing was written on refusal. */
	assert_int_equal(((unsigned char *)&r)[0], 0x5a);
}

static void test_limits(void **state)
{
	char buf[8192];
	struct uplink_reasons r;
	size_t n;

	(void)state;
	/* Seventeen reasons: more than the screen shows. */
	n = (size_t)snprintf(buf, sizeof(buf), "{\"version\":\"v\",\"reasons\":[");
	for (int i = 0; i < 17; i++)
		n += (size_t)snprintf(buf + n, sizeof(buf) - n, "%s{\"code\":\"R%d\",\"text\":\"t\",\"levels\":[\"dissatisfied\"]}",
				      i ? "," : "", i);
	snprintf(buf + n, sizeof(buf) - n, "]}");
	assert_int_equal(parse(buf, &r), KERR_PROTO);
	/* A text over 63 bytes. */
	snprintf(buf, sizeof(buf), "{\"version\":\"v\",\"reasons\":[{\"code\":\"A\",\"text\":\"%064d\",\"levels\":[\"dissatisfied\"]}]}", 0);
	assert_int_equal(parse(buf, &r), KERR_PROTO);
	assert_int_equal(uplink_parse_reasons(NULL, 0, &r, NULL, 0), KERR_PROTO);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_limits),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
