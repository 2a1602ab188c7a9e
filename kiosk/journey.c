/* What happens on each step of the resident's journey: guards decide, actions change the session and talk to the
 * devices and the store. The table in flow.c says which runs when. */
#include "kiosk/journey.h"

#include "common/log.h"
#include "common/mask.h"
#include "drivers/idcard.h"
#include "drivers/keypad.h"
#include "drivers/scanner.h"
#include "kiosk/cases.h"
#include "kiosk/kiosk.h"
#include "kiosk/receipts.h"
#include "kiosk/texts.h"

#include <stdio.h>
#include <string.h>

static void banner(struct kiosk *k, bool error, const char *text)
{
	snprintf(k->banner, sizeof(k->banner), "%s", text);
	k->banner_error = error;
	k->dirty = true;
}

/* ---- entry and exit ---- */

void enter_home(struct kiosk *k)
{
	/* Before the session is cleared, which forgets that a scan is running. */
	if (k->dev[DEV_SCANNER] && k->session.scanning)
		scanner_cancel(k->dev[DEV_SCANNER]);
	certs_discard_pdf(k);
	session_clear(&k->session);
	/* The renderer keeps textures of the photo and the scans; they are the resident's too. */
	if (k->ui)
		ui_sdl_forget_images(k->ui);
	k->timer_ms = INT64_MAX;
	/* Between residents: the tile says at once whether a new case can be taken. */
	(void)cases_store_room(k);
	if (k->dev[DEV_IDCARD])
		idcard_enable(k->dev[DEV_IDCARD], false);
	if (k->dev[DEV_KEYPAD])
		keypad_enable(k->dev[DEV_KEYPAD], false);
}

void enter_card(struct kiosk *k)
{
	enum kerr e = k->dev[DEV_IDCARD] ? idcard_enable(k->dev[DEV_IDCARD], true) : KERR_NO_DEVICE;
	struct dev_status st;

	if (e != KERR_OK) {
		log_warn("idcard: cannot start reading: %s", kerr_str(e));
		banner(k, true, texts_device_fault(DEV_IDCARD, e));
		return;
	}
	k->reader_fault_shown = false;
	dev_get_status(k->dev[DEV_IDCARD], &st);
	journey_reader_status(k, &st);
}

void journey_reader_status(struct kiosk *k, const struct dev_status *st)
{
	bool faulty = st->state == DEV_STATE_ABSENT || st->state == DEV_STATE_FAULT;

	if (!journey_wants_card(k))
		return;
	if (faulty) {
		banner(k, true, texts_reader_fault(st->fault));
		k->reader_fault_shown = true;
	} else if (k->reader_fault_shown && st->state == DEV_STATE_READY) {
		/* The resident was told to wait or leave: say it works again, not just fall silent. */
		banner(k, false, texts_reader_recovered());
		k->reader_fault_shown = false;
	}
}

void journey_printer_status(struct kiosk *k, enum dev_class cls, const struct dev_status *st)
{
	const struct progress *p = &k->session.progress;
	bool waiting;

	if (st->state != DEV_STATE_READY)
		return;
	if (cls == DEV_RECEIPT)
		waiting = k->state == FLOW_PRINT_FAULT ||
			  (k->state == FLOW_PROGRESS && !p->reprint_job && p->reprint_err != KERR_OK &&
			   !(p->reprinted & (1u << p->reprint_row)));
	else
		waiting = cls == DEV_DOCPRINT && k->state == FLOW_CERT_PRINT &&
			  k->session.cert_step == SESSION_CERT_FAULT && k->session.cert_device_fault;
	if (!waiting)
		return;
	log_info("%s: ready again, the print is offered again", dev_class_str(cls));
	banner(k, false,
	       k->state == FLOW_PRINT_FAULT ? "回执打印机已恢复正常。请点击“重新打印”打印您的受理回执。"
	       : k->state == FLOW_PROGRESS  ? "回执打印机已恢复正常。请再次点击“补打回执”。"
					    : "A4打印机已恢复正常。请点击“重新打印”。");
}

bool journey_wants_card(const struct kiosk *k)
{
	return k->state == FLOW_CARD || k->state == FLOW_QUERY || k->state == FLOW_CERTS_CARD ||
	       k->state == FLOW_FOLLOW_FIND;
}

void exit_card(struct kiosk *k)
{
	if (k->dev[DEV_IDCARD])
		idcard_enable(k->dev[DEV_IDCARD], false);
}

void enter_catalog(struct kiosk *k)
{
	k->session.list_first = 0;
}

