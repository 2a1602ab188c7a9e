/* Card text blocks: the four layouts decoded and re-encoded, every validation rule, and expiry. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "drivers/idcard_text.h"

#include <string.h>

static const struct idcard_data resident = {
	.type = IDCARD_RESIDENT,
	.name = "王小英",
	.sex = '2',
	.nation = "01",
	.birth = "19491231",
	.address = "北京市东城区景山前街4号",
	.id_number = "11010519491231002X",
	.authority = "北京市公安局东城分局",
	.valid_from = "20150101",
	.valid_to = "20350101",
};

static const struct idcard_data hmt = {
	.type = IDCARD_HMT_PERMIT,
	.name = "陈大文",
	.sex = '1',
	.birth = "19900520",
	.address = "广东省深圳市福田区福华一路1号",
	.id_number = "810000199005200119",
	.authority = "深圳市公安局福田分局",
	.valid_from = "20230601",
	.valid_to = "20280601",
	.pass_number = "H60123456",
};

static const struct idcard_data foreign2017 = {
	.type = IDCARD_FOREIGN_2017,
	.name = "安娜",
	.name_en = "MUELLER, ANNA",
	.sex = '2',
	.nationality = "DEU",
	.birth = "19880212",
	.id_number = "DEU110088021201",
	.authority = "1500",
	.valid_from = "20180301",
	.valid_to = "20280301",
};

/* An English name longer than the first slot (35 characters) continues in the second. */
static const struct idcard_data foreign2023 = {
	.type = IDCARD_FOREIGN_2023,
	.name = "",
	.name_en = "WOLFESCHLEGELSTEINHAUSEN, HUBERT BLAINE",
	.sex = '1',
	.nationality = "GBR",
	.birth = "19850704",
	.id_number = "91182619850704001X",
	.valid_from = "20240115",
	.valid_to = "20340115",
};

static void encode_ok(const struct idcard_data *d, uint8_t *block)
{
	const char *why = NULL;

	assert_int_equal(idcard_text_encode(d, block, &why), KERR_OK);
}

static void same_card(const struct idcard_data *a, const struct idcard_data *b)
{
	assert_int_equal(a->type, b->type);
	assert_string_equal(a->name, b->name);
	assert_string_equal(a->name_en, b->name_en);
	assert_int_equal(a->sex, b->sex);
	assert_string_equal(a->nation, b->nation);
	assert_string_equal(a->nationality, b->nationality);
	assert_string_equal(a->birth, b->birth);
	assert_string_equal(a->address, b->address);
	assert_string_equal(a->id_number, b->id_number);
	assert_string_equal(a->authority, b->authority);
	assert_string_equal(a->valid_from, b->valid_from);
	assert_string_equal(a->valid_to, b->valid_to);
	assert_string_equal(a->pass_number, b->pass_number);
}

/* Checks that the block holds ascii as UTF-16LE at off. */
static void expect_u16(const uint8_t *b, size_t off, const char *ascii)
{
	for (size_t i = 0; ascii[i]; i++) {
		assert_int_equal(b[off + 2 * i], (uint8_t)ascii[i]);
		assert_int_equal(b[off + 2 * i + 1], 0);
	}
}

static void resident_layout_bytes(void **state)
{
	/* 王小英 is U+738B U+5C0F U+82F1, then space padding. */
	static const uint8_t name[] = { 0x8b, 0x73, 0x0f, 0x5c, 0xf1, 0x82, 0x20, 0x00 };
	uint8_t b[IDCARD_TEXT_LEN];
	struct idcard_data got;
	const char *why = NULL;

	(void)state;
	encode_ok(&resident, b);
	assert_memory_equal(b, name, sizeof(name));
	expect_u16(b, 30, "2");
	expect_u16(b, 32, "01");
	expect_u16(b, 36, "19491231");
	expect_u16(b, 122, "11010519491231002X");
	expect_u16(b, 188, "20150101");
	expect_u16(b, 204, "20350101");
	expect_u16(b, 220, "                  ");
	expect_u16(b, 248, " ");
	assert_int_equal(idcard_text_parse(b, sizeof(b), &got, &why), KERR_OK);
	same_card(&got, &resident);
	assert_false(got.has_photo);
}

static void all_four_types_round_trip(void **state)
{
	const struct idcard_data *cards[] = { &resident, &hmt, &foreign2017, &foreign2023 };
	static const char type_char[] = { ' ', 'J', 'I', 'Y' };

	(void)state;
	for (size_t i = 0; i < 4; i++) {
		uint8_t b[IDCARD_TEXT_LEN];
		struct idcard_data got;
		const char *why = "unset";

		encode_ok(cards[i], b);
		assert_int_equal(b[248], type_char[i]);
		assert_int_equal(idcard_text_parse(b, sizeof(b), &got, &why), KERR_OK);
		if (cards[i] == &foreign2023) {
			/* No Chinese name: the English one stands in. */
			assert_string_equal(got.name, foreign2023.name_en);
			assert_string_equal(got.name_en, foreign2023.name_en);
			assert_string_equal(got.id_number, foreign2023.id_number);
			assert_string_equal(got.nationality, "GBR");
		} else {
			same_card(&got, cards[i]);
		}
		assert_string_not_equal(idcard_type_str(got.type), "UNKNOWN");
	}
}

