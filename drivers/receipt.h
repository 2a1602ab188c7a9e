/* 80 mm receipt printer: the class interface, and the layout a receipt is described in. */
#ifndef DRIVERS_RECEIPT_H
#define DRIVERS_RECEIPT_H

#include "drivers/device.h"

/* CUT ends one receipt and starts the next in the same job (a partial cut: the slips stay together
 * until the resident tears them); the job's end is a full cut. */
enum receipt_kind { RECEIPT_TEXT, RECEIPT_QR, RECEIPT_RULE, RECEIPT_FEED, RECEIPT_CUT, RECEIPT_KIND__COUNT };
enum receipt_align { RECEIPT_LEFT, RECEIPT_CENTER, RECEIPT_RIGHT };

struct receipt_line {
	enum receipt_kind kind;
	enum receipt_align align;
	bool bold;
	int size;          /* 1 normal, 2 double width and height */
	const char *text;  /* UTF-8 text, or the QR payload; borrowed */
};

/* A receipt described once, printed on any backend. The lines are borrowed for the duration of receipt_print(). */
struct receipt_doc {
	const struct receipt_line *lines;
	size_t n_lines;
};

struct receipt_ops {
	struct dev_ops base;
	/* Queues a job; DEV_EV_PRINT_DONE follows with the job id in value. The printer's status is read before
	 * and after the job: a printer out of paper fails with KERR_PAPER_OUT, not a silent success. */
	enum kerr (*print)(struct dev *d, const struct receipt_doc *doc, int *ret_job);
};

enum kerr receipt_open(const struct dev_config *cfg, const struct dev_sink *sink, struct clock *clock,
		       struct dev **ret);
enum kerr receipt_print(struct dev *d, const struct receipt_doc *doc, int *ret_job);

#endif
