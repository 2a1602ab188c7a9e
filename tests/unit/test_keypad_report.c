/* The HID report-to-level maps and the key state machine: every map form, malformed maps and
 * reports, key-up, chords, rollover and bounce. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "drivers/keypad_report.h"

static uint32_t mask_of(const struct keypad_hid_map *m, const uint8_t *rep, size_t n)
{
	uint32_t mask = 0xdead;

	assert_int_equal(keypad_report_parse(m, rep, n, &mask), KERR_OK);
	return mask;
}

static void default_map_is_a_digit_keyboard(void **state)
{
	struct keypad_hid_map m;
	const uint8_t up[8] = { 0 }, one[8] = { 0, 0, 0x1e }, pad5[8] = { 0, 0, 0x5d };
	const uint8_t shift3[8] = { 0x02, 0, 0x20 }, other[8] = { 0, 0, 0x04 };

	(void)state;
	assert_int_equal(keypad_hid_map_parse("", &m), KERR_OK);
	assert_int_equal(m.kind, KEYPAD_MAP_KEYS);
	assert_int_equal(mask_of(&m, up, 8), 0);
	assert_int_equal(mask_of(&m, one, 8), 1u << 0);
	assert_int_equal(mask_of(&m, pad5, 8), 1u << 4);
	assert_int_equal(mask_of(&m, shift3, 8), 1u << 2);
	/* The letter a is not a key of the evaluator. */
	assert_int_equal(mask_of(&m, other, 8), 0);
}

static void bits_value_and_report_ids(void **state)
{
	struct keypad_hid_map m;
	const uint8_t bits[2] = { 0x00, 0x08 }, val[3] = { 0x00, 0x00, 0x42 };
	const uint8_t id2[3] = { 0x02, 0x00, 0x01 }, id3[3] = { 0x03, 0x00, 0x01 };
	uint32_t mask;

	(void)state;
	assert_int_equal(keypad_hid_map_parse("bits:1.0,1.1,1.2,1.3,1.4", &m), KERR_OK);
	assert_int_equal(mask_of(&m, bits, 2), 1u << 3);
	assert_int_equal(keypad_hid_map_parse("value@2:41,42/62,43,-,45", &m), KERR_OK);
	assert_int_equal(mask_of(&m, val, 3), 1u << 1);
	assert_int_equal(keypad_hid_map_parse("r02:bits:1.0,1.1", &m), KERR_OK);
	assert_int_equal(m.report_id, 2);
	assert_int_equal(mask_of(&m, id2, 3), 1u << 0);
	/* Another report of the same device (a consumer-control key) is not the keypad's. */
	assert_int_equal(keypad_report_parse(&m, id3, 3, &mask), KERR_NOT_FOUND);
	/* A 4-key evaluator without 非常不满意. */
	assert_int_equal(keypad_hid_map_parse("keys:1e,1f,20,21", &m), KERR_OK);
	assert_int_equal(m.n_alt[4], 0);
}

static void malformed_maps(void **state)
{
	static const char *const bad[] = {
		"keys", "keys:", "keys:1e,,1f", "keys:1e,1f,20,21,22,23", "keys:xyz",
		"keys:123", "keys:01", "keys:1e/", "keys:1e/1f/20/21/22", "keys:-,-,-",
		"bits:1", "bits:1.8", "bits:64.0", "bits:a.b", "value@:01", "value@99:01",
		"value@1:00", "r00:keys:1e", "rzz:keys:1e", "mouse:1", "keys:1e,",
	};
	struct keypad_hid_map m;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (keypad_hid_map_parse(bad[i], &m) != KERR_INVAL)
			fail_msg("accepted \"%s\"", bad[i]);
}

static void malformed_reports(void **state)
{
	struct keypad_hid_map m;
	const uint8_t rollover[8] = { 0, 0, 1, 1, 1, 1, 1, 1 }, shorty[4] = { 0, 0, 0x1e, 0 };
	const uint8_t one[1] = { 0 };
	uint32_t mask = 7;

	(void)state;
	assert_int_equal(keypad_hid_map_parse(NULL, &m), KERR_OK);
	assert_int_equal(keypad_report_parse(&m, rollover, 8, &mask), KERR_PROTO);
	assert_int_equal(keypad_report_parse(&m, shorty, 4, &mask), KERR_PROTO);
	assert_int_equal(keypad_report_parse(&m, NULL, 0, &mask), KERR_PROTO);
	assert_int_equal(keypad_report_parse(&m, one, 0, &mask), KERR_PROTO);
	assert_int_equal(mask, 7);
	assert_int_equal(keypad_hid_map_parse("bits:0.0,3.1", &m), KERR_OK);
	assert_int_equal(keypad_report_parse(&m, one, 1, &mask), KERR_PROTO);
	assert_int_equal(keypad_hid_map_parse("r01:value@0:01", &m), KERR_OK);
	assert_int_equal(keypad_report_parse(&m, (const uint8_t *)"\x01", 1, &mask), KERR_PROTO);
}

static void presses_key_up_chords_and_bounce(void **state)
{
	struct keypad_keys k;

	(void)state;
	keypad_keys_init(&k, 50);
	assert_int_equal(keypad_keys_feed(&k, 1u << 2, 0), 2);
	/* Held: no repeat. Released: nothing. */
	assert_int_equal(keypad_keys_feed(&k, 1u << 2, 10), -1);
	assert_int_equal(keypad_keys_feed(&k, 0, 20), -1);
	/* Bounce of the same contact. */
	assert_int_equal(keypad_keys_feed(&k, 1u << 2, 30), -1);
	assert_int_equal(keypad_keys_feed(&k, 0, 35), -1);
	/* Pressed again on purpose. */
	assert_int_equal(keypad_keys_feed(&k, 1u << 2, 400), 2);
	assert_int_equal(keypad_keys_feed(&k, 0, 450), -1);
	/* Another key at once is not bounce. */
	assert_int_equal(keypad_keys_feed(&k, 1u << 0, 460), 0);
	/* Two keys together, then one let go: neither counts. */
	assert_int_equal(keypad_keys_feed(&k, 1u << 0 | 1u << 4, 1000), -1);
	assert_int_equal(keypad_keys_feed(&k, 1u << 4, 1100), -1);
	assert_int_equal(keypad_keys_feed(&k, 0, 1200), -1);
	assert_int_equal(keypad_keys_feed(&k, 1u << 4, 1300), 4);
	/* Bits above the five levels never come from a map, and are ignored. */
	assert_int_equal(keypad_keys_feed(&k, 1u << 9, 2000), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(default_map_is_a_digit_keyboard),
		cmocka_unit_test(bits_value_and_report_ids),
		cmocka_unit_test(malformed_maps),
		cmocka_unit_test(malformed_reports),
		cmocka_unit_test(presses_key_up_chords_and_bounce),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
