/* The ID-card reader's real backends, opened by idcard_open() by name. */
#ifndef DRIVERS_IDCARD_BACKEND_H
#define DRIVERS_IDCARD_BACKEND_H

#include "drivers/device.h"

/* Backend "serial": cfg->path (default /dev/ttyUSB0) at cfg->baud (default 115200), 8N1.
 * Errors: KERR_NOMEM, KERR_INVAL (path too long, unsupported speed). A missing port is not an
 * error: the device starts ABSENT and is found when it appears. */
enum kerr idcard_serial_open(const struct dev_config *cfg, const struct dev_sink *sink,
			     struct clock *clock, struct dev **ret);

/* Backend "usb": the first attached reader whose VID:PID is known or in cfg->usb_ids, on the
 * bulk endpoints its descriptors name or cfg->usb_endpoints ("81,02"). Errors: KERR_NOMEM,
 * KERR_INVAL (usb_ids or usb_endpoints malformed), KERR_IO (libusb would not start). A reader
 * that is not attached is not an error: the device starts ABSENT and is found when it appears. */
enum kerr idcard_usb_open(const struct dev_config *cfg, const struct dev_sink *sink,
			  struct clock *clock, struct dev **ret);

#endif
