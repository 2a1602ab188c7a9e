/* Request bodies and reply parsers of docs/uplink.md, over jansson. jansson is
 * the JSON library of the whole project (the catalog too): small, strict about
 * UTF-8, and it can refuse duplicate keys, which the contract forbids. */
#define _GNU_SOURCE /* strptime, timegm */
#include "offline-queue/uplink_codec.h"

#include "common/clock.h"

#include <ctype.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char *const level_names[UPLINK_LEVELS] = {
	"very_satisfied", "satisfied", "basic", "dissatisfied", "very_dissatisfied",
};

/* The contract's words for material states (section 4), its own and not the
 * log's names. */
static const char *const material_words[QUEUE_MAT__COUNT] = {
	[QUEUE_MAT_RECEIVED] = "received",     [QUEUE_MAT_MISSING] = "missing",
	[QUEUE_MAT_COMMITMENT] = "commitment", [QUEUE_MAT_ECERT] = "ecert",
	[QUEUE_MAT_OPTIONAL] = "optional",
};

void uplink_time_str(int64_t wall_ms, char ret[32])
{
	int y, mo, d, h, mi, s, wd;

	clock_local(wall_ms, &y, &mo, &d, &h, &mi, &s, &wd);
	snprintf(ret, 32, "%04d-%02d-%02dT%02d:%02d:%02d+08:00", y, mo, d, h, mi, s);
}

/* Building: every json_object_set_new() result is checked through one flag, so
 * a failed allocation anywhere makes the whole body fail rather than go out
 * with a field missing. */
struct build {
	bool failed;
};

static void put(struct build *b, json_t *obj, const char *key, json_t *v)
{
	if (!v || !obj || json_object_set_new(obj, key, v) != 0)
		b->failed = true;
}

/* A string field, left out when empty: the contract says "may be absent" for
 * optional ones. */
static void put_str(struct build *b, json_t *obj, const char *key, const char *v)
{
	if (v && v[0])
		put(b, obj, key, json_string(v));
}

static void put_time(struct build *b, json_t *obj, const char *ms_key, const char *at_key,
		     int64_t ms)
{
	char at[32];

	uplink_time_str(ms, at);
	put(b, obj, ms_key, json_integer(ms));
	put(b, obj, at_key, json_string(at));
}

static void append(struct build *b, json_t *arr, json_t *v)
{
	if (!v || !arr || json_array_append_new(arr, v) != 0)
		b->failed = true;
}

static enum kerr finish(struct build *b, json_t *root, char **ret)
{
	char *s = NULL;

	if (!b->failed)
		s = json_dumps(root, JSON_COMPACT);
	json_decref(root);
	if (!s)
		return KERR_NOMEM;
	*ret = s;
	return KERR_OK;
}

void uplink_body_free(char *body)
{
	if (!body)
		return;
	explicit_bzero(body, strlen(body));
	free(body);
}

static json_t *material_json(struct build *b, const struct queue_material_rec *m, size_t ord)
{
	json_t *mo = json_object(), *pages = json_array();

	put(b, mo, "ord", json_integer((json_int_t)ord));
	put(b, mo, "code", json_string(m->code));
	put(b, mo, "name", json_string(m->name));
	put(b, mo, "status", json_string(material_words[m->status]));
	for (size_t p = 0; m->status == QUEUE_MAT_RECEIVED && p < m->n_pages; p++) {
		json_t *po = json_object();

		put(b, po, "ord", json_integer((json_int_t)p + 1));
		put(b, po, "size", json_integer(m->pages[p].size));
		put(b, po, "sha256", json_string(m->pages[p].sha256));
		put(b, po, "type", json_string(m->pages[p].media_type[0] ? m->pages[p].media_type : QUEUE_MEDIA_JPEG));
		append(b, pages, po);
	}
	put(b, mo, "pages", pages);
	return mo;
}

enum kerr uplink_body_case(const struct queue_case_rec *c, char **ret)
{
	json_t *root = json_object(), *app = json_object(), *del = json_object(),
	       *mats = json_array();
	struct build b = {false};

