/* ESC/POS for 80 mm receipt printers: an encoder into a bounded buffer, the receipt layout rendered
 * with it, and the decoder of real-time status bytes (DLE EOT). No transport here. */
#ifndef DRIVERS_ESCPOS_H
#define DRIVERS_ESCPOS_H

#include "drivers/receipt.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ESCPOS_COLUMNS 48	 /* Font A on 80 mm paper; a CJK character takes two */
#define ESCPOS_DEFAULT_MAX 65536 /* a receipt never needs more */
#define ESCPOS_QR_MAX 2953	 /* the most bytes a QR code (version 40-L) holds */

/* A byte buffer that grows up to max, embedded by the caller. Errors are sticky: later calls append
 * nothing and err keeps the first cause, so a run of calls needs one check at the end. */
struct escpos {
	uint8_t *data; /* owned; zeroed and freed by escpos_finish() */
	size_t len, cap, max;
	enum kerr err; /* first error: NOMEM, FULL (max reached), INVAL, UNSUPPORTED */
	void *cd;      /* iconv descriptor UTF-8 -> GB18030, opened on first use */
};

void escpos_init(struct escpos *e, size_t max);
/* Zeroes and frees the bytes (receipts carry personal data) and closes the converter. NULL-safe. */
void escpos_finish(struct escpos *e);

/* Each appends one command. n or arguments out of range set KERR_INVAL. */
void escpos_raw(struct escpos *e, const void *p, size_t n);
void escpos_printer_init(struct escpos *e);		   /* 1B 40 */
void escpos_align(struct escpos *e, enum receipt_align a); /* 1B 61 n */
void escpos_bold(struct escpos *e, bool on);		   /* 1B 45 n */
void escpos_size(struct escpos *e, int width, int height); /* 1D 21 n: 1..8 times each way */
void escpos_feed(struct escpos *e, int lines);		   /* 1B 64 n: 0..255 */
void escpos_cut(struct escpos *e, bool partial);	   /* 1D 56 00 full, 1D 56 01 partial */
void escpos_cjk(struct escpos *e, bool on);		   /* 1C 26 on, 1C 2E off */
/* UTF-8 text in GB18030 (ASCII unchanged, malformed UTF-8 as '?'); no line feed added. */
void escpos_text(struct escpos *e, const char *utf8);
/* A QR code: model 2, module size 1..16 dots, error level 'L', 'M', 'Q' or 'H',
 * data 1..ESCPOS_QR_MAX bytes. */
void escpos_qr(struct escpos *e, const char *data, int module, char level);
/* The real-time status request 10 04 n, n 1..4. */
void escpos_status_request(struct escpos *e, int n);

/* Renders a receipt: init, Chinese mode, each line, then feed and full cut. TEXT wraps at 48
 * columns (24 at size 2; CJK characters count two), preferring spaces; embedded newlines break
 * lines. RULE is a line of '-'. FEED feeds size lines (at least one). QR prints text as a QR code.
 * CUT feeds past the cutter and cuts partially.
 * Returns e->err. */
enum kerr escpos_render_receipt(struct escpos *e, const struct receipt_doc *doc);

/* Printer state from real-time status replies; each reply fills the fields its n covers. */
struct escpos_status {
	bool offline;	       /* n=1 bit 3 */
	bool cover_open;       /* n=2 bit 2 */
	bool paper_stop;       /* n=2 bit 5: printing stopped for paper end */
	bool error;	       /* n=2 bit 6 */
	bool cutter_error;     /* n=3 bit 3 */
	bool unrecoverable;    /* n=3 bit 5 */
	bool auto_recoverable; /* n=3 bit 6 */
	bool paper_near_end;   /* n=4 bits 2-3 */
	bool paper_end;	       /* n=4 bits 5-6 */
};

/* Decodes the reply byte to 10 04 n into *st. Errors: KERR_INVAL (n not 1..4), KERR_PROTO (bit 1 or
 * bit 4 not set: not a status byte); *st untouched on error. */
enum kerr escpos_status_decode(int n, uint8_t b, struct escpos_status *st);
/* The fault a status stands for, KERR_OK when the printer can print (paper near end still can):
 * KERR_COVER_OPEN, KERR_PAPER_OUT, KERR_JAMMED (cutter or mechanism), KERR_IO (another error, or
 * offline for another reason). *ret_detail names it in a few words ("paper out", "paper near end", "ready"). */
enum kerr escpos_status_fault(const struct escpos_status *st, const char **ret_detail);
/* The byte a printer in state st answers to 10 04 n (the simulator's side). Errors: KERR_INVAL. */
enum kerr escpos_status_encode(int n, const struct escpos_status *st, uint8_t *ret);

#endif
