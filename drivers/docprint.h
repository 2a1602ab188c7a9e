/* A4 document printer (CUPS / IPP): the class interface. */
#ifndef DRIVERS_DOCPRINT_H
#define DRIVERS_DOCPRINT_H

#include "drivers/device.h"

struct docprint_ops {
	struct dev_ops base;
	/* Queues a PDF file (the path is copied); DEV_EV_PRINT_DONE follows with the job id in value. */
	enum kerr (*print_pdf)(struct dev *d, const char *path, const char *title, int *ret_job);
};

enum kerr docprint_open(const struct dev_config *cfg, const struct dev_sink *sink, struct clock *clock,
			struct dev **ret);
enum kerr docprint_print_pdf(struct dev *d, const char *path, const char *title, int *ret_job);

#endif
