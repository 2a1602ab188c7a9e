/* Resumable page uploads (section 5): HEAD tells the offset held, PATCH appends at exactly that offset, and a
 * whole page is checked against the SHA-256 its case announced. */
#include "tests/platform/plat.h"

#include <stdio.h>
#include <string.h>

#include <openssl/evp.h>

struct page {
	long long id;
	long long case_id;
	long long size;
	long long offset;
	bool complete;
	char sha256[65];
};

/* 1 found, 0 not found, -1 database error. A case is only found by the terminal that submitted it. */
static int page_find(struct plat *p, const char *terminal, const char *platform_no, int m, int pg, struct page *ret)
{
	sqlite3_stmt *st = NULL;
	int rc;

	if (sqlite3_prepare_v2(p->db,
			       "SELECT pages.id, pages.case_id, size, offset, complete, sha256 FROM pages"
			       " JOIN cases ON cases.id = pages.case_id"
			       " WHERE cases.terminal = ? AND cases.platform_no = ? AND material = ? AND ord = ?",
			       -1, &st, NULL) != SQLITE_OK)
		return -1;
	sqlite3_bind_text(st, 1, terminal, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, platform_no, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 3, m);
	sqlite3_bind_int(st, 4, pg);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		ret->id = sqlite3_column_int64(st, 0);
		ret->case_id = sqlite3_column_int64(st, 1);
		ret->size = sqlite3_column_int64(st, 2);
		ret->offset = sqlite3_column_int64(st, 3);
		ret->complete = sqlite3_column_int(st, 4) != 0;
		snprintf(ret->sha256, sizeof(ret->sha256), "%s", (const char *)sqlite3_column_text(st, 5));
	}
	sqlite3_finalize(st);
	return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}

static void not_found(struct plat_reply *reply, const char *platform_no, int m, int pg)
{
	plat_reply_error(reply, 404, "not_found", NULL, "no page %d of material %d in case %s", pg, m, platform_no);
}

void plat_pages_head(struct plat *p, const struct plat_req *req, const char *platform_no, int m, int pg,
		     struct plat_reply *reply)
{
	struct page page;
	int found = page_find(p, req->terminal, platform_no, m, pg, &page);

	if (found < 0) {
		plat_reply_error(reply, 500, "internal", NULL, "database error");
		return;
	}
	if (!found) {
		not_found(reply, platform_no, m, pg);
		return;
	}
	reply->status = 200;
	reply->upload_offset = page.offset;
	reply->upload_length = page.size;
	reply->upload_complete = page.complete;
}