void enter_guide(struct kiosk *k)
{
	k->session.guide_scroll = 0;
}

void enter_phone(struct kiosk *k)
{
	snprintf(k->session.edit, sizeof(k->session.edit), "%s", k->session.phone);
}

static bool scannable(const struct catalog_material *m)
{
	return !m->ecert;
}

/* The first material at or after i that is scanned, or -1. */
static int next_scannable(const struct kiosk *k, size_t i)
{
	const struct catalog_item *it = k->session.item;

	for (; it && i < it->n_materials && i < SESSION_MAX_MATERIALS; i++)
		if (scannable(&it->materials[i]))
			return (int)i;
	return -1;
}

static int prev_scannable(const struct kiosk *k, int i)
{
	const struct catalog_item *it = k->session.item;

	for (; it && i >= 0; i--)
		if ((size_t)i < it->n_materials && scannable(&it->materials[i]))
			return i;
	return -1;
}

void enter_scan(struct kiosk *k)
{
	struct session *s = &k->session;
	int i;

	/* Coming back from the summary lands on the last material; coming from the form, on the first. */
	if (k->session.item && s->cur_mat >= k->session.item->n_materials)
		s->cur_mat = k->session.item->n_materials - 1;
	i = next_scannable(k, s->cur_mat);
	if (i < 0)
		i = prev_scannable(k, (int)s->cur_mat);
	s->cur_mat = i < 0 ? 0 : (size_t)i;
	s->retake = -1;
	/* A document camera shows what it sees, so the resident can place the paper before touching 拍照. */
	if (k->dev[DEV_SCANNER]) {
		const struct scan_preview p = { .interval_ms = KIOSK_PREVIEW_MS, .max_w = KIOSK_PREVIEW_W };
		enum kerr e = scanner_preview(k->dev[DEV_SCANNER], &p);

		s->camera = e == KERR_OK;
		if (e != KERR_OK && e != KERR_UNSUPPORTED)
			log_warn("scanner: no live picture: %s", kerr_str(e));
	}
}

void exit_scan(struct kiosk *k)
{
	if (k->session.scanning && k->dev[DEV_SCANNER])
		scanner_cancel(k->dev[DEV_SCANNER]);
	if (k->session.camera && k->dev[DEV_SCANNER])
		scanner_preview(k->dev[DEV_SCANNER], NULL);
	k->session.camera = false;
	session_preview_clear(&k->session);
	k->session.scanning = false;
}

void enter_summary(struct kiosk *k)
{
	(void)k;
}

void enter_submit(struct kiosk *k)
{
	enum kerr e = cases_store(k);

	if (e == KERR_OK)
		flow_post(k, EV_STORED, 0);
	else
		flow_post(k, EV_STORE_FAIL, e);
}

void enter_print(struct kiosk *k)
{
	enum kerr e;

	/* The store has it printed (the printer's status after a job said so): a retry never
	 * puts out a second receipt of the same case. */
	if (receipts_printed(k, k->session.case_no)) {
		log_info("receipt: case %s already printed, not again", k->session.case_no);
		flow_post(k, EV_PRINTED, 0);
		return;
	}
	e = cases_print_receipt(k);
	if (e != KERR_OK)
		flow_post(k, EV_PRINT_FAIL, e);
}

void enter_eval(struct kiosk *k)
{
	if (k->dev[DEV_KEYPAD])
		keypad_enable(k->dev[DEV_KEYPAD], true);
}

void exit_eval(struct kiosk *k)
{
	if (k->dev[DEV_KEYPAD])
		keypad_enable(k->dev[DEV_KEYPAD], false);
}

void enter_eval_text(struct kiosk *k)
{
	snprintf(k->session.edit, sizeof(k->session.edit), "%s", k->session.eval_text);
}

void enter_thanks(struct kiosk *k)
{
	k->timer_ms = clock_now_ms(&k->clock) + (int64_t)k->cfg.thanks_s * 1000;
}

/* ---- guards ---- */

bool guard_tile_apply(struct kiosk *k, int arg)
{
	return arg == 0 && k->catalog && k->queue && cases_store_room(k);
}

bool guard_tile_guide(struct kiosk *k, int arg)
{
	return arg == 1 && k->catalog;
}

bool guard_has_card(struct kiosk *k, int arg)
{
	(void)arg;
	return k->session.has_card;
}

bool guard_item_chosen(struct kiosk *k, int arg)
{
	(void)arg;
	return k->session.item != NULL;
}

bool guard_phone_ok(struct kiosk *k, int arg)
{
	(void)arg;
	return cases_phone_valid(k->session.phone);
}

