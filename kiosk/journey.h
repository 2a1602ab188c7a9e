/* The journey's guards, actions and state entry/exit functions, named in the flow table (flow.c). */
#ifndef KIOSK_JOURNEY_H
#define KIOSK_JOURNEY_H

#include "drivers/device.h"
#include "kiosk/flow.h"

/* Entry and exit */
void enter_home(struct kiosk *k);
void enter_card(struct kiosk *k);
void exit_card(struct kiosk *k);
void enter_catalog(struct kiosk *k);
void enter_guide(struct kiosk *k);
void enter_phone(struct kiosk *k);
void enter_scan(struct kiosk *k);
void exit_scan(struct kiosk *k);
void enter_summary(struct kiosk *k);
void enter_submit(struct kiosk *k);
void enter_print(struct kiosk *k);
void enter_eval(struct kiosk *k);
void exit_eval(struct kiosk *k);
void enter_eval_text(struct kiosk *k);
void enter_thanks(struct kiosk *k);

/* The card reader's status changed (or the card screen opened): tell the resident waiting at the
 * card screen that it failed, and that it came back. */
void journey_reader_status(struct kiosk *k, const struct dev_status *st);
/* A printer's status changed: a resident told of its fault hears that it works again and that
 * the print can be tried again (the receipt, its 补打, an A4 certificate). */
void journey_printer_status(struct kiosk *k, enum dev_class cls, const struct dev_status *st);

/* Guards */
bool guard_tile_apply(struct kiosk *k, int arg);
bool guard_tile_guide(struct kiosk *k, int arg);
/* 进度查询 (journey_query.c) */
void enter_query(struct kiosk *k);
void exit_query(struct kiosk *k);
bool guard_tile_query(struct kiosk *k, int arg);
bool guard_code_complete(struct kiosk *k, int arg);
void act_code_key(struct kiosk *k, int arg);
void act_code_incomplete(struct kiosk *k, int arg);
void act_query_code(struct kiosk *k, int arg);
void act_query_card(struct kiosk *k, int arg);
void act_query_done(struct kiosk *k, int arg);
/* 补打 from 进度查询's answer (journey_query.c): EV_ITEM with the row, EV_PRINTED/EV_PRINT_FAIL with the job. */
bool guard_reprint(struct kiosk *k, int arg);
void act_reprint(struct kiosk *k, int arg);
void act_reprint_refused(struct kiosk *k, int arg);
bool guard_reprint_job(struct kiosk *k, int arg);
void act_reprinted(struct kiosk *k, int arg);
void act_reprint_failed(struct kiosk *k, int arg);
/* 证照打印 (journey_certs.c) */
bool guard_tile_certs(struct kiosk *k, int arg);
void enter_certs_card(struct kiosk *k);
void exit_certs_card(struct kiosk *k);
void act_certs_ask(struct kiosk *k, int arg);
void act_certs_listed(struct kiosk *k, int arg);
bool guard_cert_listed(struct kiosk *k, int arg);
void act_cert_choose(struct kiosk *k, int arg);
void act_cert_fetched(struct kiosk *k, int arg);
bool guard_cert_job(struct kiosk *k, int arg);
void act_cert_printed(struct kiosk *k, int arg);
void act_cert_print_failed(struct kiosk *k, int arg);
bool guard_cert_fault(struct kiosk *k, int arg);
void act_cert_retry(struct kiosk *k, int arg);
void exit_cert_print(struct kiosk *k);
/* 好差评 beyond the application (journey_eval.c) */
void exit_guide(struct kiosk *k);
bool guard_guide_read(struct kiosk *k, int arg);
void act_guide_rate(struct kiosk *k, int arg);
bool guard_tile_rate(struct kiosk *k, int arg);
bool guard_rate_terminal(struct kiosk *k, int arg);
void act_rate_terminal(struct kiosk *k, int arg);
bool guard_followup_ok(struct kiosk *k, int arg);
void act_followup_choose(struct kiosk *k, int arg);
void act_followup_refused(struct kiosk *k, int arg);
/* Row i of the cases found for 追评 already has its follow-up rating on this terminal. */
bool journey_followup_done(struct kiosk *k, int i);
/* The current screen waits for an ID card (application, 进度查询, 证照打印, 追评). */
bool journey_wants_card(const struct kiosk *k);
/* Deletes the certificate PDF left for the printer, if any (the session's end, a new fetch). */
void certs_discard_pdf(struct kiosk *k);
bool guard_has_card(struct kiosk *k, int arg);
bool guard_item_chosen(struct kiosk *k, int arg);
bool guard_phone_ok(struct kiosk *k, int arg);
bool guard_edit_phone_ok(struct kiosk *k, int arg);
bool guard_no_scan_needed(struct kiosk *k, int arg);
bool guard_more_materials(struct kiosk *k, int arg);
bool guard_not_first_material(struct kiosk *k, int arg);
bool guard_can_submit(struct kiosk *k, int arg);
bool guard_has_gaps(struct kiosk *k, int arg);
bool guard_bad_level(struct kiosk *k, int arg);
bool guard_has_reason(struct kiosk *k, int arg);
bool guard_last_material_scannable(struct kiosk *k, int arg);

/* Actions */
void act_tile_disabled(struct kiosk *k, int arg);
void act_card_read(struct kiosk *k, int arg);
void act_card_failed(struct kiosk *k, int arg);
void act_tab(struct kiosk *k, int arg);
void act_page_up(struct kiosk *k, int arg);
void act_page_down(struct kiosk *k, int arg);
void act_search_key(struct kiosk *k, int arg);
void act_choose_item(struct kiosk *k, int arg);
void act_guide_up(struct kiosk *k, int arg);
void act_guide_down(struct kiosk *k, int arg);
void act_delivery(struct kiosk *k, int arg);
void act_form_incomplete(struct kiosk *k, int arg);
void act_phone_key(struct kiosk *k, int arg);
void act_phone_save(struct kiosk *k, int arg);
void act_phone_invalid(struct kiosk *k, int arg);
void act_scan_start(struct kiosk *k, int arg);
void act_scan_done(struct kiosk *k, int arg);
void act_retake(struct kiosk *k, int arg);
void act_next_material(struct kiosk *k, int arg);
void act_prev_material(struct kiosk *k, int arg);
void act_toggle_gaps(struct kiosk *k, int arg);
void act_cannot_submit(struct kiosk *k, int arg);
void act_print_notice(struct kiosk *k, int arg);
void act_store_failed(struct kiosk *k, int arg);
void act_print_failed(struct kiosk *k, int arg);
void act_level(struct kiosk *k, int arg);
void act_store_eval(struct kiosk *k, int arg);
void act_rate(struct kiosk *k, int arg);
void act_reason(struct kiosk *k, int arg);
void act_toggle_named(struct kiosk *k, int arg);
void act_need_reason(struct kiosk *k, int arg);
void act_text_key(struct kiosk *k, int arg);
void act_text_save(struct kiosk *k, int arg);
void act_idle(struct kiosk *k, int arg);

#endif
