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

/* Decodes one frame for the live preview: RGB, at most max_w pixels wide (aspect kept). An MJPEG frame is
 * decoded at a reduced scale by libjpeg itself, so a 5-megapixel camera costs a fraction of a full decode.
 * Errors as camframe_decode(), and KERR_INVAL for max_w below 16. */
enum kerr camframe_preview(enum camframe_format f, const unsigned char *data, size_t len, int width, int height,
			   int max_w, struct scan_page **ret);

#endif
