/* 证照打印 (docs/uplink.md, section 8a): the certificates and proofs the platform holds for a resident, listed
 * by identity and fetched as PDF. The reference platform issues them itself, rendering each PDF once with cairo
 * when it is issued (from --certificates at start, or POST /admin/certificates), so what it serves is byte-for-byte
 * what its SHA-256 says. */
#include "tests/platform/plat.h"

#include <cairo-pdf.h>
#include <cairo.h>
#include <fontconfig/fontconfig.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/platform/plat_json.h"

struct buf {
	unsigned char *data;
	size_t len, cap;
	bool failed;
};

static cairo_status_t on_write(void *closure, const unsigned char *data, unsigned int length)
{
	struct buf *b = closure;

	if (b->len + length > b->cap) {
		size_t cap = (b->len + length) * 2;
		unsigned char *n = realloc(b->data, cap);

		if (!n) {
			b->failed = true;
			return CAIRO_STATUS_NO_MEMORY;
		}
		b->data = n, b->cap = cap;
	}
	memcpy(b->data + b->len, data, length);
	b->len += length;
	return CAIRO_STATUS_SUCCESS;
}

static void text_at(cairo_t *cr, double x, double y, double size, bool bold, const char *s)
{
	cairo_select_font_face(cr, "Noto Sans CJK SC", CAIRO_FONT_SLANT_NORMAL,
			       bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL);
	cairo_set_font_size(cr, size);
	cairo_move_to(cr, x, y);
	cairo_show_text(cr, s);
}

static void centered(cairo_t *cr, double y, double size, bool bold, const char *s)
{
	cairo_text_extents_t ext;

	cairo_select_font_face(cr, "Noto Sans CJK SC", CAIRO_FONT_SLANT_NORMAL,
			       bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL);
	cairo_set_font_size(cr, size);
	cairo_text_extents(cr, s, &ext);
	cairo_move_to(cr, (595.0 - ext.x_advance) / 2, y);
	cairo_show_text(cr, s);
}

/* One A4 page: title, holder, the lines, issuer and date, and the certificate's number for verification. */
static bool render(json_t *c, const char *cert_id, struct buf *out)
{
	cairo_surface_t *s = cairo_pdf_surface_create_for_stream(on_write, out, 595, 842);
	cairo_t *cr = cairo_create(s);
	const char *date = plat_json_str(c, "issued_date");
	json_t *lines = json_object_get(c, "lines"), *v;
	char line[512];
	double y = 220;
	size_t i;
	bool ok;

	cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_TITLE, plat_json_str(c, "title"));
	cairo_set_source_rgb(cr, 0, 0, 0);
	centered(cr, 120, 24, true, plat_json_str(c, "title"));
	snprintf(line, sizeof(line), "证明编号：%s", cert_id);
	centered(cr, 150, 10, false, line);
	snprintf(line, sizeof(line), "姓名：%s", plat_json_str(c, "holder_name"));
	text_at(cr, 72, 200, 12, false, line);
	json_array_foreach(lines, i, v) {
		y += 22;
		text_at(cr, 72, y, 12, false, json_string_value(v));
	}
	text_at(cr, 360, 700, 12, false, plat_json_str(c, "issuer"));
	snprintf(line, sizeof(line), "%.4s年%.2s月%.2s日", date, date + 4, date + 6);
	text_at(cr, 360, 722, 12, false, line);
	text_at(cr, 72, 790, 8, false, "本证明可通过政务服务平台按证明编号核验真伪。");
	cairo_show_page(cr);
	cairo_destroy(cr);
	cairo_surface_finish(s);
	ok = cairo_surface_status(s) == CAIRO_STATUS_SUCCESS && !out->failed;
	cairo_surface_destroy(s);
	return ok;
}

static void sha256_hex(const unsigned char *data, size_t len, char out[65])
{
	unsigned char md[32];
	unsigned int n = 0;

	EVP_Digest(data, len, md, &n, EVP_sha256(), NULL);
	for (unsigned i = 0; i < 32; i++)
		snprintf(out + 2 * i, 3, "%02x", md[i]);
}

