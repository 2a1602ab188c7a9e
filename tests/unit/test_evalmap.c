/* Evaluation mappings: the two sample provinces parse and give their own exact codes in the
 * evaluation body; malformed mappings are refused with the line named; the heartbeat flags bad
 * ratings without personal data. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "kiosk/evalmap.h"
#include "offline-queue/uplink_codec.h"

#include <jansson.h>
#include <stdio.h>
#include <string.h>

#define PROVINCE_A SRCDIR "/assets/eval/province-a.conf"
#define PROVINCE_B SRCDIR "/assets/eval/province-b.conf"

static json_t *eval_body(const struct evalmap *m, int level, const char *reasons)
{
	struct queue_eval_rec e;
	char *body = NULL;
	json_t *j;

	memset(&e, 0, sizeof(e));
	snprintf(e.case_no, sizeof(e.case_no), "ZW3101150001202611230001");
	snprintf(e.impl_code, sizeof(e.impl_code), "11310115MB2F00001X3000117003001");
	e.level = level;
	snprintf(e.reasons, sizeof(e.reasons), "%s", reasons);
	e.time_ms = 1795397525000LL;
	assert_int_equal(uplink_body_eval(&e, "ZW3101150001", &m->scheme, &body), KERR_OK);
	j = json_loads(body, 0, NULL);
	uplink_body_free(body);
	assert_non_null(j);
	return j;
}

static const char *str(json_t *o, const char *k)
{
	const char *s = json_string_value(json_object_get(o, k));

	assert_non_null(s);
	return s;
}

static void province_a(void **state)
{
	struct evalmap m;
	char err[256] = "";
	json_t *j, *d;

	(void)state;
	assert_int_equal(evalmap_load(&m, PROVINCE_A, err, sizeof(err)), KERR_OK);
	assert_int_equal(m.n_reasons, 7);
	assert_string_equal(m.reasons[0].code, "A01");
	assert_string_equal(m.reasons[0].label, "办事指南看不懂");
	assert_int_equal(m.default_after_days, 0);
	j = eval_body(&m, 3, "A01,A05");
	assert_string_equal(str(j, "level"), "dissatisfied");
	assert_string_equal(str(j, "level_code"), "4");
	assert_string_equal(str(j, "level_scheme"), "gbt39046");
	assert_string_equal(str(j, "channel"), "5");
	assert_string_equal(str(j, "interface_version"), "1.0");
	assert_string_equal(str(j, "reasons_version"), "A-2025.1");
	assert_string_equal(json_string_value(json_array_get(json_object_get(j, "reasons"), 1)), "A05");
	d = json_object_get(j, "deadlines");
	assert_int_equal(json_integer_value(json_object_get(d, "callback_days")), 1);
	assert_int_equal(json_integer_value(json_object_get(d, "rectify_days")), 15);
	assert_string_equal(str(d, "days"), "calendar");
	json_decref(j);
	j = eval_body(&m, 0, "");
	assert_string_equal(str(j, "level_code"), "1");
	/* No reasons, no deadlines for a good rating. */
	assert_null(json_object_get(j, "deadlines"));
	assert_null(json_object_get(j, "reasons_version"));
	json_decref(j);
}

static void province_b(void **state)
{
	struct evalmap m;
	char err[256] = "";
	json_t *j, *d;
	struct queue_eval_rec e;
	char *body = NULL;

	(void)state;
	assert_int_equal(evalmap_load(&m, PROVINCE_B, err, sizeof(err)), KERR_OK);
	assert_int_equal(m.default_after_days, 7);
	assert_int_equal(m.default_level, 0);
	j = eval_body(&m, 3, "B-101");
	/* The same opinion as province A's "4": this province codes the other way round. */
	assert_string_equal(str(j, "level_code"), "2");
	assert_string_equal(str(j, "level_scheme"), "ascending");
	assert_string_equal(str(j, "interface_version"), "2.1");
	assert_string_equal(str(j, "reasons_version"), "B-v3");
	assert_string_equal(json_string_value(json_array_get(json_object_get(j, "reasons"), 0)),
			    "B-101");
	d = json_object_get(j, "deadlines");
	assert_int_equal(json_integer_value(json_object_get(d, "callback_days")), 5);
	assert_string_equal(str(d, "days"), "working");
	json_decref(j);
	j = eval_body(&m, 4, "B-900");
	assert_string_equal(str(j, "level_code"), "1");
	json_decref(j);
	j = eval_body(&m, 0, "");
	assert_string_equal(str(j, "level_code"), "5");
	json_decref(j);
	/* It requires the item's code: a rating of the terminal itself is kept, not sent. */
	memset(&e, 0, sizeof(e));
	e.level = 1;
	e.time_ms = 1795397525000LL;
	assert_int_equal(uplink_body_eval(&e, "ZW3101150001", &m.scheme, &body), KERR_INVAL);
	assert_null(body);
}

static void from_codes(void **state)
{
	struct evalmap m;

	(void)state;
	assert_int_equal(evalmap_from_codes(&m, "gbt39046", "1,2,3,4,5"), KERR_OK);
	assert_string_equal(m.scheme.codes[4], "5");
	assert_string_equal(m.scheme.channel, "5");
	assert_int_equal(m.n_reasons, 0);
	assert_int_equal(evalmap_from_codes(&m, "x", "1,2,3,4"), KERR_INVAL);
	assert_int_equal(evalmap_from_codes(&m, "x", "1,2,3,4,5,6"), KERR_INVAL);
	assert_int_equal(evalmap_from_codes(&m, "x", "1,2,,4,5"), KERR_INVAL);
}

