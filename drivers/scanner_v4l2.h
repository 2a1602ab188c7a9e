/* Backend "v4l2" of the scanner: a document camera (高拍仪, a UVC device) through V4L2, or, for tests and demos
 * without kernel modules, a folder of recorded frames. */
#ifndef DRIVERS_SCANNER_V4L2_H
#define DRIVERS_SCANNER_V4L2_H

#include "drivers/device.h"

/* cfg->path is a V4L2 capture device (/dev/video0: MJPEG preferred, else YUYV, at its largest frame size), or
 * a folder of frames taken in name order, round and round: NAME.jpg (MJPEG) and NAME-WxH.yuyv (raw YUYV).
 * A job captures the next frame: one page, then SCAN_DONE; a frame that has not come within cfg->latency_ms
 * (default 5000) of the kiosk's clock ends it with KERR_TIMEOUT. Nothing blocks: the device is read without
 * waiting from dev_poll(). Errors: KERR_INVAL (no path), KERR_NO_DEVICE (not a capture device, or a folder
 * without frames), KERR_NOMEM. */
enum kerr scanner_v4l2_open(const struct dev_config *cfg, const struct dev_sink *sink, struct clock *clock,
			    struct dev **ret);

#endif
