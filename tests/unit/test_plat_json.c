/* The reference platform's request-body checks with malformed and borderline input: each names the field at
 * fault with the contract's error code. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/idnum.h"
#include "tests/platform/plat_json.h"

#define TID "ZW3101150001"

static char id[19];

static json_t *valid_case(void)
{
	json_t *j = json_pack("{s:s, s:s, s:s, s:s, s:i, s:s, s:s, s:I, s:b, s:s, s:b, s:{s:s, s:s, s:s},"
			      " s:{s:s}, s:[{s:i, s:s, s:[{s:i, s:i, s:s}]}, {s:i, s:s}]}",
			      "case_no", TID "202611230001", "query_code", "K7MX3QPA", "impl_code", "11310115MB2F0",
			      "item_name", "养老保险", "case_kind", 2, "channel", "5", "region_code", "310115",
			      "accepted_ms", (json_int_t)1795397465000LL, "clock_trusted", 1, "promised_date",
			      "20261207", "with_gaps", 1, "applicant", "name", "张三", "id_type", "111", "id_number", id,
			      "delivery", "method", "pickup", "materials", "ord", 1, "status", "received", "pages", "ord",
			      1, "size", 12, "sha256",
			      "7509e5bda0c762d2bac7f90d758b5b2263fa01ccbc542ab5e3df163be08e6ca9", "ord", 2, "status",
			      "missing");

	assert_non_null(j);
	return j;
}

/* Applies one change (JSON Pointer-like "a.b" path, value or NULL to delete) and expects field refused. */
static void expect_case_refused(const char *key, json_t *value, const char *code, const char *field)
{
	json_t *j = valid_case(), *obj = j;
	char path[64], *dot, *k = path;
	struct plat_json_err err;

	snprintf(path, sizeof(path), "%s", key);
	while ((dot = strchr(k, '.'))) {
		*dot = 0;
		obj = json_object_get(obj, k);
		k = dot + 1;
	}
	if (value)
		json_object_set_new(obj, k, value);
	else
		json_object_del(obj, k);
	assert_false(plat_json_case(j, TID, &err));
	assert_string_equal(err.code, code);
	assert_string_equal(err.field, field);
	assert_non_null(strstr(err.message, field));
	json_decref(j);
}

static void test_case_valid(void **state)
{
	struct plat_json_err err;
	json_t *j = valid_case();

	(void)state;
	assert_true(plat_json_case(j, TID, &err));
	/* Unknown keys are ignored: that is how the contract grows. */
	json_object_set_new(j, "future_field", json_pack("{s:i}", "x", 1));
	/* A busy day runs past 9999 cases. */
	json_object_set_new(j, "case_no", json_string(TID "2026112310000"));
	assert_true(plat_json_case(j, TID, &err));
	json_decref(j);
}

