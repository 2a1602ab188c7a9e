/* Receipts after the store: prints recorded per case, the unprinted count, and 补打 from the store. */
#include "kiosk/receipts.h"

#include "common/log.h"
#include "common/mask.h"
#include "drivers/receipt_layout.h"
#include "kiosk/kiosk.h"
#include "kiosk/sync.h"
#include "offline-queue/queue_receipt.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void count_unprinted(struct kiosk *k)
{
	int64_t n = -1;

	if (k->queue && queue_receipt_unprinted(k->queue, &n) != KERR_OK) {
		log_err("store: cannot count unprinted receipts: %s", queue_errmsg(k->queue));
		n = -1;
	}
	k->receipts_unprinted = n;
}

void receipts_start(struct kiosk *k)
{
	char last[1][40];
	size_t n = 0;

	count_unprinted(k);
	if (k->receipts_unprinted <= 0)
		return;
	if (queue_receipt_unprinted_list(k->queue, last, 1, &n) != KERR_OK)
		n = 0;
	/* A crash between commit and print, or paper out and the resident gone: the case is safe,
	 * its receipt can be reprinted from 进度查询. */
	log_warn("receipt: %lld stored case(s) never had their receipt printed%s%s; residents can reprint it "
		 "from 进度查询",
		 (long long)k->receipts_unprinted, n ? ", the newest " : "", n ? last[0] : "");
}

void receipts_job_started(struct kiosk *k, int job, const char *case_no)
{
	k->receipt_job = job;
	snprintf(k->receipt_case, sizeof(k->receipt_case), "%s", case_no);
	/* A case just stored counts as unprinted until its receipt is out. */
	count_unprinted(k);
	sync_report_health(k);
}

void receipts_job_done(struct kiosk *k, int job, enum kerr err)
{
	enum kerr e;

	if (!k->receipt_job || job != k->receipt_job)
		return;
	k->receipt_job = 0;
	/* Only a job the printer's own status after it calls good: a cheap printer "prints" with no
	 * paper, and a receipt recorded as printed is never offered again by itself. */
	if (err == KERR_OK && k->queue) {
		e = queue_receipt_printed(k->queue, k->receipt_case, clock_wall_ms(&k->clock));
		if (e != KERR_OK)
			log_err("store: receipt print of case %s not recorded: %s: %s", k->receipt_case,
				kerr_str(e), queue_errmsg(k->queue));
	}
	count_unprinted(k);
	sync_report_health(k);
}

bool receipts_printed(struct kiosk *k, const char *case_no)
{
	struct queue_receipt r;

	return k->queue && case_no[0] && queue_receipt_get(k->queue, case_no, &r) == KERR_OK &&
	       r.prints > 0;
}

/* A stored case's receipt in words, and the buffers they point into. */
struct reprint_words {
	struct receipt_case c;
	struct receipt_material missing[QUEUE_MAX_MATERIALS];
	char name[96], id[48], when[32], now[32], promised[64], due[16], qr[256];
	struct receipt_build b;
};

static void format_time(int64_t wall_ms, char *buf, size_t size)
{
	int y, mo, d, h, mi, s, wd;

	clock_local(wall_ms, &y, &mo, &d, &h, &mi, &s, &wd);
	snprintf(buf, size, "%04d-%02d-%02d %02d:%02d", y, mo, d, h, mi);
}

static const char *missing_words(enum queue_material_status st)
{
	return st == QUEUE_MAT_COMMITMENT ? "缺少，可签告知承诺代替" : "缺少，可容缺后补";
}

/* The receipt as it was printed when the case was stored, from the store alone: the catalog may
 * have changed since, the case has not. */
static enum kerr describe(struct kiosk *k, const struct queue_case_rec *r, struct reprint_words *w,
			  struct receipt_doc *ret)
{
	const struct catalog_item *it = k->catalog ? catalog_find(k->catalog, r->impl_code) : NULL;
	size_t n = 0;

	mask_name(r->applicant_name, w->name, sizeof(w->name));
	mask_idnum(r->id_number, w->id, sizeof(w->id));
	format_time(r->accepted_ms, w->when, sizeof(w->when));
	format_time(clock_wall_ms(&k->clock), w->now, sizeof(w->now));
	if (r->promised_date[0]) {
		snprintf(w->due, sizeof(w->due), "%.4s-%.2s-%.2s", r->promised_date, r->promised_date + 4,
			 r->promised_date + 6);
		if (it && it->case_kind == 2)
			snprintf(w->promised, sizeof(w->promised), "%s（%d个工作日）", w->due,
				 it->promised_days);
		else
			snprintf(w->promised, sizeof(w->promised), "%s", w->due);
	}
	snprintf(w->qr, sizeof(w->qr), k->cfg.qr_template, r->case_no, r->query_code);
	for (size_t i = 0; i < r->n_materials && n < QUEUE_MAX_MATERIALS; i++) {
		enum queue_material_status st = r->materials[i].status;

		if (st == QUEUE_MAT_MISSING || st == QUEUE_MAT_COMMITMENT)
			w->missing[n++] = (struct receipt_material){ r->materials[i].name, missing_words(st) };
	}
	w->c = (struct receipt_case){
		.hall = k->cfg.hall,
		.case_no = r->case_no,
		.item = r->item_name,
		.applicant = w->name,
		.id_number = w->id,
		.accepted = w->when,
		.promised = r->promised_date[0] ? w->promised : NULL,
		.query_code = r->query_code,
		.qr = w->qr,
		.phone = k->cfg.phone,
		.deadline = r->promised_date[0] ? w->due : NULL,
		.missing = w->missing,
		.n_missing = n,
		.reprinted = w->now,
	};
	receipt_build_init(&w->b);
	receipt_layout_acceptance(&w->b, &w->c);
	return receipt_build_doc(&w->b, ret);
}

enum kerr receipts_reprint(struct kiosk *k, const char *case_no, int *ret_job)
{
	struct queue_case_rec *r = NULL;
	struct reprint_words *w = NULL;
	struct receipt_doc doc;
	int job = 0;
	enum kerr e;

	if (!k->dev[DEV_RECEIPT])
		return KERR_NO_DEVICE;
	if (!k->queue)
		return KERR_IO;
	e = queue_case_get(k->queue, case_no, &r);
	/* Purged after the retention period: nothing left to print a name or number from. */
	if (e == KERR_OK && !r->applicant_name[0])
		e = KERR_NOT_FOUND;
	if (e == KERR_OK) {
		/* Holds the resident's data: on the heap, wiped when done. */
		w = calloc(1, sizeof(*w));
		e = w ? describe(k, r, w, &doc) : KERR_NOMEM;
	}
	if (e == KERR_OK)
		e = receipt_print(k->dev[DEV_RECEIPT], &doc, &job);
	if (e == KERR_OK) {
		receipts_job_started(k, job, r->case_no);
		log_info("receipt: case %s reprinted as job %d", r->case_no, job);
		*ret_job = job;
	}
	if (w) {
		explicit_bzero(w, sizeof(*w));
		free(w);
	}
	queue_case_rec_free(r);
	return e;
}
