/* Tests for kiosk/catalog.c: the shipped catalog loads and is complete, search by theme, pinyin
 * initials and Chinese text, and every kind of broken file gives the right error and a sentence. */
#include "common/utf8.h"
#include "kiosk/catalog.h"

#include <jansson.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#define CATALOG SRCDIR "/assets/catalog.json"
#define LIMIT (4 << 20)

/* Two themes, a self-service item with a 容缺 material and one not for terminals. */
static const char base_json[] =
	"{\"version\": \"t1\", \"themes\": ["
	" {\"id\": \"si\", \"name\": \"社会保险\"},"
	" {\"id\": \"hf\", \"name\": \"住房公积金\"}],"
	" \"items\": [{"
	"  \"basic_code\": \"000117001000\", \"impl_code\": \"IMPL-A\","
	"  \"handle_code\": \"IMPL-A01\", \"name\": \"城乡居民基本养老保险参保登记\","
	"  \"theme\": \"si\", \"department\": \"人社局\", \"item_type\": 20, \"level\": 4,"
	"  \"served\": 1, \"case_kind\": 1, \"legal_days\": 5, \"promised_days\": 0,"
	"  \"self_service\": true, \"gap_allowed\": true,"
	"  \"conditions\": \"年满16周岁\\n非在校学生\", \"procedure\": \"读卡\","
	"  \"fee\": \"不收费\", \"legal_basis\": \"《中华人民共和国社会保险法》\","
	"  \"place\": \"大厅\", \"hours\": \"全天\", \"phone\": \"12333\","
	"  \"complaint_phone\": \"12345\", \"keywords\": \"社保、新农保\","
	"  \"materials\": ["
	"   {\"code\": \"M01\", \"name\": \"居民身份证\", \"issuer\": \"公安机关\","
	"    \"originals\": 1, \"copies\": 0, \"mandatory\": true, \"gap_ok\": false,"
	"    \"commitment_ok\": false, \"ecert\": true, \"note\": \"已通过读卡获取\"},"
	"   {\"code\": \"M02\", \"name\": \"居民户口簿\", \"issuer\": \"公安机关\","
	"    \"originals\": 1, \"copies\": 0, \"mandatory\": true, \"gap_ok\": true,"
	"    \"commitment_ok\": false, \"ecert\": false}]"
	" }, {"
	"  \"basic_code\": \"000117006000\", \"impl_code\": \"IMPL-B\","
	"  \"handle_code\": \"IMPL-B01\", \"name\": \"个人住房公积金缴存证明打印\","
	"  \"theme\": \"hf\", \"department\": \"公积金中心\", \"item_type\": 20, \"level\": 3,"
	"  \"served\": 1, \"case_kind\": 2, \"legal_days\": 3, \"promised_days\": 1,"
	"  \"self_service\": false, \"gap_allowed\": false,"
	"  \"conditions\": \"缴存职工\", \"procedure\": \"打印\", \"fee\": \"不收费\","
	"  \"legal_basis\": \"《住房公积金管理条例》\", \"place\": \"大厅\","
	"  \"hours\": \"全天\", \"phone\": \"12329\", \"complaint_phone\": \"12345\","
	"  \"materials\": []"
	" }]}";

static const char *const item_keys[] = {
	"basic_code", "impl_code", "handle_code", "name", "theme", "department", "item_type",
	"level", "served", "case_kind", "legal_days", "promised_days", "self_service",
	"gap_allowed", "conditions", "procedure", "fee", "legal_basis", "place", "hours", "phone",
	"complaint_phone", "materials",
};

static const char *const material_keys[] = {
	"code", "name", "issuer", "originals", "copies", "mandatory", "gap_ok", "commitment_ok",
	"ecert",
};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static json_t *base(void)
{
	json_error_t jerr;
	json_t *root = json_loads(base_json, 0, &jerr);

	if (!root)
		fail_msg("base_json: %s", jerr.text);
	return root;
}

