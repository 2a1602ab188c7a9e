/* A document camera's frame (MJPEG or YUYV 4:2:2, as UVC devices send them) into a scanned page. */
#ifndef DRIVERS_CAMFRAME_H
#define DRIVERS_CAMFRAME_H

#include "common/kerr.h"
#include "drivers/scanner.h"

#include <stdbool.h>
#include <stddef.h>

enum camframe_format { CAMFRAME_MJPEG, CAMFRAME_YUYV, CAMFRAME__COUNT };

const char *camframe_format_str(enum camframe_format f);

/* Decodes one frame into a new page (grey, or RGB when color) carrying dpi. An MJPEG frame gives its own size
 * (width and height are ignored); a YUYV frame is width x height, 2 bytes a pixel, width even. *ret is owned by
 * the caller: scan_page_free(). Errors: KERR_INVAL (bad arguments, a YUYV frame shorter than its size),
 * KERR_PROTO (not a decodable JPEG), KERR_NOMEM. */
enum kerr camframe_decode(enum camframe_format f, const unsigned char *data, size_t len, int width, int height,
			  bool color, int dpi, struct scan_page **ret);

#endif
