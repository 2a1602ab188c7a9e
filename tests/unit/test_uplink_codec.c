/* Unit tests of the uplink contract's codec (offline-queue/uplink_codec.c):
 * request bodies as docs/uplink.md shows them, every reply parser on good and
 * malformed input, headers, the verdicts of section 10 and the backoff. */
#include "offline-queue/uplink_codec.h"

#include <jansson.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

static json_t *parse(const char *s)
{
	json_t *j = json_loads(s, JSON_REJECT_DUPLICATES, NULL);

	assert_non_null(j);
	return j;
}

static const char *str(json_t *o, const char *path)
{
	char key[64];
	const char *dot = strchr(path, '.');

	if (dot) {
		snprintf(key, sizeof(key), "%.*s", (int)(dot - path), path);
		return str(json_object_get(o, key), dot + 1);
	}
	assert_true(json_is_string(json_object_get(o, path)));
	return json_string_value(json_object_get(o, path));
}

static void sample_case(struct queue_case_rec *c, struct queue_material_rec *m,
			struct queue_page_rec *p)
{
	memset(c, 0, sizeof(*c));
	snprintf(c->case_no, sizeof(c->case_no), "ZW3101150001202611230001");
	snprintf(c->query_code, sizeof(c->query_code), "K7MX3QPA");
	snprintf(c->impl_code, sizeof(c->impl_code), "11310115MB2F00001X3000117003001");
	snprintf(c->item_name, sizeof(c->item_name), "城乡居民基本养老保险参保登记");
	c->case_kind = 2;
	snprintf(c->applicant_name, sizeof(c->applicant_name), "张三");
	snprintf(c->id_type, sizeof(c->id_type), "111");
	snprintf(c->id_number, sizeof(c->id_number), "11010519491231002X");
	snprintf(c->sex, sizeof(c->sex), "1");
	snprintf(c->delivery, sizeof(c->delivery), "mail");
	snprintf(c->mail_address, sizeof(c->mail_address), "上海市浦东新区花木路1号");
	snprintf(c->region_code, sizeof(c->region_code), "310115");
	c->accepted_ms = 1795397465000LL;
	snprintf(c->promised_date, sizeof(c->promised_date), "20261207");
	memset(m, 0, 2 * sizeof(*m));
	memset(p, 0, sizeof(*p));
	snprintf(m[0].code, sizeof(m[0].code), "M001");
	snprintf(m[0].name, sizeof(m[0].name), "居民身份证");
	m[0].status = QUEUE_MAT_RECEIVED;
	m[0].n_pages = 1;
	m[0].pages = p;
	p->size = 301234;
	memset(p->sha256, 'a', 64);
	snprintf(m[1].code, sizeof(m[1].code), "M002");
	snprintf(m[1].name, sizeof(m[1].name), "户口簿");
	m[1].status = QUEUE_MAT_MISSING;
	c->with_gaps = true;
	c->materials = m;
	c->n_materials = 2;
}

static void test_case_body(void **state)
{
	struct queue_case_rec c;
	struct queue_material_rec m[2];
	struct queue_page_rec p;
	char *body = NULL;
	json_t *j, *mats;

	(void)state;
	sample_case(&c, m, &p);
	assert_int_equal(uplink_body_case(&c, &body), KERR_OK);
	j = parse(body);
	assert_string_equal(str(j, "case_no"), "ZW3101150001202611230001");
	assert_string_equal(str(j, "channel"), "5");
	assert_string_equal(str(j, "accepted_at"), "2026-11-23T09:31:05+08:00");
	assert_int_equal(json_integer_value(json_object_get(j, "accepted_ms")), 1795397465000LL);
	assert_string_equal(str(j, "applicant.id_number"), "11010519491231002X");
	assert_string_equal(str(j, "delivery.method"), "mail");
	assert_string_equal(str(j, "delivery.address"), "上海市浦东新区花木路1号");
	assert_null(
		json_object_get(json_object_get(j, "applicant"), "mobile")); /* absent, not "" */
	assert_true(json_is_true(json_object_get(j, "with_gaps")));
	mats = json_object_get(j, "materials");
	assert_int_equal(json_array_size(mats), 2);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(mats, 0), "ord")), 1);
	assert_string_equal(str(json_array_get(mats, 1), "status"), "missing");
	assert_int_equal(json_array_size(json_object_get(json_array_get(mats, 1), "pages")), 0);
	assert_int_equal(
		json_integer_value(json_object_get(
			json_array_get(json_object_get(json_array_get(mats, 0), "pages"), 0),
			"size")),
		301234);
	json_decref(j);
	uplink_body_free(body);

	/* A received material without pages cannot be expressed. */
	m[0].n_pages = 0;
	assert_int_equal(uplink_body_case(&c, &body), KERR_INVAL);
}

