/* Scanned pages to what the kiosk keeps: a JPEG for the case, an RGBA thumbnail for the screen. */
#ifndef KIOSK_SCANIMG_H
#define KIOSK_SCANIMG_H

#include "common/kerr.h"
#include "drivers/scanner.h"

#include <stddef.h>

/* Compresses a page to JPEG at quality (30..95). *ret_jpeg is malloc'd and owned by the caller.
 * Errors: KERR_INVAL (bad page), KERR_NOMEM. */
enum kerr scanimg_jpeg(const struct scan_page *p, int quality, unsigned char **ret_jpeg, size_t *ret_len);
/* A box-filtered RGBA thumbnail at most max_w wide (aspect kept). *ret_rgba is malloc'd, owned by the caller. */
enum kerr scanimg_thumb(const struct scan_page *p, int max_w, unsigned char **ret_rgba, int *ret_w, int *ret_h);

#endif
