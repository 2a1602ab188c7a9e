/* Scanned pages made legible and small: skew found and undone, the page cut out of a dark scanner bed, JPEG
 * under a size cap, a thumbnail for the screen, and a material's pages bundled as one PDF. Pure: no device, no
 * screen; every result is a new allocation its caller owns. */
#ifndef DRIVERS_PAGEPROC_H
#define DRIVERS_PAGEPROC_H

#include "common/kerr.h"
#include "drivers/scanner.h"

#include <stdbool.h>
#include <stddef.h>

/* What pageproc_clean() found and did. */
struct pageproc_info {
	double skew_deg; /* the text lines' slope, degrees, y down: positive falls to the right */
	bool deskewed;
	bool cropped;
	int x, y, w, h; /* the kept rectangle of the (deskewed) page */
};

/* True when a page's geometry and buffer are usable (channels 1 or 3, at most 20000 x 30000). */
bool pageproc_page_ok(const struct scan_page *p);

/* The skew of the lines on a page, in [-10, 10] degrees (0 when nothing line-like is found). Errors:
 * KERR_INVAL, KERR_NOMEM. */
enum kerr pageproc_skew(const struct scan_page *p, double *ret_deg);

/* A copy of p turned by -deg about its centre (undoing a skew of deg), same size, with the uncovered corners
 * filled with fill (grey level). *ret is a new page: scan_page_free(). Errors: KERR_INVAL, KERR_NOMEM. */
enum kerr pageproc_rotate(const struct scan_page *p, double deg, int fill, struct scan_page **ret);

/* Deskews (a skew of 0.3 to 10 degrees) and crops to the paper when the page lies on a darker scanner bed.
 * *ret is a new page, or NULL when nothing needed doing (then use p). info may be NULL. Errors: KERR_INVAL,
 * KERR_NOMEM. */
enum kerr pageproc_clean(const struct scan_page *p, struct scan_page **ret, struct pageproc_info *info);

/* JPEG of a page at quality (30..95), no larger than cap bytes (0: no cap): the quality comes down to 40 first,
 * then the page is scaled by 3/4 steps. *ret_jpeg is malloc'd, owned by the caller; *ret_quality and
 * *ret_scale_pct (may be NULL) say what it took. Errors: KERR_INVAL, KERR_NOMEM, KERR_FULL (not even a
 * page 400 pixels wide fits). */
enum kerr pageproc_jpeg(const struct scan_page *p, int quality, size_t cap, unsigned char **ret_jpeg,
			size_t *ret_len, int *ret_quality, int *ret_scale_pct);

/* An area-averaged RGBA thumbnail at most max_w wide (aspect kept). *ret_rgba is malloc'd, owned by the
 * caller. Errors: KERR_INVAL, KERR_NOMEM. */
enum kerr pageproc_thumb(const struct scan_page *p, int max_w, unsigned char **ret_rgba, int *ret_w,
			 int *ret_h);

/* One PDF of n JPEG pages (each a page of its own size at its dpi; the JPEG is embedded as it is). *ret_pdf is
 * malloc'd, owned by the caller. Errors: KERR_INVAL (no pages, or one that is not a baseline JPEG),
 * KERR_NOMEM, KERR_IO (cairo failed). */
enum kerr pageproc_pdf(const unsigned char *const *jpegs, const size_t *lens, size_t n,
		       unsigned char **ret_pdf, size_t *ret_len);

/* Width, height, components and dpi (0 when unknown) of a JPEG from its header. Errors: KERR_INVAL. */
enum kerr pageproc_jpeg_info(const unsigned char *jpeg, size_t len, int *ret_w, int *ret_h, int *ret_comp,
			     int *ret_dpi);

#endif