static void test_eval_body_schemes(void **state)
{
	struct uplink_scheme gbt = {"gbt39046", {"1", "2", "3", "4", "5"}};
	struct uplink_scheme asc = {"ascending", {"5", "4", "3", "2", "1"}};
	struct queue_eval_rec e;
	char *body;
	json_t *j;

	(void)state;
	memset(&e, 0, sizeof(e));
	snprintf(e.case_no, sizeof(e.case_no), "ZW3101150001202611230001");
	e.level = 4;
	snprintf(e.reasons, sizeof(e.reasons), "R01,R03");
	e.named = false;
	snprintf(e.evaluator_id, sizeof(e.evaluator_id), "must-not-leak");
	e.time_ms = 1795397525000LL;
	assert_int_equal(uplink_body_eval(&e, "ZW3101150001", &gbt, &body), KERR_OK);
	j = parse(body);
	assert_string_equal(str(j, "level"), "very_dissatisfied");
	assert_string_equal(str(j, "level_code"), "5");
	assert_string_equal(str(j, "level_scheme"), "gbt39046");
	assert_int_equal(json_array_size(json_object_get(j, "reasons")), 2);
	assert_string_equal(json_string_value(json_array_get(json_object_get(j, "reasons"), 1)),
			    "R03");
	assert_null(json_object_get(j, "evaluator")); /* anonymous stays anonymous */
	assert_null(strstr(body, "must-not-leak"));
	json_decref(j);
	uplink_body_free(body);
	/* The other direction: the same named level, the opposite code. */
	assert_int_equal(uplink_body_eval(&e, "ZW3101150001", &asc, &body), KERR_OK);
	j = parse(body);
	assert_string_equal(str(j, "level_code"), "1");
	json_decref(j);
	uplink_body_free(body);
	e.level = 5;
	assert_int_equal(uplink_body_eval(&e, "ZW3101150001", &gbt, &body), KERR_INVAL);
	e.level = 0;
	memset(gbt.codes[0], 0, sizeof(gbt.codes[0]));
	assert_int_equal(uplink_body_eval(&e, "ZW3101150001", &gbt, &body), KERR_INVAL);
}

