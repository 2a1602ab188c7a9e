/* POST /api/v1/case-queries (section 7): a resident's cases by query code or by identity, newest first. */
#include "tests/platform/plat.h"

#include <string.h>

#include "tests/platform/plat_json.h"

/* The platform's words for each status when staff gave none. */
static const char *status_text(const char *status)
{
	static const char *const words[][2] = {
		{ "awaiting_materials", "材料上传中" }, { "received", "已接收" },  { "accepted", "已受理" },
		{ "processing", "办理中" },             { "completed", "已办结" }, { "returned", "已退回补正" },
		{ "refused", "不予受理" },
	};

	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (strcmp(status, words[i][0]) == 0)
			return words[i][1];
	return "";
}

void plat_query_cases(struct plat *p, const struct plat_req *req, struct plat_reply *reply)
{
	struct plat_json_err err;
	json_t *root = plat_json_parse(req->body, req->len, &err), *list = NULL;
	const char *code;
	sqlite3_stmt *st = NULL;
	int rc;

	if (!root) {
		plat_reply_error(reply, 400, err.code, NULL, "%s", err.message);
		return;
	}
	if (!plat_json_query(root, &err)) {
		plat_reply_error(reply, 400, err.code, err.field, "%s", err.message);
		goto out;
	}
	code = plat_json_str(root, "query_code");
	if (sqlite3_prepare_v2(p->db,
			       code ? "SELECT platform_no, case_no, impl_code, item_name, status, status_text,"
				      " promised_date, updated_ms FROM cases WHERE query_code = ?1"
				      " ORDER BY id DESC LIMIT 20"
				    : "SELECT platform_no, case_no, impl_code, item_name, status, status_text,"
				      " promised_date, updated_ms FROM cases WHERE id_type = ?1 AND id_number = ?2"
				      " ORDER BY id DESC LIMIT 20",
			       -1, &st, NULL) != SQLITE_OK)
		goto fail;
	sqlite3_bind_text(st, 1, code ? code : plat_json_str(root, "id_type"), -1, SQLITE_STATIC);
	if (!code)
		sqlite3_bind_text(st, 2, plat_json_str(root, "id_number"), -1, SQLITE_STATIC);
	list = json_array();
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *status = (const char *)sqlite3_column_text(st, 4);
		const char *text = (const char *)sqlite3_column_text(st, 5);
		const char *pd = (const char *)sqlite3_column_text(st, 6);
		char at[40];
		json_t *c;

		plat_format_at(sqlite3_column_int64(st, 7), at, sizeof(at));
		c = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:I, s:s}", "platform_no", sqlite3_column_text(st, 0),
			      "case_no", sqlite3_column_text(st, 1), "impl_code", sqlite3_column_text(st, 2),
			      "item_name", sqlite3_column_text(st, 3), "status", status, "status_text",
			      text ? text : status_text(status), "updated_ms",
			      (json_int_t)sqlite3_column_int64(st, 7), "updated_at", at);
		if (c && pd)
			json_object_set_new(c, "promised_date", json_string(pd));
		if (!c || json_array_append_new(list, c) != 0)
			goto fail;
	}
	if (rc != SQLITE_DONE)
		goto fail;
	plat_reply_json(reply, 200, json_pack("{s:O}", "cases", list));
	goto out;
fail:
	plat_reply_error(reply, 500, "internal", NULL, "database error");
out:
	sqlite3_finalize(st);
	json_decref(list);
	json_decref(root);
}