static json_t *item(json_t *root, size_t i)
{
	return json_array_get(json_object_get(root, "items"), i);
}

static json_t *material(json_t *root, size_t i, size_t m)
{
	return json_array_get(json_object_get(item(root, i), "materials"), m);
}

static bool valid_utf8(const char *s)
{
	while (*s)
		if (utf8_next(&s) == 0xfffd)
			return false;
	return true;
}

/* Loads buf, expects the error want with needle in the sentence, and *ret left alone. */
static void expect_buffer_error(const char *buf, size_t len, enum kerr want, const char *needle)
{
	struct catalog *sentinel = (struct catalog *)&sentinel, *c = sentinel;
	char err[512];
	enum kerr e;

	memset(err, 'x', sizeof(err));
	e = catalog_load_buffer(buf, len, &c, err, sizeof(err));
	if (e != want || c != sentinel || !err[0] || !strstr(err, needle) || !valid_utf8(err))
		fail_msg("want %s with \"%s\", got %s: \"%s\"", kerr_str(want), needle, kerr_str(e),
			 err);
}

/* Serialises root (and frees it), then expects the error. */
static void expect_error(json_t *root, enum kerr want, const char *needle)
{
	char *buf = json_dumps(root, JSON_COMPACT);

	assert_non_null(buf);
	expect_buffer_error(buf, strlen(buf), want, needle);
	free(buf);
	json_decref(root);
}

static struct catalog *load_text(const char *text)
{
	struct catalog *c = NULL;
	char err[512];
	enum kerr e = catalog_load_buffer(text, strlen(text), &c, err, sizeof(err));

	if (e != KERR_OK)
		fail_msg("%s: %s", kerr_str(e), err);
	assert_string_equal(err, "");
	return c;
}

static struct catalog *load_json(json_t *root)
{
	char *buf = json_dumps(root, JSON_COMPACT);
	struct catalog *c;

	assert_non_null(buf);
	c = load_text(buf);
	free(buf);
	json_decref(root);
	return c;
}

static struct catalog *load_shipped(void)
{
	struct catalog *c = NULL;
	char err[512];
	enum kerr e = catalog_load_file(CATALOG, &c, err, sizeof(err));

	if (e != KERR_OK)
		fail_msg("%s: %s", kerr_str(e), err);
	return c;
}

static bool found(const struct catalog_item **list, size_t n, const char *name)
{
	for (size_t i = 0; i < n && i < 64; i++)
		if (strcmp(list[i]->name, name) == 0)
			return true;
	return false;
}

static void shipped_catalog_loads(void **state)
{
	struct catalog *c = load_shipped();
	size_t two_scans = 0, gap = 0, commitment = 0, optional = 0;

	(void)state;
	assert_true(c->n_items >= 14);
	assert_int_equal(c->n_themes, 6);
	assert_true(strlen(c->version) > 0);
	for (size_t i = 0; i < c->n_items; i++) {
		const struct catalog_item *it = &c->items[i];
		size_t scans = 0;

		assert_true(it->self_service);
		assert_int_equal(strlen(it->impl_code), 31);
		assert_non_null(catalog_theme(c, it->theme));
		assert_ptr_equal(catalog_find(c, it->impl_code), it);
		assert_true(strlen(it->initials) > 0);
		assert_true(it->n_materials > 0);
		/* The card has been read: the ID card is never scanned. */
		assert_string_equal(it->materials[0].name, "居民身份证");
		assert_true(it->materials[0].ecert);
		for (size_t j = 0; j < it->n_materials; j++) {
			const struct catalog_material *m = &it->materials[j];

			scans += m->mandatory && !m->ecert;
			gap += m->gap_ok;
			commitment += m->commitment_ok;
			optional += !m->mandatory;
		}
		two_scans += scans >= 2;
	}
	assert_true(two_scans >= 3);
	assert_true(gap >= 2);
	assert_true(commitment >= 1);
	assert_true(optional >= 2);
	catalog_destroy(c);
}

