/* The journey's transition table and the engine that runs it. */
#include "kiosk/flow.h"

#include "common/log.h"
#include "kiosk/journey.h"
#include "kiosk/kiosk.h"

/* Rows are tried in order: a guarded row comes before the unguarded fallback for the same event. */
static const struct flow_row table[] = {
	/* Home: two services are built; tiles for others are not shown. */
	{ FLOW_HOME, EV_TILE, guard_tile_apply, FLOW_CARD, NULL },
	{ FLOW_HOME, EV_TILE, guard_tile_guide, FLOW_CATALOG, NULL },
	{ FLOW_HOME, EV_TILE, guard_tile_query, FLOW_QUERY, NULL },
	{ FLOW_HOME, EV_TILE, guard_tile_certs, FLOW_CERTS_CARD, NULL },
	{ FLOW_HOME, EV_TILE, guard_tile_rate, FLOW_RATE, NULL },
	{ FLOW_HOME, EV_TILE, NULL, FLOW_HOME, act_tile_disabled },

	/* Identify by the ID card: nothing the card says is typed again. */
	{ FLOW_CARD, EV_CARD_OK, guard_item_chosen, FLOW_FORM, act_card_read },
	{ FLOW_CARD, EV_CARD_OK, NULL, FLOW_CATALOG, act_card_read },
	{ FLOW_CARD, EV_CARD_FAIL, NULL, FLOW_CARD, act_card_failed },
	{ FLOW_CARD, EV_BACK, guard_item_chosen, FLOW_GUIDE, NULL },
	{ FLOW_CARD, EV_BACK, NULL, FLOW_HOME, NULL },

	/* The catalog, by theme or by pinyin initials. */
	{ FLOW_CATALOG, EV_TAB, NULL, FLOW_CATALOG, act_tab },
	{ FLOW_CATALOG, EV_PAGE_UP, NULL, FLOW_CATALOG, act_page_up },
	{ FLOW_CATALOG, EV_PAGE_DOWN, NULL, FLOW_CATALOG, act_page_down },
	{ FLOW_CATALOG, EV_SEARCH, NULL, FLOW_SEARCH, NULL },
	{ FLOW_CATALOG, EV_ITEM, NULL, FLOW_GUIDE, act_choose_item },
	{ FLOW_CATALOG, EV_BACK, guard_guide_read, FLOW_EVAL, act_guide_rate },
	{ FLOW_CATALOG, EV_BACK, NULL, FLOW_HOME, NULL },
	{ FLOW_SEARCH, EV_KEY, NULL, FLOW_SEARCH, act_search_key },
	{ FLOW_SEARCH, EV_PAGE_UP, NULL, FLOW_SEARCH, act_page_up },
	{ FLOW_SEARCH, EV_PAGE_DOWN, NULL, FLOW_SEARCH, act_page_down },
	{ FLOW_SEARCH, EV_ITEM, NULL, FLOW_GUIDE, act_choose_item },
	{ FLOW_SEARCH, EV_NEXT, NULL, FLOW_CATALOG, NULL },
	{ FLOW_SEARCH, EV_BACK, NULL, FLOW_CATALOG, NULL },

	/* The guide; applying needs the card first when the resident came to read. Reading a guide is a
	 * service: stepping back from the catalog to home after reading one rates it (back from a guide
	 * to the catalog is still browsing; 返回首页 always goes home, a rating being voluntary). */
	{ FLOW_GUIDE, EV_PAGE_UP, NULL, FLOW_GUIDE, act_guide_up },
	{ FLOW_GUIDE, EV_PAGE_DOWN, NULL, FLOW_GUIDE, act_guide_down },
	{ FLOW_GUIDE, EV_NEXT, guard_has_card, FLOW_FORM, NULL },
	{ FLOW_GUIDE, EV_NEXT, NULL, FLOW_CARD, NULL },
	{ FLOW_GUIDE, EV_BACK, NULL, FLOW_CATALOG, NULL },

	/* The form: the card's fields, the phone, the delivery. */
	{ FLOW_FORM, EV_FIELD, NULL, FLOW_PHONE, NULL },
	{ FLOW_FORM, EV_CHOICE, NULL, FLOW_FORM, act_delivery },
	{ FLOW_FORM, EV_NEXT, guard_no_scan_needed, FLOW_SUMMARY, NULL },
	{ FLOW_FORM, EV_NEXT, guard_phone_ok, FLOW_SCAN, NULL },
	{ FLOW_FORM, EV_NEXT, NULL, FLOW_FORM, act_form_incomplete },
	{ FLOW_FORM, EV_BACK, NULL, FLOW_GUIDE, NULL },
	{ FLOW_PHONE, EV_KEY, NULL, FLOW_PHONE, act_phone_key },
	{ FLOW_PHONE, EV_NEXT, guard_edit_phone_ok, FLOW_FORM, act_phone_save },
	{ FLOW_PHONE, EV_NEXT, NULL, FLOW_PHONE, act_phone_invalid },
	{ FLOW_PHONE, EV_BACK, NULL, FLOW_FORM, NULL },

	/* Materials, one at a time; the summary catches every gap. */
	{ FLOW_SCAN, EV_SCAN, NULL, FLOW_SCAN, act_scan_start },
	{ FLOW_SCAN, EV_SCAN_DONE, NULL, FLOW_SCAN, act_scan_done },
	{ FLOW_SCAN, EV_RETAKE, NULL, FLOW_SCAN, act_retake },
	{ FLOW_SCAN, EV_NEXT, guard_more_materials, FLOW_SCAN, act_next_material },
	{ FLOW_SCAN, EV_NEXT, NULL, FLOW_SUMMARY, NULL },
	{ FLOW_SCAN, EV_BACK, guard_not_first_material, FLOW_SCAN, act_prev_material },
	{ FLOW_SCAN, EV_BACK, NULL, FLOW_FORM, NULL },
	{ FLOW_SUMMARY, EV_TOGGLE, NULL, FLOW_SUMMARY, act_toggle_gaps },
	{ FLOW_SUMMARY, EV_NEXT, guard_can_submit, FLOW_SUBMIT, NULL },
	{ FLOW_SUMMARY, EV_NEXT, NULL, FLOW_SUMMARY, act_cannot_submit },
	{ FLOW_SUMMARY, EV_BACK, guard_last_material_scannable, FLOW_SCAN, NULL },
	{ FLOW_SUMMARY, EV_BACK, NULL, FLOW_FORM, NULL },
	{ FLOW_SUMMARY, EV_HOME, guard_has_gaps, FLOW_HOME, act_print_notice },

	/* The case is committed before its receipt prints. */
	{ FLOW_SUBMIT, EV_STORED, NULL, FLOW_PRINT, NULL },
	{ FLOW_SUBMIT, EV_STORE_FAIL, NULL, FLOW_SUMMARY, act_store_failed },
	{ FLOW_PRINT, EV_PRINTED, NULL, FLOW_EVAL, NULL },
	{ FLOW_PRINT, EV_PRINT_FAIL, NULL, FLOW_PRINT_FAULT, act_print_failed },
	{ FLOW_PRINT_FAULT, EV_RETRY, NULL, FLOW_PRINT, NULL },
	{ FLOW_PRINT_FAULT, EV_SKIP, NULL, FLOW_EVAL, NULL },

	/* 好差评, the last step of the service. */
	{ FLOW_EVAL, EV_LEVEL, guard_bad_level, FLOW_REASONS, act_level },
	{ FLOW_EVAL, EV_LEVEL, NULL, FLOW_THANKS, act_rate },
	{ FLOW_REASONS, EV_REASON, NULL, FLOW_REASONS, act_reason },
	{ FLOW_REASONS, EV_TOGGLE, NULL, FLOW_REASONS, act_toggle_named },
	{ FLOW_REASONS, EV_FIELD, NULL, FLOW_EVAL_TEXT, NULL },
	{ FLOW_REASONS, EV_LEVEL, guard_bad_level, FLOW_REASONS, act_level },
	{ FLOW_REASONS, EV_LEVEL, NULL, FLOW_THANKS, act_rate },
	{ FLOW_REASONS, EV_NEXT, guard_has_reason, FLOW_THANKS, act_store_eval },
	{ FLOW_REASONS, EV_NEXT, NULL, FLOW_REASONS, act_need_reason },
	{ FLOW_REASONS, EV_BACK, NULL, FLOW_EVAL, NULL },
	{ FLOW_EVAL_TEXT, EV_KEY, NULL, FLOW_EVAL_TEXT, act_text_key },
	{ FLOW_EVAL_TEXT, EV_NEXT, NULL, FLOW_REASONS, act_text_save },
	{ FLOW_EVAL_TEXT, EV_BACK, NULL, FLOW_REASONS, NULL },
	{ FLOW_THANKS, EV_TIMEOUT, NULL, FLOW_HOME, NULL },
	{ FLOW_THANKS, EV_NEXT, NULL, FLOW_HOME, NULL },

	/* Every screen has a way home; an idle session is wiped. */
	/* 进度查询 */
	{ FLOW_QUERY, EV_KEY, NULL, FLOW_QUERY, act_code_key },
	{ FLOW_QUERY, EV_NEXT, guard_code_complete, FLOW_PROGRESS, act_query_code },
	{ FLOW_QUERY, EV_NEXT, NULL, FLOW_QUERY, act_code_incomplete },
	{ FLOW_QUERY, EV_CARD_OK, NULL, FLOW_PROGRESS, act_query_card },
	{ FLOW_QUERY, EV_CARD_FAIL, NULL, FLOW_QUERY, act_card_failed },
	{ FLOW_QUERY, EV_BACK, NULL, FLOW_HOME, NULL },
	{ FLOW_PROGRESS, EV_QUERY_DONE, NULL, FLOW_PROGRESS, act_query_done },
	{ FLOW_PROGRESS, EV_ITEM, guard_reprint, FLOW_PROGRESS, act_reprint },
	{ FLOW_PROGRESS, EV_ITEM, NULL, FLOW_PROGRESS, act_reprint_refused },
	{ FLOW_PROGRESS, EV_PRINTED, guard_reprint_job, FLOW_PROGRESS, act_reprinted },
	{ FLOW_PROGRESS, EV_PRINT_FAIL, guard_reprint_job, FLOW_PROGRESS, act_reprint_failed },
	{ FLOW_PROGRESS, EV_BACK, NULL, FLOW_QUERY, NULL },
	{ FLOW_PROGRESS, EV_NEXT, NULL, FLOW_EVAL, NULL },

	/* 证照打印: nothing prints unless the platform's bytes match what its list promised. */
	{ FLOW_CERTS_CARD, EV_CARD_OK, NULL, FLOW_CERTS, act_certs_ask },
	{ FLOW_CERTS_CARD, EV_CARD_FAIL, NULL, FLOW_CERTS_CARD, act_card_failed },
	{ FLOW_CERTS_CARD, EV_BACK, NULL, FLOW_HOME, NULL },
	{ FLOW_CERTS, EV_CERTS_DONE, NULL, FLOW_CERTS, act_certs_listed },
	{ FLOW_CERTS, EV_ITEM, guard_cert_listed, FLOW_CERT_PRINT, act_cert_choose },
	{ FLOW_CERTS, EV_RETRY, NULL, FLOW_CERTS, act_certs_ask },
	{ FLOW_CERTS, EV_BACK, NULL, FLOW_CERTS_CARD, NULL },
	{ FLOW_CERTS, EV_NEXT, NULL, FLOW_EVAL, NULL },
	{ FLOW_CERT_PRINT, EV_CERTS_DONE, NULL, FLOW_CERT_PRINT, act_cert_fetched },
	{ FLOW_CERT_PRINT, EV_PRINTED, guard_cert_job, FLOW_CERT_DONE, act_cert_printed },
	{ FLOW_CERT_PRINT, EV_PRINT_FAIL, guard_cert_job, FLOW_CERT_PRINT, act_cert_print_failed },
	{ FLOW_CERT_PRINT, EV_RETRY, guard_cert_fault, FLOW_CERT_PRINT, act_cert_retry },
	{ FLOW_CERT_PRINT, EV_BACK, guard_cert_fault, FLOW_CERTS, NULL },
	{ FLOW_CERT_DONE, EV_BACK, NULL, FLOW_CERTS, NULL },
	{ FLOW_CERT_DONE, EV_NEXT, NULL, FLOW_EVAL, NULL },

	/* 好差评 without a service: the terminal and hall (works offline: queued), or 追评 of a past case
	 * found as 进度查询 finds it. */
	{ FLOW_RATE, EV_CHOICE, guard_rate_terminal, FLOW_EVAL, act_rate_terminal },
	{ FLOW_RATE, EV_CHOICE, NULL, FLOW_FOLLOW_FIND, NULL },
	{ FLOW_RATE, EV_BACK, NULL, FLOW_HOME, NULL },
	{ FLOW_FOLLOW_FIND, EV_KEY, NULL, FLOW_FOLLOW_FIND, act_code_key },
	{ FLOW_FOLLOW_FIND, EV_NEXT, guard_code_complete, FLOW_FOLLOW_CASES, act_query_code },
	{ FLOW_FOLLOW_FIND, EV_NEXT, NULL, FLOW_FOLLOW_FIND, act_code_incomplete },
	{ FLOW_FOLLOW_FIND, EV_CARD_OK, NULL, FLOW_FOLLOW_CASES, act_query_card },
	{ FLOW_FOLLOW_FIND, EV_CARD_FAIL, NULL, FLOW_FOLLOW_FIND, act_card_failed },
	{ FLOW_FOLLOW_FIND, EV_BACK, NULL, FLOW_RATE, NULL },
	{ FLOW_FOLLOW_CASES, EV_QUERY_DONE, NULL, FLOW_FOLLOW_CASES, act_query_done },
	{ FLOW_FOLLOW_CASES, EV_ITEM, guard_followup_ok, FLOW_EVAL, act_followup_choose },
	{ FLOW_FOLLOW_CASES, EV_ITEM, NULL, FLOW_FOLLOW_CASES, act_followup_refused },
	{ FLOW_FOLLOW_CASES, EV_BACK, NULL, FLOW_FOLLOW_FIND, NULL },

	{ FLOW_ANY, EV_HOME, NULL, FLOW_HOME, NULL },
	{ FLOW_ANY, EV_IDLE, NULL, FLOW_HOME, act_idle },
};