bool guard_edit_phone_ok(struct kiosk *k, int arg)
{
	(void)arg;
	return cases_phone_valid(k->session.edit);
}

bool guard_no_scan_needed(struct kiosk *k, int arg)
{
	return guard_phone_ok(k, arg) && next_scannable(k, 0) < 0;
}

bool guard_more_materials(struct kiosk *k, int arg)
{
	(void)arg;
	return next_scannable(k, k->session.cur_mat + 1) >= 0;
}

bool guard_not_first_material(struct kiosk *k, int arg)
{
	(void)arg;
	return prev_scannable(k, (int)k->session.cur_mat - 1) >= 0;
}

bool guard_last_material_scannable(struct kiosk *k, int arg)
{
	(void)arg;
	return next_scannable(k, 0) >= 0;
}

bool guard_has_gaps(struct kiosk *k, int arg)
{
	struct cases_gaps g;

	(void)arg;
	cases_gaps(k, &g);
	return g.blocking > 0 || g.waivable > 0;
}

bool guard_can_submit(struct kiosk *k, int arg)
{
	struct cases_gaps g;

	(void)arg;
	cases_gaps(k, &g);
	return g.blocking == 0 && (g.waivable == 0 || k->session.gaps_accepted);
}

bool guard_bad_level(struct kiosk *k, int arg)
{
	(void)k;
	return arg == 3 || arg == 4;
}

bool guard_has_reason(struct kiosk *k, int arg)
{
	(void)arg;
	return k->session.eval_reasons != 0;
}

/* ---- actions ---- */

void act_tile_disabled(struct kiosk *k, int arg)
{
	(void)arg;
	if (arg == 3 && !k->uplink)
		banner(k, true, "本终端没有连接政务服务平台，暂不能自助打印证照，请到窗口办理。");
	else if (arg == 3)
		banner(k, true, "本终端的A4打印机暂不可用，请到窗口打印证照。");
	else if (!k->catalog)
		banner(k, true, texts_catalog_unavailable());
	else if (!k->queue)
		banner(k, true, texts_store_unavailable());
	else if (arg == 0 && k->store_low)
		banner(k, true, texts_store_full());
}

void act_card_read(struct kiosk *k, int arg)
{
	char name[96];

	(void)arg;
	mask_name(k->session.card.name, name, sizeof(name));
	log_info("idcard: read %s card of %s", idcard_type_str(k->session.card.type), name);
}

void act_card_failed(struct kiosk *k, int arg)
{
	log_info("idcard: card not accepted: %s", kerr_str((enum kerr)arg));
	banner(k, true, texts_card_error((enum kerr)arg));
}

static size_t list_len(struct kiosk *k)
{
	const char *theme = NULL;

	if (k->session.tab > 0 && (size_t)k->session.tab <= k->catalog->n_themes)
		theme = k->catalog->themes[k->session.tab - 1].id;
	return catalog_search(k->catalog, k->state == FLOW_SEARCH ? NULL : theme, k->session.query, NULL, 0);
}

void act_tab(struct kiosk *k, int arg)
{
	k->session.tab = arg;
	k->session.list_first = 0;
	/* A theme tab shows that theme whole: a search typed before no longer narrows it. */
	k->session.query[0] = 0;
}

void act_page_up(struct kiosk *k, int arg)
{
	size_t step = k->list_shown > 0 ? (size_t)k->list_shown : 1;

	(void)arg;
	k->session.list_first = k->session.list_first > step ? k->session.list_first - step : 0;
}

void act_page_down(struct kiosk *k, int arg)
{
	size_t step = k->list_shown > 0 ? (size_t)k->list_shown : 1;

	(void)arg;
	if (k->session.list_first + step < list_len(k))
		k->session.list_first += step;
}

void act_search_key(struct kiosk *k, int arg)
{
	struct session *s = &k->session;
	size_t n = strlen(s->query);

	if (arg == UI_KEYCODE_BACKSPACE) {
		if (n)
			s->query[n - 1] = 0;
	} else if (arg == UI_KEYCODE_CLEAR) {
		s->query[0] = 0;
	} else if (((arg >= 'a' && arg <= 'z') || (arg >= '0' && arg <= '9')) && n + 1 < sizeof(s->query)) {
		s->query[n] = (char)arg;
		s->query[n + 1] = 0;
	}
	s->tab = 0;
	s->list_first = 0;
}