static void search_by_initials(void **state)
{
	struct catalog *c = load_shipped();
	const struct catalog_item *list[64];
	size_t n;

	(void)state;
	n = catalog_search(c, NULL, "ylbx", list, COUNT(list));
	assert_true(n >= 1);
	assert_true(found(list, n, "城乡居民基本养老保险参保登记"));
	for (size_t i = 0; i < n; i++)
		assert_non_null(strstr(list[i]->initials, "ylbx"));
	/* Case and surrounding spaces do not matter. */
	assert_int_equal(catalog_search(c, NULL, "  YLBX ", NULL, 0), n);
	n = catalog_search(c, NULL, "jzz", list, COUNT(list));
	assert_true(found(list, n, "居住证申领"));
	assert_true(found(list, n, "居住证签注"));
	n = catalog_search(c, NULL, "gjj", list, COUNT(list));
	assert_true(found(list, n, "租赁住房提取住房公积金"));
	/* Initials of a keyword: 低保 is db. */
	n = catalog_search(c, NULL, "db", list, COUNT(list));
	assert_true(found(list, n, "最低生活保障申请"));
	/* Digits are kept in the initials. */
	n = catalog_search(c, NULL, "80", list, COUNT(list));
	assert_true(found(list, n, "80周岁以上老年人高龄津贴申请"));
	assert_int_equal(catalog_search(c, NULL, "qqqqq", list, COUNT(list)), 0);
	catalog_destroy(c);
}

static void search_chinese(void **state)
{
	struct catalog *c = load_shipped();
	const struct catalog_item *list[64];
	size_t n;

	(void)state;
	n = catalog_search(c, NULL, "居住证", list, COUNT(list));
	assert_true(n >= 2);
	assert_true(found(list, n, "居住证申领"));
	for (size_t i = 0; i < n; i++)
		assert_true(strstr(list[i]->name, "居住证") || strstr(list[i]->keywords, "居住证"));
	/* A keyword only: 良民证 is not in any name. */
	n = catalog_search(c, NULL, "良民证", list, COUNT(list));
	assert_int_equal(n, 1);
	assert_string_equal(list[0]->name, "无犯罪记录证明开具");
	assert_int_equal(catalog_search(c, NULL, "驾驶证", list, COUNT(list)), 0);
	catalog_destroy(c);
}

static void search_by_theme(void **state)
{
	struct catalog *c = load_shipped();
	const struct catalog_item *list[64];
	size_t n, total = 0;

	(void)state;
	for (size_t t = 0; t < c->n_themes; t++) {
		n = catalog_search(c, c->themes[t].id, NULL, list, COUNT(list));
		assert_true(n >= 2);
		for (size_t i = 0; i < n; i++)
			assert_string_equal(list[i]->theme, c->themes[t].id);
		total += n;
	}
	assert_int_equal(total, c->n_items);
	n = catalog_search(c, "housing_fund", "tq", list, COUNT(list));
	assert_int_equal(n, 1);
	assert_string_equal(list[0]->name, "租赁住房提取住房公积金");
	assert_int_equal(catalog_search(c, "household", "公积金", list, COUNT(list)), 0);
	assert_int_equal(catalog_search(c, "no_such_theme", NULL, list, COUNT(list)), 0);
	catalog_destroy(c);
}

static void search_empty_query_and_bounds(void **state)
{
	struct catalog *c = load_shipped();
	const struct catalog_item *list[64], *one[2] = { NULL, NULL };

	(void)state;
	assert_int_equal(catalog_search(c, NULL, NULL, list, COUNT(list)), c->n_items);
	assert_int_equal(catalog_search(c, NULL, "", list, COUNT(list)), c->n_items);
	assert_int_equal(catalog_search(c, "", "  ", list, COUNT(list)), c->n_items);
	for (size_t i = 0; i < c->n_items; i++)
		assert_ptr_equal(list[i], &c->items[i]);
	/* Counting without a list, and a list shorter than the matches. */
	assert_int_equal(catalog_search(c, NULL, NULL, NULL, 0), c->n_items);
	assert_int_equal(catalog_search(c, NULL, NULL, one, 1), c->n_items);
	assert_ptr_equal(one[0], &c->items[0]);
	assert_null(one[1]);
	assert_int_equal(catalog_search(NULL, NULL, NULL, list, COUNT(list)), 0);
	catalog_destroy(c);
}

