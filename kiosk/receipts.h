/* The acceptance receipt after its case is stored: which job prints which case, the store told when
 * one came out whole (by the status the printer gave after the job), the count of cases whose
 * receipt never printed (log and health report), and reprints (补打) from 进度查询. */
#ifndef KIOSK_RECEIPTS_H
#define KIOSK_RECEIPTS_H

#include "common/kerr.h"

#include <stdbool.h>

struct kiosk;

/* At start: counts the stored cases whose receipt never printed, for the log and the health report. */
void receipts_start(struct kiosk *k);
/* The receipt of case_no (copied) went to the printer as job. */
void receipts_job_started(struct kiosk *k, int job, const char *case_no);
/* A receipt printer job ended with err: when it was a case's receipt and it printed, the store
 * records the print and the count of unprinted receipts is read again. */
void receipts_job_done(struct kiosk *k, int job, enum kerr err);
/* True when the store says case_no's receipt has printed (a count of at least one). */
bool receipts_printed(struct kiosk *k, const char *case_no);
/* Prints the acceptance receipt of stored case case_no again, from what the encrypted store holds,
 * marked 补打 with the time. KERR_NOT_FOUND (no such case, or its personal data was purged),
 * KERR_NO_DEVICE, KERR_BUSY, KERR_PAPER_OUT ... when it cannot start. */
enum kerr receipts_reprint(struct kiosk *k, const char *case_no, int *ret_job);

#endif
