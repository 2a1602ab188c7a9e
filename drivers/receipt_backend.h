/* The receipt printer's real backends, opened by receipt_open() by name. */
#ifndef DRIVERS_RECEIPT_BACKEND_H
#define DRIVERS_RECEIPT_BACKEND_H

#include "drivers/device.h"

/* Backend "usb": the first attached device with a USB printer-class interface (7/1/2, else 7/1/1),
 * limited to the VID:PID pairs in cfg->usb_ids when given and to the port cfg->usb_port ("1-1.4")
 * when given, on the bulk endpoints its descriptors name or cfg->usb_endpoints ("82,01"). Jobs are
 * ESC/POS bytes on bulk OUT; the status comes back as DLE EOT replies on bulk IN (GET_PORT_STATUS
 * on a one-way printer) before, during and after every job. Errors: KERR_NOMEM, KERR_INVAL
 * (usb_ids, usb_port or usb_endpoints malformed), KERR_IO (libusb would not start). A printer that
 * is not attached is not an error: the device starts ABSENT and is found when it appears. */
enum kerr receipt_usb_open(const struct dev_config *cfg, const struct dev_sink *sink,
			   struct clock *clock, struct dev **ret);

#endif
