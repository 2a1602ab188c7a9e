/* 进度查询: what the terminal knows of a resident's cases at once (its own store, and what the
 * platform last said), merged with the platform's answer when it comes. */
#ifndef KIOSK_PROGRESS_H
#define KIOSK_PROGRESS_H

#include "common/kerr.h"
#include "offline-queue/uplink_codec.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PROGRESS_MAX 6

enum progress_urgency {
	PROGRESS_NONE,
	PROGRESS_OPEN,
	PROGRESS_NEAR,
	PROGRESS_OVERDUE,
	PROGRESS_DONE
};

struct progress_row {
	char item_name[256];
	char case_no[40];
	char platform_no[64];
	char impl_code[72]; /* the item's 实施编码, for a follow-up rating (追评); "" when unknown */
	char status[24]; /* the platform's word, "" when it never said */
	char status_text[256];
	char local_state[96]; /* this terminal's delivery of the case, "" for another channel's */
	char promised_date[9];
	int64_t checked_ms; /* when the platform's state was read; 0 never */
	bool reprintable;   /* stored here with its personal data: its receipt can be printed again */
	int receipt_prints; /* times its receipt printed here; -1 not known, 0 never */
};

struct progress {
	size_t n;
	struct progress_row rows[PROGRESS_MAX];
	bool asked; /* the platform was asked */
	bool answered;
	enum kerr err; /* of the answer */
	/* 补打 during this answer: one job at a time, each case once. */
	int reprint_job;	/* the job out, 0 when none */
	size_t reprint_row;	/* the row it prints */
	enum kerr reprint_err;	/* why the last one failed; KERR_OK when it did not */
	unsigned reprinted;	/* rows reprinted, a bit each */
};

struct kiosk;

/* The terminal's own records: by query code (id_number NULL) or by card. */
enum kerr progress_local(struct kiosk *k, const char *code, const char *id_type,
			 const char *id_number, struct progress *p);
/* Folds the platform's answer in. */
void progress_merge(struct progress *p, const struct uplink_query_reply *rep, enum kerr err,
		    int64_t now_wall_ms);

/* How near the promised date is on day today (YYYYMMDD), in working days; *ret_days is the working
 * days left (negative: calendar days past). */
enum progress_urgency progress_urgency(const struct progress_row *r, int today,
				       const char *holidays, const char *workdays, int *ret_days);
/* The platform's status word in Chinese, or NULL for a word this build does not know. */
const char *progress_status_words(const char *status);

#endif