#define LEVELS_OK                                                                                  \
	"scheme = s\nlevel.very_satisfied = 1\nlevel.satisfied = 2\nlevel.basic = 3\n"              \
	"level.dissatisfied = 4\nlevel.very_dissatisfied = 5\n"

static void malformed(void **state)
{
	static const struct {
		const char *text, *why;
	} bad[] = {
		{ "scheme = s\n", "required" },
		{ LEVELS_OK "colour = red\n", ":7:" },
		{ LEVELS_OK "channel = 123\n", ":7:" },
		{ LEVELS_OK "channel = x\n", ":7:" },
		{ LEVELS_OK "level.basic = 1\n", "same code" },
		{ LEVELS_OK "level.basic = a b\n", ":7:" },
		{ LEVELS_OK "reason = A01\n", ":7:" },
		{ LEVELS_OK "reason = A01 x\nreason = A01 y\n", ":8:" },
		{ LEVELS_OK "reason = A\x01 x\n", ":7:" },
		{ LEVELS_OK "required = case_no, colour\n", ":7:" },
		{ LEVELS_OK "callback_days = -1\n", ":7:" },
		{ LEVELS_OK "rectify_days = 1000\n", ":7:" },
		{ LEVELS_OK "deadline_days = weekly\n", ":7:" },
		{ LEVELS_OK "default_after_days = 7\n", "default_level" },
		{ LEVELS_OK "default_level = great\n", ":7:" },
		{ LEVELS_OK "no equals sign\n", ":7:" },
		{ LEVELS_OK "interface_version = 1 0\n", ":7:" },
		{ LEVELS_OK "service_item = 1131 0115\n", ":7:" },
		{ LEVELS_OK "service_item = "
			    "1131011500241823404310115000011131011500241823404310115000011131011500241823\n",
		  ":7:" },
	};
	struct evalmap m;
	char err[256];

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err[0] = 0;
		if (evalmap_parse(&m, bad[i].text, strlen(bad[i].text), "t.conf", err,
				  sizeof(err)) != KERR_INVAL)
			fail_msg("accepted case %zu", i);
		if (!strstr(err, bad[i].why))
			fail_msg("case %zu: \"%s\" does not say %s", i, err, bad[i].why);
	}
	for (int i = 0; i < 17; i++) {
		char text[2048];
		size_t n = (size_t)snprintf(text, sizeof(text), "%s", LEVELS_OK);

		for (int r = 0; r <= i; r++)
			n += (size_t)snprintf(text + n, sizeof(text) - n, "reason = R%02d x\n", r);
		assert_int_equal(evalmap_parse(&m, text, n, "t.conf", err, sizeof(err)),
				 i < EVALMAP_REASONS_MAX ? KERR_OK : KERR_INVAL);
	}
	assert_int_equal(evalmap_load(&m, "/nonexistent/eval.conf", err, sizeof(err)), KERR_IO);
}

static void heartbeat_flags_bad_ratings(void **state)
{
	struct queue_sync_stats qs = { 0 };
	struct queue_eval_row rows[2];
	struct uplink_beat b = {
		.terminal_id = "ZW3101150001",
		.software_version = "1",
		.sent_ms = 1795397525000LL,
		.queue = &qs,
		.bad = rows,
		.n_bad = 2,
	};
	char *body = NULL;
	json_t *j, *f;

	(void)state;
	memset(rows, 0, sizeof(rows));
	snprintf(rows[0].key, sizeof(rows[0].key), "k1");
	snprintf(rows[0].case_no, sizeof(rows[0].case_no), "ZW3101150001202611230001");
	rows[0].level = 3;
	snprintf(rows[0].reasons, sizeof(rows[0].reasons), "A01,A02");
	rows[0].named = true;
	rows[0].time_ms = 1795397525000LL;
	snprintf(rows[1].key, sizeof(rows[1].key), "k2");
	rows[1].level = 4;
	snprintf(rows[1].reasons, sizeof(rows[1].reasons), "A99");
	rows[1].time_ms = 1795397526000LL;
	assert_int_equal(uplink_body_beat(&b, &body), KERR_OK);
	j = json_loads(body, 0, NULL);
	uplink_body_free(body);
	f = json_object_get(j, "bad_ratings");
	assert_int_equal(json_array_size(f), 2);
	assert_string_equal(str(json_array_get(f, 0), "ref"), "k1");
	assert_string_equal(str(json_array_get(f, 0), "level"), "dissatisfied");
	assert_true(json_is_true(json_object_get(json_array_get(f, 0), "named")));
	assert_null(json_object_get(json_array_get(f, 1), "case_no"));
	assert_string_equal(str(json_array_get(f, 1), "level"), "very_dissatisfied");
	json_decref(j);
	b.n_bad = 0;
	assert_int_equal(uplink_body_beat(&b, &body), KERR_OK);
	assert_null(strstr(body, "bad_ratings"));
	uplink_body_free(body);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(province_a),
		cmocka_unit_test(province_b),
		cmocka_unit_test(from_codes),
		cmocka_unit_test(malformed),
		cmocka_unit_test(heartbeat_flags_bad_ratings),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