enum kerr plat_certs_issue(struct plat *p, json_t *c, char cert_id[64], char *err, size_t n)
{
	struct plat_json_err jerr;
	struct buf pdf = { 0 };
	sqlite3_stmt *st = NULL;
	char sha[65];
	long long seq;
	enum kerr e = KERR_IO;

	if (!plat_json_cert_issue(c, &jerr)) {
		snprintf(err, n, "%s: %s", jerr.field, jerr.message);
		return KERR_INVAL;
	}
	if (sqlite3_prepare_v2(p->db, "SELECT count(*) + 1 FROM certificates", -1, &st, NULL) != SQLITE_OK ||
	    sqlite3_step(st) != SQLITE_ROW)
		goto db;
	seq = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	st = NULL;
	snprintf(cert_id, 64, "ZM-%.8s-%06lld", plat_json_str(c, "issued_date"), seq);
	if (!render(c, cert_id, &pdf)) {
		snprintf(err, n, "cannot render the PDF");
		free(pdf.data);
		return KERR_IO;
	}
	sha256_hex(pdf.data, pdf.len, sha);
	if (sqlite3_prepare_v2(p->db,
			       "INSERT INTO certificates (cert_id, id_type, id_number, title, issuer, issued_date, pdf,"
			       " sha256) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
			       -1, &st, NULL) != SQLITE_OK)
		goto db;
	sqlite3_bind_text(st, 1, cert_id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, plat_json_str(c, "id_type"), -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, plat_json_str(c, "id_number"), -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, plat_json_str(c, "title"), -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, plat_json_str(c, "issuer"), -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 6, plat_json_str(c, "issued_date"), -1, SQLITE_STATIC);
	sqlite3_bind_blob(st, 7, pdf.data, (int)pdf.len, SQLITE_STATIC);
	sqlite3_bind_text(st, 8, sha, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE)
		goto db;
	plat_log_info(p, "certificate %s issued: %s, %zu bytes", cert_id, plat_json_str(c, "title"), pdf.len);
	e = KERR_OK;
	goto out;
db:
	snprintf(err, n, "database: %s", sqlite3_errmsg(p->db));
out:
	sqlite3_finalize(st);
	free(pdf.data);
	return e;
}

enum kerr plat_certs_load(struct plat *p, const char *path, char *err, size_t n)
{
	json_error_t jerr;
	json_t *list = json_load_file(path, 0, &jerr), *c;
	char id[64];
	size_t i;
	enum kerr e = KERR_OK;

	if (!json_is_array(list)) {
		snprintf(err, n, "%s: not a list of certificates (%s)", path, list ? "wrong type" : jerr.text);
		json_decref(list);
		return KERR_INVAL;
	}
	pthread_mutex_lock(&p->lock);
	/* Issued once: a restart with the same database keeps the numbers the terminal may have shown. */
	{
		sqlite3_stmt *st;
		bool empty = false;

		if (sqlite3_prepare_v2(p->db, "SELECT count(*) FROM certificates", -1, &st, NULL) == SQLITE_OK &&
		    sqlite3_step(st) == SQLITE_ROW)
			empty = sqlite3_column_int64(st, 0) == 0;
		sqlite3_finalize(st);
		json_array_foreach(list, i, c) {
			if (!empty)
				break;
			e = plat_certs_issue(p, c, id, err, n);
			if (e != KERR_OK)
				break;
		}
	}
	pthread_mutex_unlock(&p->lock);
	json_decref(list);
	return e;
}

static json_t *request_body(const struct plat_req *req, bool fetch, struct plat_reply *reply)
{
	struct plat_json_err err;
	json_t *root = plat_json_parse(req->body, req->len, &err);

	if (!root) {
		plat_reply_error(reply, 400, err.code, NULL, "%s", err.message);
		return NULL;
	}
	if (!plat_json_cert_request(root, fetch, &err)) {
		plat_reply_error(reply, 400, err.code, err.field, "%s", err.message);
		json_decref(root);
		return NULL;
	}
	return root;
}

