/* Client certificates (section 1): the certificate must chain to --client-ca and name the terminal in its CN. */
#include "tests/platform/plat.h"

#include <string.h>

#include <gnutls/gnutls.h>
#include <gnutls/x509.h>
#include <microhttpd.h>

/* The subject CN of the peer's first certificate into cn; false when there is none. */
static bool peer_cn(gnutls_session_t s, char *cn, size_t n)
{
	unsigned count = 0;
	const gnutls_datum_t *certs = gnutls_certificate_get_peers(s, &count);
	gnutls_x509_crt_t crt;
	size_t len = n;
	bool ok;

	if (!certs || count == 0 || gnutls_x509_crt_init(&crt) < 0)
		return false;
	ok = gnutls_x509_crt_import(crt, &certs[0], GNUTLS_X509_FMT_DER) >= 0 &&
	     gnutls_x509_crt_get_dn_by_oid(crt, GNUTLS_OID_X520_COMMON_NAME, 0, 0, cn, &len) >= 0;
	gnutls_x509_crt_deinit(crt);
	return ok;
}

bool plat_tls_check(struct MHD_Connection *conn, const char *terminal, struct plat_reply *reply)
{
	const union MHD_ConnectionInfo *ci = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_GNUTLS_SESSION);
	gnutls_session_t s;
	unsigned status = 0;
	char cn[256];

	if (!ci || !ci->tls_session) {
		plat_reply_error(reply, 401, "unauthenticated", NULL, "a client certificate is required (HTTPS)");
		return false;
	}
	s = (gnutls_session_t)ci->tls_session;
	/* MHD only asks for a certificate; whether one came and chains to the CA is decided here, so the answer
	 * is a readable 401 rather than a failed handshake. */
	if (gnutls_certificate_get_peers(s, &(unsigned){ 0 }) == NULL) {
		plat_reply_error(reply, 401, "unauthenticated", NULL, "no client certificate");
		return false;
	}
	if (gnutls_certificate_verify_peers2(s, &status) < 0 || status != 0) {
		plat_reply_error(reply, 401, "unauthenticated", NULL, "the client certificate is not trusted");
		return false;
	}
	if (!peer_cn(s, cn, sizeof(cn))) {
		plat_reply_error(reply, 403, "forbidden", NULL, "the client certificate has no subject CN");
		return false;
	}
	if (!terminal || strcmp(cn, terminal) != 0) {
		plat_reply_error(reply, 403, "forbidden", "X-Terminal-Id", "the certificate is for %.64s, not %.32s", cn,
				 terminal ? terminal : "(none)");
		return false;
	}
	return true;
}
