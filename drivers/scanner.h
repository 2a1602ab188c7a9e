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

struct scanner_ops {
	struct dev_ops base;
	/* Starts a job: DEV_EV_PAGE for each page, then DEV_EV_SCAN_DONE. A flatbed gives one page; a feeder gives
	 * pages until it is empty. */
	enum kerr (*start)(struct dev *d, const struct scan_params *p);
	void (*cancel)(struct dev *d);
};

enum kerr scanner_open(const struct dev_config *cfg, const struct dev_sink *sink, struct clock *clock,
		       struct dev **ret);
enum kerr scanner_start(struct dev *d, const struct scan_params *p);
void scanner_cancel(struct dev *d);

/* Zeroes and frees a page (scans are personal data). NULL-safe. */
void scan_page_free(void *page);

#endif
