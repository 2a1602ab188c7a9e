/* The terminal's own identity: an EC P-256 key made on the terminal (never in the image), its
 * certificate request for the platform to sign, and the signed certificate installed beside them.
 * OpenSSL 3. */
#ifndef KIOSK_IDENTITY_H
#define KIOSK_IDENTITY_H

#include "common/kerr.h"

#include <stddef.h>

struct identity_subject {
	const char *terminal_id; /* CN */
	const char *site;	 /* O, UTF-8 */
	const char *region;	 /* OU */
	const char *token; /* the one-time enrolment token as challengePassword; NULL or "": none */
};

/* In folder dir: keeps key_name if it is already there (provisioning again keeps the identity),
 * else makes a new key (mode 0600, written to a temporary file, synced and renamed); then writes
 * the certificate request csr_name (PEM, 0644) for subject. Errors: KERR_IO (files, or OpenSSL
 * failing; its reason in err), KERR_INVAL. */
enum kerr identity_create(const char *dir, const char *key_name, const char *csr_name,
			  const struct identity_subject *subject, char *err, size_t errlen);

/* Checks that the PEM certificate in cert_path belongs to the key dir/key_name and is for
 * terminal_id (its CN), then installs it as dir/cert_name (0644). Errors: KERR_INVAL (not ours,
 * another terminal's), KERR_IO. */
enum kerr identity_install_cert(const char *dir, const char *key_name, const char *cert_name,
				const char *cert_path, const char *terminal_id, char *err,
				size_t errlen);

/* Whether path holds at least one PEM certificate (the platform's CA). Errors: KERR_INVAL, KERR_IO.
 */
enum kerr identity_check_ca(const char *path, char *err, size_t errlen);

#endif
