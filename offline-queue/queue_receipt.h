/* Whether each stored case's acceptance receipt came out of the printer: a count and the time of the
 * last print, kept with the case, so the kiosk knows at start which cases never got their receipt
 * and a reprint (补打) can be told from the first print. */
#ifndef OFFLINE_QUEUE_QUEUE_RECEIPT_H
#define OFFLINE_QUEUE_QUEUE_RECEIPT_H

#include "offline-queue/queue.h"

/* A case's receipt prints. prints is -1 for a case stored before the store kept count (its receipt
 * may or may not have printed: never reported as unprinted, still reprintable). */
struct queue_receipt {
	int prints;
	int64_t last_ms; /* wall clock of the last print; 0 when never */
};

/* The printer said the case's receipt came out whole (the status read after the job): the count
 * goes up and the time is kept. Errors: KERR_INVAL (empty case number), KERR_NOT_FOUND, KERR_IO,
 * KERR_BUSY. */
enum kerr queue_receipt_printed(struct queue *q, const char *case_no, int64_t printed_ms);
/* Reads a case's prints by case number or query code. Errors: KERR_INVAL, KERR_NOT_FOUND, KERR_IO,
 * KERR_BUSY. */
enum kerr queue_receipt_get(struct queue *q, const char *case_no_or_query_code,
			    struct queue_receipt *ret);
/* How many stored cases never had their receipt printed. */
enum kerr queue_receipt_unprinted(struct queue *q, int64_t *ret);
/* The case numbers of the newest of them, newest first: up to max into case_nos. */
enum kerr queue_receipt_unprinted_list(struct queue *q, char (*case_nos)[40], size_t max,
				       size_t *ret_n);

#endif
