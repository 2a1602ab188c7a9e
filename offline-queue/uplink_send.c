/* Sending one outbox entry (docs/uplink.md sections 4 to 6): a case, then each
 * of its pages in resumable chunks, or an evaluation. Every step is safe to
 * repeat: the case's key makes a second POST a replay, and a page resumes from
 * the offset the platform reports. */
#include "offline-queue/uplink_impl.h"

#include "common/log.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static void why(struct uplink *u, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void why(struct uplink *u, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(u->why, sizeof(u->why), fmt, ap);
	va_end(ap);
}

enum uplink_outcome uplink_outcome_of(struct uplink *u, enum kerr err,
				      const struct uplink_response *r)
{
	struct uplink_error e;

	u->retry_after_ms = 0;
	if (err == KERR_NET) {
		why(u, "%s", r->error);
		return OUT_NETDOWN;
	}
	if (err) {
		why(u, "request failed: %s", kerr_str(err));
		return OUT_RETRY;
	}
	uplink_parse_error(r->body, r->len, &e);
	u->retry_after_ms = uplink_parse_retry_after(r->retry_after, clock_wall_ms(u->clk));
	why(u, "HTTP %ld %s%s%s%s%s", r->status, e.code[0] ? e.code : "(no error code)",
	    e.field[0] ? " field " : "", e.field, e.message[0] ? ": " : "", e.message);
	/* Everything but a refusal is tried again; a 2xx lands here only when its body was not
	 * what the contract says, which counts like a 500. */
	return uplink_classify(r->status, e.code) == UPLINK_REJECT ? OUT_REJECT : OUT_RETRY;
}

static enum kerr post_json(struct uplink *u, const char *path, const char *body, const char *key,
			   struct uplink_response *r)
{
	struct uplink_request req = {
		.method = "POST",
		.path = path,
		.content_type = "application/json",
		.body = body,
		.len = strlen(body),
		.idempotency_key = key,
		.upload_offset = -1,
	};

	return uplink_http_do(u->http, &req, r);
}

/* Section 4: the case's POST, whose key makes a repeat return the first answer.
 */
static enum uplink_outcome submit_case(struct uplink *u, const struct queue_sync_item *it,
				       struct queue_case_rec *c)
{
	struct uplink_response r;
	struct uplink_case_reply rep;
	enum uplink_outcome out;
	char *body = NULL, msg[160];
	enum kerr err;

	err = uplink_body_case(c, &body);
	if (err) {
		why(u, "case %s cannot be expressed in the contract: %s", c->case_no,
		    kerr_str(err));
		return err == KERR_NOMEM ? OUT_RETRY : OUT_REJECT;
	}
	err = post_json(u, API "/cases", body, it->key, &r);
	uplink_body_free(body);
	if (!err && (r.status == 200 || r.status == 201)) {
		if (uplink_parse_case(r.body, r.len, &rep, msg, sizeof(msg)) != KERR_OK) {
			why(u, "case %s: %s", c->case_no, msg);
			uplink_response_clear(&r);
			return OUT_RETRY;
		}
		uplink_response_clear(&r);
		if (queue_sync_set_platform_no(u->q, c->id, rep.platform_no) != KERR_OK) {
			why(u, "store: %s", queue_errmsg(u->q));
			return OUT_STORE;
		}
		snprintf(c->platform_no, sizeof(c->platform_no), "%s", rep.platform_no);
		log_info("uplink: case %s is %s at the platform (%s)", c->case_no, rep.platform_no,
			 rep.status);
		return OUT_DONE;
	}
	out = uplink_outcome_of(u, err, &r);
	uplink_response_clear(&r);
	return out;
}

/* Asks the platform how much of the page it holds. */
static enum uplink_outcome page_offset(struct uplink *u, const char *path, int64_t *ret_offset,
				       bool *ret_complete, bool *ret_unknown)
{
	struct uplink_request req = {.method = "HEAD", .path = path, .upload_offset = -1};
	struct uplink_response r;
	enum uplink_outcome out = OUT_DONE;
	enum kerr err;

	*ret_unknown = false;
	err = uplink_http_do(u->http, &req, &r);
	if (!err && r.status == 200) {
		if (uplink_parse_offset(r.upload_offset, ret_offset) != KERR_OK) {
			why(u, "HEAD %s: no readable Upload-Offset", path);
			out = OUT_RETRY;
		}
		*ret_complete = uplink_parse_complete(r.upload_complete);
	} else if (!err && r.status == 404) {
		*ret_unknown = true;
		why(u, "HEAD %s: the platform does not know the page", path);
		out = OUT_RETRY;
	} else {
		out = uplink_outcome_of(u, err, &r);
	}
	uplink_response_clear(&r);
	return out;
}