void act_choose_item(struct kiosk *k, int arg)
{
	const struct catalog_item *items[512];
	const char *theme = NULL;
	size_t n;

	if (k->state == FLOW_CATALOG && k->session.tab > 0 && (size_t)k->session.tab <= k->catalog->n_themes)
		theme = k->catalog->themes[k->session.tab - 1].id;
	n = catalog_search(k->catalog, theme, k->session.query, items, 512);
	if (arg < 0 || (size_t)arg >= n || (size_t)arg >= 512)
		return;
	if (k->session.item != items[arg]) {
		/* Another item: the materials of the last one do not belong to this application. */
		for (size_t i = 0; i < SESSION_MAX_MATERIALS; i++)
			session_material_clear(&k->session.mats[i]);
		k->session.gaps_accepted = false;
		k->session.cur_mat = 0;
	}
	k->session.item = items[arg];
	log_info("catalog: chose %s", items[arg]->impl_code);
}

void act_guide_up(struct kiosk *k, int arg)
{
	(void)arg;
	k->session.guide_scroll -= k->guide_view_h * 4 / 5;
	if (k->session.guide_scroll < 0)
		k->session.guide_scroll = 0;
}

void act_guide_down(struct kiosk *k, int arg)
{
	int max = k->guide_content_h - k->guide_view_h;

	(void)arg;
	k->session.guide_scroll += k->guide_view_h * 4 / 5;
	if (k->session.guide_scroll > max)
		k->session.guide_scroll = max > 0 ? max : 0;
}

void act_delivery(struct kiosk *k, int arg)
{
	if (arg >= 0 && arg < SESSION_DELIVERY__COUNT)
		k->session.delivery = (enum session_delivery)arg;
}

void act_form_incomplete(struct kiosk *k, int arg)
{
	(void)arg;
	banner(k, true, "请填写您的手机号码：点击“手机号码”一栏输入。办理结果将以短信通知您。");
}

void act_phone_key(struct kiosk *k, int arg)
{
	struct session *s = &k->session;
	size_t n = strlen(s->edit);

	k->banner[0] = 0;
	if (arg == UI_KEYCODE_BACKSPACE) {
		if (n)
			s->edit[n - 1] = 0;
	} else if (arg == UI_KEYCODE_CLEAR) {
		s->edit[0] = 0;
	} else if (arg >= '0' && arg <= '9' && n < 11) {
		s->edit[n] = (char)arg;
		s->edit[n + 1] = 0;
	}
}

void act_phone_save(struct kiosk *k, int arg)
{
	(void)arg;
	snprintf(k->session.phone, sizeof(k->session.phone), "%.15s", k->session.edit);
	explicit_bzero(k->session.edit, sizeof(k->session.edit));
}

void act_phone_invalid(struct kiosk *k, int arg)
{
	(void)arg;
	banner(k, true, "手机号码应为以1开头的11位数字，请检查后重新输入。");
}

void act_scan_start(struct kiosk *k, int arg)
{
	struct scan_params p = { .source = k->cfg.scan_feeder ? SCAN_SOURCE_FEEDER : SCAN_SOURCE_FLATBED,
				 .dpi = k->cfg.scan_dpi, .color = false };
	enum kerr e;

	(void)arg;
	if (k->session.scanning)
		return;
	if (k->session.retake < 0 && k->session.mats[k->session.cur_mat].n_pages >= SESSION_MAX_PAGES) {
		banner(k, true, "本项材料已达到页数上限。如需更换，请点击页面下方的“重拍”。");
		return;
	}
	e = k->dev[DEV_SCANNER] ? scanner_start(k->dev[DEV_SCANNER], &p) : KERR_NO_DEVICE;
	if (e != KERR_OK) {
		log_warn("scanner: cannot start: %s", kerr_str(e));
		banner(k, true, k->session.camera ? texts_camera_fault(e) : texts_device_fault(DEV_SCANNER, e));
		k->session.retake = -1;
		return;
	}
	k->banner[0] = 0;
	k->session.scanning = true;
}

void act_scan_done(struct kiosk *k, int arg)
{
	k->session.scanning = false;
	k->session.retake = -1;
	if (arg != KERR_OK) {
		log_warn("scanner: job ended: %s", kerr_str((enum kerr)arg));
		banner(k, true, k->session.camera ? texts_camera_fault((enum kerr)arg)
						 : texts_device_fault(DEV_SCANNER, (enum kerr)arg));
	}
}

void act_retake(struct kiosk *k, int arg)
{
	if (arg < 0 || (size_t)arg >= k->session.mats[k->session.cur_mat].n_pages)
		return;
	k->session.retake = arg;
	act_scan_start(k, 0);
}