static const struct flow_state_def states[FLOW__COUNT] = {
	[FLOW_HOME] = { "HOME", enter_home, NULL, false, 0 },
	[FLOW_CARD] = { "CARD", enter_card, exit_card, true, 1 },
	[FLOW_CATALOG] = { "CATALOG", enter_catalog, NULL, true, 2 },
	[FLOW_SEARCH] = { "SEARCH", enter_catalog, NULL, true, 2 },
	[FLOW_GUIDE] = { "GUIDE", enter_guide, exit_guide, true, 2 },
	[FLOW_FORM] = { "FORM", NULL, NULL, true, 3 },
	[FLOW_PHONE] = { "PHONE", enter_phone, NULL, true, 3 },
	[FLOW_SCAN] = { "SCAN", enter_scan, exit_scan, true, 4 },
	[FLOW_SUMMARY] = { "SUMMARY", enter_summary, NULL, true, 5 },
	[FLOW_SUBMIT] = { "SUBMIT", enter_submit, NULL, true, 5 },
	[FLOW_PRINT] = { "PRINT", enter_print, NULL, true, 6 },
	[FLOW_PRINT_FAULT] = { "PRINT_FAULT", NULL, NULL, true, 6 },
	[FLOW_EVAL] = { "EVAL", enter_eval, exit_eval, true, 0 },
	[FLOW_REASONS] = { "REASONS", NULL, NULL, true, 0 },
	[FLOW_EVAL_TEXT] = { "EVAL_TEXT", enter_eval_text, NULL, true, 0 },
	[FLOW_THANKS] = { "THANKS", enter_thanks, NULL, true, 0 },
	[FLOW_QUERY] = { "QUERY", enter_query, exit_query, true, 0 },
	[FLOW_PROGRESS] = { "PROGRESS", NULL, NULL, true, 0 },
	[FLOW_CERTS_CARD] = { "CERTS_CARD", enter_certs_card, exit_certs_card, true, 0 },
	[FLOW_CERTS] = { "CERTS", NULL, NULL, true, 0 },
	[FLOW_CERT_PRINT] = { "CERT_PRINT", NULL, exit_cert_print, true, 0 },
	[FLOW_CERT_DONE] = { "CERT_DONE", NULL, NULL, true, 0 },
	[FLOW_RATE] = { "RATE", NULL, NULL, true, 0 },
	[FLOW_FOLLOW_FIND] = { "FOLLOW_FIND", enter_query, exit_query, true, 0 },
	[FLOW_FOLLOW_CASES] = { "FOLLOW_CASES", NULL, NULL, true, 0 },
};