	for (size_t i = 0; i < c->n_materials; i++) {
		const struct queue_material_rec *m = &c->materials[i];

		if ((unsigned)m->status >= QUEUE_MAT__COUNT ||
		    (m->status == QUEUE_MAT_RECEIVED && (m->n_pages == 0 || !m->pages))) {
			json_decref(root);
			json_decref(app);
			json_decref(del);
			json_decref(mats);
			return KERR_INVAL;
		}
	}
	put(&b, root, "case_no", json_string(c->case_no));
	put(&b, root, "query_code", json_string(c->query_code));
	put(&b, root, "impl_code", json_string(c->impl_code));
	put(&b, root, "item_name", json_string(c->item_name));
	put(&b, root, "case_kind", json_integer(c->case_kind));
	put(&b, root, "channel", json_string("5"));
	put_str(&b, root, "region_code", c->region_code);
	put_time(&b, root, "accepted_ms", "accepted_at", c->accepted_ms);
	put(&b, root, "clock_trusted", json_boolean(c->clock_trusted));
	put_str(&b, root, "promised_date", c->promised_date);
	put(&b, root, "with_gaps", json_boolean(c->with_gaps));
	put(&b, app, "name", json_string(c->applicant_name));
	put(&b, app, "id_type", json_string(c->id_type));
	put(&b, app, "id_number", json_string(c->id_number));
	put_str(&b, app, "sex", c->sex);
	put_str(&b, app, "birth", c->birth);
	put_str(&b, app, "address", c->address);
	put_str(&b, app, "mobile", c->mobile);
	put(&b, root, "applicant", app);
	put(&b, del, "method", json_string(c->delivery[0] ? c->delivery : "pickup"));
	if (strcmp(c->delivery, "mail") == 0)
		put_str(&b, del, "address", c->mail_address);
	put(&b, root, "delivery", del);
	for (size_t i = 0; i < c->n_materials; i++)
		append(&b, mats, material_json(&b, &c->materials[i], i + 1));
	put(&b, root, "materials", mats);
	return finish(&b, root, ret);
}

/* Reason codes are stored comma-separated; the contract sends an array. */
enum kerr uplink_body_cert_print(const struct queue_cert_print *p, const char *terminal_id,
				 char **ret)
{
	json_t *root = json_object();
	struct build b = {false};

	if (!p->cert_id[0] || p->printed_ms <= 0 || p->pages <= 0) {
		json_decref(root);
		return KERR_INVAL;
	}
	put(&b, root, "terminal_id", json_string(terminal_id));
	put(&b, root, "cert_id", json_string(p->cert_id));
	put_time(&b, root, "printed_ms", "printed_at", p->printed_ms);
	put(&b, root, "pages", json_integer(p->pages));
	return finish(&b, root, ret);
}

static json_t *reasons_json(struct build *b, const char *csv)
{
	json_t *arr = json_array();
	const char *p = csv;

	while (p && *p) {
		const char *end = strchr(p, ',');
		size_t n = end ? (size_t)(end - p) : strlen(p);

		if (n)
			append(b, arr, json_stringn(p, n));
		p = end ? end + 1 : NULL;
	}
	return arr;
}