void act_next_material(struct kiosk *k, int arg)
{
	int i = next_scannable(k, k->session.cur_mat + 1);

	(void)arg;
	if (i >= 0)
		k->session.cur_mat = (size_t)i;
}

void act_prev_material(struct kiosk *k, int arg)
{
	int i = prev_scannable(k, (int)k->session.cur_mat - 1);

	(void)arg;
	if (i >= 0)
		k->session.cur_mat = (size_t)i;
}

void act_toggle_gaps(struct kiosk *k, int arg)
{
	(void)arg;
	k->session.gaps_accepted = !k->session.gaps_accepted;
}

void act_cannot_submit(struct kiosk *k, int arg)
{
	struct cases_gaps g;

	(void)arg;
	cases_gaps(k, &g);
	if (g.blocking)
		banner(k, true, "还缺必须提交的材料，暂不能受理。请点击“上一步”补扫，或携带材料到窗口办理。");
	else
		banner(k, true, "请先阅读并勾选右侧的承诺，再点击“确认提交”。");
}

/* Leaving the summary with materials missing: the list goes with the resident, in writing (一次性告知). */
void act_print_notice(struct kiosk *k, int arg)
{
	enum kerr e;

	(void)arg;
	e = cases_print_notice(k);
	if (e == KERR_OK)
		log_info("receipt: missing-materials notice printed for %s", k->session.item->impl_code);
	else
		log_warn("receipt: missing-materials notice not printed: %s", kerr_str(e));
}

void act_store_failed(struct kiosk *k, int arg)
{
	log_err("store: case not stored: %s: %s", kerr_str((enum kerr)arg),
		k->queue ? queue_errmsg(k->queue) : "no store");
	banner(k, true, texts_store_error((enum kerr)arg));
}

void act_print_failed(struct kiosk *k, int arg)
{
	log_warn("receipt: %s for case %s", kerr_str((enum kerr)arg), k->session.case_no);
	k->print_err = (enum kerr)arg;
}

void act_level(struct kiosk *k, int arg)
{
	/* The platform's list differs by bad level: ticks of the other level's list mean nothing. */
	if (k->reasons.n && arg != k->session.eval_level)
		k->session.eval_reasons = 0;
	if (arg >= 0 && arg <= 4)
		k->session.eval_level = arg;
}

void act_rate(struct kiosk *k, int arg)
{
	act_level(k, arg);
	act_store_eval(k, arg);
}

void act_store_eval(struct kiosk *k, int arg)
{
	enum kerr e;

	(void)arg;
	e = cases_store_eval(k);
	if (e != KERR_OK) {
		log_err("store: evaluation not stored: %s: %s", kerr_str(e),
			k->queue ? queue_errmsg(k->queue) : "no store");
		banner(k, true, "抱歉，本次评价未能保存。您可拨打 12345 反映意见。");
	}
}

void act_reason(struct kiosk *k, int arg)
{
	if (arg >= 0 && arg < 32)
		k->session.eval_reasons ^= 1u << arg;
	k->banner[0] = 0;
}

void act_toggle_named(struct kiosk *k, int arg)
{
	(void)arg;
	k->session.eval_named = !k->session.eval_named;
}

void act_need_reason(struct kiosk *k, int arg)
{
	(void)arg;
	banner(k, true, "请至少选择一项不满意的原因，以便我们改进。");
}

void act_text_key(struct kiosk *k, int arg)
{
	struct session *s = &k->session;
	size_t n = strlen(s->edit);

	if (arg == UI_KEYCODE_BACKSPACE) {
		/* Remove a whole UTF-8 character: text may come from an input method. */
		while (n && (s->edit[n - 1] & 0xc0) == 0x80)
			s->edit[--n] = 0;
		if (n)
			s->edit[n - 1] = 0;
	} else if (arg == UI_KEYCODE_CLEAR) {
		s->edit[0] = 0;
	} else if (arg >= 0x20 && arg < 0x7f && n + 1 < sizeof(s->edit)) {
		s->edit[n] = (char)arg;
		s->edit[n + 1] = 0;
	}
}

void act_text_save(struct kiosk *k, int arg)
{
	(void)arg;
	snprintf(k->session.eval_text, sizeof(k->session.eval_text), "%s", k->session.edit);
}

void act_idle(struct kiosk *k, int arg)
{
	(void)arg;
	log_info("session: idle for %d s in %s, wiped", k->cfg.timeout_s, flow_state_str(k->state));
	k->theme_id = UI_THEME_NORMAL;
}