void plat_certs_query(struct plat *p, const struct plat_req *req, struct plat_reply *reply)
{
	json_t *root = request_body(req, false, reply), *list = NULL;
	sqlite3_stmt *st = NULL;
	int rc;

	if (!root)
		return;
	if (sqlite3_prepare_v2(p->db,
			       "SELECT cert_id, title, issuer, issued_date, length(pdf), sha256 FROM certificates"
			       " WHERE id_type = ?1 AND id_number = ?2 ORDER BY id LIMIT 16",
			       -1, &st, NULL) != SQLITE_OK)
		goto fail;
	sqlite3_bind_text(st, 1, plat_json_str(root, "id_type"), -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, plat_json_str(root, "id_number"), -1, SQLITE_STATIC);
	list = json_array();
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		json_t *c = json_pack("{s:s, s:s, s:s, s:s, s:i, s:I, s:s}", "cert_id", sqlite3_column_text(st, 0),
				      "title", sqlite3_column_text(st, 1), "issuer", sqlite3_column_text(st, 2),
				      "issued_date", sqlite3_column_text(st, 3), "pages", 1, "size",
				      (json_int_t)sqlite3_column_int64(st, 4), "sha256", sqlite3_column_text(st, 5));

		if (!c || json_array_append_new(list, c) != 0)
			goto fail;
	}
	if (rc != SQLITE_DONE)
		goto fail;
	plat_log_info(p, "certificates listed for %s: %zu", req->terminal, json_array_size(list));
	plat_reply_json(reply, 200, json_pack("{s:O}", "certificates", list));
	goto out;
fail:
	plat_reply_error(reply, 500, "internal", NULL, "database error");
out:
	sqlite3_finalize(st);
	json_decref(list);
	json_decref(root);
}

void plat_certs_fetch(struct plat *p, const struct plat_req *req, struct plat_reply *reply)
{
	json_t *root = request_body(req, true, reply);
	sqlite3_stmt *st = NULL;
	int rc;

	if (!root)
		return;
	if (sqlite3_prepare_v2(p->db,
			       "SELECT pdf FROM certificates WHERE cert_id = ?1 AND id_type = ?2 AND id_number = ?3",
			       -1, &st, NULL) != SQLITE_OK)
		goto fail;
	sqlite3_bind_text(st, 1, plat_json_str(root, "cert_id"), -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, plat_json_str(root, "id_type"), -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, plat_json_str(root, "id_number"), -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_DONE) {
		/* Someone else's certificate looks exactly like one that does not exist. */
		plat_reply_error(reply, 404, "not_found", "cert_id", "no such certificate for this holder");
		goto out;
	}
	if (rc != SQLITE_ROW)
		goto fail;
	reply->len = (size_t)sqlite3_column_bytes(st, 0);
	reply->body = malloc(reply->len ? reply->len : 1);
	if (!reply->body)
		goto fail;
	memcpy(reply->body, sqlite3_column_blob(st, 0), reply->len);
	reply->status = 200;
	reply->content_type = "application/pdf";
	plat_log_info(p, "certificate %s sent to %s", plat_json_str(root, "cert_id"), req->terminal);
	goto out;
fail:
	plat_reply_error(reply, 500, "internal", NULL, "database error");
out:
	sqlite3_finalize(st);
	json_decref(root);
}

void plat_admin_certs(struct plat *p, const char *body, size_t len, struct plat_reply *reply)
{
	struct plat_json_err jerr;
	json_t *c = plat_json_parse(body, len, &jerr);
	char id[64], err[256];
	enum kerr e;

	if (!c) {
		plat_reply_error(reply, 400, jerr.code, NULL, "%s", jerr.message);
		return;
	}
	e = plat_certs_issue(p, c, id, err, sizeof(err));
	json_decref(c);
	if (e == KERR_INVAL)
		plat_reply_error(reply, 400, "invalid", NULL, "%s", err);
	else if (e != KERR_OK)
		plat_reply_error(reply, 500, "internal", NULL, "%s", err);
	else
		plat_reply_json(reply, 200, json_pack("{s:s}", "cert_id", id));
}

void plat_certs_shutdown(void)
{
	/* cairo's and fontconfig's caches live until the process ends; emptied so a leak checker sees only real leaks. */
	cairo_debug_reset_static_data();
	FcFini();
}