enum kerr uplink_body_eval(const struct queue_eval_rec *e, const char *terminal_id,
			   const struct uplink_scheme *scheme, char **ret)
{
	struct build b = {false};
	json_t *root;

	if (e->level < 0 || e->level >= UPLINK_LEVELS || !scheme->codes[e->level][0])
		return KERR_INVAL;
	/* The province's interface would refuse it: kept on the terminal for a technician
	 * instead. */
	if (((scheme->required & UPLINK_REQ_CASE_NO) && !e->case_no[0]) ||
	    ((scheme->required & UPLINK_REQ_IMPL_CODE) && !e->impl_code[0]) ||
	    ((scheme->required & UPLINK_REQ_PLATFORM_NO) && !e->platform_no[0]))
		return KERR_INVAL;
	root = json_object();
	put_str(&b, root, "case_no", e->case_no);
	put_str(&b, root, "platform_no", e->platform_no);
	put_str(&b, root, "impl_code", e->impl_code);
	put(&b, root, "channel", json_string(scheme->channel[0] ? scheme->channel : "5"));
	put_str(&b, root, "interface_version", scheme->interface_version);
	put(&b, root, "terminal_id", json_string(terminal_id));
	put(&b, root, "level", json_string(level_names[e->level]));
	put(&b, root, "level_code", json_string(scheme->codes[e->level]));
	put(&b, root, "level_scheme", json_string(scheme->name));
	put(&b, root, "reasons", reasons_json(&b, e->reasons));
	/* The version the resident chose from; the mapping's for a rating stored before versions were kept. */
	if (e->reasons[0])
		put_str(&b, root, "reasons_version",
			e->reasons_version[0] ? e->reasons_version : scheme->reasons_version);
	/* A bad rating starts the province's clock for the call back and the fix. */
	if (e->level >= 3 && (scheme->callback_days > 0 || scheme->rectify_days > 0)) {
		json_t *d = json_object();

		if (scheme->callback_days > 0)
			put(&b, d, "callback_days", json_integer(scheme->callback_days));
		if (scheme->rectify_days > 0)
			put(&b, d, "rectify_days", json_integer(scheme->rectify_days));
		put(&b, d, "days", json_string(scheme->working_days ? "working" : "calendar"));
		put(&b, root, "deadlines", d);
	}
	put_str(&b, root, "text", e->text);
	put(&b, root, "named", json_boolean(e->named));
	if (e->named) {
		json_t *ev = json_object();

		put(&b, ev, "id_type", json_string(e->evaluator_id_type));
		put(&b, ev, "id_number", json_string(e->evaluator_id));
		put(&b, root, "evaluator", ev);
	}
	put_time(&b, root, "rated_ms", "rated_at", e->time_ms);
	put(&b, root, "followup", json_boolean(e->followup));
	/* The platform keeps one follow-up per case: it must know which case this one follows. */
	if (e->followup)
		put_str(&b, root, "follow_up_of", e->case_no);
	put(&b, root, "origin", json_string(e->by_default ? "default" : "resident"));
	return finish(&b, root, ret);
}

enum kerr uplink_body_beat(const struct uplink_beat *hb, char **ret)
{
	json_t *root = json_object(), *devs = json_object(), *q = json_object(),
	       *store = json_object();
	struct build b = {false};

	put(&b, root, "terminal_id", json_string(hb->terminal_id));
	put(&b, root, "software_version", json_string(hb->software_version));
	put_time(&b, root, "sent_ms", "sent_at", hb->sent_ms);
	put(&b, root, "uptime_s", json_integer(hb->uptime_s));
	put_str(&b, root, "catalog_version", hb->catalog_version);
	for (size_t i = 0; hb->health && i < hb->health->n_devices && i < UPLINK_MAX_DEVICES; i++)
		put(&b, devs, hb->health->devices[i].name,
		    json_string(hb->health->devices[i].state));
	put(&b, root, "devices", devs);
	put(&b, q, "pending", json_integer(hb->queue->pending));
	put(&b, q, "rejected", json_integer(hb->queue->rejected));
	if (hb->queue->pending > 0 && hb->queue->oldest_unsent_ms > 0) {
		put(&b, q, "oldest_unsent_ms", json_integer(hb->queue->oldest_unsent_ms));
		put_str(&b, q, "oldest_unsent_case", hb->queue->oldest_unsent_case);
	}
	put(&b, root, "queue", q);
	if (hb->health && hb->health->free_mb >= 0)
		put(&b, store, "free_mb", json_integer(hb->health->free_mb));
	if (hb->health && hb->health->receipts_unprinted >= 0)
		put(&b, store, "receipts_unprinted", json_integer(hb->health->receipts_unprinted));
	if (hb->health && hb->health->reserve_mb >= 0)
		put(&b, store, "reserve_mb", json_integer(hb->health->reserve_mb));
	if (hb->health && hb->health->accepting >= 0)
		put(&b, store, "accepting", json_boolean(hb->health->accepting));
	put(&b, root, "store", store);
	if (hb->n_bad > 0) {
		json_t *arr = json_array();

		for (size_t i = 0; i < hb->n_bad && i < UPLINK_MAX_BAD; i++) {
			const struct queue_eval_row *r = &hb->bad[i];
			json_t *o = json_object();

			put(&b, o, "ref", json_string(r->key));
			put_str(&b, o, "case_no", r->case_no);
			put_str(&b, o, "impl_code", r->impl_code);
			put(&b, o, "level", json_string(level_names[r->level]));
			put(&b, o, "reasons", reasons_json(&b, r->reasons));
			put(&b, o, "named", json_boolean(r->named));
			put_time(&b, o, "rated_ms", "rated_at", r->time_ms);
			append(&b, arr, o);
		}
		put(&b, root, "bad_ratings", arr);
	}
	return finish(&b, root, ret);
}