static void test_query_and_beat_bodies(void **state)
{
	struct uplink_health h = {.n_devices = 2, .free_mb = 5120, .receipts_unprinted = 2, .reserve_mb = 64, .accepting = 0};
	struct queue_sync_stats qs = {.pending = 3, .oldest_unsent_ms = 1795390000000LL};
	struct uplink_beat b = {"ZW3101150001", "0.3.0", "2025.06.1", 1795397465000LL,
				3600,		&h,	 &qs};
	char *body;
	json_t *j;

	(void)state;
	assert_int_equal(uplink_body_query("K7MX3QPA", NULL, NULL, &body), KERR_OK);
	assert_string_equal(body, "{\"query_code\":\"K7MX3QPA\"}");
	uplink_body_free(body);
	assert_int_equal(uplink_body_query(NULL, "111", "11010519491231002X", &body), KERR_OK);
	j = parse(body);
	assert_string_equal(str(j, "id_number"), "11010519491231002X");
	json_decref(j);
	uplink_body_free(body);
	assert_int_equal(uplink_body_query("K7MX3QPA", "111", "1101", &body), KERR_INVAL);
	assert_int_equal(uplink_body_query(NULL, NULL, NULL, &body), KERR_INVAL);

	snprintf(h.devices[0].name, 16, "idcard");
	snprintf(h.devices[0].state, 24, "ok");
	snprintf(h.devices[1].name, 16, "receipt");
	snprintf(h.devices[1].state, 24, "paper_near_end");
	snprintf(qs.oldest_unsent_case, sizeof(qs.oldest_unsent_case), "ZW3101150001202611220007");
	assert_int_equal(uplink_body_beat(&b, &body), KERR_OK);
	j = parse(body);
	assert_string_equal(str(j, "devices.receipt"), "paper_near_end");
	assert_string_equal(str(j, "queue.oldest_unsent_case"), "ZW3101150001202611220007");
	assert_int_equal(
		json_integer_value(json_object_get(json_object_get(j, "store"), "free_mb")), 5120);
	assert_int_equal(json_integer_value(
				 json_object_get(json_object_get(j, "store"), "receipts_unprinted")),
			 2);
	json_decref(j);
	uplink_body_free(body);
	/* Not known (no store): left out, never a guess. */
	h.receipts_unprinted = -1;
	assert_int_equal(uplink_body_beat(&b, &body), KERR_OK);
	j = parse(body);
	assert_null(json_object_get(json_object_get(j, "store"), "receipts_unprinted"));
	assert_int_equal(
		json_integer_value(json_object_get(json_object_get(j, "store"), "reserve_mb")), 64);
	assert_true(json_is_false(json_object_get(json_object_get(j, "store"), "accepting")));
	json_decref(j);
	uplink_body_free(body);
	/* Unknown: left out. */
	h.reserve_mb = -1;
	h.accepting = -1;
	assert_int_equal(uplink_body_beat(&b, &body), KERR_OK);
	j = parse(body);
	assert_null(json_object_get(json_object_get(j, "store"), "reserve_mb"));
	assert_null(json_object_get(json_object_get(j, "store"), "accepting"));
	json_decref(j);
	uplink_body_free(body);
}

#define CASE_OK(s) uplink_parse_case(s, strlen(s), &cr, why, sizeof(why))

static void test_parse_case_reply(void **state)
{
	static const char *const bad[] = {
		"",
		"[]",
		"{",
		"{\"platform_no\": 7}",
		"{\"platform_no\": \"\"}",
		"{\"status\": \"received\"}",
		"{\"platform_no\": \"P1\", \"platform_no\": \"P2\"}",
		"{\"platform_no\": \"P1\", \"pages_missing\": -1}",
		"{\"platform_no\": \"P1\", \"pages_missing\": \"2\"}",
		"{\"platform_no\": \"P1\\u0000x\"}",
		"{\"platform_no\": \"P1\\nx\"}",
		"{\"platform_no\": \"P1\", \"status\": \"Rec eived\"}",
		"{\"platform_no\": \"P1\"} trailing",
		"{\"platform_no\": "
		"\"0123456789012345678901234567890123456789012345678901234567890123456789"
		"\"}",
		"\xff\xfe",
	};
	struct uplink_case_reply cr;
	char why[160];

	(void)state;
	assert_int_equal(CASE_OK("{\"platform_no\": \"SH310115-2026-000017\", \"case_no\": \"X\", "
				 "\"status\": \"awaiting_materials\", \"pages_missing\": 1, "
				 "\"new\": [1]}"),
			 KERR_OK);
	assert_string_equal(cr.platform_no, "SH310115-2026-000017");
	assert_string_equal(cr.status, "awaiting_materials");
	assert_int_equal(cr.pages_missing, 1);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		why[0] = 0;
		assert_int_equal(CASE_OK(bad[i]), KERR_PROTO);
		assert_true(why[0] != 0);
	}
	assert_int_equal(uplink_parse_case(NULL, 0, &cr, NULL, 0), KERR_PROTO);
}

