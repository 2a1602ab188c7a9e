/* What an 80 mm ESC/POS printer makes of a byte stream: the interpreter a simulated printer runs,
 * so the bytes a real printer gets are the bytes the simulation reads. No transport, no drawing
 * here. */
#ifndef DRIVERS_ESCPOS_JOB_H
#define DRIVERS_ESCPOS_JOB_H

#include "drivers/receipt.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ESCPOS_JOB_DOTS 576	  /* printable width of 80 mm paper at 203 dpi */
#define ESCPOS_JOB_MAX_ITEMS 4096 /* more is not a receipt */

enum escpos_item_kind {
	ESCPOS_ITEM_TEXT, /* one printed line (a line feed, a feed command or a full line ends it)
			   */
	ESCPOS_ITEM_QR,
	ESCPOS_ITEM_FEED, /* blank lines */
	ESCPOS_ITEM_CUT,
	ESCPOS_ITEM_KIND__COUNT
};

struct escpos_item {
	enum escpos_item_kind kind;
	enum receipt_align align;
	bool bold;
	int width, height; /* character magnification 1..8 */
	int lines;	   /* FEED: how many */
	bool partial;	   /* CUT: partial (one point left) or full */
	int module;	   /* QR: dots per module */
	char level;	   /* QR: 'L', 'M', 'Q', 'H' */
	char *text;	   /* TEXT: UTF-8; QR: the stored data. Owned by the job; NUL-terminated */
	size_t len;	   /* bytes of text */
};

/* A parsed job. Owns its items and their text, which hold personal data: escpos_job_finish() wipes.
 */
struct escpos_job {
	struct escpos_item *items;
	size_t n, cap;
	size_t error_at; /* on KERR_PROTO: offset of the offending byte */
};

/* Interprets len bytes as a printer does, into *ret (initialised here; finish it even on error).
 * Text in Chinese mode (FS &) is GB18030; outside it bytes >= 0x80 print as '?'. Lines wrap at
 * ESCPOS_JOB_DOTS as a printer wraps them (12 dots a half-width character, 24 a full-width one,
 * times the width magnification). Real-time status requests (DLE EOT n) are skipped. Errors:
 * KERR_PROTO (an unknown or truncated command; error_at says where), KERR_FULL (more than
 * ESCPOS_JOB_MAX_ITEMS), KERR_NOMEM, KERR_UNSUPPORTED (no GB18030 converter). */
enum kerr escpos_job_parse(const uint8_t *data, size_t len, struct escpos_job *ret);
/* Wipes and frees the items. NULL-safe. */
void escpos_job_finish(struct escpos_job *j);

#endif