/* Section 5: one page, from the platform's offset to the end. */
static enum uplink_outcome upload_page(struct uplink *u, const struct queue_sync_item *it,
				       struct queue_case_rec *c, int m, int p, bool *ret_unknown)
{
	const struct queue_page_rec *pg = &c->materials[m].pages[p];
	char path[256], key[160];
	int64_t offset = 0;
	bool complete = false, digest_retried = false;
	enum uplink_outcome out;
	struct queue_scan *scan = NULL;

	snprintf(path, sizeof(path), API "/cases/%s/materials/%d/pages/%d", c->platform_no, m + 1,
		 p + 1);
	out = page_offset(u, path, &offset, &complete, ret_unknown);
	if (out != OUT_DONE)
		return out;
	if (!complete && queue_sync_page_open(u->q, pg->file_name, &scan) != KERR_OK) {
		/* The scan was stored with its digest and is gone, unreadable or fails its
		 * authentication: nothing to send; a technician must look. The row and its digest
		 * stay. The message names the file, never its content. */
		why(u, "case %s page %d/%d: %s", c->case_no, m + 1, p + 1, queue_errmsg(u->q));
		return OUT_REJECT;
	}
	while (!complete) {
		struct uplink_request req = {
			.method = "PATCH",
			.path = path,
			.content_type = "application/offset+octet-stream",
			.idempotency_key = key,
		};
		struct uplink_response r;
		enum uplink_verdict verdict;
		struct uplink_error e;
		size_t want, got;
		enum kerr err;

		if (offset >= pg->size) {
			why(u,
			    "case %s page %d/%d: platform holds %lld of %lld bytes but not whole",
			    c->case_no, m + 1, p + 1, (long long)offset, (long long)pg->size);
			out = OUT_RETRY;
			break;
		}
		want = (size_t)(pg->size - offset) < u->cfg.chunk_bytes
			       ? (size_t)(pg->size - offset)
			       : u->cfg.chunk_bytes;
		/* Decrypted and authenticated chunk by chunk: the platform gets the plaintext
		 * JPEG, whose SHA-256 the row holds. */
		if (queue_scan_read(scan, offset, u->chunk, want, &got) != KERR_OK) {
			why(u, "case %s page %d/%d: %s", c->case_no, m + 1, p + 1,
			    queue_errmsg(u->q));
			out = OUT_REJECT;
			break;
		}
		if (got != want) {
			why(u, "case %s page %d/%d: the stored scan is shorter than recorded",
			    c->case_no, m + 1, p + 1);
			out = OUT_REJECT;
			break;
		}
		snprintf(key, sizeof(key), "%s:m%d:p%d:o%lld", it->key, m + 1, p + 1,
			 (long long)offset);
		req.body = u->chunk;
		req.len = got;
		req.upload_offset = offset;
		err = uplink_http_do(u->http, &req, &r);
		verdict = UPLINK_RETRY;
		if (!err) {
			uplink_parse_error(r.body, r.len, &e);
			verdict = uplink_classify(r.status, e.code);
		}
		if (verdict == UPLINK_OK || verdict == UPLINK_OFFSET) {
			int64_t next;

			if (uplink_parse_offset(r.upload_offset, &next) != KERR_OK ||
			    next > pg->size) {
				why(u, "PATCH %s: no readable Upload-Offset", path);
				out = OUT_RETRY;
				uplink_response_clear(&r);
				break;
			}
			offset = next;
			complete = uplink_parse_complete(r.upload_complete);
			uplink_response_clear(&r);
			continue;
		}
		if (verdict == UPLINK_DIGEST && !digest_retried) {
			/* The platform dropped the bytes; once more from the start, in case a chunk
			 * was damaged on the way. */
			log_warn("uplink: case %s page %d/%d did not match its SHA-256; sending it "
				 "again",
				 c->case_no, m + 1, p + 1);
			digest_retried = true;
			offset = 0;
			uplink_response_clear(&r);
			continue;
		}
		if (verdict == UPLINK_RESUBMIT)
			*ret_unknown = true;
		out = uplink_outcome_of(u, err, &r);
		uplink_response_clear(&r);
		break;
	}
	queue_scan_close(scan);
	if (complete) {
		if (queue_sync_page_uploaded(u->q, c->id, m, p) != KERR_OK) {
			why(u, "store: %s", queue_errmsg(u->q));
			return OUT_STORE;
		}
		log_info("uplink: case %s page %d/%d delivered (%lld bytes)", c->case_no, m + 1,
			 p + 1, (long long)pg->size);
		return OUT_DONE;
	}
	return out == OUT_DONE ? OUT_RETRY : out;
}