static void test_parse_query_reply(void **state)
{
	struct uplink_query_reply q;
	char why[160], big[8192];
	size_t n;

	(void)state;
	assert_int_equal(uplink_parse_query("{\"cases\": []}", 13, &q, why, sizeof(why)), KERR_OK);
	assert_int_equal(q.n, 0);
	{
		const char *s =
			"{\"cases\": [{\"platform_no\": \"P1\", \"case_no\": \"C1\", "
			"\"item_name\": \"事项\","
			" \"status\": \"processing\", \"status_text\": \"窗口审核中\","
			" \"promised_date\": \"20261207\", \"updated_ms\": 1795400000000}]}";

		assert_int_equal(uplink_parse_query(s, strlen(s), &q, why, sizeof(why)), KERR_OK);
		assert_int_equal(q.n, 1);
		assert_string_equal(q.cases[0].status_text, "窗口审核中");
		assert_string_equal(q.cases[0].promised_date, "20261207");
	}
	{
		static const char *const bad[] = {
			"{}",
			"{\"cases\": {}}",
			"{\"cases\": [1]}",
			"{\"cases\": [{\"status\": \"processing\"}]}",
			"{\"cases\": [{\"case_no\": \"C\"}]}",
			"{\"cases\": [{\"case_no\": \"C\", \"status\": \"ok\", "
			"\"promised_date\": \"2026-12-07\"}]}",
			"{\"cases\": [{\"case_no\": \"C\", \"status\": \"ok\", \"updated_ms\": "
			"-5}]}",
		};

		for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
			assert_int_equal(
				uplink_parse_query(bad[i], strlen(bad[i]), &q, why, sizeof(why)),
				KERR_PROTO);
	}
	/* More cases than the contract allows. */
	n = (size_t)snprintf(big, sizeof(big), "{\"cases\": [");
	for (int i = 0; i < UPLINK_MAX_QUERY_CASES + 1; i++)
		n += (size_t)snprintf(big + n, sizeof(big) - n,
				      "%s{\"case_no\": \"C%d\", \"status\": \"received\"}",
				      i ? "," : "", i);
	n += (size_t)snprintf(big + n, sizeof(big) - n, "]}");
	assert_int_equal(uplink_parse_query(big, n, &q, why, sizeof(why)), KERR_PROTO);
}

static void test_parse_beat_eval_error(void **state)
{
	struct uplink_beat_reply b;
	struct uplink_eval_reply e;
	struct uplink_error er;
	char why[160];
	const char *s = "{\"server_ms\": 1795397465120, \"catalog_version\": "
			"\"2025.06.2\", \"heartbeat_s\": 1}";

	(void)state;
	assert_int_equal(uplink_parse_beat(s, strlen(s), &b, why, sizeof(why)), KERR_OK);
	assert_int_equal(b.server_ms, 1795397465120LL);
	assert_string_equal(b.catalog_version, "2025.06.2");
	assert_int_equal(b.heartbeat_s, 10); /* clamped */
	assert_int_equal(uplink_parse_beat("{}", 2, &b, why, sizeof(why)), KERR_PROTO);
	assert_int_equal(uplink_parse_beat("{\"server_ms\": 1.5}", 18, &b, why, sizeof(why)),
			 KERR_PROTO);
	assert_int_equal(uplink_parse_eval("{\"eval_id\": \"E000031\"}", 22, &e, why, sizeof(why)),
			 KERR_OK);
	assert_string_equal(e.eval_id, "E000031");
	assert_int_equal(uplink_parse_eval("{\"eval\": 1}", 11, &e, why, sizeof(why)), KERR_PROTO);

	s = "{\"error\": {\"code\": \"invalid\", \"message\": \"bad\", \"field\": "
	    "\"applicant.id_number\"}}";
	uplink_parse_error(s, strlen(s), &er);
	assert_string_equal(er.code, "invalid");
	assert_string_equal(er.field, "applicant.id_number");
	uplink_parse_error("<html>502</html>", 16, &er);
	assert_string_equal(er.code, "");
	uplink_parse_error("{\"error\": {\"code\": 5}}", 22, &er);
	assert_string_equal(er.code, "");
	uplink_parse_error(NULL, 0, &er);
	assert_string_equal(er.message, "");
}

