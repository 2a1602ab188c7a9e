/* The evaluation keypad's real backends, opened by keypad_open() by name. */
#ifndef DRIVERS_KEYPAD_BACKEND_H
#define DRIVERS_KEYPAD_BACKEND_H

#include "drivers/device.h"

/* Backend "hid": the first attached device whose VID:PID is in cfg->usb_ids ("VVVV:PPPP,...",
 * required: a keypad is a keyboard to the kernel, and the kiosk must never take another one), read
 * through the interrupt IN endpoint of its HID interface (or cfg->usb_endpoints, one address in
 * hex: "81"), reports mapped by cfg->map (keypad_report.h). Errors: KERR_NOMEM, KERR_INVAL
 * (usb_ids empty or malformed, endpoint or map malformed), KERR_IO (libusb would not start). A
 * keypad not attached is not an error: the device starts ABSENT and is found when it appears. */
enum kerr keypad_hid_open(const struct dev_config *cfg, const struct dev_sink *sink,
			  struct clock *clock, struct dev **ret);

/* Backend "serial": cfg->path (default /dev/ttyUSB0) at cfg->baud (default 9600), 8N1, bytes
 * mapped by cfg->map (keypad_line.h). Errors: KERR_NOMEM, KERR_INVAL (path, speed or map). A port
 * that is missing is not an error: the device starts ABSENT and is found when it appears. */
enum kerr keypad_serial_open(const struct dev_config *cfg, const struct dev_sink *sink,
			     struct clock *clock, struct dev **ret);

#endif
