/* Backend "ipp" of the A4 printer (libcups). */
#ifndef DRIVERS_DOCPRINT_IPP_H
#define DRIVERS_DOCPRINT_IPP_H

#include "drivers/device.h"

/* cfg->path is an ipp:// or ipps:// URI (IPP Everywhere, straight to the printer), or else the name
 * of a CUPS queue. Events come from a worker thread: the sink must be thread-safe. The device
 * starts ABSENT until the worker has reached the printer. Errors: KERR_INVAL (no path), KERR_NOMEM.
 */
enum kerr docprint_ipp_open(const struct dev_config *cfg, const struct dev_sink *sink,
			    struct clock *clock, struct dev **ret);

#endif
