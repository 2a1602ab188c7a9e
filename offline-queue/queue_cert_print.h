/* The record that a certificate was printed on this terminal, for the platform: stored with its
 * outbox entry in one transaction, so it reaches the platform once (docs/uplink.md section 7a). */
#ifndef OFFLINE_QUEUE_QUEUE_CERT_PRINT_H
#define OFFLINE_QUEUE_QUEUE_CERT_PRINT_H

#include "offline-queue/queue.h"

#define QUEUE_CERT_ID_MAX 63

struct queue_cert_print {
	char cert_id[QUEUE_CERT_ID_MAX + 1];
	int64_t printed_ms; /* wall clock, when the printer said it was out */
	int pages;
};

/* Stores the print and its outbox entry; *ret_id is its row id. Errors: KERR_INVAL (cert_id empty
 * or longer than QUEUE_CERT_ID_MAX, printed_ms or pages not positive), KERR_IO, KERR_BUSY. */
enum kerr queue_cert_print_add(struct queue *q, const struct queue_cert_print *p, int64_t *ret_id);
/* Reads one back for sending. Errors: KERR_NOT_FOUND, KERR_IO, KERR_CORRUPT. */
enum kerr queue_cert_print_get(struct queue *q, int64_t id, struct queue_cert_print *ret);
enum kerr queue_cert_print_count(struct queue *q, int64_t *ret);

#endif
