/* The ID-card reader's real backends, opened by idcard_open() by name. */
#ifndef DRIVERS_IDCARD_BACKEND_H
#define DRIVERS_IDCARD_BACKEND_H

#include "drivers/device.h"

/* Backend "serial": cfg->path (default /dev/ttyUSB0) at cfg->baud (default 115200), 8N1.
 * Errors: KERR_NOMEM, KERR_INVAL (path too long, unsupported speed). A missing port is not an
 * error: the device starts ABSENT and is found when it appears. */
enum kerr idcard_serial_open(const struct dev_config *cfg, const struct dev_sink *sink,
			     struct clock *clock, struct dev **ret);

#endif