bool plat_pages_digest(struct plat *p, long long page_id, char out[65])
{
	sqlite3_stmt *st = NULL;
	EVP_MD_CTX *c = EVP_MD_CTX_new();
	unsigned char md[32];
	unsigned int mdlen;
	bool ok = false;
	int rc;

	if (!c || !EVP_DigestInit_ex(c, EVP_sha256(), NULL) ||
	    sqlite3_prepare_v2(p->db, "SELECT data FROM chunks WHERE page_id = ? ORDER BY offset", -1, &st, NULL) !=
		    SQLITE_OK)
		goto out;
	sqlite3_bind_int64(st, 1, page_id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		if (!EVP_DigestUpdate(c, sqlite3_column_blob(st, 0), (size_t)sqlite3_column_bytes(st, 0)))
			goto out;
	if (rc != SQLITE_DONE || !EVP_DigestFinal_ex(c, md, &mdlen))
		goto out;
	for (int i = 0; i < 32; i++)
		snprintf(out + 2 * i, 3, "%02x", md[i]);
	ok = true;
out:
	sqlite3_finalize(st);
	EVP_MD_CTX_free(c);
	return ok;
}

static bool run(struct plat *p, const char *sql, long long a, long long b)
{
	sqlite3_stmt *st = NULL;
	int rc;

	if (sqlite3_prepare_v2(p->db, sql, -1, &st, NULL) != SQLITE_OK)
		return false;
	sqlite3_bind_int64(st, 1, a);
	if (sqlite3_bind_parameter_count(st) > 1)
		sqlite3_bind_int64(st, 2, b);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE;
}

static bool append(struct plat *p, const struct page *page, const char *data, size_t len)
{
	sqlite3_stmt *st = NULL;
	int rc;

	if (sqlite3_prepare_v2(p->db, "INSERT INTO chunks (page_id, offset, data) VALUES (?, ?, ?)", -1, &st, NULL) !=
	    SQLITE_OK)
		return false;
	sqlite3_bind_int64(st, 1, page->id);
	sqlite3_bind_int64(st, 2, page->offset);
	sqlite3_bind_blob(st, 3, data, (int)len, SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE &&
	       run(p, "UPDATE pages SET offset = ? WHERE id = ?", page->offset + (long long)len, page->id);
}

/* When the last page of a case became whole, the case is received (section 5). */
static bool case_maybe_received(struct plat *p, long long case_id, const char *platform_no)
{
	sqlite3_stmt *st = NULL;
	int rc, open = -1;

	if (sqlite3_prepare_v2(p->db, "SELECT COUNT(*) FROM pages WHERE case_id = ? AND complete = 0", -1, &st,
			       NULL) != SQLITE_OK)
		return false;
	sqlite3_bind_int64(st, 1, case_id);
	if (sqlite3_step(st) == SQLITE_ROW)
		open = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	if (open != 0)
		return open > 0;
	if (sqlite3_prepare_v2(p->db,
			       "UPDATE cases SET status = 'received', updated_ms = ? WHERE id = ?"
			       " AND status = 'awaiting_materials'",
			       -1, &st, NULL) != SQLITE_OK)
		return false;
	sqlite3_bind_int64(st, 1, plat_now_ms());
	sqlite3_bind_int64(st, 2, case_id);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc == SQLITE_DONE && sqlite3_changes(p->db) > 0)
		plat_log_info(p, "case %s received: every page whole", platform_no);
	return rc == SQLITE_DONE;
}

void plat_pages_patch(struct plat *p, const struct plat_req *req, const char *platform_no, int m, int pg,
		      long long upload_offset, struct plat_reply *reply)
{
	struct page page;
	char held[65];
	int found = page_find(p, req->terminal, platform_no, m, pg, &page);

	if (found < 0)
		goto fail;
	if (!found) {
		not_found(reply, platform_no, m, pg);
		return;
	}
	reply->page_id = page.id;
	if (page.complete) {
		plat_reply_error(reply, 409, "offset_mismatch", "Upload-Offset", "the page is already whole");
		reply->upload_offset = page.size;
		reply->upload_complete = 1;
		return;
	}
	if (upload_offset != page.offset) {
		plat_reply_error(reply, 409, "offset_mismatch", "Upload-Offset", "the platform holds %lld bytes, not %lld",
				 page.offset, upload_offset);
		reply->upload_offset = page.offset;
		reply->upload_complete = 0;
		return;
	}
	if ((long long)req->len > page.size - page.offset) {
		plat_reply_error(reply, 413, "too_large", NULL, "%zu bytes at %lld run past the page's %lld", req->len,
				 page.offset, page.size);
		return;
	}
	if (req->len > 0 && !append(p, &page, req->body, req->len))
		goto fail;
	page.offset += (long long)req->len;
	reply->status = 204;
	reply->upload_offset = page.offset;
	reply->upload_complete = 0;
	if (page.offset < page.size)
		return;
	if (!plat_pages_digest(p, page.id, held))
		goto fail;
	if (strcmp(held, page.sha256) != 0) {
		/* Dropped bytes make every earlier answer about this page stale, so their keys are forgotten too:
		 * the terminal resends from 0 with the same chunk keys. */
		if (!run(p, "DELETE FROM chunks WHERE page_id = ?", page.id, 0) ||
		    !run(p, "UPDATE pages SET offset = 0 WHERE id = ?", page.id, 0) ||
		    plat_idem_forget_page(p, page.id) != KERR_OK)
			goto fail;
		plat_reply_error(reply, 422, "digest_mismatch", NULL, "page bytes have SHA-256 %s, the case said %s",
				 held, page.sha256);
		reply->upload_offset = 0;
		reply->upload_complete = 0;
		plat_log_info(p, "page %s/m%d/p%d digest mismatch: dropped", platform_no, m, pg);
		return;
	}
	if (!run(p, "UPDATE pages SET complete = 1 WHERE id = ?", page.id, 0))
		goto fail;
	reply->upload_complete = 1;
	plat_log_info(p, "page %s/m%d/p%d complete (%lld bytes)", platform_no, m, pg, page.size);
	if (!case_maybe_received(p, page.case_id, platform_no))
		goto fail;
	return;
fail:
	plat_log_err("page %s/m%d/p%d: %s", platform_no, m, pg, sqlite3_errmsg(p->db));
	plat_reply_finish(reply);
	plat_reply_init(reply);
	plat_reply_error(reply, 500, "internal", NULL, "database error");
}
