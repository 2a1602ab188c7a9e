/* POST /api/v1/cases (section 4): a checked case, its materials and the pages it announces. */
#include "tests/platform/plat.h"

#include <stdio.h>
#include <string.h>

#include "common/clock.h"
#include "tests/platform/plat_json.h"

static bool case_known(struct plat *p, const char *terminal, const char *case_no, bool *ret_known)
{
	sqlite3_stmt *st = NULL;
	int rc;

	if (sqlite3_prepare_v2(p->db, "SELECT 1 FROM cases WHERE terminal = ? AND case_no = ?", -1, &st, NULL) !=
	    SQLITE_OK)
		return false;
	sqlite3_bind_text(st, 1, terminal, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, case_no, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return false;
	*ret_known = rc == SQLITE_ROW;
	return true;
}

/* SH<region>-<year>-<sequence>: the shape of a provincial platform's own number. */
static bool next_platform_no(struct plat *p, const char *region, char *out, size_t n)
{
	sqlite3_stmt *st = NULL;
	long long seq = 0;
	int y, mo, d, h, mi, s, wd;

	if (sqlite3_prepare_v2(p->db, "SELECT COALESCE(MAX(id), 0) + 1 FROM cases", -1, &st, NULL) != SQLITE_OK)
		return false;
	if (sqlite3_step(st) == SQLITE_ROW)
		seq = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	clock_local(plat_now_ms(), &y, &mo, &d, &h, &mi, &s, &wd);
	snprintf(out, n, "SH%s-%04d-%06lld", region ? region : "310000", y, seq);
	return seq > 0;
}

static bool insert_case(struct plat *p, const struct plat_req *req, json_t *root, const char *platform_no,
			const char *status, long long *ret_id)
{
	json_t *app = json_object_get(root, "applicant");
	sqlite3_stmt *st = NULL;
	int64_t now = plat_now_ms();
	int rc;

	if (sqlite3_prepare_v2(p->db,
			       "INSERT INTO cases (terminal, case_no, platform_no, query_code, id_type, id_number,"
			       " impl_code, item_name, status, promised_date, clock_trusted, received_ms, updated_ms,"
			       " body) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
			       -1, &st, NULL) != SQLITE_OK)
		return false;
	sqlite3_bind_text(st, 1, req->terminal, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, plat_json_str(root, "case_no"), -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, platform_no, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, plat_json_str(root, "query_code"), -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, plat_json_str(app, "id_type"), -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 6, plat_json_str(app, "id_number"), -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 7, plat_json_str(root, "impl_code"), -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 8, plat_json_str(root, "item_name"), -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 9, status, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 10, plat_json_str(root, "promised_date"), -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 11, json_is_true(json_object_get(root, "clock_trusted")));
	sqlite3_bind_int64(st, 12, now);
	sqlite3_bind_int64(st, 13, now);
	sqlite3_bind_text(st, 14, req->body, (int)req->len, SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return false;
	*ret_id = sqlite3_last_insert_rowid(p->db);
	return true;
}

static bool insert_materials(struct plat *p, long long case_id, json_t *root)
{
	sqlite3_stmt *ms = NULL, *ps = NULL;
	json_t *mat, *pg;
	size_t i, j;
	bool ok = false;

	if (sqlite3_prepare_v2(p->db, "INSERT INTO materials (case_id, ord, code, name, status) VALUES (?, ?, ?, ?, ?)",
			       -1, &ms, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(p->db, "INSERT INTO pages (case_id, material, ord, size, sha256) VALUES (?, ?, ?, ?, ?)",
			       -1, &ps, NULL) != SQLITE_OK)
		goto out;
	json_array_foreach(json_object_get(root, "materials"), i, mat) {
		sqlite3_reset(ms);
		sqlite3_bind_int64(ms, 1, case_id);
		sqlite3_bind_int64(ms, 2, (long long)i + 1);
		sqlite3_bind_text(ms, 3, plat_json_str(mat, "code"), -1, SQLITE_STATIC);
		sqlite3_bind_text(ms, 4, plat_json_str(mat, "name"), -1, SQLITE_STATIC);
		sqlite3_bind_text(ms, 5, plat_json_str(mat, "status"), -1, SQLITE_STATIC);
		if (sqlite3_step(ms) != SQLITE_DONE)
			goto out;
		if (strcmp(plat_json_str(mat, "status"), "received") != 0)
			continue;
		json_array_foreach(json_object_get(mat, "pages"), j, pg) {
			sqlite3_reset(ps);
			sqlite3_bind_int64(ps, 1, case_id);
			sqlite3_bind_int64(ps, 2, (long long)i + 1);
			sqlite3_bind_int64(ps, 3, (long long)j + 1);
			sqlite3_bind_int64(ps, 4, json_integer_value(json_object_get(pg, "size")));
			sqlite3_bind_text(ps, 5, plat_json_str(pg, "sha256"), -1, SQLITE_STATIC);
			if (sqlite3_step(ps) != SQLITE_DONE)
				goto out;
		}
	}
	ok = true;
out:
	sqlite3_finalize(ms);
	sqlite3_finalize(ps);
	return ok;
}

static int pages_announced(json_t *root)
{
	json_t *mat;
	size_t i;
	int n = 0;

	json_array_foreach(json_object_get(root, "materials"), i, mat)
		if (strcmp(plat_json_str(mat, "status"), "received") == 0)
			n += (int)json_array_size(json_object_get(mat, "pages"));
	return n;
}

void plat_cases_submit(struct plat *p, const struct plat_req *req, struct plat_reply *reply)
{
	struct plat_json_err err;
	json_t *root = plat_json_parse(req->body, req->len, &err);
	char platform_no[64], at[40];
	const char *case_no, *status;
	long long id;
	bool known;
	int pages;

	if (!root) {
		plat_reply_error(reply, 400, err.code, NULL, "%s", err.message);
		return;
	}
	if (!plat_json_case(root, req->terminal, &err)) {
		plat_reply_error(reply, 400, err.code, err.field, "%s", err.message);
		goto out;
	}
	case_no = plat_json_str(root, "case_no");
	if (!case_known(p, req->terminal, case_no, &known))
		goto fail;
	if (known) {
		/* Counted before refusing: a second creation under another key is what the checker calls a duplicate. */
		if (plat_ledger_note(p, req->terminal, "case", case_no, req->key, "duplicate") != KERR_OK)
			goto fail;
		plat_reply_error(reply, 422, "case_exists", "case_no", "case %s is already held under another key",
				 case_no);
		goto out;
	}
	pages = pages_announced(root);
	status = pages > 0 ? "awaiting_materials" : "received";
	if (!next_platform_no(p, plat_json_str(root, "region_code"), platform_no, sizeof(platform_no)) ||
	    !insert_case(p, req, root, platform_no, status, &id) || !insert_materials(p, id, root) ||
	    plat_ledger_note(p, req->terminal, "case", case_no, req->key, "created") != KERR_OK)
		goto fail;
	plat_reply_json(reply, 201,
			json_pack("{s:s, s:s, s:s, s:i}", "platform_no", platform_no, "case_no", case_no, "status",
				  status, "pages_missing", pages));
	if (json_is_true(json_object_get(root, "clock_trusted"))) {
		plat_log_info(p, "case %s -> %s (%d pages awaited)", case_no, platform_no, pages);
	} else {
		/* Section 4: an untrusted terminal clock gets the platform's receive time beside it. */
		plat_format_at(plat_now_ms(), at, sizeof(at));
		plat_log_info(p, "case %s -> %s (%d pages awaited; terminal clock untrusted, received %s)", case_no,
			      platform_no, pages, at);
	}
	goto out;
fail:
	plat_log_err("case %s: %s", req->terminal, sqlite3_errmsg(p->db));
	plat_reply_error(reply, 500, "internal", NULL, "database error");
out:
	json_decref(root);
}
