/* Request-body checks of the reference platform: each rule of docs/uplink.md in the order of its tables, so the
 * first bad field is the one named. */
#include "tests/platform/plat_json.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "common/idnum.h"
#include "common/utf8.h"

#define QUERY_ALPHABET "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
#define PAGE_MAX_SIZE 33554432LL

static bool fail(struct plat_json_err *err, const char *code, const char *field, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static bool fail(struct plat_json_err *err, const char *code, const char *field, const char *fmt, ...)
{
	char msg[160];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	snprintf(err->code, sizeof(err->code), "%s", code);
	snprintf(err->field, sizeof(err->field), "%s", field ? field : "");
	if (field)
		snprintf(err->message, sizeof(err->message), "%s: %s", field, msg);
	else
		snprintf(err->message, sizeof(err->message), "%s", msg);
	return false;
}

#define invalid(err, field, ...) fail(err, "invalid", field, __VA_ARGS__)

const char *plat_json_str(json_t *obj, const char *key)
{
	json_t *v = json_object_get(obj, key);

	return json_is_string(v) ? json_string_value(v) : NULL;
}

/* Code points of s, or -1 when s holds a control character (line breaks are not allowed in these fields). */
static long text_len(const char *s)
{
	long n = 0;

	while (*s) {
		uint32_t cp = utf8_next(&s);

		if (cp < 0x20 || cp == 0x7f)
			return -1;
		n++;
	}
	return n;
}

/* A string of min to max code points without control characters; absent is allowed when !required. */
static bool text_field(json_t *obj, const char *key, const char *field, bool required, long min, long max,
		       struct plat_json_err *err)
{
	json_t *v = json_object_get(obj, key);
	long n;

	if (!v)
		return required ? invalid(err, field, "required") : true;
	if (!json_is_string(v))
		return invalid(err, field, "must be a string");
	n = text_len(json_string_value(v));
	if (n < 0)
		return invalid(err, field, "control characters are not allowed");
	if (n < min || n > max)
		return invalid(err, field, "must be %ld to %ld characters", min, max);
	return true;
}

static bool all_of(const char *s, const char *set)
{
	return *s && strspn(s, set) == strlen(s);
}

static bool is_digits(const char *s, size_t n)
{
	return strlen(s) == n && strspn(s, "0123456789") == n;
}

bool plat_json_terminal_ok(const char *s)
{
	static const char alnum[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

	return s && strlen(s) <= 20 && all_of(s, alnum);
}

bool plat_json_date_ok(const char *s)
{
	static const int mdays[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	int y, m, d;

	if (!s || !is_digits(s, 8))
		return false;
	y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
	m = (s[4] - '0') * 10 + (s[5] - '0');
	d = (s[6] - '0') * 10 + (s[7] - '0');
	if (y < 1900 || m < 1 || m > 12 || d < 1 || d > mdays[m - 1])
		return false;
	return !(m == 2 && d == 29 && !(y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)));
}

bool plat_json_status_ok(const char *s)
{
	static const char *const names[] = { "awaiting_materials", "received", "accepted", "processing",
					     "completed",          "returned", "refused" };

	for (size_t i = 0; s && i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(s, names[i]) == 0)
			return true;
	return false;
}

static bool one_of(const char *s, const char *const *set)
{
	for (; s && *set; set++)
		if (strcmp(s, *set) == 0)
			return true;
	return false;
}

/* A JSON integer (not 5.0, not "5") within [min, max]. */
static bool int_field(json_t *obj, const char *key, const char *field, bool required, json_int_t min, json_int_t max,
		      struct plat_json_err *err)
{
	json_t *v = json_object_get(obj, key);

	if (!v)
		return required ? invalid(err, field, "required") : true;
	if (!json_is_integer(v))
		return invalid(err, field, "must be an integer");
	if (json_integer_value(v) < min || json_integer_value(v) > max)
		return invalid(err, field, "must be %lld to %lld", (long long)min, (long long)max);
	return true;
}

static bool bool_field(json_t *obj, const char *key, const char *field, bool required, struct plat_json_err *err)
{
	json_t *v = json_object_get(obj, key);

	if (!v)
		return required ? invalid(err, field, "required") : true;
	return json_is_boolean(v) ? true : invalid(err, field, "must be true or false");
}

static bool query_code_ok(const char *s)
{
	return s && strlen(s) == 8 && all_of(s, QUERY_ALPHABET);
}

/* An identity (applicant or evaluator): id_type of section 4 and an id_number that fits it. prefix names the
 * object in field paths ("applicant"). */
static bool identity(json_t *obj, const char *prefix, struct plat_json_err *err)
{
	static const char *const types[] = { "111", "154", "553", NULL };
	char field[64];
	const char *type = plat_json_str(obj, "id_type");
	const char *num = plat_json_str(obj, "id_number");

	snprintf(field, sizeof(field), "%s%sid_type", prefix, *prefix ? "." : "");
	if (!json_object_get(obj, "id_type"))
		return invalid(err, field, "required");
	if (!one_of(type, types))
		return invalid(err, field, "must be 111, 154 or 553");
	snprintf(field, sizeof(field), "%s%sid_number", prefix, *prefix ? "." : "");
	if (!text_field(obj, "id_number", field, true, 1, 32, err))
		return false;
	if (strcmp(type, "553") == 0) {
		static const char alnum[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";

		if (strlen(num) < 15 || strlen(num) > 18 || !all_of(num, alnum))
			return invalid(err, field, "must be 15 to 18 capital letters and digits");
		return true;
	}
	/* Resident ID cards and the residence permits of Hong Kong, Macao and Taiwan residents share the
	 * GB 11643 number with its MOD 11-2 check character. */
	if (strlen(num) != 18 || idnum_check_char(num) == 0)
		return invalid(err, field, "must be 17 digits and a check character");
	if (!idnum_valid(num))
		return invalid(err, field, "check character does not match");
	return true;
}

static bool pages(json_t *list, int m, struct plat_json_err *err)
{
	char field[64];
	size_t i;
	json_t *pg;

	snprintf(field, sizeof(field), "materials[%d].pages", m);
	if (!json_is_array(list))
		return invalid(err, field, "required for a received material");
	if (json_array_size(list) < 1 || json_array_size(list) > 64)
		return invalid(err, field, "must hold 1 to 64 pages");
	json_array_foreach(list, i, pg) {
		const char *sha;

		snprintf(field, sizeof(field), "materials[%d].pages[%zu]", m, i);
		if (!json_is_object(pg))
			return invalid(err, field, "must be an object");
		snprintf(field, sizeof(field), "materials[%d].pages[%zu].ord", m, i);
		if (!int_field(pg, "ord", field, true, (json_int_t)i + 1, (json_int_t)i + 1, err))
			return invalid(err, field, "must be %zu: pages are numbered 1, 2, 3 ... in order", i + 1);
		snprintf(field, sizeof(field), "materials[%d].pages[%zu].size", m, i);
		if (!int_field(pg, "size", field, true, 1, PAGE_MAX_SIZE, err))
			return false;
		snprintf(field, sizeof(field), "materials[%d].pages[%zu].sha256", m, i);
		sha = plat_json_str(pg, "sha256");
		if (!sha || strlen(sha) != 64 || !all_of(sha, "0123456789abcdef"))
			return invalid(err, field, "must be 64 lowercase hex characters");
		snprintf(field, sizeof(field), "materials[%d].pages[%zu].type", m, i);
		if (json_object_get(pg, "type") && (!plat_json_str(pg, "type") ||
						    (strcmp(plat_json_str(pg, "type"), "image/jpeg") != 0 &&
						     strcmp(plat_json_str(pg, "type"), "application/pdf") != 0)))
			return invalid(err, field, "must be \"image/jpeg\" or \"application/pdf\"");
	}
	return true;
}

static bool materials(json_t *root, bool with_gaps, struct plat_json_err *err)
{
	static const char *const statuses[] = { "received", "missing", "commitment", "ecert", "optional", NULL };
	json_t *list = json_object_get(root, "materials");
	char field[64];
	size_t i;
	json_t *mat;

	if (!json_is_array(list))
		return invalid(err, "materials", "required, an array");
	if (json_array_size(list) > 128)
		return invalid(err, "materials", "at most 128 materials");
	json_array_foreach(list, i, mat) {
		const char *status;
		json_t *pl;

		snprintf(field, sizeof(field), "materials[%zu]", i);
		if (!json_is_object(mat))
			return invalid(err, field, "must be an object");
		snprintf(field, sizeof(field), "materials[%zu].ord", i);
		if (!int_field(mat, "ord", field, true, (json_int_t)i + 1, (json_int_t)i + 1, err))
			return invalid(err, field, "must be %zu: materials are numbered 1, 2, 3 ... in order", i + 1);
		snprintf(field, sizeof(field), "materials[%zu].code", i);
		if (!text_field(mat, "code", field, false, 1, 64, err))
			return false;
		snprintf(field, sizeof(field), "materials[%zu].name", i);
		if (!text_field(mat, "name", field, false, 1, 200, err))
			return false;
		snprintf(field, sizeof(field), "materials[%zu].status", i);
		status = plat_json_str(mat, "status");
		if (!one_of(status, statuses))
			return invalid(err, field, "must be received, missing, commitment, ecert or optional");
		if (strcmp(status, "missing") == 0 && !with_gaps)
			return invalid(err, field, "missing needs with_gaps");
		pl = json_object_get(mat, "pages");
		if (strcmp(status, "received") == 0) {
			if (!pages(pl, (int)i, err))
				return false;
		} else if (pl && !(json_is_array(pl) && json_array_size(pl) == 0)) {
			snprintf(field, sizeof(field), "materials[%zu].pages", i);
			return invalid(err, field, "pages only for a received material");
		}
	}
	return true;
}

json_t *plat_json_parse(const char *body, size_t len, struct plat_json_err *err)
{
	json_error_t je;
	json_t *root = json_loadb(body, len, JSON_REJECT_DUPLICATES, &je);

	if (!root) {
		fail(err, "bad_json", NULL, "not JSON at line %d column %d: %s", je.line, je.column, je.text);
		return NULL;
	}
	if (!json_is_object(root)) {
		json_decref(root);
		fail(err, "bad_json", NULL, "the top level must be an object");
		return NULL;
	}
	return root;
}

bool plat_json_case(json_t *root, const char *terminal, struct plat_json_err *err)
{
	static const char *const methods[] = { "pickup", "mail", NULL };
	const char *case_no, *qc, *pd, *method, *channel;
	json_t *app, *del;
	json_int_t kind;
	size_t tl = strlen(terminal);
	char day[9];

	if (!text_field(root, "case_no", "case_no", true, 1, 39, err))
		return false;
	case_no = plat_json_str(root, "case_no");
	if (strncmp(case_no, terminal, tl) != 0)
		return invalid(err, "case_no", "must start with the terminal id %s", terminal);
	/* <NNNN> is at least 4 digits: a busy day goes on to 10000 and beyond within the 39 characters. */
	if (strlen(case_no + tl) < 12 || !is_digits(case_no + tl, strlen(case_no + tl)))
		return invalid(err, "case_no", "must be the terminal id, YYYYMMDD and at least 4 digits");
	memcpy(day, case_no + tl, 8);
	day[8] = 0;
	if (!plat_json_date_ok(day))
		return invalid(err, "case_no", "holds no real date after the terminal id");
	qc = plat_json_str(root, "query_code");
	if (!json_object_get(root, "query_code"))
		return invalid(err, "query_code", "required");
	if (!query_code_ok(qc))
		return invalid(err, "query_code", "must be 8 characters from " QUERY_ALPHABET);
	if (!text_field(root, "impl_code", "impl_code", true, 1, 71, err))
		return false;
	if (!text_field(root, "item_name", "item_name", true, 1, 255, err))
		return false;
	if (strlen(plat_json_str(root, "item_name")) > 255)
		return invalid(err, "item_name", "must be 1 to 255 bytes");
	if (!int_field(root, "case_kind", "case_kind", true, 1, 2, err))
		return false;
	kind = json_integer_value(json_object_get(root, "case_kind"));
	channel = plat_json_str(root, "channel");
	if (!channel || strcmp(channel, "5") != 0)
		return invalid(err, "channel", "must be \"5\"");
	if (json_object_get(root, "region_code") && !is_digits(plat_json_str(root, "region_code") ?: "", 6))
		return invalid(err, "region_code", "must be 6 digits");
	if (!int_field(root, "accepted_ms", "accepted_ms", true, 1, INT64_MAX, err))
		return false;
	if (!text_field(root, "accepted_at", "accepted_at", false, 1, 64, err))
		return false;
	if (!bool_field(root, "clock_trusted", "clock_trusted", false, err))
		return false;
	pd = plat_json_str(root, "promised_date");
	if (kind == 2 && !json_object_get(root, "promised_date"))
		return invalid(err, "promised_date", "required for a promised case");
	if (kind == 1 && json_object_get(root, "promised_date"))
		return invalid(err, "promised_date", "must be absent for an immediate case");
	if (kind == 2 && !plat_json_date_ok(pd))
		return invalid(err, "promised_date", "must be a date YYYYMMDD");
	if (!bool_field(root, "with_gaps", "with_gaps", true, err))
		return false;
	app = json_object_get(root, "applicant");
	if (!json_is_object(app))
		return invalid(err, "applicant", "required, an object");
	if (!text_field(app, "name", "applicant.name", true, 1, 100, err))
		return false;
	if (!identity(app, "applicant", err))
		return false;
	if (!text_field(app, "sex", "applicant.sex", false, 1, 1, err) ||
	    !text_field(app, "address", "applicant.address", false, 1, 200, err) ||
	    !text_field(app, "mobile", "applicant.mobile", false, 1, 20, err))
		return false;
	if (json_object_get(app, "birth") && !plat_json_date_ok(plat_json_str(app, "birth")))
		return invalid(err, "applicant.birth", "must be a date YYYYMMDD");
	del = json_object_get(root, "delivery");
	if (!json_is_object(del))
		return invalid(err, "delivery", "required, an object");
	method = plat_json_str(del, "method");
	if (!one_of(method, methods))
		return invalid(err, "delivery.method", "must be pickup or mail");
	if (!text_field(del, "address", "delivery.address", strcmp(method, "mail") == 0, 1, 200, err))
		return false;
	return materials(root, json_is_true(json_object_get(root, "with_gaps")), err);
}

/* The levels in the order of their GB/T 39046 codes 1 to 5. */
static const char *const levels[] = { "very_satisfied", "satisfied", "basic", "dissatisfied", "very_dissatisfied",
				      NULL };

static int level_index(const char *s)
{
	for (int i = 0; s && levels[i]; i++)
		if (strcmp(s, levels[i]) == 0)
			return i;
	return -1;
}

bool plat_json_eval(json_t *root, const char *terminal, struct plat_json_err *err)
{
	const char *scheme, *code, *tid;
	char want[2];
	int li;
	bool bad, named;
	json_t *reasons, *r, *ev;
	size_t i;

	if (!text_field(root, "case_no", "case_no", false, 1, 39, err) ||
	    !text_field(root, "platform_no", "platform_no", false, 1, 63, err))
		return false;
	if (json_object_get(root, "platform_no") && !json_object_get(root, "case_no"))
		return invalid(err, "platform_no", "given without case_no");
	if (!text_field(root, "impl_code", "impl_code", false, 1, 71, err))
		return false;
	if (json_object_get(root, "channel") && strcmp(plat_json_str(root, "channel") ?: "", "5") != 0)
		return invalid(err, "channel", "must be \"5\"");
	tid = plat_json_str(root, "terminal_id");
	if (json_object_get(root, "terminal_id") && (!tid || strcmp(tid, terminal) != 0))
		return invalid(err, "terminal_id", "must equal X-Terminal-Id");
	li = level_index(plat_json_str(root, "level"));
	if (li < 0)
		return invalid(err, "level",
			       "must be very_satisfied, satisfied, basic, dissatisfied or very_dissatisfied");
	if (!text_field(root, "level_scheme", "level_scheme", true, 1, 64, err))
		return false;
	scheme = plat_json_str(root, "level_scheme");
	code = plat_json_str(root, "level_code");
	if (!code)
		return invalid(err, "level_code", "required, a string");
	if (strcmp(scheme, "gbt39046") == 0)
		want[0] = (char)('1' + li);
	else if (strcmp(scheme, "ascending") == 0)
		want[0] = (char)('5' - li);
	else
		return invalid(err, "level_scheme", "unknown scheme (known: gbt39046, ascending)");
	want[1] = 0;
	if (strcmp(code, want) != 0)
		return fail(err, "level_mismatch", "level_code", "%s is %s in %s, not %s", levels[li], want, scheme,
			    code);
	bad = li >= 3;
	reasons = json_object_get(root, "reasons");
	if (reasons && !json_is_array(reasons))
		return invalid(err, "reasons", "must be an array");
	json_array_foreach(reasons, i, r) {
		if (!json_is_string(r) || text_len(json_string_value(r)) < 1 || text_len(json_string_value(r)) > 64)
			return invalid(err, "reasons", "must hold reason codes");
	}
	if (bad && json_array_size(reasons) == 0)
		return invalid(err, "reasons", "at least one for %s", levels[li]);
	if (!bad && json_array_size(reasons) > 0)
		return invalid(err, "reasons", "must be empty for %s", levels[li]);
	if (json_object_get(root, "text")) {
		const char *t = plat_json_str(root, "text");
		const char *s = t;
		long n = 0;

		if (!t)
			return invalid(err, "text", "must be a string");
		while (*s) {
			uint32_t cp = utf8_next(&s);

			if ((cp < 0x20 && cp != '\n') || cp == 0x7f)
				return invalid(err, "text", "control characters are not allowed");
			n++;
		}
		if (n > 500)
			return invalid(err, "text", "at most 500 characters");
		if (n > 0 && !bad)
			return invalid(err, "text", "only with a bad level");
	}
	if (!bool_field(root, "named", "named", false, err))
		return false;
	named = json_is_true(json_object_get(root, "named"));
	ev = json_object_get(root, "evaluator");
	if (named && !json_is_object(ev))
		return invalid(err, "evaluator", "required when named");
	if (!named && ev)
		return invalid(err, "evaluator", "only when named");
	if (named && !identity(ev, "evaluator", err))
		return false;
	ev = json_object_get(root, "deadlines");
	if (ev && (!json_is_object(ev) || !bad))
		return invalid(err, "deadlines", "an object, only with a bad level");
	if (ev && (!int_field(ev, "callback_days", "deadlines.callback_days", false, 1, 365, err) ||
		   !int_field(ev, "rectify_days", "deadlines.rectify_days", false, 1, 365, err)))
		return false;
	if (ev && !one_of(plat_json_str(ev, "days"), (const char *const[]){ "calendar", "working", NULL }))
		return invalid(err, "deadlines.days", "calendar or working");
	if (!text_field(root, "interface_version", "interface_version", false, 1, 15, err) ||
	    !text_field(root, "reasons_version", "reasons_version", false, 1, 31, err))
		return false;
	if (!int_field(root, "rated_ms", "rated_ms", true, 1, INT64_MAX, err))
		return false;
	if (!text_field(root, "rated_at", "rated_at", false, 1, 64, err))
		return false;
	if (!bool_field(root, "followup", "followup", false, err) ||
	    !text_field(root, "follow_up_of", "follow_up_of", false, 1, 39, err))
		return false;
	/* A follow-up names the case it follows, and it is the rated case. */
	if (json_is_true(json_object_get(root, "followup")) != (json_object_get(root, "follow_up_of") != NULL))
		return invalid(err, "follow_up_of", "present exactly when followup is true");
	if (json_object_get(root, "follow_up_of") &&
	    strcmp(plat_json_str(root, "follow_up_of"), plat_json_str(root, "case_no") ?: "") != 0)
		return invalid(err, "follow_up_of", "must equal case_no");
	if (json_object_get(root, "origin") &&
	    !one_of(plat_json_str(root, "origin"), (const char *const[]){ "resident", "default", NULL }))
		return invalid(err, "origin", "resident or default");
	/* Nobody spoke for a default rating: no identity, no words, no follow-up, and it rates a case. */
	if (one_of(plat_json_str(root, "origin"), (const char *const[]){ "default", NULL }) &&
	    (named || json_object_get(root, "text") || json_is_true(json_object_get(root, "followup")) ||
	     !json_object_get(root, "case_no")))
		return invalid(err, "origin", "a default rating carries a case and nothing of a resident");
	return true;
}

bool plat_json_query(json_t *root, struct plat_json_err *err)
{
	bool by_code = json_object_get(root, "query_code") != NULL;
	bool by_id = json_object_get(root, "id_type") || json_object_get(root, "id_number");

	if (by_code && by_id)
		return invalid(err, "query_code", "either query_code or id_type and id_number, not both");
	if (by_code) {
		if (!query_code_ok(plat_json_str(root, "query_code")))
			return invalid(err, "query_code", "must be 8 characters from " QUERY_ALPHABET);
		return true;
	}
	if (!by_id)
		return invalid(err, "query_code", "required (or id_type and id_number)");
	if (!json_object_get(root, "id_type"))
		return invalid(err, "id_type", "required");
	if (!plat_json_str(root, "id_type"))
		return invalid(err, "id_type", "must be a string");
	return text_field(root, "id_number", "id_number", true, 1, 32, err);
}

/* The heartbeat's flags of bad ratings (section 8): no personal data, so no identity or text. */
static bool bad_ratings(json_t *arr, struct plat_json_err *err)
{
	json_t *b, *r;
	size_t i, k;

	if (!arr)
		return true;
	if (!json_is_array(arr) || json_array_size(arr) > 10)
		return invalid(err, "bad_ratings", "an array of at most 10");
	json_array_foreach(arr, i, b) {
		int li;

		if (!json_is_object(b))
			return invalid(err, "bad_ratings", "must hold objects");
		if (json_object_get(b, "evaluator") || json_object_get(b, "text"))
			return invalid(err, "bad_ratings", "no identity or text in a heartbeat");
		if (!text_field(b, "ref", "bad_ratings.ref", true, 1, 128, err) ||
		    !text_field(b, "case_no", "bad_ratings.case_no", false, 1, 39, err) ||
		    !text_field(b, "impl_code", "bad_ratings.impl_code", false, 1, 71, err) ||
		    !int_field(b, "rated_ms", "bad_ratings.rated_ms", true, 1, INT64_MAX, err) ||
		    !bool_field(b, "named", "bad_ratings.named", false, err))
			return false;
		li = level_index(plat_json_str(b, "level"));
		if (li < 3)
			return invalid(err, "bad_ratings.level", "dissatisfied or very_dissatisfied");
		r = json_object_get(b, "reasons");
		if (!json_is_array(r) || json_array_size(r) == 0)
			return invalid(err, "bad_ratings.reasons", "at least one reason code");
		json_array_foreach(r, k, b) {
			if (!json_is_string(b) || text_len(json_string_value(b)) < 1 ||
			    text_len(json_string_value(b)) > 64)
				return invalid(err, "bad_ratings.reasons", "must hold reason codes");
		}
	}
	return true;
}

bool plat_json_beat(json_t *root, const char *terminal, struct plat_json_err *err)
{
	static const char *const states[] = { "ok",     "absent", "offline", "paper_out", "paper_near_end",
					      "cover_open", "jammed", "fault", NULL };
	const char *tid = plat_json_str(root, "terminal_id");
	json_t *dev = json_object_get(root, "devices"), *q = json_object_get(root, "queue");
	json_t *st = json_object_get(root, "store"), *v;
	const char *name;
	char field[96];

	if (json_object_get(root, "terminal_id") && (!tid || strcmp(tid, terminal) != 0))
		return invalid(err, "terminal_id", "must equal X-Terminal-Id");
	if (!text_field(root, "software_version", "software_version", false, 1, 64, err) ||
	    !int_field(root, "sent_ms", "sent_ms", true, 1, INT64_MAX, err) ||
	    !text_field(root, "sent_at", "sent_at", false, 1, 64, err) ||
	    !int_field(root, "uptime_s", "uptime_s", false, 0, INT64_MAX, err) ||
	    !text_field(root, "catalog_version", "catalog_version", false, 1, 64, err))
		return false;
	if (dev && !json_is_object(dev))
		return invalid(err, "devices", "must be an object");
	json_object_foreach(dev, name, v) {
		snprintf(field, sizeof(field), "devices.%.80s", name);
		if (!one_of(json_is_string(v) ? json_string_value(v) : NULL, states))
			return invalid(err, field, "unknown device state");
	}
	if (q && !json_is_object(q))
		return invalid(err, "queue", "must be an object");
	if (q && (!int_field(q, "pending", "queue.pending", false, 0, INT64_MAX, err) ||
		  !int_field(q, "rejected", "queue.rejected", false, 0, INT64_MAX, err) ||
		  !int_field(q, "oldest_unsent_ms", "queue.oldest_unsent_ms", false, 1, INT64_MAX, err) ||
		  !text_field(q, "oldest_unsent_case", "queue.oldest_unsent_case", false, 1, 39, err)))
		return false;
	if (st && !json_is_object(st))
		return invalid(err, "store", "must be an object");
	if (st && (!int_field(st, "free_mb", "store.free_mb", false, 0, INT64_MAX, err) ||
		   !int_field(st, "receipts_unprinted", "store.receipts_unprinted", false, 0, INT64_MAX, err) ||
		   !int_field(st, "reserve_mb", "store.reserve_mb", false, 0, INT64_MAX, err)))
		return false;
	if (st && json_object_get(st, "accepting") && !json_is_boolean(json_object_get(st, "accepting")))
		return invalid(err, "store.accepting", "must be true or false");
	return bad_ratings(json_object_get(root, "bad_ratings"), err);
}

bool plat_json_status(json_t *root, struct plat_json_err *err)
{
	if (!plat_json_status_ok(plat_json_str(root, "status")))
		return invalid(err, "status", "not a case status of section 7");
	if (json_object_get(root, "status_text") &&
	    (!plat_json_str(root, "status_text") || strlen(plat_json_str(root, "status_text")) > 200))
		return invalid(err, "status_text", "a string of at most 200 bytes");
	if (json_object_get(root, "promised_date") && !plat_json_date_ok(plat_json_str(root, "promised_date")))
		return invalid(err, "promised_date", "must be a date YYYYMMDD");
	return true;
}

bool plat_json_faults(json_t *root, struct plat_json_err *err)
{
	static const char *const keys[] = { "slow_ms", "fail_500", "drop_mid_body", "lose_response", NULL };

	for (int i = 0; keys[i]; i++)
		if (!int_field(root, keys[i], keys[i], false, 0, keys[i][0] == 's' ? 60000 : 1000000, err))
			return false;
	return true;
}

bool plat_json_cert_request(json_t *root, bool fetch, struct plat_json_err *err)
{
	if (fetch && !text_field(root, "cert_id", "cert_id", true, 1, 63, err))
		return false;
	return identity(root, "", err);
}

bool plat_json_cert_issue(json_t *root, struct plat_json_err *err)
{
	const char *date = plat_json_str(root, "issued_date");
	json_t *lines = json_object_get(root, "lines"), *v;
	size_t i;

	if (!identity(root, "", err) || !text_field(root, "holder_name", "holder_name", true, 1, 95, err) ||
	    !text_field(root, "title", "title", true, 1, 255, err) ||
	    !text_field(root, "issuer", "issuer", true, 1, 255, err))
		return false;
	if (!date || !plat_json_date_ok(date))
		return invalid(err, "issued_date", "must be a date YYYYMMDD");
	if (lines && (!json_is_array(lines) || json_array_size(lines) > 40))
		return invalid(err, "lines", "must be a list of at most 40 lines");
	json_array_foreach(lines, i, v) {
		if (!json_is_string(v) || json_string_length(v) > 400)
			return invalid(err, "lines", "each line must be a string of at most 400 bytes");
	}
	return true;
}

bool plat_json_cert_print(json_t *root, const char *terminal, struct plat_json_err *err)
{
	const char *tid = plat_json_str(root, "terminal_id");

	if (json_object_get(root, "terminal_id") && (!tid || strcmp(tid, terminal) != 0))
		return invalid(err, "terminal_id", "must equal X-Terminal-Id");
	return text_field(root, "cert_id", "cert_id", true, 1, 63, err) &&
	       int_field(root, "printed_ms", "printed_ms", true, 1, INT64_MAX, err) &&
	       text_field(root, "printed_at", "printed_at", false, 1, 64, err) &&
	       int_field(root, "pages", "pages", true, 1, 1000, err);
}
