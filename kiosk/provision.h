/* Provisioning: a terminal's identity and platform settings, from the file a technician brings
 * (kiosk-provision.conf, docs/provisioning.md), and what the kiosk keeps of it in its data folder.
 */
#ifndef KIOSK_PROVISION_H
#define KIOSK_PROVISION_H

#include "common/kerr.h"

#include <stdbool.h>
#include <stddef.h>

#define PROVISION_MAX_BYTES (16 * 1024)
/* In the data folder: the settings as configuration lines read over kiosk.conf, and the identity
 * folder (the terminal's key, its certificate request, the platform's CA, the signed certificate).
 */
#define PROVISION_CONF "provision.conf"
#define PROVISION_DIR  "identity"
#define PROVISION_KEY  "terminal.key"
#define PROVISION_CSR  "terminal.csr"
#define PROVISION_CERT "terminal.crt"
#define PROVISION_CA   "ca.pem"

struct provision {
	char terminal_id[32];	/* required: 4 to 31 of A-Z 0-9 */
	char site[128];		/* required: the hall's name shown top left */
	char region[16];	/* required: 6-digit administrative division code */
	char platform_url[256]; /* required: https:// */
	char platform_ca[256];	/* required: PEM file, relative to the provisioning file */
	char platform_pin[512]; /* optional: sha256//BASE64[;...] */
	char timezone[64];	/* optional: Area/City; default Asia/Shanghai */
	char province[64]; /* optional: the province's 好差评 mapping, a name under <assets>/eval/
			    */
	char phone[32];	   /* optional: consultation phone on receipts */
	char token[128];   /* optional: one-time enrolment token, put in the certificate request */
};

/* Parses a provisioning file of len bytes (any bytes: it comes from a USB stick). Every key once,
 * no unknown keys, the required ones present, values checked. Errors: KERR_INVAL with the line
 * named in err. */
enum kerr provision_parse(const char *text, size_t len, struct provision *ret, char *err,
			  size_t errlen);

enum provision_state {
	PROVISION_NONE,	   /* no provision.conf in the data folder */
	PROVISION_PENDING, /* provisioned, the certificate request is not signed yet */
	PROVISION_DONE,	   /* provisioned with a signed certificate */
	PROVISION_BAD,	   /* provision.conf is there but cannot be used */
	PROVISION__COUNT
};
const char *provision_state_str(enum provision_state s);

#endif
