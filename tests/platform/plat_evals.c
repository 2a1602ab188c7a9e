/* POST /api/v1/evaluations (section 6): a checked rating, numbered E000001, E000002 ... */
#include "tests/platform/plat.h"

#include <stdio.h>

#include "tests/platform/plat_json.h"

void plat_evals_submit(struct plat *p, const struct plat_req *req, struct plat_reply *reply)
{
	struct plat_json_err err;
	json_t *root = plat_json_parse(req->body, req->len, &err);
	sqlite3_stmt *st = NULL;
	long long seq = 0;
	char eval_id[24];
	const char *case_no, *platform_no;

	if (!root) {
		plat_reply_error(reply, 400, err.code, NULL, "%s", err.message);
		return;
	}
	if (!plat_json_eval(root, req->terminal, &err)) {
		plat_reply_error(reply, 400, err.code, err.field, "%s", err.message);
		goto out;
	}
	if (sqlite3_prepare_v2(p->db, "SELECT COALESCE(MAX(id), 0) + 1 FROM evaluations", -1, &st, NULL) != SQLITE_OK)
		goto fail;
	if (sqlite3_step(st) == SQLITE_ROW)
		seq = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	st = NULL;
	snprintf(eval_id, sizeof(eval_id), "E%06lld", seq);
	case_no = plat_json_str(root, "case_no");
	platform_no = plat_json_str(root, "platform_no");
	if (seq < 1 || sqlite3_prepare_v2(p->db,
					  "INSERT INTO evaluations (eval_id, terminal, case_no, platform_no, level,"
					  " received_ms, body) VALUES (?, ?, ?, ?, ?, ?, ?)",
					  -1, &st, NULL) != SQLITE_OK)
		goto fail;
	sqlite3_bind_text(st, 1, eval_id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, req->terminal, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, case_no, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, platform_no, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, plat_json_str(root, "level"), -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 6, plat_now_ms());
	sqlite3_bind_text(st, 7, req->body, (int)req->len, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE ||
	    plat_ledger_note(p, req->terminal, "eval", eval_id, req->key, "created") != KERR_OK)
		goto fail;
	plat_reply_json(reply, 201, json_pack("{s:s}", "eval_id", eval_id));
	plat_log_info(p, "evaluation %s for %s: %s", eval_id, platform_no ? platform_no : case_no ? case_no : "no case",
		      plat_json_str(root, "level"));
	goto out;
fail:
	plat_log_err("evaluation from %s: %s", req->terminal, sqlite3_errmsg(p->db));
	plat_reply_error(reply, 500, "internal", NULL, "database error");
out:
	sqlite3_finalize(st);
	json_decref(root);
}
