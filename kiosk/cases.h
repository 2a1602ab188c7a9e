/* Turning a session into a stored case, its receipt and its evaluation. */
#ifndef KIOSK_CASES_H
#define KIOSK_CASES_H

#include "common/kerr.h"
#include "drivers/idcard.h"
#include "offline-queue/queue.h"

#include <stdbool.h>

struct kiosk;
struct catalog_material;

/* How many mandatory materials are missing, by kind. */
struct cases_gaps {
	int blocking; /* missing and neither 容缺 nor 告知承诺 allowed: the case cannot be accepted here */
	int waivable; /* missing but the resident may commit to them (容缺受理 / 告知承诺) */
};

/* The state a material of the current session's item would be stored with, and words for the resident. */
enum queue_material_status cases_material_status(const struct kiosk *k, size_t i, const char **ret_words,
						 bool *ret_blocking);
void cases_gaps(const struct kiosk *k, struct cases_gaps *ret);
bool cases_phone_valid(const char *p);
/* The certificate type code of a card as cases and queries carry it: 111 resident ID card, 154 residence
 * permit for Hong Kong, Macao and Taiwan residents, 553 foreigner's permanent residence card. */
const char *cases_id_type(const struct idcard_data *card);
/* The promised completion date (YYYYMMDD) for a case accepted at wall_ms, or 0 for an immediate case. */
int cases_promised_date(const struct kiosk *k, int64_t wall_ms);

/* Stores the session's case (pages and all) in the queue, then drops the scans from the session: from now on
 * they live in the queue only. Writes the case number and query code into the session. */
enum kerr cases_store(struct kiosk *k);
/* Whether a new case may start: false once the store's free space is down to its reserve. Sets
 * k->store_low and logs when that changes. A free space that cannot be read counts as room: the
 * store itself refuses what does not fit. */
bool cases_store_room(struct kiosk *k);
/* Starts printing the receipt of the stored case. KERR_NO_DEVICE, KERR_PAPER_OUT ... when it cannot start. */
enum kerr cases_print_receipt(struct kiosk *k);
/* Writes the stored case's acceptance receipt as an A4 PDF (<data>/a4/<case number>.pdf) and starts
 * printing it on the document printer. KERR_NO_DEVICE, KERR_IO ... when it cannot start. */
enum kerr cases_print_a4(struct kiosk *k);
/* The A4 receipt's job ended: its PDF goes (it names the resident). */
void cases_a4_done(struct kiosk *k, int job);
/* At start: PDFs a crash left in <data>/a4 go. */
void cases_a4_sweep(struct kiosk *k);
/* Prints the 一次性告知 notice of the session's missing materials on the receipt printer (no case is stored: the
 * resident leaves to gather them). KERR_INVAL when nothing is missing, KERR_NO_DEVICE, KERR_PAPER_OUT ... */
enum kerr cases_print_notice(struct kiosk *k);
/* Stores the session's evaluation (once). */
enum kerr cases_store_eval(struct kiosk *k);

/* The reasons for a bad rating, in the order shown: the platform's list for the session's level
 * when one was stored, else the mapping's (eval.mapping), else the built-in list. Fills up to cap labels and codes (pointers into k or static text); returns how many. */
size_t cases_reasons(const struct kiosk *k, const char **labels, const char **codes, size_t cap);
/* The version of the list cases_reasons() gives, sent with each rating; NULL when it has none. */
const char *cases_reasons_version(const struct kiosk *k);
/* Takes the platform's reason list from the store (at start, and between residents after the
 * worker stored a new one); the mapping's stays when none is stored or it cannot be read. */
void cases_reasons_load(struct kiosk *k);
/* The five named levels, 0 非常满意 .. 4 非常不满意. */
const char *const *cases_levels(void);

#endif