static void not_self_service_hidden(void **state)
{
	struct catalog *c = load_json(base());
	const struct catalog_item *list[4];

	(void)state;
	assert_int_equal(c->n_items, 2);
	assert_int_equal(catalog_search(c, NULL, NULL, list, COUNT(list)), 1);
	assert_string_equal(list[0]->impl_code, "IMPL-A");
	assert_int_equal(catalog_search(c, "hf", NULL, list, COUNT(list)), 0);
	/* It is still in the catalog, for staff and for cases filed elsewhere. */
	assert_non_null(catalog_find(c, "IMPL-B"));
	catalog_destroy(c);
}

static void fields_loaded(void **state)
{
	struct catalog *c = load_json(base());
	const struct catalog_item *a, *b;

	(void)state;
	assert_string_equal(c->version, "t1");
	assert_string_equal(catalog_theme(c, "hf")->name, "住房公积金");
	assert_null(catalog_theme(c, "xx"));
	assert_null(catalog_theme(c, NULL));
	assert_null(catalog_find(c, "IMPL-C"));
	assert_null(catalog_find(c, NULL));
	a = catalog_find(c, "IMPL-A");
	b = catalog_find(c, "IMPL-B");
	assert_string_equal(a->initials, "cxjmjbylbxcbdj");
	assert_string_equal(a->keyword_initials, "sb xnb");
	assert_string_equal(a->conditions, "年满16周岁\n非在校学生");
	assert_int_equal(a->n_materials, 2);
	assert_true(a->materials[0].ecert);
	assert_string_equal(a->materials[0].note, "已通过读卡获取");
	assert_true(a->materials[1].gap_ok);
	assert_null(a->materials[1].note);
	assert_int_equal(b->case_kind, 2);
	assert_int_equal(b->promised_days, 1);
	assert_int_equal(b->n_materials, 0);
	assert_null(b->materials);
	assert_null(b->keywords);
	assert_null(b->keyword_initials);
	catalog_destroy(c);
	catalog_destroy(NULL);
}

static void optional_fields(void **state)
{
	json_t *root = base();
	struct catalog *c;

	(void)state;
	json_object_set_new(item(root, 0), "keywords", json_string(" "));
	json_object_set_new(material(root, 0, 0), "note", json_null());
	json_object_set_new(item(root, 0), "future_field", json_pack("{s:[i]}", "x", 1));
	c = load_json(root);
	assert_null(c->items[0].keywords);
	assert_null(c->items[0].keyword_initials);
	assert_null(c->items[0].materials[0].note);
	catalog_destroy(c);
}

static void not_json(void **state)
{
	FILE *f = fopen(CATALOG, "rb");
	char head[200];
	size_t n;

	(void)state;
	expect_buffer_error("hello", 5, KERR_INVAL, "not valid JSON");
	expect_buffer_error("", 0, KERR_INVAL, "not valid JSON");
	expect_buffer_error(NULL, 0, KERR_INVAL, "not valid JSON");
	expect_buffer_error("[]", 2, KERR_INVAL, "top level must be an object");
	expect_buffer_error("\"x\"", 3, KERR_INVAL, "not valid JSON");
	expect_buffer_error("{\"a\": \"\xff\xfe\"}", 11, KERR_INVAL, "not valid JSON");
	expect_buffer_error("{\"a\": \"x\\u0000y\"}", 17, KERR_INVAL, "not valid JSON");
	expect_buffer_error("{\"a\": 1, \"a\": 2}", 16, KERR_INVAL, "duplicate");
	expect_buffer_error("{\"a\": 99999999999999999999999}", 30, KERR_INVAL, "not valid JSON");
	/* The shipped file cut short. */
	assert_non_null(f);
	n = fread(head, 1, sizeof(head), f);
	fclose(f);
	assert_int_equal(n, sizeof(head));
	expect_buffer_error(head, sizeof(head), KERR_INVAL, "not valid JSON");
}