static void test_case_fields(void **state)
{
	(void)state;
	expect_case_refused("case_no", NULL, "invalid", "case_no");
	expect_case_refused("case_no", json_string("ZW3101150002202611230001"), "invalid", "case_no");
	expect_case_refused("case_no", json_string(TID "20261323" "0001"), "invalid", "case_no");
	expect_case_refused("case_no", json_string(TID "2026112300"), "invalid", "case_no");
	expect_case_refused("case_no", json_integer(5), "invalid", "case_no");
	expect_case_refused("query_code", json_string("K7MX3QPI"), "invalid", "query_code"); /* I is not used */
	expect_case_refused("query_code", json_string("K7MX3QP"), "invalid", "query_code");
	expect_case_refused("impl_code", json_string(""), "invalid", "impl_code");
	expect_case_refused("item_name", json_string("a\tb"), "invalid", "item_name");
	expect_case_refused("case_kind", json_integer(3), "invalid", "case_kind");
	expect_case_refused("case_kind", json_real(2.0), "invalid", "case_kind");
	expect_case_refused("channel", json_string("4"), "invalid", "channel");
	expect_case_refused("region_code", json_string("31011"), "invalid", "region_code");
	expect_case_refused("accepted_ms", json_integer(0), "invalid", "accepted_ms");
	expect_case_refused("promised_date", NULL, "invalid", "promised_date");
	expect_case_refused("promised_date", json_string("20260230"), "invalid", "promised_date");
	expect_case_refused("with_gaps", json_false(), "invalid", "materials[1].status");
	expect_case_refused("applicant.id_type", json_string("112"), "invalid", "applicant.id_type");
	expect_case_refused("applicant.id_number", json_string("110105194912310021"), "invalid",
			    "applicant.id_number");
	expect_case_refused("applicant.name", NULL, "invalid", "applicant.name");
	expect_case_refused("delivery.method", json_string("mail"), "invalid", "delivery.address");
	expect_case_refused("delivery.method", json_string("drone"), "invalid", "delivery.method");
	expect_case_refused("materials", json_pack("[{s:i, s:s}]", "ord", 2, "status", "ecert"), "invalid",
			    "materials[0].ord");
	expect_case_refused("materials", json_pack("[{s:i, s:s}]", "ord", 1, "status", "lost"), "invalid",
			    "materials[0].status");
	expect_case_refused("materials", json_pack("[{s:i, s:s, s:[]}]", "ord", 1, "status", "received", "pages"),
			    "invalid", "materials[0].pages");
	expect_case_refused("materials",
			    json_pack("[{s:i, s:s, s:[{s:i, s:I, s:s}]}]", "ord", 1, "status", "received", "pages",
				      "ord", 1, "size", (json_int_t)33554433, "sha256", "ab"),
			    "invalid", "materials[0].pages[0].size");
	expect_case_refused("materials",
			    json_pack("[{s:i, s:s, s:[{s:i, s:i, s:s}]}]", "ord", 1, "status", "received", "pages",
				      "ord", 1, "size", 1, "sha256",
				      "7509E5BDA0C762D2BAC7F90D758B5B2263FA01CCBC542AB5E3DF163BE08E6CA9"),
			    "invalid", "materials[0].pages[0].sha256");
	expect_case_refused("materials",
			    json_pack("[{s:i, s:s, s:[{s:i, s:i, s:s, s:s}]}]", "ord", 1, "status", "received", "pages",
				      "ord", 1, "size", 1, "sha256",
				      "7509e5bda0c762d2bac7f90d758b5b2263fa01ccbc542ab5e3df163be08e6ca9", "type",
				      "image/png"),
			    "invalid", "materials[0].pages[0].type");
	expect_case_refused("materials",
			    json_pack("[{s:i, s:s, s:[{s:i, s:i, s:s, s:i}]}]", "ord", 1, "status", "received", "pages",
				      "ord", 1, "size", 1, "sha256",
				      "7509e5bda0c762d2bac7f90d758b5b2263fa01ccbc542ab5e3df163be08e6ca9", "type", 1),
			    "invalid", "materials[0].pages[0].type");
}

static void test_bad_json(void **state)
{
	static const char *const bad[] = { "", "{", "[]", "\"x\"", "{\"a\":1,\"a\":2}", "{\"a\":\"\\u0000\"}",
					   "{\"a\":\"\xff\"}", "{} {}", "nul" };
	struct plat_json_err err;
	char *whole;
	json_t *j = valid_case();

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_null(plat_json_parse(bad[i], strlen(bad[i]), &err));
		assert_string_equal(err.code, "bad_json");
	}
	/* Every cut of a valid body is refused as bad_json, never crashes. */
	whole = json_dumps(j, JSON_COMPACT);
	for (size_t n = 0; n < strlen(whole); n++)
		assert_null(plat_json_parse(whole, n, &err));
	free(whole);
	json_decref(j);
}

static void expect_eval(const char *body, bool ok, const char *code, const char *field)
{
	struct plat_json_err err;
	json_t *j = plat_json_parse(body, strlen(body), &err);

	assert_non_null(j);
	assert_int_equal(plat_json_eval(j, TID, &err), ok);
	if (!ok) {
		assert_string_equal(err.code, code);
		assert_string_equal(err.field, field);
	}
	json_decref(j);
}

