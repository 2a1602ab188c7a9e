/* The kiosk's side of provisioning: what the data folder holds, read over the configuration at
 * start. */
#ifndef KIOSK_PROVISION_LOAD_H
#define KIOSK_PROVISION_LOAD_H

#include "kiosk/config.h"
#include "kiosk/provision.h"

/* Reads data_dir/provision.conf over c, and the installed certificate and key into c->platform.
 * Returns PROVISION_NONE (nothing there: c untouched), PROVISION_PENDING (no signed certificate
 * yet), PROVISION_DONE, or PROVISION_BAD with the reason in err (c may be partly read over). */
enum provision_state provision_load(struct config *c, const char *data_dir, char *err,
				    size_t errlen);

#endif