static void missing_fields(void **state)
{
	json_t *root;
	char needle[64];

	(void)state;
	for (size_t i = 0; i < COUNT(item_keys); i++) {
		root = base();
		json_object_del(item(root, 0), item_keys[i]);
		snprintf(needle, sizeof(needle), "field %s (", item_keys[i]);
		expect_error(root, KERR_INVAL, needle);
	}
	for (size_t i = 0; i < COUNT(material_keys); i++) {
		root = base();
		json_object_del(material(root, 0, 1), material_keys[i]);
		snprintf(needle, sizeof(needle), "material 2: field %s (", material_keys[i]);
		expect_error(root, KERR_INVAL, needle);
	}
	root = base();
	json_object_del(root, "version");
	expect_error(root, KERR_INVAL, "catalog: field version");
	root = base();
	json_object_del(root, "themes");
	expect_error(root, KERR_INVAL, "field themes");
	root = base();
	json_object_del(json_array_get(json_object_get(root, "themes"), 1), "name");
	expect_error(root, KERR_INVAL, "theme 2: field name");
	/* The item is named by its number and implementation code. */
	root = base();
	json_object_del(item(root, 1), "name");
	expect_error(root, KERR_INVAL,
		     "item 2 (impl_code IMPL-B): field name (事项名称) is missing");
}

static void wrong_types(void **state)
{
	json_t *root;

	(void)state;
	root = base();
	json_object_set_new(item(root, 0), "name", json_integer(5));
	expect_error(root, KERR_INVAL, "field name (事项名称) must be a string");
	root = base();
	json_object_set_new(item(root, 0), "level", json_string("3"));
	expect_error(root, KERR_INVAL, "field level (行使层级) must be a whole number");
	root = base();
	json_object_set_new(item(root, 0), "legal_days", json_real(5.0));
	expect_error(root, KERR_INVAL, "field legal_days (法定办结时限) must be a whole number");
	root = base();
	json_object_set_new(item(root, 0), "self_service", json_integer(1));
	expect_error(root, KERR_INVAL,
		     "field self_service (是否支持自助办理) must be true or false");
	root = base();
	json_object_set_new(material(root, 0, 0), "ecert", json_string("true"));
	expect_error(root, KERR_INVAL, "material 1: field ecert");
	root = base();
	json_object_set_new(item(root, 0), "materials", json_object());
	expect_error(root, KERR_INVAL, "field materials (申请材料) must be an array");
	root = base();
	json_array_set_new(json_object_get(item(root, 0), "materials"), 1, json_string("M02"));
	expect_error(root, KERR_INVAL, "material 2: must be an object");
	root = base();
	json_array_set_new(json_object_get(root, "items"), 1, json_array());
	expect_error(root, KERR_INVAL, "item 2: must be an object");
	root = base();
	json_object_set_new(root, "themes", json_string("si"));
	expect_error(root, KERR_INVAL, "field themes (主题) must be an array");
	root = base();
	json_object_set_new(root, "items", json_null());
	expect_error(root, KERR_INVAL, "field items (事项) must be an array");
	root = base();
	json_object_set_new(root, "version", json_true());
	expect_error(root, KERR_INVAL, "field version (版本) must be a string");
}

static void set_int(json_t *root, size_t i, const char *key, json_int_t v)
{
	json_object_set_new(item(root, i), key, json_integer(v));
}