static void foreign2023_name_split(void **state)
{
	uint8_t b[IDCARD_TEXT_LEN];

	(void)state;
	encode_ok(&foreign2023, b);
	/* Character 35 of the English name opens the second slot at byte 220. */
	assert_int_equal(b[52], 'W');
	assert_int_equal(b[220], foreign2023.name_en[35]);
	assert_int_equal(b[242], 'G');
}

static void zero_padding_and_zero_type(void **state)
{
	uint8_t b[IDCARD_TEXT_LEN];
	struct idcard_data got;

	(void)state;
	encode_ok(&resident, b);
	/* Some modules pad with NUL instead of spaces, the type character included. */
	memset(b + 6, 0, 24);
	memset(b + 220, 0, 36);
	assert_int_equal(idcard_text_parse(b, sizeof(b), &got, NULL), KERR_OK);
	assert_string_equal(got.name, "王小英");
	assert_int_equal(got.type, IDCARD_RESIDENT);
}

/* Encodes base with one change and expects the parse to fail with a reason containing want. */
static void expect_bad(const struct idcard_data *d, const char *want)
{
	uint8_t b[IDCARD_TEXT_LEN];
	struct idcard_data got;
	const char *why = NULL;

	memset(&got, 0x5a, sizeof(got));
	encode_ok(d, b);
	assert_int_equal(idcard_text_parse(b, sizeof(b), &got, &why), KERR_INVAL);
	assert_non_null(why);
	if (!strstr(why, want))
		fail_msg("reason \"%s\" lacks \"%s\"", why, want);
	/* Nothing is written on failure. */
	assert_int_equal(((uint8_t *)&got)[0], 0x5a);
}

static void validation_rules(void **state)
{
	struct idcard_data d;

	(void)state;
	d = resident, d.id_number[17] = '5';
	expect_bad(&d, "check character");
	d = resident, strcpy(d.birth, "19490231");
	expect_bad(&d, "birth");
	d = resident, strcpy(d.birth, "19491230");
	expect_bad(&d, "birth date disagree");
	d = resident, d.sex = '3';
	expect_bad(&d, "sex");
	d = resident, d.sex = '1';
	expect_bad(&d, "sex disagree");
	d = resident, strcpy(d.nation, "57");
	expect_bad(&d, "nation");
	d = resident, strcpy(d.nation, "");
	expect_bad(&d, "nation");
	d = resident, strcpy(d.valid_from, "20151301");
	expect_bad(&d, "valid-from");
	d = resident, strcpy(d.valid_to, "20140101");
	expect_bad(&d, "before");
	d = resident, strcpy(d.valid_to, "短期");
	expect_bad(&d, "长期");
	d = resident, strcpy(d.name, "");
	expect_bad(&d, "name");
	d = resident, strcpy(d.address, "");
	expect_bad(&d, "address");
	d = resident, strcpy(d.authority, " ");
	expect_bad(&d, "authority");
	d = hmt, strcpy(d.id_number, "110105199005200113");
	expect_bad(&d, "81/82/83");
	d = hmt, strcpy(d.pass_number, "");
	expect_bad(&d, "travel permit");
	d = foreign2017, strcpy(d.id_number, "DE1110088021201");
	expect_bad(&d, "3 letters");
	d = foreign2017, strcpy(d.nationality, "de");
	expect_bad(&d, "nationality");
	d = foreign2017, strcpy(d.name_en, "");
	expect_bad(&d, "English name");
	d = foreign2023, strcpy(d.id_number, "11010519491231002X");
	expect_bad(&d, "start with 9");
	d = foreign2023, d.id_number[17] = '1';
	expect_bad(&d, "check character");
	d = foreign2023, strcpy(d.nationality, "GB");
	expect_bad(&d, "nationality");
}

static void long_term_and_leap_day(void **state)
{
	uint8_t b[IDCARD_TEXT_LEN];
	struct idcard_data d = resident, got;

	(void)state;
	strcpy(d.valid_to, "长期");
	encode_ok(&d, b);
	/* 长期 is U+957F U+671F. */
	assert_memory_equal(b + 204, ((const uint8_t[]){ 0x7f, 0x95, 0x1f, 0x67, ' ', 0 }), 6);
	assert_int_equal(idcard_text_parse(b, sizeof(b), &got, NULL), KERR_OK);
	assert_string_equal(got.valid_to, "长期");
	assert_true(idcard_text_date_valid("20000229"));
	assert_false(idcard_text_date_valid("19000229"));
	assert_false(idcard_text_date_valid("2000022"));
	assert_false(idcard_text_date_valid("2000022a"));
	assert_false(idcard_text_date_valid(NULL));
}