enum kerr uplink_body_query(const char *query_code, const char *id_type, const char *id_number,
			    char **ret)
{
	struct build b = {false};
	json_t *root;

	if ((query_code && query_code[0]) == (id_number && id_number[0]))
		return KERR_INVAL;
	root = json_object();
	if (query_code && query_code[0]) {
		put(&b, root, "query_code", json_string(query_code));
	} else {
		put(&b, root, "id_type", json_string(id_type ? id_type : "111"));
		put(&b, root, "id_number", json_string(id_number));
	}
	return finish(&b, root, ret);
}

enum kerr uplink_body_certs(const char *cert_id, const char *id_type, const char *id_number, char **ret)
{
	struct build b = {false};
	json_t *root;

	if (!id_number || !id_number[0] || (cert_id && !cert_id[0]))
		return KERR_INVAL;
	root = json_object();
	if (cert_id)
		put(&b, root, "cert_id", json_string(cert_id));
	put(&b, root, "id_type", json_string(id_type ? id_type : "111"));
	put(&b, root, "id_number", json_string(id_number));
	return finish(&b, root, ret);
}

/* Parsing. */

enum kerr uplink_why_fail(char *why, size_t why_size, const char *fmt, ...)
{
	va_list ap;

	if (why && why_size) {
		va_start(ap, fmt);
		vsnprintf(why, why_size, fmt, ap);
		va_end(ap);
	}
	return KERR_PROTO;
}

static json_t *load(const char *body, size_t len, char *why, size_t why_size)
{
	json_error_t jerr;
	json_t *root;

	if (!body || len == 0) {
		uplink_why_fail(why, why_size, "empty reply");
		return NULL;
	}
	if (len > UPLINK_MAX_CATALOG) {
		uplink_why_fail(why, why_size, "reply of %zu bytes is too long", len);
		return NULL;
	}
	root = json_loadb(body, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!root) {
		uplink_why_fail(why, why_size, "reply is not JSON: %s (at byte %d)", jerr.text,
			 jerr.position);
		return NULL;
	}
	if (!json_is_object(root)) {
		json_decref(root);
		uplink_why_fail(why, why_size, "reply is not a JSON object");
		return NULL;
	}
	return root;
}

/* Copies a string member into buf. required: absent is an error; else absent
 * gives "". printable: no control characters (these strings reach the screen
 * and the log). */
static enum kerr get_str(json_t *obj, const char *key, char *buf, size_t size, bool required,
			 char *why, size_t why_size)
{
	json_t *v = json_object_get(obj, key);
	const char *s;
	size_t n;

	buf[0] = '\0';
	if (!v || json_is_null(v))
		return required ? uplink_why_fail(why, why_size, "reply has no %s", key) : KERR_OK;
	if (!json_is_string(v))
		return uplink_why_fail(why, why_size, "reply's %s is not a string", key);
	s = json_string_value(v);
	n = json_string_length(v);
	if (n >= size)
		return uplink_why_fail(why, why_size, "reply's %s is longer than %zu bytes", key,
				size - 1);
	if (required && n == 0)
		return uplink_why_fail(why, why_size, "reply's %s is empty", key);
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return uplink_why_fail(why, why_size, "reply's %s holds a control character", key);
	memcpy(buf, s, n + 1);
	return KERR_OK;
}

static enum kerr get_int(json_t *obj, const char *key, int64_t *ret, int64_t min, int64_t max,
			 bool required, char *why, size_t why_size)
{
	json_t *v = json_object_get(obj, key);

	*ret = 0;
	if (!v || json_is_null(v))
		return required ? uplink_why_fail(why, why_size, "reply has no %s", key) : KERR_OK;
	if (!json_is_integer(v))
		return uplink_why_fail(why, why_size, "reply's %s is not an integer", key);
	*ret = json_integer_value(v);
	if (*ret < min || *ret > max)
		return uplink_why_fail(why, why_size, "reply's %s is out of range", key);
	return KERR_OK;
}

static bool date_ok(const char *s)
{
	if (!s[0])
		return true;
	if (strlen(s) != 8)
		return false;
	for (int i = 0; i < 8; i++)
		if (!isdigit((unsigned char)s[i]))
			return false;
	return true;
}

