/* The paper a receipt printer puts out, as a PNG: what the simulated printer shows of a parsed
 * ESC/POS job. */
#ifndef DRIVERS_RECEIPT_PNG_H
#define DRIVERS_RECEIPT_PNG_H

#include "drivers/escpos_job.h"

/* Draws the job 576 dots wide, one pixel a dot, black on white with no grey (a thermal head burns
 * or does not), in Noto Sans Mono CJK SC from the pinned Noto collections, and writes it to path.
 * Errors: KERR_NOT_FOUND (fonts missing), KERR_FULL (taller than a PNG preview may be), KERR_NOMEM,
 * KERR_IO (the file). */
enum kerr receipt_png_write(const struct escpos_job *j, const char *path);

#endif
