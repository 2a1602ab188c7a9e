/* The administration requests of section 13 for tests: everything received, fault switches, moving a case on and
 * a new catalog. */
#include "tests/platform/plat.h"

#include <stdio.h>
#include <string.h>

#include "tests/platform/plat_json.h"

static json_t *col_text(sqlite3_stmt *st, int i)
{
	const char *s = (const char *)sqlite3_column_text(st, i);

	return s ? json_string(s) : json_null();
}

static json_t *pages_of(struct plat *p, long long case_id, int material)
{
	sqlite3_stmt *st = NULL;
	json_t *list = json_array();

	if (sqlite3_prepare_v2(p->db,
			       "SELECT id, ord, size, offset, complete, sha256, type FROM pages WHERE case_id = ? AND"
			       " material = ? ORDER BY ord",
			       -1, &st, NULL) != SQLITE_OK)
		goto fail;
	sqlite3_bind_int64(st, 1, case_id);
	sqlite3_bind_int(st, 2, material);
	while (sqlite3_step(st) == SQLITE_ROW) {
		char held[65];

		if (!plat_pages_digest(p, sqlite3_column_int64(st, 0), held))
			goto fail;
		json_array_append_new(list, json_pack("{s:i, s:I, s:I, s:b, s:o, s:s, s:o}", "ord",
						      sqlite3_column_int(st, 1), "size",
						      (json_int_t)sqlite3_column_int64(st, 2), "offset",
						      (json_int_t)sqlite3_column_int64(st, 3), "complete",
						      sqlite3_column_int(st, 4), "sha256", col_text(st, 5),
						      "sha256_held", held, "type", col_text(st, 6)));
	}
	sqlite3_finalize(st);
	return list;
fail:
	sqlite3_finalize(st);
	json_decref(list);
	return NULL;
}

static json_t *materials_of(struct plat *p, long long case_id)
{
	sqlite3_stmt *st = NULL;
	json_t *list = json_array();

	if (sqlite3_prepare_v2(p->db, "SELECT ord, code, name, status FROM materials WHERE case_id = ? ORDER BY ord",
			       -1, &st, NULL) != SQLITE_OK)
		goto fail;
	sqlite3_bind_int64(st, 1, case_id);
	while (sqlite3_step(st) == SQLITE_ROW) {
		json_t *pages = pages_of(p, case_id, sqlite3_column_int(st, 0));

		if (!pages)
			goto fail;
		json_array_append_new(list, json_pack("{s:i, s:o, s:o, s:o, s:o}", "ord", sqlite3_column_int(st, 0),
						      "code", col_text(st, 1), "name", col_text(st, 2), "status",
						      col_text(st, 3), "pages", pages));
	}
	sqlite3_finalize(st);
	return list;
fail:
	sqlite3_finalize(st);
	json_decref(list);
	return NULL;
}

/* Rows of a simple query as objects named by its columns; integers stay integers. */
static json_t *rows(struct plat *p, const char *sql)
{
	sqlite3_stmt *st = NULL;
	json_t *list = json_array();

	if (sqlite3_prepare_v2(p->db, sql, -1, &st, NULL) != SQLITE_OK)
		goto fail;
	while (sqlite3_step(st) == SQLITE_ROW) {
		json_t *o = json_object();

		for (int i = 0; i < sqlite3_column_count(st); i++)
			json_object_set_new(o, sqlite3_column_name(st, i),
					    sqlite3_column_type(st, i) == SQLITE_INTEGER
						    ? json_integer(sqlite3_column_int64(st, i))
						    : col_text(st, i));
		json_array_append_new(list, o);
	}
	sqlite3_finalize(st);
	return list;
fail:
	sqlite3_finalize(st);
	json_decref(list);
	return NULL;
}