/* The statuses of section 7; anything else is a newer platform's word, shown as
 * its text. */
static bool status_ok(const char *s)
{
	for (const char *p = s; *p; p++)
		if (!(islower((unsigned char)*p) || *p == '_'))
			return false;
	return s[0] != '\0';
}

enum kerr uplink_parse_case(const char *body, size_t len, struct uplink_case_reply *ret, char *why,
			    size_t why_size)
{
	json_t *root = load(body, len, why, why_size);
	enum kerr err;

	if (!root)
		return KERR_PROTO;
	memset(ret, 0, sizeof(*ret));
	err = get_str(root, "platform_no", ret->platform_no, sizeof(ret->platform_no), true, why,
		      why_size);
	if (!err)
		err = get_str(root, "status", ret->status, sizeof(ret->status), false, why,
			      why_size);
	if (!err)
		err = get_int(root, "pages_missing", &ret->pages_missing, 0, 128 * 64, false, why,
			      why_size);
	if (!err && ret->status[0] && !status_ok(ret->status))
		err = uplink_why_fail(why, why_size, "reply's status is not a status word");
	json_decref(root);
	return err;
}

enum kerr uplink_parse_eval(const char *body, size_t len, struct uplink_eval_reply *ret, char *why,
			    size_t why_size)
{
	json_t *root = load(body, len, why, why_size);
	enum kerr err;

	if (!root)
		return KERR_PROTO;
	err = get_str(root, "eval_id", ret->eval_id, sizeof(ret->eval_id), true, why, why_size);
	json_decref(root);
	return err;
}

enum kerr uplink_parse_cert_print(const char *body, size_t len, char *print_id, size_t size,
				  char *why, size_t why_size)
{
	json_t *root = load(body, len, why, why_size);
	enum kerr err;

	if (!root)
		return KERR_PROTO;
	err = get_str(root, "print_id", print_id, size, true, why, why_size);
	json_decref(root);
	return err;
}

static enum kerr parse_status(json_t *o, struct uplink_case_status *c, char *why, size_t why_size)
{
	enum kerr err;

	if (!json_is_object(o))
		return uplink_why_fail(why, why_size, "a case in the reply is not an object");
	err = get_str(o, "platform_no", c->platform_no, sizeof(c->platform_no), false, why,
		      why_size);
	if (!err)
		err = get_str(o, "case_no", c->case_no, sizeof(c->case_no), false, why, why_size);
	if (!err && !c->platform_no[0] && !c->case_no[0])
		err = uplink_why_fail(why, why_size, "a case in the reply has no number");
	if (!err)
		err = get_str(o, "impl_code", c->impl_code, sizeof(c->impl_code), false, why,
			      why_size);
	if (!err)
		err = get_str(o, "item_name", c->item_name, sizeof(c->item_name), false, why,
			      why_size);
	if (!err)
		err = get_str(o, "status", c->status, sizeof(c->status), true, why, why_size);
	if (!err && !status_ok(c->status))
		err = uplink_why_fail(why, why_size, "a case's status is not a status word");
	if (!err)
		err = get_str(o, "status_text", c->status_text, sizeof(c->status_text), false, why,
			      why_size);
	if (!err)
		err = get_str(o, "promised_date", c->promised_date, sizeof(c->promised_date), false,
			      why, why_size);
	if (!err && !date_ok(c->promised_date))
		err = uplink_why_fail(why, why_size, "a case's promised_date is not YYYYMMDD");
	if (!err)
		err = get_int(o, "updated_ms", &c->updated_ms, 0, INT64_MAX, false, why, why_size);
	return err;
}

enum kerr uplink_parse_query(const char *body, size_t len, struct uplink_query_reply *ret,
			     char *why, size_t why_size)
{
	json_t *root = load(body, len, why, why_size), *arr;
	enum kerr err = KERR_OK;

	if (!root)
		return KERR_PROTO;
	memset(ret, 0, sizeof(*ret));
	arr = json_object_get(root, "cases");
	if (!json_is_array(arr))
		err = uplink_why_fail(why, why_size, "reply has no cases array");
	else if (json_array_size(arr) > UPLINK_MAX_QUERY_CASES)
		err = uplink_why_fail(why, why_size, "reply has %zu cases, at most %d",
			       json_array_size(arr), UPLINK_MAX_QUERY_CASES);
	for (size_t i = 0; !err && i < json_array_size(arr); i++) {
		err = parse_status(json_array_get(arr, i), &ret->cases[i], why, why_size);
		if (!err)
			ret->n = i + 1;
	}
	json_decref(root);
	return err;
}

