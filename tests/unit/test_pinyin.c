/* Tests for kiosk/pinyin.c: the GB2312 boundaries, the table of other characters, ASCII handling,
 * bounds, and a letter for every hanzi the shipped catalog uses. */
#include "common/utf8.h"
#include "kiosk/pinyin.h"

#include <jansson.h>
#include <setjmp.h>
#include <stdbool.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

static void expect_initials(const char *in, const char *want)
{
	char out[256];

	pinyin_initials(in, out, sizeof(out));
	assert_string_equal(out, want);
}

static void service_words(void **state)
{
	(void)state;
	expect_initials("养老保险", "ylbx");
	expect_initials("住房公积金", "zfgjj");
	expect_initials("居住证", "jzz");
	expect_initials("城乡居民基本养老保险参保登记", "cxjmjbylbxcbdj");
	expect_initials("无犯罪记录证明", "wfzjlzm");
	expect_initials("残疾人两项补贴", "cjrlxbt");
}

/* The first and the last level-1 character of every initial's range in GB2312. */
static void gb2312_boundaries(void **state)
{
	(void)state;
	expect_initials("啊芭擦搭蛾发噶哈击喀垃妈拿哦啪期然撒塌挖昔压匝",
			"abcdefghjklmnopqrstwxyz");
	expect_initials("澳怖错堕贰咐过祸骏阔络穆诺沤瀑群弱所唾误迅孕座",
			"abcdefghjklmnopqrstwxyz");
}

static void outside_level1(void **state)
{
	(void)state;
	/* Level 2 of GB2312, ordered by radical, and characters GB2312 lacks. */
	expect_initials("亳州", "bz");
	expect_initials("衢州", "qz");
	expect_initials("溧阳", "ly");
	expect_initials("鳏寡孤独", "gggd");
	expect_initials("傈僳族彝族", "lszyz");
	expect_initials("堃喆", "kz");
	expect_initials("二〇二五", "elew");
	/* Characters nobody listed are skipped, never guessed. */
	expect_initials("𠀀", "");
}

static void words_read_differently(void **state)
{
	(void)state;
	expect_initials("银行卡", "yhk");
	expect_initials("本人名下银行卡", "brmxyhk");
	expect_initials("行政", "xz");
	expect_initials("重庆", "cq");
	expect_initials("重度残疾人", "zdcjr");
}

static void ascii_and_punctuation(void **state)
{
	(void)state;
	expect_initials("ABC养老123", "abcyl123");
	expect_initials("80周岁以上", "80zsys");
	expect_initials("养老，保险！(社保)", "ylbxsb");
	expect_initials("ＡＢｃ１２", "abc12");
	expect_initials("e-mail: X_Y", "emailxy");
	expect_initials("", "");
	expect_initials("😀养老", "yl");
	/* Malformed UTF-8 is skipped byte by byte. */
	expect_initials("\xe5\x85养\xff老\xc0\x80", "yl");
}

static void bounds(void **state)
{
	char out[8];

	(void)state;
	memset(out, 'x', sizeof(out));
	pinyin_initials("养老保险", out, 3);
	assert_string_equal(out, "yl");
	assert_int_equal(out[3], 'x');
	pinyin_initials("养老保险", out, 1);
	assert_string_equal(out, "");
	pinyin_initials("银行卡", out, 2);
	assert_string_equal(out, "y");
	memset(out, 'x', sizeof(out));
	pinyin_initials("养老", out, 0);
	assert_int_equal(out[0], 'x');
	pinyin_initials(NULL, out, sizeof(out));
	assert_string_equal(out, "");
}

static bool hanzi(uint32_t cp)
{
	return (cp >= 0x3400 && cp <= 0x9FFF) || (cp >= 0xF900 && cp <= 0xFAFF) || cp >= 0x20000;
}

/* Every hanzi of s must yield exactly one letter, so every name is reachable by initials. */
static void check_every_hanzi(const char *s)
{
	const char *p = s;
	uint32_t cp;

	if (!s)
		return;
	while ((cp = utf8_next(&p)) != 0) {
		char one[5] = { 0 }, out[4];

		if (!hanzi(cp))
			continue;
		utf8_encode(cp, one);
		pinyin_initials(one, out, sizeof(out));
		if (strlen(out) != 1 || out[0] < 'a' || out[0] > 'z')
			fail_msg("no initial for %s in %s", one, s);
	}
}

static void catalog_hanzi(void **state)
{
	json_error_t jerr;
	json_t *root = json_load_file(SRCDIR "/assets/catalog.json", 0, &jerr);
	json_t *items, *item, *themes, *theme, *mat;
	size_t i, j, checked = 0;

	(void)state;
	assert_non_null(root);
	items = json_object_get(root, "items");
	themes = json_object_get(root, "themes");
	assert_true(json_array_size(items) > 0);
	json_array_foreach(items, i, item) {
		check_every_hanzi(json_string_value(json_object_get(item, "name")));
		check_every_hanzi(json_string_value(json_object_get(item, "keywords")));
		json_array_foreach(json_object_get(item, "materials"), j, mat)
			check_every_hanzi(json_string_value(json_object_get(mat, "name")));
		checked++;
	}
	json_array_foreach(themes, i, theme)
		check_every_hanzi(json_string_value(json_object_get(theme, "name")));
	assert_int_equal(checked, json_array_size(items));
	json_decref(root);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(service_words),
		cmocka_unit_test(gb2312_boundaries),
		cmocka_unit_test(outside_level1),
		cmocka_unit_test(words_read_differently),
		cmocka_unit_test(ascii_and_punctuation),
		cmocka_unit_test(bounds),
		cmocka_unit_test(catalog_hanzi),
	};

	return cmocka_run_group_tests_name("pinyin", tests, NULL, NULL);
}
