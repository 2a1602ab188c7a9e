/* 进度查询's steps: a card or a query code, the terminal's own records at once,
 * then the platform's answer folded in when it comes. */
#include "kiosk/journey.h"

#include "common/log.h"
#include "drivers/idcard.h"
#include "kiosk/cases.h"
#include "kiosk/kiosk.h"
#include "kiosk/receipts.h"
#include "kiosk/texts.h"

#include <stdio.h>
#include <string.h>

/* The code's alphabet (queue_id.c): digits 2-9 and the letters without I, L and
 * O. */
static bool code_char(int c)
{
	return (c >= '2' && c <= '9') || (c >= 'A' && c <= 'Z' && c != 'I' && c != 'L' && c != 'O');
}

void enter_query(struct kiosk *k)
{
	enum kerr e;

	k->session.edit[0] = 0;
	e = k->dev[DEV_IDCARD] ? idcard_enable(k->dev[DEV_IDCARD], true) : KERR_NO_DEVICE;
	if (e != KERR_OK)
		log_warn("idcard: cannot start reading: %s", kerr_str(e));
}

void exit_query(struct kiosk *k)
{
	if (k->dev[DEV_IDCARD])
		idcard_enable(k->dev[DEV_IDCARD], false);
}

bool guard_tile_query(struct kiosk *k, int arg)
{
	return arg == 2 && k->queue;
}

bool guard_code_complete(struct kiosk *k, int arg)
{
	(void)arg;
	return strlen(k->session.edit) == 8;
}

void act_code_key(struct kiosk *k, int arg)
{
	struct session *s = &k->session;
	size_t n = strlen(s->edit);

	k->banner[0] = 0;
	if (arg >= 'a' && arg <= 'z')
		arg -= 'a' - 'A';
	if (arg == UI_KEYCODE_BACKSPACE) {
		if (n)
			s->edit[n - 1] = 0;
	} else if (arg == UI_KEYCODE_CLEAR) {
		s->edit[0] = 0;
	} else if (code_char(arg) && n < 8) {
		s->edit[n] = (char)arg;
		s->edit[n + 1] = 0;
	}
}

void act_code_incomplete(struct kiosk *k, int arg)
{
	(void)arg;
	snprintf(k->banner, sizeof(k->banner), "查询码是8位，请对照回执输入完整。");
	k->banner_error = true;
	k->dirty = true;
}

static void ask(struct kiosk *k, const char *code, const char *id_type, const char *id_number)
{
	struct progress *p = &k->session.progress;
	enum kerr e;

	e = progress_local(k, code, id_type, id_number, p);
	if (e)
		log_err("progress: cannot read this terminal's cases: %s", kerr_str(e));
	if (k->uplink && uplink_query(k->uplink, code, id_type, id_number) == KERR_OK) {
		p->asked = true;
		k->query_waiting = true;
	}
	log_info("progress: %zu case(s) on this terminal%s", p->n,
		 p->asked ? "; asking the platform" : "");
}

void act_query_code(struct kiosk *k, int arg)
{
	(void)arg;
	ask(k, k->session.edit, NULL, NULL);
}

void act_query_card(struct kiosk *k, int arg)
{
	(void)arg;
	ask(k, NULL, cases_id_type(&k->session.card), k->session.card.id_number);
}

void act_query_done(struct kiosk *k, int arg)
{
	(void)arg;
	progress_merge(&k->session.progress, &k->query_reply, k->query_err,
		       clock_wall_ms(&k->clock));
	explicit_bzero(&k->query_reply, sizeof(k->query_reply));
	k->dirty = true;
}

/* ---- 补打: a stored case's receipt printed again ---- */

static void say(struct kiosk *k, bool error, const char *text)
{
	snprintf(k->banner, sizeof(k->banner), "%s", text);
	k->banner_error = error;
	k->dirty = true;
}

/* One job at a time, and each case once per answer: a second touch while it prints, or after it
 * came out, prints nothing. */
bool guard_reprint(struct kiosk *k, int arg)
{
	const struct progress *p = &k->session.progress;

	return arg >= 0 && (size_t)arg < p->n && arg < 32 && p->rows[arg].reprintable &&
	       !p->reprint_job && !(p->reprinted & (1u << arg));
}

void act_reprint(struct kiosk *k, int arg)
{
	struct progress *p = &k->session.progress;
	int job = 0;
	enum kerr e = receipts_reprint(k, p->rows[arg].case_no, &job);

	p->reprint_row = (size_t)arg;
	p->reprint_err = e;
	if (e != KERR_OK) {
		log_warn("receipt: reprint of case %s not started: %s", p->rows[arg].case_no,
			 kerr_str(e));
		say(k, true, texts_reprint_error(e));
		return;
	}
	p->reprint_job = job;
	say(k, false, "正在补打回执，请在出纸口等候…");
}

void act_reprint_refused(struct kiosk *k, int arg)
{
	const struct progress *p = &k->session.progress;

	if (p->reprint_job)
		say(k, false, "正在补打回执，请稍候。");
	else if (arg >= 0 && arg < 32 && (p->reprinted & (1u << arg)))
		say(k, false, "该办件的回执已补打，请在出纸口取走。");
	else
		say(k, true, "该办件不是在本终端受理的，本机无法补打回执。请凭查询码到窗口打印。");
}

bool guard_reprint_job(struct kiosk *k, int arg)
{
	return k->session.progress.reprint_job && arg == k->session.progress.reprint_job;
}

void act_reprinted(struct kiosk *k, int arg)
{
	struct progress *p = &k->session.progress;

	(void)arg;
	p->reprint_job = 0;
	p->reprinted |= 1u << p->reprint_row;
	if (p->rows[p->reprint_row].receipt_prints >= 0)
		p->rows[p->reprint_row].receipt_prints++;
	else
		p->rows[p->reprint_row].receipt_prints = 1;
	say(k, false, "回执已补打，请在出纸口取走。补打的回执标有“补打”字样，办件编号不变。");
}

/* arg is the job; devices.c left its error in print_err. */
void act_reprint_failed(struct kiosk *k, int arg)
{
	struct progress *p = &k->session.progress;

	(void)arg;
	p->reprint_job = 0;
	p->reprint_err = k->print_err;
	log_warn("receipt: reprint of case %s failed: %s", p->rows[p->reprint_row].case_no,
		 kerr_str(k->print_err));
	say(k, true, texts_reprint_error(k->print_err));
}