void plat_admin_state(struct plat *p, struct plat_reply *reply)
{
	json_t *cases = rows(p, "SELECT id, terminal, case_no, platform_no, query_code, status, status_text,"
				"  promised_date, clock_trusted, received_ms, updated_ms FROM cases ORDER BY id");
	json_t *evals = rows(p, "SELECT eval_id, terminal, case_no, platform_no, level, received_ms, body"
				" FROM evaluations ORDER BY id");
	json_t *keys = rows(p, "SELECT terminal, key, method, path, status FROM idem ORDER BY rowid");
	json_t *beats = rows(p, "SELECT COUNT(*) AS n FROM heartbeats");
	json_t *certs = rows(p, "SELECT cert_id, title, length(pdf) AS size, sha256 FROM certificates ORDER BY id");
	json_t *prints = rows(p, "SELECT print_id, terminal, cert_id, printed_ms, pages FROM cert_prints ORDER BY id");
	json_t *bad = rows(p, "SELECT terminal, ref, case_no, level, reasons, named, rated_ms"
			      " FROM bad_ratings ORDER BY rowid");
	/* The terminal's health as its last heartbeat told it (section 8). */
	json_t *last = rows(p, "SELECT body FROM heartbeats ORDER BY id DESC LIMIT 1");
	json_t *c, *out, *beat = NULL;
	const char *body;
	size_t i;

	if (!cases || !evals || !keys || !beats || !certs || !bad || !last || !prints)
		goto fail;
	body = json_string_value(json_object_get(json_array_get(last, 0), "body"));
	if (body)
		beat = json_loads(body, 0, NULL);
	json_decref(last);
	last = NULL;
	json_array_foreach(cases, i, c) {
		json_t *mats = materials_of(p, json_integer_value(json_object_get(c, "id")));

		if (!mats)
			goto fail;
		json_object_set_new(c, "materials", mats);
		json_object_del(c, "id");
	}
	out = json_pack("{s:o, s:o, s:o, s:O, s:o, s:o, s:{s:I, s:I, s:I, s:I}}", "cases", cases, "evaluations",
				  evals, "certificates", certs, "heartbeats", json_object_get(json_array_get(beats, 0), "n"),
				  "idempotency_keys", keys, "bad_ratings", bad, "faults", "slow_ms", (json_int_t)p->faults.slow_ms,
				  "fail_500",
				  (json_int_t)p->faults.fail_500, "drop_mid_body", (json_int_t)p->faults.drop_mid_body,
				  "lose_response", (json_int_t)p->faults.lose_response);
	if (out) {
		json_object_set_new(out, "last_heartbeat", beat ? beat : json_null());
		json_object_set_new(out, "certificate_prints", prints);
	} else {
		json_decref(beat);
		json_decref(prints);
	}
	plat_reply_json(reply, 200, out);
	json_decref(beats);
	return;
fail:
	json_decref(last);
	json_decref(prints);
	json_decref(certs);
	json_decref(cases);
	json_decref(evals);
	json_decref(keys);
	json_decref(beats);
	json_decref(bad);
	plat_reply_error(reply, 500, "internal", NULL, "database error");
}

void plat_admin_faults(struct plat *p, const char *body, size_t len, struct plat_reply *reply)
{
	struct plat_json_err err;
	json_t *root = plat_json_parse(body, len, &err);

	if (!root || !plat_json_faults(root, &err)) {
		plat_reply_error(reply, 400, err.code, err.field, "%s", err.message);
		json_decref(root);
		return;
	}
	/* Keys left out keep their switch as it was, so a test can change one fault alone. */
#define SET(name)                                                                                            \
	if (json_object_get(root, #name))                                                                    \
		p->faults.name = json_integer_value(json_object_get(root, #name));
	SET(slow_ms)
	SET(fail_500)
	SET(drop_mid_body)
	SET(lose_response)
#undef SET
	json_decref(root);
	plat_log_info(p, "faults: slow_ms %lld, fail_500 %lld, drop_mid_body %lld, lose_response %lld",
		      p->faults.slow_ms, p->faults.fail_500, p->faults.drop_mid_body, p->faults.lose_response);
	plat_reply_json(reply, 200,
			json_pack("{s:I, s:I, s:I, s:I}", "slow_ms", (json_int_t)p->faults.slow_ms, "fail_500",
				  (json_int_t)p->faults.fail_500, "drop_mid_body", (json_int_t)p->faults.drop_mid_body,
				  "lose_response", (json_int_t)p->faults.lose_response));
}

void plat_admin_status(struct plat *p, const char *platform_no, const char *body, size_t len,
		       struct plat_reply *reply)
{
	struct plat_json_err err;
	json_t *root = plat_json_parse(body, len, &err);
	sqlite3_stmt *st = NULL;

	if (!root || !plat_json_status(root, &err)) {
		plat_reply_error(reply, 400, err.code, err.field, "%s", err.message);
		goto out;
	}
	if (sqlite3_prepare_v2(p->db,
			       "UPDATE cases SET status = ?, status_text = ?, promised_date = COALESCE(?, promised_date),"
			       " updated_ms = ? WHERE platform_no = ?",
			       -1, &st, NULL) != SQLITE_OK) {
		plat_reply_error(reply, 500, "internal", NULL, "database error");
		goto out;
	}
	sqlite3_bind_text(st, 1, plat_json_str(root, "status"), -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, plat_json_str(root, "status_text"), -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, plat_json_str(root, "promised_date"), -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, plat_now_ms());
	sqlite3_bind_text(st, 5, platform_no, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE)
		plat_reply_error(reply, 500, "internal", NULL, "database error");
	else if (sqlite3_changes(p->db) == 0)
		plat_reply_error(reply, 404, "not_found", NULL, "no case %s", platform_no);
	else {
		plat_reply_json(reply, 200, json_pack("{s:s, s:s}", "platform_no", platform_no, "status",
						      plat_json_str(root, "status")));
		plat_log_info(p, "case %s now %s", platform_no, plat_json_str(root, "status"));
	}
out:
	sqlite3_finalize(st);
	json_decref(root);
}

void plat_admin_catalog(struct plat *p, const char *body, size_t len, struct plat_reply *reply)
{
	char err[200];

	if (plat_catalog_set(p, body, len, err, sizeof(err)) != KERR_OK) {
		plat_reply_error(reply, 400, "invalid", NULL, "%s", err);
		return;
	}
	plat_log_info(p, "catalog now %s", p->catalog_version);
	plat_reply_json(reply, 200, json_pack("{s:s}", "version", p->catalog_version));
}
