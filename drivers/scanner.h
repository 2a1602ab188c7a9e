/* Document scanner and document camera: the class interface. */
#ifndef DRIVERS_SCANNER_H
#define DRIVERS_SCANNER_H

#include "drivers/device.h"

enum scan_source { SCAN_SOURCE_FLATBED, SCAN_SOURCE_FEEDER, SCAN_SOURCE_CAMERA, SCAN_SOURCE__COUNT };

struct scan_params {
	enum scan_source source;
	int dpi;       /* 150 to 600 */
	bool color;    /* false: 8-bit grey */
};

/* One page as scanned: rows of width * channels bytes, top to bottom. */
struct scan_page {
	int width, height;
	int channels;  /* 1 grey, 3 RGB */
	int dpi;
	int index;     /* 0-based page number within the job */
	unsigned char *pixels; /* width * height * channels bytes, owned by the page */
};

/* A document camera's live picture for the screen. */
struct scan_preview {
	int interval_ms; /* one picture this often, on the device clock (100: 10 a second) */
	int max_w;	 /* pixels wide at most; the screen scales it */
};

struct scanner_ops {
	struct dev_ops base;
	/* Starts a job: DEV_EV_PAGE for each page, then DEV_EV_SCAN_DONE. A flatbed gives one page; a feeder gives
	 * pages until it is empty. */
	enum kerr (*start)(struct dev *d, const struct scan_params *p);
	void (*cancel)(struct dev *d);
	/* Optional (NULL: no live picture). p NULL stops it. */
	enum kerr (*preview)(struct dev *d, const struct scan_preview *p);
};

enum kerr scanner_open(const struct dev_config *cfg, const struct dev_sink *sink, struct clock *clock,
		       struct dev **ret);
enum kerr scanner_start(struct dev *d, const struct scan_params *p);
void scanner_cancel(struct dev *d);
/* Starts (p) or stops (NULL) the live picture: DEV_EV_PREVIEW at a steady rate, a picture that would come late
 * skipped rather than queued, none while a capture runs. KERR_UNSUPPORTED for a scanner that has no camera,
 * KERR_INVAL for an interval outside 20..2000 ms or a width outside 64..4096. */
enum kerr scanner_preview(struct dev *d, const struct scan_preview *p);

/* Zeroes and frees a page (scans are personal data). NULL-safe. */
void scan_page_free(void *page);

#endif
