/* 好差评 beyond the application: the guide a resident read is rated on leaving it, and the 好差评 tile
 * rates the terminal and hall itself (自助评价) or a past case found by 进度查询's request (追评). */
#include "kiosk/journey.h"

#include "common/log.h"
#include "kiosk/catalog.h"
#include "kiosk/kiosk.h"

#include <stdio.h>
#include <string.h>

/* A guide counts as used (public-service-rules.md: "after a completed service") when the resident
 * scrolled it or stayed on it this long: a guide opened by mistake and left at once was not read. */
#define GUIDE_READ_MS 10000

static void banner(struct kiosk *k, const char *text)
{
	snprintf(k->banner, sizeof(k->banner), "%s", text);
	k->banner_error = true;
	k->dirty = true;
}

/* Remembers the guide on screen as read when it was. The guide's exit runs after a row's guard and
 * action, so they call this too. */
static void note_guide(struct kiosk *k)
{
	struct session *s = &k->session;

	if (k->state == FLOW_GUIDE && s->item &&
	    (s->guide_scroll > 0 || clock_now_ms(&k->clock) - k->state_since_ms >= GUIDE_READ_MS))
		s->guide_read = s->item;
}

void exit_guide(struct kiosk *k)
{
	note_guide(k);
}

bool guard_guide_read(struct kiosk *k, int arg)
{
	(void)arg;
	note_guide(k);
	return k->session.guide_read != NULL;
}

void act_guide_rate(struct kiosk *k, int arg)
{
	struct session *s = &k->session;

	(void)arg;
	/* The item last read is the one rated, whichever the catalog shows now. */
	s->item = s->guide_read;
	s->eval_target = SESSION_EVAL_SERVICE;
	log_info("eval: the guide of %s was read; rating it", s->item->impl_code);
}

bool guard_tile_rate(struct kiosk *k, int arg)
{
	return arg == 4 && k->queue;
}

bool guard_rate_terminal(struct kiosk *k, int arg)
{
	(void)k;
	return arg == 0;
}

void act_rate_terminal(struct kiosk *k, int arg)
{
	(void)arg;
	k->session.eval_target = SESSION_EVAL_TERMINAL;
}

/* The row i of the cases found, when it can have a follow-up rating: a case number to name it, and
 * none stored on this terminal yet (the platform keeps one per case and refuses a second). */
static const struct progress_row *ratable(struct kiosk *k, int i, bool *ret_done)
{
	const struct progress *p = &k->session.progress;
	bool done = false;

	if (i < 0 || (size_t)i >= p->n || !p->rows[i].case_no[0])
		return NULL;
	if (queue_eval_followed_up(k->queue, p->rows[i].case_no, &done) != KERR_OK)
		log_warn("store: cannot tell whether %s was rated again: %s", p->rows[i].case_no,
			 queue_errmsg(k->queue));
	if (ret_done)
		*ret_done = done;
	return p->rows[i].case_no[0] ? &p->rows[i] : NULL;
}

bool journey_followup_done(struct kiosk *k, int i)
{
	bool done = false;

	return ratable(k, i, &done) && done;
}

bool guard_followup_ok(struct kiosk *k, int arg)
{
	bool done = false;

	return ratable(k, arg, &done) && !done;
}

void act_followup_choose(struct kiosk *k, int arg)
{
	struct session *s = &k->session;
	const struct progress_row *r = ratable(k, arg, NULL);

	if (!r)
		return;
	s->eval_target = SESSION_EVAL_FOLLOWUP;
	snprintf(s->case_no, sizeof(s->case_no), "%s", r->case_no);
	snprintf(s->eval_subject, sizeof(s->eval_subject), "%s", r->item_name);
	snprintf(s->eval_impl_code, sizeof(s->eval_impl_code), "%s", r->impl_code);
	snprintf(s->eval_platform_no, sizeof(s->eval_platform_no), "%s", r->platform_no);
	log_info("eval: follow-up rating of %s", r->case_no);
}

void act_followup_refused(struct kiosk *k, int arg)
{
	const struct progress *p = &k->session.progress;

	if (arg >= 0 && (size_t)arg < p->n && !p->rows[arg].case_no[0])
		banner(k, "这件办件没有办件编号，暂不能在本机追评。请拨打 12345 或到窗口反映意见。");
	else
		banner(k, "这件办件已经追评过了，每件办件只能追评一次。如有其他意见，请拨打 12345。");
}
