/* Idempotency keys (section 3): the stored answer per (terminal, key), replayed byte for byte, and the keys
 * whose first request is still being worked on. */
#include "tests/platform/plat.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

bool plat_idem_key_ok(const char *key)
{
	static const char set[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._:-";
	size_t n = key ? strlen(key) : 0;

	return n >= 1 && n <= 128 && strspn(key, set) == n;
}

void plat_idem_fingerprint(const char *method, const char *path, const char *body, size_t len, char out[65])
{
	unsigned char md[32];
	unsigned int mdlen = 0;
	EVP_MD_CTX *c = EVP_MD_CTX_new();

	/* Method and path end in a newline, which neither may hold, so no two requests share the input. */
	if (!c || !EVP_DigestInit_ex(c, EVP_sha256(), NULL) || !EVP_DigestUpdate(c, method, strlen(method)) ||
	    !EVP_DigestUpdate(c, "\n", 1) || !EVP_DigestUpdate(c, path, strlen(path)) ||
	    !EVP_DigestUpdate(c, "\n", 1) || !EVP_DigestUpdate(c, body, len) || !EVP_DigestFinal_ex(c, md, &mdlen))
		memset(md, 0, sizeof(md));
	EVP_MD_CTX_free(c);
	for (int i = 0; i < 32; i++)
		snprintf(out + 2 * i, 3, "%02x", md[i]);
}

static struct plat_inflight **find(struct plat *p, const char *terminal, const char *key)
{
	struct plat_inflight **f;

	for (f = &p->inflight; *f; f = &(*f)->next)
		if (strcmp((*f)->terminal, terminal) == 0 && strcmp((*f)->key, key) == 0)
			return f;
	return f;
}

static enum plat_idem lookup(struct plat *p, const char *terminal, const char *key, const char *fp,
			     struct plat_reply *reply)
{
	sqlite3_stmt *st = NULL;
	enum plat_idem res = PLAT_IDEM_NEW;
	int rc;

	if (sqlite3_prepare_v2(p->db,
			       "SELECT fingerprint, status, body, upload_offset, upload_complete FROM idem"
			       " WHERE terminal = ? AND key = ?",
			       -1, &st, NULL) != SQLITE_OK)
		goto fail;
	sqlite3_bind_text(st, 1, terminal, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, key, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_DONE)
		goto out;
	if (rc != SQLITE_ROW)
		goto fail;
	if (strcmp((const char *)sqlite3_column_text(st, 0), fp) != 0) {
		plat_reply_error(reply, 422, "key_reused", NULL, "Idempotency-Key %s was used for another request",
				 key);
		res = PLAT_IDEM_REUSED;
		goto out;
	}
	res = PLAT_IDEM_REPLAY;
	/* Sections 4 and 6: a replayed 201 Created answers 200 OK, with the very same body. */
	reply->status = sqlite3_column_int(st, 1) == 201 ? 200 : (unsigned)sqlite3_column_int(st, 1);
	reply->len = (size_t)sqlite3_column_bytes(st, 2);
	reply->body = malloc(reply->len + 1);
	if (!reply->body)
		goto fail;
	memcpy(reply->body, sqlite3_column_blob(st, 2) ?: "", reply->len);
	reply->upload_offset = sqlite3_column_type(st, 3) == SQLITE_NULL ? -1 : sqlite3_column_int64(st, 3);
	reply->upload_complete = sqlite3_column_type(st, 4) == SQLITE_NULL ? -1 : sqlite3_column_int(st, 4);
	reply->replayed = true;
out:
	sqlite3_finalize(st);
	return res;
fail:
	plat_log_err("idempotency lookup: %s", sqlite3_errmsg(p->db));
	sqlite3_finalize(st);
	plat_reply_finish(reply);
	plat_reply_init(reply);
	plat_reply_error(reply, 500, "internal", NULL, "database error");
	return PLAT_IDEM_ERROR;
}

enum plat_idem plat_idem_begin(struct plat *p, const char *terminal, const char *key, const char *fp,
			       struct plat_reply *reply)
{
	enum plat_idem res = lookup(p, terminal, key, fp, reply);
	struct plat_inflight **f, *n;

	if (res != PLAT_IDEM_NEW)
		return res;
	f = find(p, terminal, key);
	if (*f) {
		if (strcmp((*f)->fingerprint, fp) != 0) {
			plat_reply_error(reply, 422, "key_reused", NULL,
					 "Idempotency-Key %s is in use for another request", key);
			return PLAT_IDEM_REUSED;
		}
		plat_reply_error(reply, 409, "in_progress", NULL, "the first request with this key is running");
		reply->retry_after = 1;
		return PLAT_IDEM_BUSY;
	}
	n = calloc(1, sizeof(*n));
	if (!n) {
		plat_reply_error(reply, 500, "internal", NULL, "out of memory");
		return PLAT_IDEM_ERROR;
	}
	snprintf(n->terminal, sizeof(n->terminal), "%s", terminal);
	snprintf(n->key, sizeof(n->key), "%s", key);
	snprintf(n->fingerprint, sizeof(n->fingerprint), "%s", fp);
	n->next = p->inflight;
	p->inflight = n;
	return PLAT_IDEM_NEW;
}

void plat_idem_release(struct plat *p, const char *terminal, const char *key)
{
	struct plat_inflight **f = find(p, terminal, key), *gone = *f;

	if (!gone)
		return;
	*f = gone->next;
	free(gone);
}

enum kerr plat_idem_store(struct plat *p, const char *terminal, const char *key, const char *fp,
			  const struct plat_req *req, const struct plat_reply *reply)
{
	sqlite3_stmt *st = NULL;
	int rc;

	if (sqlite3_prepare_v2(p->db,
			       "INSERT INTO idem (terminal, key, fingerprint, method, path, status, body, upload_offset,"
			       " upload_complete, page_id, created_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
			       -1, &st, NULL) != SQLITE_OK)
		goto fail;
	sqlite3_bind_text(st, 1, terminal, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, key, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, fp, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, req->method, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, req->path, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 6, (int)reply->status);
	sqlite3_bind_blob(st, 7, reply->body ? reply->body : "", (int)reply->len, SQLITE_STATIC);
	if (reply->upload_offset >= 0)
		sqlite3_bind_int64(st, 8, reply->upload_offset);
	if (reply->upload_complete >= 0)
		sqlite3_bind_int(st, 9, reply->upload_complete);
	if (reply->page_id > 0)
		sqlite3_bind_int64(st, 10, reply->page_id);
	sqlite3_bind_int64(st, 11, plat_now_ms());
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc == SQLITE_DONE)
		return KERR_OK;
	st = NULL;
fail:
	plat_log_err("idempotency store: %s", sqlite3_errmsg(p->db));
	sqlite3_finalize(st);
	return KERR_IO;
}

enum kerr plat_idem_forget_page(struct plat *p, long long page_id)
{
	sqlite3_stmt *st = NULL;
	int rc;

	if (sqlite3_prepare_v2(p->db, "DELETE FROM idem WHERE page_id = ?", -1, &st, NULL) != SQLITE_OK) {
		plat_log_err("idempotency forget: %s", sqlite3_errmsg(p->db));
		return KERR_IO;
	}
	sqlite3_bind_int64(st, 1, page_id);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? KERR_OK : KERR_IO;
}