static const char *const event_names[EV__COUNT] = {
	[EV_TILE] = "TILE", [EV_CARD_OK] = "CARD_OK", [EV_CARD_FAIL] = "CARD_FAIL", [EV_HOME] = "HOME",
	[EV_BACK] = "BACK", [EV_NEXT] = "NEXT", [EV_TAB] = "TAB", [EV_ITEM] = "ITEM", [EV_SEARCH] = "SEARCH",
	[EV_KEY] = "KEY", [EV_PAGE_UP] = "PAGE_UP", [EV_PAGE_DOWN] = "PAGE_DOWN", [EV_FIELD] = "FIELD",
	[EV_CHOICE] = "CHOICE", [EV_SCAN] = "SCAN", [EV_SCAN_PAGE] = "SCAN_PAGE", [EV_SCAN_DONE] = "SCAN_DONE",
	[EV_RETAKE] = "RETAKE", [EV_TOGGLE] = "TOGGLE", [EV_STORED] = "STORED", [EV_STORE_FAIL] = "STORE_FAIL",
	[EV_PRINTED] = "PRINTED", [EV_PRINT_FAIL] = "PRINT_FAIL", [EV_RETRY] = "RETRY", [EV_SKIP] = "SKIP",
	[EV_LEVEL] = "LEVEL", [EV_REASON] = "REASON", [EV_TIMEOUT] = "TIMEOUT", [EV_IDLE] = "IDLE",
	[EV_QUERY_DONE] = "QUERY_DONE", [EV_CERTS_DONE] = "CERTS_DONE",
};