static bool hex64(const char *s)
{
	if (strlen(s) != 64)
		return false;
	for (; *s; s++)
		if (!((*s >= '0' && *s <= '9') || (*s >= 'a' && *s <= 'f')))
			return false;
	return true;
}

static enum kerr parse_cert(json_t *o, struct uplink_cert *c, char *why, size_t why_size)
{
	enum kerr err;

	if (!json_is_object(o))
		return uplink_why_fail(why, why_size, "a certificate in the reply is not an object");
	err = get_str(o, "cert_id", c->cert_id, sizeof(c->cert_id), true, why, why_size);
	if (!err)
		err = get_str(o, "title", c->title, sizeof(c->title), true, why, why_size);
	if (!err)
		err = get_str(o, "issuer", c->issuer, sizeof(c->issuer), true, why, why_size);
	if (!err)
		err = get_str(o, "issued_date", c->issued_date, sizeof(c->issued_date), true, why, why_size);
	if (!err && !date_ok(c->issued_date))
		err = uplink_why_fail(why, why_size, "a certificate's issued_date is not YYYYMMDD");
	if (!err)
		err = get_int(o, "pages", &c->pages, 1, 1000, false, why, why_size);
	if (!err)
		err = get_int(o, "size", &c->size, 1, UPLINK_MAX_CERT_BYTES, true, why, why_size);
	if (!err)
		err = get_str(o, "sha256", c->sha256, sizeof(c->sha256), true, why, why_size);
	if (!err && !hex64(c->sha256))
		err = uplink_why_fail(why, why_size, "a certificate's sha256 is not 64 lowercase hex digits");
	/* The id names a file while it prints: letters, digits and - . _ only. */
	for (const char *p = c->cert_id; !err && *p; p++)
		if (!((*p >= '0' && *p <= '9') || (*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || *p == '-' ||
		      *p == '.' || *p == '_'))
			err = uplink_why_fail(why, why_size, "a certificate's cert_id holds a character other than A-Z a-z 0-9 - . _");
	if (!err && c->cert_id[0] == '.')
		err = uplink_why_fail(why, why_size, "a certificate's cert_id starts with a dot");
	return err;
}

enum kerr uplink_parse_certs(const char *body, size_t len, struct uplink_cert_list *ret, char *why,
			     size_t why_size)
{
	json_t *root = load(body, len, why, why_size), *arr;
	enum kerr err = KERR_OK;

	if (!root)
		return KERR_PROTO;
	memset(ret, 0, sizeof(*ret));
	arr = json_object_get(root, "certificates");
	if (!json_is_array(arr))
		err = uplink_why_fail(why, why_size, "reply has no certificates array");
	else if (json_array_size(arr) > UPLINK_MAX_CERTS)
		err = uplink_why_fail(why, why_size, "reply has %zu certificates, at most %d", json_array_size(arr),
			       UPLINK_MAX_CERTS);
	for (size_t i = 0; !err && i < json_array_size(arr); i++) {
		err = parse_cert(json_array_get(arr, i), &ret->certs[i], why, why_size);
		if (!err)
			ret->n = i + 1;
	}
	json_decref(root);
	return err;
}

enum kerr uplink_parse_beat(const char *body, size_t len, struct uplink_beat_reply *ret, char *why,
			    size_t why_size)
{
	json_t *root = load(body, len, why, why_size);
	enum kerr err;

	if (!root)
		return KERR_PROTO;
	memset(ret, 0, sizeof(*ret));
	err = get_int(root, "server_ms", &ret->server_ms, 1, INT64_MAX, true, why, why_size);
	if (!err)
		err = get_str(root, "catalog_version", ret->catalog_version,
			      sizeof(ret->catalog_version), false, why, why_size);
	if (!err)
		err = get_int(root, "heartbeat_s", &ret->heartbeat_s, 0, 86400, false, why,
			      why_size);
	/* Out of the contract's range is clamped, not refused: the beat itself was
	 * received. */
	if (!err && ret->heartbeat_s && ret->heartbeat_s < 10)
		ret->heartbeat_s = 10;
	if (!err && ret->heartbeat_s > 3600)
		ret->heartbeat_s = 3600;
	json_decref(root);
	return err;
}

void uplink_parse_error(const char *body, size_t len, struct uplink_error *ret)
{
	json_t *root, *e;

	memset(ret, 0, sizeof(*ret));
	if (!body || len == 0 || len > UPLINK_MAX_REPLY)
		return;
	root = json_loadb(body, len, JSON_REJECT_DUPLICATES, NULL);
	if (!root)
		return;
	e = json_object_get(root, "error");
	if (json_is_object(e)) {
		if (get_str(e, "code", ret->code, sizeof(ret->code), false, NULL, 0) != KERR_OK)
			ret->code[0] = '\0';
		if (get_str(e, "message", ret->message, sizeof(ret->message), false, NULL, 0) !=
		    KERR_OK)
			ret->message[0] = '\0';
		if (get_str(e, "field", ret->field, sizeof(ret->field), false, NULL, 0) != KERR_OK)
			ret->field[0] = '\0';
	}
	json_decref(root);
}

/* Headers. */

enum kerr uplink_parse_offset(const char *value, int64_t *ret)
{
	int64_t v = 0;
	size_t i = 0;