static void out_of_range(void **state)
{
	static const struct {
		const char *key;
		json_int_t value;
	} bad[] = {
		{ "item_type", -1 }, { "item_type", 11 }, { "item_type", 19 }, { "item_type", 21 },
		{ "level", 0 }, { "level", 8 }, { "served", 0 }, { "served", 7 },
		{ "case_kind", 0 }, { "case_kind", 3 }, { "legal_days", -1 },
		{ "legal_days", 3651 }, { "promised_days", -1 }, { "level", 4294967297LL },
	};
	json_t *root;

	(void)state;
	for (size_t i = 0; i < COUNT(bad); i++) {
		root = base();
		set_int(root, 0, bad[i].key, bad[i].value);
		expect_error(root, KERR_INVAL, bad[i].key);
	}
	for (int v = 0; v <= 10; v++) {
		root = base();
		set_int(root, 0, "item_type", v);
		catalog_destroy(load_json(root));
	}
	root = base();
	set_int(root, 1, "promised_days", 4);
	expect_error(root, KERR_INVAL, "promised_days (承诺办结时限) is 4, more than legal_days");
	root = base();
	set_int(root, 0, "promised_days", 1);
	expect_error(root, KERR_INVAL, "must be 0 for an immediate item");
	root = base();
	set_int(root, 1, "promised_days", 0);
	expect_error(root, KERR_INVAL, "must be at least 1 for a promised item");
	root = base();
	json_object_set_new(material(root, 0, 1), "originals", json_integer(100));
	expect_error(root, KERR_INVAL, "field originals (原件份数) must be from 0 to 99, not 100");
	root = base();
	json_object_set_new(material(root, 0, 1), "copies", json_integer(-1));
	expect_error(root, KERR_INVAL, "field copies");
}

static void consistency(void **state)
{
	json_t *root;

	(void)state;
	root = base();
	json_object_set_new(item(root, 1), "impl_code", json_string("IMPL-A"));
	expect_error(root, KERR_INVAL,
		     "item 2 (impl_code IMPL-A): impl_code is also used by item 1");
	root = base();
	json_object_set_new(item(root, 1), "theme", json_string("marriage"));
	expect_error(root, KERR_INVAL, "names marriage, which is not among the themes");
	root = base();
	json_object_set_new(json_array_get(json_object_get(root, "themes"), 1), "id",
			    json_string("si"));
	expect_error(root, KERR_INVAL, "theme 2: id si is also used by theme 1");
	root = base();
	json_object_set_new(material(root, 0, 1), "code", json_string("M01"));
	expect_error(root, KERR_INVAL, "material 2: code M01 is also used by material 1");
	root = base();
	json_object_set_new(item(root, 0), "gap_allowed", json_false());
	expect_error(root, KERR_INVAL, "gap_ok is true but the item does not allow");
	root = base();
	json_object_set_new(material(root, 0, 1), "mandatory", json_false());
	expect_error(root, KERR_INVAL, "gap_ok is true but the material is not mandatory");
	root = base();
	json_object_set_new(material(root, 0, 0), "mandatory", json_false());
	json_object_set_new(material(root, 0, 0), "commitment_ok", json_true());
	expect_error(root, KERR_INVAL, "commitment_ok is true but the material is not mandatory");
	root = base();
	json_object_set_new(material(root, 0, 1), "format", json_string("tiff"));
	expect_error(root, KERR_INVAL, "material 2: format (扫描件格式) must be \"jpeg\" or \"pdf\"");
	root = base();
	json_object_set_new(material(root, 0, 1), "format", json_integer(1));
	expect_error(root, KERR_INVAL, "format (扫描件格式) must be");
}

static json_t *string_of(const char *unit, size_t times)
{
	size_t len = strlen(unit);
	char *s = malloc(len * times + 1);
	json_t *v;

	assert_non_null(s);
	for (size_t i = 0; i < times; i++)
		memcpy(s + i * len, unit, len);
	s[len * times] = 0;
	v = json_string(s);
	free(s);
	return v;
}

