/* The kiosk's receipts, each described once as a struct receipt_doc that every printer backend
 * renders (ESC/POS bytes on the thermal printer, PDF on A4): the acceptance receipt, the 一次性告知
 * list of missing materials, the 容缺受理 commitment and the queue ticket. */
#ifndef DRIVERS_RECEIPT_LAYOUT_H
#define DRIVERS_RECEIPT_LAYOUT_H

#include "drivers/receipt.h"

#include <stdarg.h>

#define RECEIPT_BUILD_LINES 128
#define RECEIPT_BUILD_TEXT 12288

/* Lines and the text they point into, in one embedded block (no allocation; receipts carry personal
 * data, receipt_build_finish() wipes). Errors are sticky in err: KERR_FULL when lines or text run
 * out. */
struct receipt_build {
	struct receipt_line lines[RECEIPT_BUILD_LINES];
	size_t n;
	char text[RECEIPT_BUILD_TEXT];
	size_t used;
	enum kerr err;
};

void receipt_build_init(struct receipt_build *b);
void receipt_build_finish(struct receipt_build *b);
/* Appends a line; fmt (printf) gives its text, NULL for RULE, FEED and CUT. */
void receipt_build_add(struct receipt_build *b, enum receipt_kind kind, enum receipt_align align,
		       bool bold, int size, const char *fmt, ...)
	__attribute__((format(printf, 6, 7)));
/* The document built so far, valid while b is. Returns b->err. */
enum kerr receipt_build_doc(const struct receipt_build *b, struct receipt_doc *ret);

/* One material of a case, as the resident reads it. */
struct receipt_material {
	const char *name;
	const char *words; /* its state: "已扫描", "缺少，可容缺后补" ... */
};

/* What the case receipts print; every string borrowed, personal data already masked. NULL fields
 * are left out. */
struct receipt_case {
	const char *hall; /* the service hall or terminal */
	const char *case_no;
	const char *item;      /* the service item's name */
	const char *applicant; /* masked name */
	const char *id_number; /* masked */
	const char *accepted;  /* "2025-06-03 10:05" */
	const char *promised; /* "2025-06-12（7个工作日）"; NULL: an immediate case (即办件) */
	const char *query_code;
	const char *qr;				/* the verification QR payload */
	const char *phone;			/* consultation phone */
	const char *deadline;			/* 容缺: the date the missing materials are due */
	const struct receipt_material *missing; /* materials not submitted */
	size_t n_missing;
	/* A reprint (补打) of the acceptance receipt: when it was printed again ("2025-06-04 14:20"),
	 * so the slip is never taken for a second case. NULL: the first print. */
	const char *reprinted;
};

struct receipt_ticket {
	const char *hall;
	const char *number; /* "A023" */
	const char *item;
	int waiting;	    /* people ahead */
	const char *issued; /* "2025-06-03 10:05" */
	const char *qr;	    /* optional: follow the queue on a phone */
};

/* Each appends its receipt to b (after a partial cut when b is not empty); errors are b's. */
void receipt_layout_acceptance(struct receipt_build *b, const struct receipt_case *c);
void receipt_layout_notice(struct receipt_build *b, const struct receipt_case *c);
void receipt_layout_commitment(struct receipt_build *b, const struct receipt_case *c);
void receipt_layout_ticket(struct receipt_build *b, const struct receipt_ticket *t);

#endif