const struct flow_row *flow_table(size_t *ret_n)
{
	*ret_n = sizeof(table) / sizeof(table[0]);
	return table;
}

const struct flow_state_def *flow_states(void)
{
	return states;
}

const char *flow_state_str(enum flow_state s)
{
	if (s == FLOW_ANY)
		return "ANY";
	return (unsigned)s < FLOW__COUNT ? states[s].name : "UNKNOWN";
}

const char *flow_event_str(enum flow_event e)
{
	return (unsigned)e < EV__COUNT ? event_names[e] : "UNKNOWN";
}

void flow_set_state_at(struct kiosk *k, enum flow_state to, const char *where)
{
	enum flow_state from = k->state;

	if (states[from].exit)
		states[from].exit(k);
	log_info("flow: %s -> %s (%s)", flow_state_str(from), flow_state_str(to), where);
	k->state = to;
	k->state_since_ms = clock_now_ms(&k->clock);
	k->dirty = true;
	if (states[to].enter)
		states[to].enter(k);
}

void flow_post(struct kiosk *k, enum flow_event ev, int arg)
{
	if (k->n_pending >= KIOSK_PENDING_MAX) {
		log_err("flow: event queue full, %s dropped", flow_event_str(ev));
		return;
	}
	k->pending[k->n_pending].ev = ev;
	k->pending[k->n_pending].arg = arg;
	k->n_pending++;
}

