/* printer-state-reasons are keywords with a severity suffix (RFC 8011 5.4.12, PWG 5100.9): the
 * stem says what, and a kiosk acts on what. */
#include "drivers/ipp_status.h"

#include <stdio.h>
#include <string.h>

static const struct {
	const char *stem;
	enum kerr fault; /* KERR_OK: only a warning */
	int rank;	 /* higher wins */
} stems[] = {
	{ "cover-open", KERR_COVER_OPEN, 6 },
	{ "door-open", KERR_COVER_OPEN, 6 },
	{ "interlock-open", KERR_COVER_OPEN, 6 },
	{ "media-empty", KERR_PAPER_OUT, 5 },
	{ "media-needed", KERR_PAPER_OUT, 5 },
	{ "input-tray-missing", KERR_PAPER_OUT, 5 },
	{ "media-jam", KERR_JAMMED, 4 },
	{ "output-area-full", KERR_JAMMED, 4 },
	{ "offline", KERR_NO_DEVICE, 3 },
	{ "shutdown", KERR_NO_DEVICE, 3 },
	{ "toner-empty", KERR_IO, 2 },
	{ "marker-supply-empty", KERR_IO, 2 },
	{ "toner-low", KERR_OK, 0 },
	{ "marker-supply-low", KERR_OK, 0 },
	{ "media-low", KERR_OK, 0 },
};

static int rank_of(enum kerr fault)
{
	for (size_t i = 0; i < sizeof(stems) / sizeof(stems[0]); i++)
		if (stems[i].fault == fault && fault != KERR_OK)
			return stems[i].rank;
	return fault == KERR_OK ? -1 : 1;
}

static void add_detail(struct ipp_status *st, const char *keyword)
{
	size_t used = strlen(st->detail);

	if (used + 2 >= sizeof(st->detail))
		return;
	snprintf(st->detail + used, sizeof(st->detail) - used, "%s%s", used ? "," : "", keyword);
}

void ipp_status_reason(struct ipp_status *st, const char *keyword)
{
	static const char *const suffixes[] = { "-report", "-warning", "-error" };
	char stem[64];
	size_t n = strlen(keyword);

	if (n == 0 || strcmp(keyword, "none") == 0)
		return;
	add_detail(st, keyword);
	if (n >= sizeof(stem))
		return;
	memcpy(stem, keyword, n + 1);
	for (size_t i = 0; i < 3; i++) {
		size_t k = strlen(suffixes[i]);

		if (n > k && strcmp(stem + n - k, suffixes[i]) == 0) {
			stem[n - k] = 0;
			break;
		}
	}
	for (size_t i = 0; i < sizeof(stems) / sizeof(stems[0]); i++) {
		if (strcmp(stem, stems[i].stem) != 0)
			continue;
		if (stems[i].fault == KERR_OK)
			st->near_end = true;
		else if (stems[i].rank > rank_of(st->fault))
			st->fault = stems[i].fault;
		return;
	}
}

static enum kerr read_enum(ipp_attribute_t *a, int lo, int hi, int *ret)
{
	int v;

	if (ippGetValueTag(a) != IPP_TAG_ENUM || ippGetCount(a) != 1)
		return KERR_PROTO;
	v = ippGetInteger(a, 0);
	if (v < lo || v > hi)
		return KERR_PROTO;
	*ret = v;
	return KERR_OK;
}

enum kerr ipp_status_read(ipp_t *msg, struct ipp_status *ret)
{
	struct ipp_status st;
	ipp_attribute_t *a;
	enum kerr e = KERR_OK;

	if (!msg)
		return KERR_INVAL;
	memset(&st, 0, sizeof(st));
	a = ippFindAttribute(msg, "printer-state", IPP_TAG_ZERO);
	if (a)
		e = read_enum(a, IPP_PSTATE_IDLE, IPP_PSTATE_STOPPED, &st.printer_state);
	a = ippFindAttribute(msg, "job-state", IPP_TAG_ZERO);
	if (a && e == KERR_OK)
		e = read_enum(a, IPP_JSTATE_PENDING, IPP_JSTATE_COMPLETED, &st.job_state);
	a = ippFindAttribute(msg, "printer-state-reasons", IPP_TAG_ZERO);
	if (a && e == KERR_OK) {
		ipp_tag_t tag = ippGetValueTag(a);

		if (tag != IPP_TAG_KEYWORD)
			return KERR_PROTO;
		for (int i = 0; i < ippGetCount(a); i++) {
			const char *k = ippGetString(a, i, NULL);

			if (k)
				ipp_status_reason(&st, k);
		}
	}
	if (e != KERR_OK)
		return e;
	if (st.printer_state == IPP_PSTATE_STOPPED && st.fault == KERR_OK) {
		st.fault = KERR_IO;
		add_detail(&st, "stopped");
	}
	*ret = st;
	return KERR_OK;
}

bool ipp_status_job_done(int job_state)
{
	return job_state >= IPP_JSTATE_CANCELED;
}