	if (!value)
		return KERR_PROTO;
	while (value[i] == ' ' || value[i] == '\t')
		i++;
	if (!isdigit((unsigned char)value[i]))
		return KERR_PROTO;
	for (; isdigit((unsigned char)value[i]); i++) {
		v = v * 10 + (value[i] - '0');
		if (v > (INT64_C(1) << 53))
			return KERR_PROTO;
	}
	while (value[i] == ' ' || value[i] == '\t' || value[i] == '\r' || value[i] == '\n')
		i++;
	if (value[i])
		return KERR_PROTO;
	*ret = v;
	return KERR_OK;
}

bool uplink_parse_complete(const char *value)
{
	if (!value)
		return false;
	while (*value == ' ' || *value == '\t')
		value++;
	return value[0] == '?' && value[1] == '1' &&
	       (value[2] == '\0' || value[2] == '\r' || value[2] == ' ' || value[2] == '\n');
}

#define DAY_MS (24 * 3600 * 1000LL)

int64_t uplink_parse_retry_after(const char *value, int64_t now_wall_ms)
{
	struct tm tm;
	const char *end;
	int64_t v;
	time_t t;

	if (!value)
		return 0;
	if (uplink_parse_offset(value, &v) == KERR_OK)
		return v > DAY_MS / 1000 ? DAY_MS : v * 1000;
	memset(&tm, 0, sizeof(tm));
	/* IMF-fixdate, RFC 9110 5.6.7: "Sun, 06 Nov 1994 08:49:37 GMT". */
	end = strptime(value, " %a, %d %b %Y %H:%M:%S GMT", &tm);
	if (!end)
		return 0;
	t = timegm(&tm);
	if (t == (time_t)-1)
		return 0;
	v = (int64_t)t * 1000 - now_wall_ms;
	if (v <= 0)
		return 0;
	return v > DAY_MS ? DAY_MS : v;
}

enum uplink_verdict uplink_classify(long status, const char *code)
{
	if (!code)
		code = "";
	if (status >= 200 && status < 300)
		return UPLINK_OK;
	if (status == 401 || status == 403 || status == 408 || status == 429 || status >= 500)
		return UPLINK_RETRY;
	if (status == 404)
		return UPLINK_RESUBMIT;
	if (status == 409)
		return strcmp(code, "offset_mismatch") == 0 ? UPLINK_OFFSET : UPLINK_RETRY;
	if (status == 422 && strcmp(code, "digest_mismatch") == 0)
		return UPLINK_DIGEST;
	if (status >= 400)
		return UPLINK_REJECT;
	/* 1xx and 3xx are never a final answer to a write. */
	return UPLINK_RETRY;
}

int64_t uplink_backoff_ms(int attempts, int64_t base_ms, int64_t cap_ms, uint64_t rnd)
{
	int64_t ceil = base_ms;

	if (base_ms <= 0)
		return 0;
	for (int i = 0; i < attempts && ceil < cap_ms; i++)
		ceil *= 2;
	if (ceil > cap_ms)
		ceil = cap_ms;
	return (int64_t)(rnd % ((uint64_t)ceil + 1));
}