static void malformed_blocks(void **state)
{
	uint8_t b[IDCARD_TEXT_LEN];
	struct idcard_data got;
	const char *why = NULL;

	(void)state;
	encode_ok(&resident, b);
	assert_int_equal(idcard_text_parse(b, 255, &got, &why), KERR_INVAL);
	assert_non_null(strstr(why, "256"));
	assert_int_equal(idcard_text_parse(NULL, 256, &got, &why), KERR_INVAL);

	encode_ok(&resident, b);
	b[248] = 'Z';
	assert_int_equal(idcard_text_parse(b, sizeof(b), &got, &why), KERR_INVAL);
	assert_non_null(strstr(why, "card type"));

	/* A high surrogate followed by a plain character. */
	encode_ok(&resident, b);
	b[2] = 0x00, b[3] = 0xd8;
	assert_int_equal(idcard_text_parse(b, sizeof(b), &got, &why), KERR_INVAL);
	assert_non_null(strstr(why, "high surrogate"));
	/* A lone low surrogate. */
	encode_ok(&resident, b);
	b[2] = 0x00, b[3] = 0xdc;
	assert_int_equal(idcard_text_parse(b, sizeof(b), &got, &why), KERR_INVAL);
	assert_non_null(strstr(why, "low surrogate"));
	/* A high surrogate as the field's last unit. */
	encode_ok(&resident, b);
	b[4] = 0x00, b[5] = 0xd8;
	assert_int_equal(idcard_text_parse(b, sizeof(b), &got, &why), KERR_INVAL);
	/* A control character inside the address. */
	encode_ok(&resident, b);
	b[54] = 0x07, b[55] = 0;
	assert_int_equal(idcard_text_parse(b, sizeof(b), &got, &why), KERR_INVAL);
	assert_non_null(strstr(why, "control"));
	/* A birth date made of wide characters does not fit its 9 bytes. */
	encode_ok(&resident, b);
	for (int i = 36; i < 52; i += 2)
		b[i] = 0x00, b[i + 1] = 0x4e;
	assert_int_equal(idcard_text_parse(b, sizeof(b), &got, &why), KERR_INVAL);
	assert_non_null(strstr(why, "too long"));
	/* All spaces. */
	for (size_t i = 0; i < sizeof(b); i += 2)
		b[i] = ' ', b[i + 1] = 0;
	assert_int_equal(idcard_text_parse(b, sizeof(b), &got, &why), KERR_INVAL);
}

static void supplementary_characters(void **state)
{
	uint8_t b[IDCARD_TEXT_LEN];
	struct idcard_data d = resident, got;

	(void)state;
	/* Rare characters in names lie outside the BMP (U+20BB7 𠮷). */
	strcpy(d.name, "王𠮷");
	encode_ok(&d, b);
	assert_int_equal(b[2], 0x42);
	assert_int_equal(b[3], 0xd8);
	assert_int_equal(b[4], 0xb7);
	assert_int_equal(b[5], 0xdf);
	assert_int_equal(idcard_text_parse(b, sizeof(b), &got, NULL), KERR_OK);
	assert_string_equal(got.name, "王𠮷");
}

static void encode_rejects_overlong_fields(void **state)
{
	uint8_t b[IDCARD_TEXT_LEN];
	struct idcard_data d = resident;
	const char *why = NULL;

	(void)state;
	strcpy(d.name, "一二三四五六七八九十一二三四五六");
	assert_int_equal(idcard_text_encode(&d, b, &why), KERR_INVAL);
	assert_non_null(why);
	d = resident;
	d.type = IDCARD__COUNT;
	assert_int_equal(idcard_text_encode(&d, b, &why), KERR_INVAL);
	d = resident;
	memset(d.birth, '1', sizeof(d.birth));
	assert_int_equal(idcard_text_encode(&d, b, &why), KERR_INVAL);
	assert_non_null(strstr(why, "terminated"));
}

static void expiry(void **state)
{
	struct idcard_data d = resident;

	(void)state;
	assert_int_equal(idcard_text_check_expiry(&d, "20250601"), KERR_OK);
	assert_int_equal(idcard_text_check_expiry(&d, "20350101"), KERR_OK);
	assert_int_equal(idcard_text_check_expiry(&d, "20350102"), KERR_EXPIRED);
	assert_int_equal(idcard_text_check_expiry(&d, "2035010"), KERR_INVAL);
	strcpy(d.valid_to, "长期");
	assert_int_equal(idcard_text_check_expiry(&d, "21990101"), KERR_OK);
	strcpy(d.valid_to, "x");
	assert_int_equal(idcard_text_check_expiry(&d, "20250601"), KERR_INVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(resident_layout_bytes),
		cmocka_unit_test(all_four_types_round_trip),
		cmocka_unit_test(foreign2023_name_split),
		cmocka_unit_test(zero_padding_and_zero_type),
		cmocka_unit_test(validation_rules),
		cmocka_unit_test(long_term_and_leap_day),
		cmocka_unit_test(malformed_blocks),
		cmocka_unit_test(supplementary_characters),
		cmocka_unit_test(encode_rejects_overlong_fields),
		cmocka_unit_test(expiry),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