static void bad_strings(void **state)
{
	json_t *root, *items, *mats;

	(void)state;
	root = base();
	json_object_set_new(item(root, 0), "name", string_of("养", 201));
	expect_error(root, KERR_INVAL, "field name (事项名称) is longer than 200 characters");
	root = base();
	json_object_set_new(item(root, 0), "name", string_of("养", 200));
	catalog_destroy(load_json(root));
	root = base();
	json_object_set_new(item(root, 0), "impl_code", string_of("1", 65));
	expect_error(root, KERR_INVAL, "item 1: field impl_code (实施编码) is longer than 64");
	root = base();
	json_object_set_new(item(root, 0), "conditions", string_of("很长的条件", 1000));
	expect_error(root, KERR_INVAL, "longer than 4000 characters");
	root = base();
	json_object_set_new(item(root, 0), "procedure", string_of("x", 1 << 20));
	expect_error(root, KERR_INVAL, "field procedure");
	root = base();
	json_object_set_new(item(root, 0), "name", json_string(""));
	expect_error(root, KERR_INVAL, "field name (事项名称) is empty");
	root = base();
	json_object_set_new(item(root, 0), "department", json_string(" \t\n"));
	expect_error(root, KERR_INVAL, "field department (实施主体) is empty");
	root = base();
	json_object_set_new(item(root, 0), "name", json_string("养老\n保险"));
	expect_error(root, KERR_INVAL, "field name (事项名称) contains a control character");
	root = base();
	json_object_set_new(item(root, 0), "conditions", json_string("a\x1b[31mb"));
	expect_error(root, KERR_INVAL, "other than a line break");
	/* Empty and oversized arrays. */
	root = base();
	json_object_set_new(root, "items", json_array());
	expect_error(root, KERR_INVAL, "field items (事项) is empty");
	root = base();
	json_object_set_new(root, "themes", json_array());
	expect_error(root, KERR_INVAL, "field themes (主题) is empty");
	root = base();
	items = json_array();
	for (size_t i = 0; i < 501; i++)
		json_array_append(items, item(root, 1));
	json_object_set_new(root, "items", items);
	expect_error(root, KERR_INVAL, "has 501 entries, more than 500");
	root = base();
	mats = json_object_get(item(root, 0), "materials");
	for (size_t i = 0; i < 99; i++)
		json_array_append(mats, material(root, 0, 0));
	expect_error(root, KERR_INVAL, "has 101 entries, more than 100");
}

static void too_large(void **state)
{
	char *buf = malloc(LIMIT + 1);
	size_t len = strlen(base_json);
	struct catalog *c = NULL;
	char err[256], path[] = "/tmp/test_catalog_XXXXXX";
	FILE *f;
	int fd;

	(void)state;
	assert_non_null(buf);
	/* Exactly at the limit loads: whitespace after the object is valid JSON. */
	memcpy(buf, base_json, len);
	memset(buf + len, ' ', LIMIT + 1 - len);
	assert_int_equal(catalog_load_buffer(buf, LIMIT, &c, err, sizeof(err)), KERR_OK);
	catalog_destroy(c);
	expect_buffer_error(buf, LIMIT + 1, KERR_INVAL, "more than the limit");
	fd = mkstemp(path);
	assert_true(fd >= 0);
	f = fdopen(fd, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(buf, 1, LIMIT + 1, f), LIMIT + 1);
	fclose(f);
	c = NULL;
	assert_int_equal(catalog_load_file(path, &c, err, sizeof(err)), KERR_INVAL);
	assert_null(c);
	assert_non_null(strstr(err, "larger than the limit"));
	unlink(path);
	free(buf);
}

