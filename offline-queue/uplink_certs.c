/* 证照打印 through the platform (docs/uplink.md, section 7a): the holder's printable certificates, and one
 * certificate's PDF checked against the size and SHA-256 its list entry promised. Asked by the kiosk's thread,
 * run on the worker's, taken back by the kiosk's thread. */
#include "offline-queue/uplink_impl.h"

#include "common/log.h"

#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void uplink_certs_reply_clear(struct uplink_certs_reply *r)
{
	if (r->pdf) {
		explicit_bzero(r->pdf, r->pdf_len);
		free(r->pdf);
	}
	memset(r, 0, sizeof(*r));
}

static bool digest_matches(const unsigned char *data, size_t len, const char *want)
{
	unsigned char md[32];
	unsigned int n = 0;
	char hex[65];

	if (EVP_Digest(data, len, md, &n, EVP_sha256(), NULL) != 1 || n != 32)
		return false;
	for (unsigned i = 0; i < 32; i++)
		snprintf(hex + 2 * i, 3, "%02x", md[i]);
	return strcmp(hex, want) == 0;
}

/* The request's answer into rep: KERR_OK, or what went wrong. */
static enum kerr exchange(struct uplink *u, bool fetch, const struct uplink_cert *want, const char *type,
			  const char *number, struct uplink_certs_reply *rep)
{
	struct uplink_request req = { .method = "POST",
				      .path = fetch ? API "/certificate-fetches" : API "/certificate-queries",
				      .content_type = "application/json",
				      .upload_offset = -1,
				      .max_reply = fetch ? UPLINK_MAX_CERT_BYTES : 0 };
	struct uplink_response r;
	char *body = NULL, msg[160];
	enum kerr err = uplink_body_certs(fetch ? want->cert_id : NULL, type, number, &body);

	if (err)
		return err;
	req.body = body;
	req.len = strlen(body);
	err = uplink_http_do(u->http, &req, &r);
	uplink_body_free(body);
	if (err) {
		log_warn("uplink: certificate %s: %s", fetch ? "fetch" : "query", r.error);
	} else if (r.status != 200) {
		uplink_outcome_of(u, err, &r);
		log_warn("uplink: certificate %s failed: %s", fetch ? "fetch" : "query", u->why);
		err = r.status >= 500 ? KERR_NET : r.status == 404 ? KERR_NOT_FOUND : KERR_PROTO;
	} else if (!fetch) {
		err = uplink_parse_certs(r.body, r.len, &rep->list, msg, sizeof(msg));
		if (err)
			log_warn("uplink: certificate list refused: %s", msg);
	} else if ((int64_t)r.len != want->size || !digest_matches((unsigned char *)r.body, r.len, want->sha256)) {
		/* Printed, a wrong document would carry the resident's name: print nothing instead. */
		log_warn("uplink: certificate %s: %zu bytes that do not match its entry (%lld bytes and its SHA-256)",
			 want->cert_id, r.len, (long long)want->size);
		err = KERR_CORRUPT;
	} else {
		rep->pdf = (unsigned char *)r.body;
		rep->pdf_len = r.len;
		r.body = NULL; /* now the reply's */
		r.len = 0;
	}
	if (r.body)
		explicit_bzero(r.body, r.len);
	uplink_response_clear(&r);
	return err;
}

void uplink_run_certs(struct uplink *u)
{
	struct uplink_certs_reply rep = { 0 };
	struct uplink_cert want;
	char type[8], number[40];
	bool fetch;
	enum kerr err;

	pthread_mutex_lock(&u->mu);
	fetch = u->certs_fetch;
	want = u->certs_want;
	memcpy(type, u->certs_id_type, sizeof(type));
	memcpy(number, u->certs_id_number, sizeof(number));
	u->certs_pending = false;
	pthread_mutex_unlock(&u->mu);
	err = exchange(u, fetch, &want, type, number, &rep);
	explicit_bzero(number, sizeof(number));
	if (!err)
		log_info("uplink: certificate %s: %s", fetch ? "fetched" : "list",
			 fetch ? want.cert_id : (rep.list.n ? "some" : "none"));
	pthread_mutex_lock(&u->mu);
	if (!u->certs_pending) { /* else a newer request replaced this one while it ran */
		uplink_certs_reply_clear(&u->certs_reply);
		u->certs_reply = rep;
		u->certs_err = err;
		u->certs_answered = true;
		memset(&rep, 0, sizeof(rep));
	}
	pthread_mutex_unlock(&u->mu);
	uplink_certs_reply_clear(&rep);
	/* The resident is waiting: tell the screen now, not when the round's uploads are done. */
	if (u->cfg.notify)
		u->cfg.notify(u->cfg.ctx);
}

enum kerr uplink_certs(struct uplink *u, const struct uplink_cert *want, const char *id_type,
		       const char *id_number)
{
	if (!id_number || !id_number[0] || strlen(id_number) >= sizeof(u->certs_id_number) ||
	    (id_type && strlen(id_type) >= sizeof(u->certs_id_type)) || (want && !want->cert_id[0]))
		return KERR_INVAL;
	pthread_mutex_lock(&u->mu);
	u->certs_fetch = want != NULL;
	if (want)
		u->certs_want = *want;
	snprintf(u->certs_id_type, sizeof(u->certs_id_type), "%s", id_type ? id_type : "111");
	snprintf(u->certs_id_number, sizeof(u->certs_id_number), "%s", id_number);
	uplink_certs_reply_clear(&u->certs_reply);
	u->certs_pending = true;
	u->certs_answered = false;
	pthread_cond_broadcast(&u->wake);
	pthread_mutex_unlock(&u->mu);
	return KERR_OK;
}

bool uplink_certs_take(struct uplink *u, struct uplink_certs_reply *ret, enum kerr *ret_err)
{
	bool answered;

	pthread_mutex_lock(&u->mu);
	answered = u->certs_answered && !u->certs_pending;
	if (answered) {
		*ret = u->certs_reply;
		*ret_err = u->certs_err;
		memset(&u->certs_reply, 0, sizeof(u->certs_reply));
		u->certs_answered = false;
		explicit_bzero(u->certs_id_number, sizeof(u->certs_id_number));
	}
	pthread_mutex_unlock(&u->mu);
	return answered;
}