static bool run_one(struct kiosk *k, enum flow_event ev, int arg)
{
	for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++) {
		const struct flow_row *r = &table[i];

		if (r->event != ev || (r->from != k->state && r->from != FLOW_ANY))
			continue;
		if (r->guard && !r->guard(k, arg))
			continue;
		log_debug("flow: %s in %s, row %zu", flow_event_str(ev), flow_state_str(k->state), i);
		/* A new screen starts without the last one's message; the action may set one for it. */
		if (r->to != k->state)
			k->banner[0] = 0;
		if (r->action)
			r->action(k, arg);
		/* An ANY row to the current state still re-enters it: going home always wipes the session. */
		if (r->to != k->state || r->from == FLOW_ANY)
			flow_set_state_at(k, r->to, flow_event_str(ev));
		k->dirty = true;
		return true;
	}
	log_debug("flow: %s ignored in %s", flow_event_str(ev), flow_state_str(k->state));
	return false;
}

bool flow_dispatch(struct kiosk *k, enum flow_event ev, int arg)
{
	bool matched;

	if (k->dispatching) {
		flow_post(k, ev, arg);
		return true;
	}
	k->dispatching = true;
	matched = run_one(k, ev, arg);
	while (k->n_pending) {
		int pev = k->pending[0].ev, parg = k->pending[0].arg;

		k->n_pending--;
		for (size_t i = 0; i < k->n_pending; i++)
			k->pending[i] = k->pending[i + 1];
		run_one(k, (enum flow_event)pev, parg);
	}
	k->dispatching = false;
	return matched;
}