static void test_eval(void **state)
{
	(void)state;
	expect_eval("{\"level\":\"dissatisfied\",\"level_code\":\"4\",\"level_scheme\":\"gbt39046\","
		    "\"reasons\":[\"R01\"],\"text\":\"慢\",\"rated_ms\":1}",
		    true, NULL, NULL);
	expect_eval("{\"level\":\"dissatisfied\",\"level_code\":\"2\",\"level_scheme\":\"ascending\","
		    "\"reasons\":[\"R01\"],\"rated_ms\":1}",
		    true, NULL, NULL);
	expect_eval("{\"level\":\"dissatisfied\",\"level_code\":\"4\",\"level_scheme\":\"ascending\","
		    "\"reasons\":[\"R01\"],\"rated_ms\":1}",
		    false, "level_mismatch", "level_code");
	expect_eval("{\"level\":\"good\",\"level_code\":\"1\",\"level_scheme\":\"gbt39046\",\"rated_ms\":1}", false,
		    "invalid", "level");
	expect_eval("{\"level\":\"basic\",\"level_code\":\"3\",\"level_scheme\":\"x\",\"rated_ms\":1}", false,
		    "invalid", "level_scheme");
	expect_eval("{\"level\":\"satisfied\",\"level_code\":\"2\",\"level_scheme\":\"gbt39046\",\"text\":\"好\","
		    "\"rated_ms\":1}",
		    false, "invalid", "text");
	expect_eval("{\"level\":\"satisfied\",\"level_code\":\"2\",\"level_scheme\":\"gbt39046\",\"named\":true,"
		    "\"rated_ms\":1}",
		    false, "invalid", "evaluator");
	expect_eval("{\"level\":\"satisfied\",\"level_code\":\"2\",\"level_scheme\":\"gbt39046\","
		    "\"evaluator\":{},\"rated_ms\":1}",
		    false, "invalid", "evaluator");
	expect_eval("{\"platform_no\":\"SH1\",\"level\":\"satisfied\",\"level_code\":\"2\","
		    "\"level_scheme\":\"gbt39046\",\"rated_ms\":1}",
		    false, "invalid", "platform_no");
	expect_eval("{\"terminal_id\":\"ZW9\",\"level\":\"satisfied\",\"level_code\":\"2\","
		    "\"level_scheme\":\"gbt39046\",\"rated_ms\":1}",
		    false, "invalid", "terminal_id");
}

static void test_query_beat_admin(void **state)
{
	struct plat_json_err err;
	json_t *j;

	(void)state;
	j = json_pack("{s:s, s:s}", "query_code", "K7MX3QPA", "id_type", "111");
	assert_false(plat_json_query(j, &err));
	json_decref(j);
	j = json_pack("{s:s}", "id_type", "111");
	assert_false(plat_json_query(j, &err));
	assert_string_equal(err.field, "id_number");
	json_decref(j);
	j = json_pack("{}");
	assert_false(plat_json_query(j, &err));
	json_decref(j);

	j = json_pack("{s:I, s:{s:s}}", "sent_ms", (json_int_t)1, "devices", "idcard", "melted");
	assert_false(plat_json_beat(j, TID, &err));
	assert_string_equal(err.field, "devices.idcard");
	json_decref(j);
	j = json_pack("{s:I, s:{s:i}}", "sent_ms", (json_int_t)1, "queue", "pending", -1);
	assert_false(plat_json_beat(j, TID, &err));
	assert_string_equal(err.field, "queue.pending");
	json_decref(j);
	j = json_pack("{}");
	assert_false(plat_json_beat(j, TID, &err));
	assert_string_equal(err.field, "sent_ms");
	json_decref(j);
	j = json_pack("{s:I, s:{s:i, s:i, s:b}}", "sent_ms", (json_int_t)1, "store", "free_mb", 3,
		      "reserve_mb", 64, "accepting", 0);
	assert_true(plat_json_beat(j, TID, &err));
	json_decref(j);
	j = json_pack("{s:I, s:{s:s}}", "sent_ms", (json_int_t)1, "store", "accepting", "no");
	assert_false(plat_json_beat(j, TID, &err));
	assert_string_equal(err.field, "store.accepting");
	json_decref(j);
	j = json_pack("{s:I, s:{s:i}}", "sent_ms", (json_int_t)1, "store", "reserve_mb", -1);
	assert_false(plat_json_beat(j, TID, &err));
	assert_string_equal(err.field, "store.reserve_mb");
	json_decref(j);

	j = json_pack("{s:s}", "status", "lost");
	assert_false(plat_json_status(j, &err));
	json_decref(j);
	j = json_pack("{s:i}", "fail_500", -1);
	assert_false(plat_json_faults(j, &err));
	json_decref(j);
	assert_true(plat_json_terminal_ok("ZW3101150001"));
	assert_false(plat_json_terminal_ok("ZW31011500011234567890"));
	assert_false(plat_json_terminal_ok(""));
	assert_false(plat_json_terminal_ok("ZW-1"));
	assert_true(plat_json_date_ok("20240229"));
	assert_false(plat_json_date_ok("20230229"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_case_valid),     cmocka_unit_test(test_case_fields),
		cmocka_unit_test(test_bad_json),       cmocka_unit_test(test_eval),
		cmocka_unit_test(test_query_beat_admin),
	};

	memcpy(id, "11010519491231002", 17);
	id[17] = idnum_check_char(id);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
