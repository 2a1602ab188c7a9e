/* 进度查询's model. Local first, so a resident sees something the moment the
 * card is read, even with the platform out of reach; the platform's answer then
 * replaces what it knows better. */
#include "kiosk/progress.h"

#include "common/clock.h"
#include "kiosk/kiosk.h"
#include "kiosk/workday.h"
#include "offline-queue/queue_receipt.h"
#include "offline-queue/queue_sync.h"

#include <stdio.h>
#include <string.h>

static const struct {
	const char *word, *zh;
} statuses[] = {
	{"awaiting_materials", "材料上传中"},
	{"received", "平台已接收"},
	{"accepted", "已受理"},
	{"processing", "办理中"},
	{"completed", "已办结"},
	{"returned", "已退回，请补正材料"},
	{"refused", "不予受理"},
};

const char *progress_status_words(const char *status)
{
	for (size_t i = 0; i < sizeof(statuses) / sizeof(statuses[0]); i++)
		if (strcmp(status, statuses[i].word) == 0)
			return statuses[i].zh;
	return NULL;
}

static void local_row(struct kiosk *k, const struct queue_case_rec *c, struct progress_row *r)
{
	struct queue_remote_status rs;
	struct queue_receipt rp;
	enum queue_sync_state st = QUEUE_SYNC_PENDING;

	memset(r, 0, sizeof(*r));
	snprintf(r->item_name, sizeof(r->item_name), "%s", c->item_name);
	/* A purged case keeps no name or number to print. */
	r->reprintable = c->applicant_name[0] != 0;
	r->receipt_prints = queue_receipt_get(k->queue, c->case_no, &rp) == KERR_OK ? rp.prints : -1;
	snprintf(r->case_no, sizeof(r->case_no), "%s", c->case_no);
	snprintf(r->platform_no, sizeof(r->platform_no), "%s", c->platform_no);
	snprintf(r->impl_code, sizeof(r->impl_code), "%s", c->impl_code);
	snprintf(r->promised_date, sizeof(r->promised_date), "%s", c->promised_date);
	if (queue_sync_case_state(k->queue, c->id, &st, NULL, 0) == KERR_OK)
		snprintf(r->local_state, sizeof(r->local_state), "%s",
			 st == QUEUE_SYNC_ACKED	     ? "已上传至政务服务平台"
			 : st == QUEUE_SYNC_REJECTED ? "上传受阻，工作人员将联系您"
						     : "已在本终端受理，等待上传至政务服务平台");
	if (queue_remote_status_get(k->queue, c->case_no, &rs) == KERR_OK && rs.status[0]) {
		snprintf(r->status, sizeof(r->status), "%s", rs.status);
		snprintf(r->status_text, sizeof(r->status_text), "%s", rs.status_text);
		if (rs.promised_date[0])
			snprintf(r->promised_date, sizeof(r->promised_date), "%s",
				 rs.promised_date);
		r->checked_ms = rs.checked_ms;
	}
}

enum kerr progress_local(struct kiosk *k, const char *code, const char *id_type,
			 const char *id_number, struct progress *p)
{
	char found[PROGRESS_MAX][40];
	size_t n = 0;
	enum kerr e;

	memset(p, 0, sizeof(*p));
	if (!k->queue)
		return KERR_IO;
	if (code) {
		snprintf(found[0], sizeof(found[0]), "%s", code);
		n = 1;
	} else {
		e = queue_case_find_person(k->queue, id_type, id_number, found, PROGRESS_MAX, &n);
		if (e)
			return e;
	}
	for (size_t i = 0; i < n; i++) {
		struct queue_case_rec *c = NULL;

		e = queue_case_get(k->queue, found[i], &c);
		if (e == KERR_NOT_FOUND)
			continue;
		if (e)
			return e;
		local_row(k, c, &p->rows[p->n++]);
		queue_case_rec_free(c);
	}
	return KERR_OK;
}

void progress_merge(struct progress *p, const struct uplink_query_reply *rep, enum kerr err,
		    int64_t now_wall_ms)
{
	p->answered = true;
	p->err = err;
	if (err)
		return;
	for (size_t i = 0; i < rep->n; i++) {
		const struct uplink_case_status *c = &rep->cases[i];
		struct progress_row *r = NULL;

		for (size_t j = 0; j < p->n && !r; j++)
			if ((c->case_no[0] && strcmp(p->rows[j].case_no, c->case_no) == 0) ||
			    (c->platform_no[0] &&
			     strcmp(p->rows[j].platform_no, c->platform_no) == 0))
				r = &p->rows[j];
		if (!r) {
			/* A case from another channel (a hall window, the website): shown as the
			 * platform says. */
			if (p->n == PROGRESS_MAX)
				continue;
			r = &p->rows[p->n++];
			memset(r, 0, sizeof(*r));
			r->receipt_prints = -1;
			snprintf(r->case_no, sizeof(r->case_no), "%s", c->case_no);
			snprintf(r->item_name, sizeof(r->item_name), "%s",
				 c->item_name[0] ? c->item_name : "办件");
		}
		snprintf(r->platform_no, sizeof(r->platform_no), "%s", c->platform_no);
		if (c->impl_code[0])
			snprintf(r->impl_code, sizeof(r->impl_code), "%s", c->impl_code);
		snprintf(r->status, sizeof(r->status), "%s", c->status);
		snprintf(r->status_text, sizeof(r->status_text), "%s", c->status_text);
		if (c->promised_date[0])
			snprintf(r->promised_date, sizeof(r->promised_date), "%s",
				 c->promised_date);
		r->checked_ms = now_wall_ms;
	}
}

/* Days since 1970-01-01 of a YYYYMMDD date (days_from_civil). */
static int64_t epoch_day(int ymd)
{
	int y = ymd / 10000, m = ymd / 100 % 100, d = ymd % 100;
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

enum progress_urgency progress_urgency(const struct progress_row *r, int today,
				       const char *holidays, const char *workdays, int *ret_days)
{
	int promised, left = 0;

	*ret_days = 0;
	if (strcmp(r->status, "completed") == 0 || strcmp(r->status, "refused") == 0)
		return PROGRESS_DONE;
	if (strlen(r->promised_date) != 8 || sscanf(r->promised_date, "%d", &promised) != 1)
		return PROGRESS_NONE;
	if (promised < today) {
		*ret_days = -(int)(epoch_day(today) - epoch_day(promised));
		return PROGRESS_OVERDUE;
	}
	/* Working days after today up to and including the promised day. */
	while (left < 400 && workday_add(today, left + 1, holidays, workdays) <= promised)
		left++;
	*ret_days = left;
	/* Supervision warns one working day ahead (public-service-rules.md,
	 * 电子监察). */
	return left <= 1 ? PROGRESS_NEAR : PROGRESS_OPEN;
}