static void test_headers(void **state)
{
	int64_t v = -1;

	(void)state;
	assert_int_equal(uplink_parse_offset("0", &v), KERR_OK);
	assert_int_equal(v, 0);
	assert_int_equal(uplink_parse_offset(" 301234\r\n", &v), KERR_OK);
	assert_int_equal(v, 301234);
	assert_int_equal(uplink_parse_offset("", &v), KERR_PROTO);
	assert_int_equal(uplink_parse_offset("-1", &v), KERR_PROTO);
	assert_int_equal(uplink_parse_offset("12a", &v), KERR_PROTO);
	assert_int_equal(uplink_parse_offset("99999999999999999999999", &v), KERR_PROTO);
	assert_int_equal(uplink_parse_offset(NULL, &v), KERR_PROTO);
	assert_true(uplink_parse_complete("?1"));
	assert_true(uplink_parse_complete(" ?1\r\n"));
	assert_false(uplink_parse_complete("?0"));
	assert_false(uplink_parse_complete("?10"));
	assert_false(uplink_parse_complete(NULL));
	assert_int_equal(uplink_parse_retry_after("3", 0), 3000);
	assert_int_equal(uplink_parse_retry_after("999999999", 0), 24 * 3600 * 1000LL);
	/* Sun, 06 Nov 1994 08:49:37 GMT is 784111777 s. */
	assert_int_equal(uplink_parse_retry_after("Sun, 06 Nov 1994 08:49:37 GMT", 784111770000LL),
			 7000);
	assert_int_equal(uplink_parse_retry_after("Sun, 06 Nov 1994 08:49:37 GMT", 784111790000LL),
			 0);
	assert_int_equal(uplink_parse_retry_after("soon", 0), 0);
	assert_int_equal(uplink_parse_retry_after(NULL, 0), 0);
}

static void test_verdicts_and_backoff(void **state)
{
	(void)state;
	assert_int_equal(uplink_classify(201, NULL), UPLINK_OK);
	assert_int_equal(uplink_classify(204, ""), UPLINK_OK);
	assert_int_equal(uplink_classify(400, "invalid"), UPLINK_REJECT);
	assert_int_equal(uplink_classify(400, "level_mismatch"), UPLINK_REJECT);
	assert_int_equal(uplink_classify(401, ""), UPLINK_RETRY);
	assert_int_equal(uplink_classify(403, "forbidden"), UPLINK_RETRY);
	assert_int_equal(uplink_classify(404, "not_found"), UPLINK_RESUBMIT);
	assert_int_equal(uplink_classify(409, "in_progress"), UPLINK_RETRY);
	assert_int_equal(uplink_classify(409, "offset_mismatch"), UPLINK_OFFSET);
	assert_int_equal(uplink_classify(413, "too_large"), UPLINK_REJECT);
	assert_int_equal(uplink_classify(422, "digest_mismatch"), UPLINK_DIGEST);
	assert_int_equal(uplink_classify(422, "key_reused"), UPLINK_REJECT);
	assert_int_equal(uplink_classify(429, "busy"), UPLINK_RETRY);
	assert_int_equal(uplink_classify(418, "new_code"), UPLINK_REJECT);
	assert_int_equal(uplink_classify(500, NULL), UPLINK_RETRY);
	assert_int_equal(uplink_classify(599, "whatever"), UPLINK_RETRY);
	assert_int_equal(uplink_classify(302, NULL), UPLINK_RETRY);

	/* Full jitter: uniform up to the ceiling, which doubles and stops at the cap.
	 */
	assert_int_equal(uplink_backoff_ms(0, 2000, 300000, 2000), 2000);
	assert_int_equal(uplink_backoff_ms(0, 2000, 300000, 2001), 0);
	assert_int_equal(uplink_backoff_ms(3, 2000, 300000, UINT64_MAX), UINT64_MAX % 16001);
	for (uint64_t r = 0; r < 1000; r += 37)
		assert_true(uplink_backoff_ms(40, 2000, 300000, r * 7919) <= 300000);
	assert_int_equal(uplink_backoff_ms(1000, 2000, 300000, 300000), 300000);
	assert_int_equal(uplink_backoff_ms(5, 0, 300000, 12345), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_case_body),
		cmocka_unit_test(test_eval_body_schemes),
		cmocka_unit_test(test_query_and_beat_bodies),
		cmocka_unit_test(test_parse_case_reply),
		cmocka_unit_test(test_parse_query_reply),
		cmocka_unit_test(test_parse_beat_eval_error),
		cmocka_unit_test(test_headers),
		cmocka_unit_test(test_verdicts_and_backoff),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