static void deep_nesting(void **state)
{
	size_t depth = 100000;
	char *buf = malloc(2 * depth + 64);
	json_t *root, *deep;

	(void)state;
	assert_non_null(buf);
	memset(buf, '[', depth);
	memset(buf + depth, ']', depth);
	expect_buffer_error(buf, 2 * depth, KERR_INVAL, "not valid JSON");
	strcpy(buf, "{\"version\":");
	memset(buf + 11, '{', depth);
	expect_buffer_error(buf, 11 + depth, KERR_INVAL, "not valid JSON");
	free(buf);
	/* Nesting the parser accepts, where a string belongs. */
	root = base();
	deep = json_array();
	for (int i = 0; i < 500; i++)
		deep = json_pack("[o]", deep);
	json_object_set_new(item(root, 0), "keywords", deep);
	expect_error(root, KERR_INVAL, "field keywords (关键词) must be a string");
}

static void file_errors(void **state)
{
	struct catalog *sentinel = (struct catalog *)&sentinel, *c = sentinel;
	char err[256];

	(void)state;
	assert_int_equal(catalog_load_file("/nonexistent/catalog.json", &c, err, sizeof(err)),
			 KERR_IO);
	assert_ptr_equal(c, sentinel);
	assert_non_null(strstr(err, "cannot open /nonexistent/catalog.json"));
	assert_int_equal(catalog_load_file(SRCDIR "/assets", &c, err, sizeof(err)), KERR_IO);
	assert_ptr_equal(c, sentinel);
	assert_non_null(strstr(err, "cannot read"));
	assert_int_equal(catalog_load_file("/nonexistent", &c, NULL, 0), KERR_IO);
}

static void error_buffer(void **state)
{
	static const char ctl[] = "{\"a\": \"x\x1b[2J\"}";
	struct catalog *c = NULL;
	char err[4], line[256];
	json_t *root = base();
	char *buf;

	(void)state;
	json_object_set_new(item(root, 0), "name", json_integer(1));
	buf = json_dumps(root, JSON_COMPACT);
	assert_int_equal(catalog_load_buffer(buf, strlen(buf), &c, NULL, 0), KERR_INVAL);
	assert_int_equal(catalog_load_buffer(buf, strlen(buf), &c, err, 1), KERR_INVAL);
	assert_string_equal(err, "");
	/* A short buffer holds a shortened sentence that never splits a character: the cut falls
	 * inside the Chinese field label for some of these sizes. */
	for (size_t n = 2; n < 80; n++) {
		assert_int_equal(catalog_load_buffer(buf, strlen(buf), &c, line, n), KERR_INVAL);
		assert_true(strlen(line) > 0 && strlen(line) < n);
		assert_true(valid_utf8(line));
	}
	assert_null(c);
	free(buf);
	json_decref(root);
	/* Bytes quoted from the file reach the log without control characters. */
	expect_buffer_error(ctl, strlen(ctl), KERR_INVAL, "not valid JSON");
	assert_int_equal(catalog_load_buffer(ctl, strlen(ctl), &c, line, sizeof(line)), KERR_INVAL);
	for (const char *p = line; *p; p++)
		assert_true((unsigned char)*p >= 0x20);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(shipped_catalog_loads),
		cmocka_unit_test(search_by_initials),
		cmocka_unit_test(search_chinese),
		cmocka_unit_test(search_by_theme),
		cmocka_unit_test(search_empty_query_and_bounds),
		cmocka_unit_test(not_self_service_hidden),
		cmocka_unit_test(fields_loaded),
		cmocka_unit_test(optional_fields),
		cmocka_unit_test(not_json),
		cmocka_unit_test(missing_fields),
		cmocka_unit_test(wrong_types),
		cmocka_unit_test(out_of_range),
		cmocka_unit_test(consistency),
		cmocka_unit_test(bad_strings),
		cmocka_unit_test(too_large),
		cmocka_unit_test(deep_nesting),
		cmocka_unit_test(file_errors),
		cmocka_unit_test(error_buffer),
	};

	return cmocka_run_group_tests_name("catalog", tests, NULL, NULL);
}
