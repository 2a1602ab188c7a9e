/* Inside the sync worker: the state its files share. The worker thread alone
 * touches the store handle, the HTTP handle and the buffers; fields under
 * "shared" are guarded by mu. */
#ifndef OFFLINE_QUEUE_UPLINK_IMPL_H
#define OFFLINE_QUEUE_UPLINK_IMPL_H

#include "offline-queue/queue.h"
#include "offline-queue/queue_sync.h"
#include "offline-queue/uplink.h"
#include "offline-queue/uplink_http.h"

#include <pthread.h>

/* How one exchange ended, as the worker acts on it. */
enum uplink_outcome {
	OUT_DONE,    /* acknowledged */
	OUT_RETRY,   /* this entry later; the link is fine */
	OUT_REJECT,  /* refused for good */
	OUT_NETDOWN, /* no reply: the round ends */
	OUT_STORE,   /* our own store failed */
};

struct uplink {
	/* Set at start, read-only after. */
	struct uplink_config cfg; /* strings below are the worker's own copies */
	char *url, *ca_file, *cert_file, *key_file, *pin, *data_dir, *terminal_id, *software_version;
	const struct clock *clk;
	pthread_t thread;
	bool thread_started;

	/* The worker's own. */
	struct queue *q;
	struct uplink_http *http;
	unsigned char *chunk;
	uint64_t rng;	     /* splitmix64 state when seeded */
	int link_failures;   /* network failures in a row */
	int64_t link_due_ms; /* no exchange before this after a network failure */
	int64_t beat_due_ms, catalog_due_ms;
	int64_t start_ms;
	char etag[96];
	char catalog_version[72];
	char why[256];		/* the last failure of an exchange, for the log and status */
	int64_t retry_after_ms; /* from the last reply that had one */
	/* Bad ratings up to this row id were flagged in an answered heartbeat; rated before
	 * bad_from_ms they are too old to flag after a restart. */
	int64_t bad_after_id, bad_from_ms;
	int64_t sent_bad_id; /* bad_after_id once the heartbeat under way is answered */

	/* Shared, under mu. */
	pthread_mutex_t mu;
	pthread_cond_t wake;  /* the worker waits on it */
	pthread_cond_t round; /* waiters of uplink_wait_round() */
	bool stop, kicked;
	unsigned kick_seq;    /* kicks so far */
	unsigned done_seq;    /* kick_seq as it was when the last finished round started */
	struct uplink_status status;
	struct uplink_health health;
	bool query_pending, query_answered;
	char query_code[16], query_id_type[8], query_id_number[40];
	struct uplink_query_reply query_reply;
	enum kerr query_err;
	bool certs_pending, certs_answered;
	bool certs_fetch;             /* else the list */
	struct uplink_cert certs_want; /* what a fetch must bring */
	char certs_id_type[8], certs_id_number[40];
	struct uplink_certs_reply certs_reply;                     /* its pdf owned until taken */
	enum kerr certs_err;
};

/* The contract's path prefix (docs/uplink.md, section 12). */
#define API "/api/v1"

/* uplink_send.c: one outbox entry to the platform. */
enum uplink_outcome uplink_send_case(struct uplink *u, const struct queue_sync_item *it, char *ref,
				     size_t ref_size);
enum uplink_outcome uplink_send_eval(struct uplink *u, const struct queue_sync_item *it, char *ref,
				     size_t ref_size);
/* The outcome of a reply that was not what the exchange needed; sets u->why. */
enum uplink_outcome uplink_outcome_of(struct uplink *u, enum kerr err,
				      const struct uplink_response *r);

/* uplink_extra.c: heartbeat, catalog and query exchanges. */
/* A terminal that restarts flags again the bad ratings of this last period; the platform keeps
 * one flag per ref. */
#define UPLINK_BAD_WINDOW_MS (7LL * 24 * 3600 * 1000)
/* Bad ratings not yet flagged in an answered heartbeat. */
bool uplink_bad_waiting(struct uplink *u);
enum uplink_outcome uplink_send_beat(struct uplink *u);
enum uplink_outcome uplink_fetch_catalog(struct uplink *u);
void uplink_run_query(struct uplink *u);
/* uplink_certs.c: 证照打印's list or fetch. */
void uplink_run_certs(struct uplink *u);

#endif
