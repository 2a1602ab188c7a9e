/* The outbox as the uplink sees it: what to send next, and what the platform
 * answered. Every function here is one short transaction, so the worker's
 * handle never holds the write lock while it waits on the network. Times called
 * "due" are on the monotonic clock; docs/uplink.md section 10 says why. */
#ifndef OFFLINE_QUEUE_QUEUE_SYNC_H
#define OFFLINE_QUEUE_QUEUE_SYNC_H

#include "offline-queue/queue.h"
#include "offline-queue/queue_scan.h"

enum queue_sync_kind { QUEUE_SYNC_CASE, QUEUE_SYNC_EVAL, QUEUE_SYNC_CERT_PRINT };

enum queue_sync_state {
	QUEUE_SYNC_PENDING,
	QUEUE_SYNC_SENDING,
	QUEUE_SYNC_ACKED,
	QUEUE_SYNC_REJECTED
};

/* One outbox entry. */
struct queue_sync_item {
	int64_t id;
	enum queue_sync_kind kind;
	int64_t ref_id; /* the case's or the evaluation's row id */
	char key[40];	/* its idempotency key */
	int attempts;
};

/* A stored evaluation read back for sending; personal fields inside: free with
 * queue_eval_rec_free(). */
struct queue_eval_rec {
	int64_t id;
	char case_no[72];
	char platform_no[64]; /* of the rated case, when the platform gave one */
	char impl_code[72];
	int level; /* as struct queue_eval */
	char reasons[256];
	char text[1024];
	bool named;
	char evaluator_id_type[8]; /* the rated case's card type; "111" without a case
				    */
	char evaluator_id[40];
	int64_t time_ms;
	bool followup;
	bool by_default; /* the mapping's "no rating after N days" level, not the resident's */
	char reasons_version[32]; /* "" when the rating has no reasons or was stored without */
};

/* What the heartbeat reports of the queue. */
struct queue_sync_stats {
	int64_t pending; /* pending or being sent */
	int64_t rejected;
	int64_t acked;
	int64_t oldest_unsent_ms; /* wall clock of the oldest pending entry; 0 when
				     none */
	char oldest_unsent_case[40];
};

/* The platform's view of a case, kept for 进度查询 while offline. */
struct queue_remote_status {
	char status[24];
	char status_text[256];
	char promised_date[9];
	int64_t checked_ms; /* wall clock when the platform said so; 0: never */
};

/* Entries left "sending" by a process that died are pending again, and every open entry is
 * due now: called once when the worker starts, before anything is sent. */
enum kerr queue_sync_recover(struct queue *q);
/* The oldest entry due at now_ms (monotonic) whose turn it is: an evaluation
 * waits while its case is still pending. KERR_NOT_FOUND when none is due. Marks
 * it "sending". */
enum kerr queue_sync_next(struct queue *q, int64_t now_ms, struct queue_sync_item *ret);
/* The earliest due time of any pending entry, INT64_MAX when none. */
enum kerr queue_sync_next_due(struct queue *q, int64_t *ret_ms);
/* The platform holds it: acked with the platform's reference (its case number
 * or evaluation id). */
enum kerr queue_sync_ack(struct queue *q, int64_t id, const char *remote_ref);
/* Try again at due_ms (monotonic); error says why, for the log and the
 * technician (no personal data in it). */
enum kerr queue_sync_retry(struct queue *q, int64_t id, int64_t due_ms, const char *error);
/* The platform refused it for good; the entry and its data stay, with the
 * reason. */
enum kerr queue_sync_reject(struct queue *q, int64_t id, const char *reason);
/* The state and last error of the outbox entry of a case. */
enum kerr queue_sync_case_state(struct queue *q, int64_t case_id, enum queue_sync_state *ret_state,
				char *error, size_t error_size);

/* The platform's own number for a case, kept beside the terminal's. */
enum kerr queue_sync_set_platform_no(struct queue *q, int64_t case_id, const char *platform_no);
/* Page ord (0-based) of material ord (0-based) of the case is whole at the
 * platform. */
enum kerr queue_sync_page_uploaded(struct queue *q, int64_t case_id, int material, int page);
/* Opens a stored page for reading, decrypted chunk by chunk; *ret is the
 * caller's to close (queue_scan_close()) before the store. */
enum kerr queue_sync_page_open(struct queue *q, const char *file_name, struct queue_scan **ret);

enum kerr queue_eval_get(struct queue *q, int64_t id, struct queue_eval_rec **ret);
void queue_eval_rec_free(struct queue_eval_rec *r);

enum kerr queue_sync_stats(struct queue *q, struct queue_sync_stats *ret);

/* Records what the platform says of a case (by the terminal's case number). */
enum kerr queue_remote_status_put(struct queue *q, const char *case_no,
				  const struct queue_remote_status *s);
enum kerr queue_remote_status_get(struct queue *q, const char *case_no,
				  struct queue_remote_status *ret);

/* Case numbers of the cases stored for one person, newest first: up to max into
 * case_nos (each 40 bytes). */
enum kerr queue_case_find_person(struct queue *q, const char *id_type, const char *id_number,
				 char (*case_nos)[40], size_t max, size_t *ret_n);

#endif