static enum uplink_outcome upload_pages(struct uplink *u, const struct queue_sync_item *it,
					struct queue_case_rec *c, bool *ret_unknown)
{
	for (size_t m = 0; m < c->n_materials; m++) {
		const struct queue_material_rec *mat = &c->materials[m];

		if (mat->status != QUEUE_MAT_RECEIVED)
			continue;
		for (size_t p = 0; p < mat->n_pages; p++) {
			enum uplink_outcome out;

			if (mat->pages[p].uploaded)
				continue;
			out = upload_page(u, it, c, (int)m, (int)p, ret_unknown);
			if (out != OUT_DONE)
				return out;
		}
	}
	return OUT_DONE;
}

enum uplink_outcome uplink_send_case(struct uplink *u, const struct queue_sync_item *it, char *ref,
				     size_t ref_size)
{
	struct queue_case_rec *c = NULL;
	enum uplink_outcome out = OUT_DONE;
	bool unknown = false;

	if (queue_case_get_by_id(u->q, it->ref_id, &c) != KERR_OK) {
		why(u, "store: %s", queue_errmsg(u->q));
		return OUT_STORE;
	}
	if (!c->platform_no[0])
		out = submit_case(u, it, c);
	if (out == OUT_DONE)
		out = upload_pages(u, it, c, &unknown);
	/* The platform lost the case (404 on a page): submit it again under the same
	 * key, which replays its number or makes it anew, then carry on. Once per
	 * exchange. */
	if (unknown && out != OUT_NETDOWN) {
		log_warn("uplink: the platform does not know case %s; submitting it again",
			 c->case_no);
		out = submit_case(u, it, c);
		if (out == OUT_DONE) {
			unknown = false;
			out = upload_pages(u, it, c, &unknown);
		}
	}
	if (out == OUT_DONE)
		snprintf(ref, ref_size, "%s", c->platform_no);
	queue_case_rec_free(c);
	return out;
}

enum uplink_outcome uplink_send_eval(struct uplink *u, const struct queue_sync_item *it, char *ref,
				     size_t ref_size)
{
	struct queue_eval_rec *e = NULL;
	struct uplink_eval_reply rep;
	struct uplink_response r;
	enum uplink_outcome out;
	char *body = NULL, msg[160];
	enum kerr err;

	if (queue_eval_get(u->q, it->ref_id, &e) != KERR_OK) {
		why(u, "store: %s", queue_errmsg(u->q));
		return OUT_STORE;
	}
	err = uplink_body_eval(e, u->terminal_id, &u->cfg.scheme, &body);
	queue_eval_rec_free(e);
	if (err) {
		why(u,
		    "evaluation %lld cannot be expressed (level codes configured? a field the "
		    "province requires missing?)",
		    (long long)it->ref_id);
		return err == KERR_NOMEM ? OUT_RETRY : OUT_REJECT;
	}
	err = post_json(u, API "/evaluations", body, it->key, &r);
	uplink_body_free(body);
	if (!err && (r.status == 200 || r.status == 201)) {
		out = OUT_RETRY;
		if (uplink_parse_eval(r.body, r.len, &rep, msg, sizeof(msg)) == KERR_OK) {
			snprintf(ref, ref_size, "%s", rep.eval_id);
			out = OUT_DONE;
		} else {
			why(u, "evaluation: %s", msg);
		}
		uplink_response_clear(&r);
		return out;
	}
	out = uplink_outcome_of(u, err, &r);
	uplink_response_clear(&r);
	return out;
}

enum uplink_outcome uplink_send_cert_print(struct uplink *u, const struct queue_sync_item *it,
					   char *ref, size_t ref_size)
{
	struct queue_cert_print p;
	struct uplink_response r;
	enum uplink_outcome out;
	char *body = NULL, msg[160];
	enum kerr err;

	if (queue_cert_print_get(u->q, it->ref_id, &p) != KERR_OK) {
		why(u, "store: %s", queue_errmsg(u->q));
		return OUT_STORE;
	}
	err = uplink_body_cert_print(&p, u->terminal_id, &body);
	if (err) {
		why(u, "certificate print %lld cannot be expressed", (long long)it->ref_id);
		return err == KERR_NOMEM ? OUT_RETRY : OUT_REJECT;
	}
	/* The outbox entry's key: a retry after a lost reply is the same print, counted once. */
	err = post_json(u, API "/certificate-prints", body, it->key, &r);
	uplink_body_free(body);
	if (!err && (r.status == 200 || r.status == 201)) {
		out = OUT_RETRY;
		if (uplink_parse_cert_print(r.body, r.len, ref, ref_size, msg, sizeof(msg)) == KERR_OK)
			out = OUT_DONE;
		else
			why(u, "certificate print: %s", msg);
		uplink_response_clear(&r);
		return out;
	}
	out = uplink_outcome_of(u, err, &r);
	uplink_response_clear(&r);
	return out;
}
