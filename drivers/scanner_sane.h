/* Backend "sane" of the scanner: any scanner libsane drives (USB, SCSI, and network scanners through
 * sane-airscan), on a worker thread so the screen never waits for it. */
#ifndef DRIVERS_SCANNER_SANE_H
#define DRIVERS_SCANNER_SANE_H

#include "drivers/device.h"

#include <sane/sane.h>

/* The libsane calls the backend makes, so a test can put a thin fault layer between the two (a jam in
 * the middle of a page, a device that stops answering). */
struct scanner_sane_api {
	SANE_Status (*init)(SANE_Int *version, SANE_Auth_Callback auth);
	void (*exit)(void);
	SANE_Status (*get_devices)(const SANE_Device ***list, SANE_Bool local_only);
	SANE_Status (*open)(SANE_String_Const name, SANE_Handle *h);
	void (*close)(SANE_Handle h);
	const SANE_Option_Descriptor *(*get_option_descriptor)(SANE_Handle h, SANE_Int n);
	SANE_Status (*control_option)(SANE_Handle h, SANE_Int n, SANE_Action a, void *v, SANE_Int *info);
	SANE_Status (*start)(SANE_Handle h);
	SANE_Status (*get_parameters)(SANE_Handle h, SANE_Parameters *p);
	SANE_Status (*read)(SANE_Handle h, SANE_Byte *buf, SANE_Int max, SANE_Int *len);
	void (*cancel)(SANE_Handle h);
};

/* libsane itself. */
extern const struct scanner_sane_api scanner_sane_libsane;

/* cfg->path names the SANE device ("test", "airscan:e0:Office", "genesys:libusb:001:004"); empty takes the
 * first one found. The device is looked for on the worker thread, and again at each job while it is absent:
 * the device starts ABSENT until found. Events come from the worker: the sink must be thread-safe. A page
 * that stops coming for cfg->latency_ms (default 60 s) of the kiosk's clock ends the job with KERR_TIMEOUT.
 * Errors: KERR_NOMEM. */
enum kerr scanner_sane_open(const struct dev_config *cfg, const struct dev_sink *sink, struct clock *clock,
			    struct dev **ret);
/* The same through another api (borrowed; must outlive the device). */
enum kerr scanner_sane_open_api(const struct dev_config *cfg, const struct dev_sink *sink,
				struct clock *clock, const struct scanner_sane_api *api, struct dev **ret);

/* The one place SANE's status codes become ours. */
enum kerr scanner_sane_kerr(SANE_Status s);

#endif
