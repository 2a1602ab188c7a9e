/* At start: the provisioning a technician left in the data folder, read over the configuration. */
#include "kiosk/provision_load.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

enum provision_state provision_load(struct config *c, const char *data_dir, char *err,
				    size_t errlen)
{
	char path[4096];

	snprintf(path, sizeof(path), "%s/%s", data_dir, PROVISION_CONF);
	if (access(path, F_OK) != 0)
		return PROVISION_NONE;
	if (config_load(c, path, err, errlen) != KERR_OK)
		return PROVISION_BAD;
	/* The client certificate counts only once it is signed and installed (kioskctl provision
	 * --cert). */
	snprintf(path, sizeof(path), "%s/%s/%s", data_dir, PROVISION_DIR, PROVISION_CERT);
	if (access(path, R_OK) != 0)
		return PROVISION_PENDING;
	if (strlen(path) >= sizeof(c->platform.cert) || strlen(path) >= sizeof(c->platform.key)) {
		snprintf(err, errlen, "the data folder's path is too long for the certificate's");
		return PROVISION_BAD;
	}
	memcpy(c->platform.cert, path, strlen(path) + 1);
	snprintf(path, sizeof(path), "%s/%s/%s", data_dir, PROVISION_DIR, PROVISION_KEY);
	if (strlen(path) >= sizeof(c->platform.key)) {
		snprintf(err, errlen, "the data folder's path is too long for the key's");
		return PROVISION_BAD;
	}
	memcpy(c->platform.key, path, strlen(path) + 1);
	return PROVISION_DONE;
}
