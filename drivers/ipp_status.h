/* What an IPP printer says about itself and a job (printer-state, printer-state-reasons,
 * job-state), read into the kiosk's terms. Pure: no connection here. */
#ifndef DRIVERS_IPP_STATUS_H
#define DRIVERS_IPP_STATUS_H

#include "common/kerr.h"

#include <cups/ipp.h>
#include <stdbool.h>

struct ipp_status {
	int printer_state; /* IPP_PSTATE_IDLE, PROCESSING, STOPPED; 0 when not reported */
	int job_state;	   /* IPP_JSTATE_PENDING .. COMPLETED; 0 when not reported */
	enum kerr fault;   /* what stops printing: PAPER_OUT, JAMMED, COVER_OPEN, NO_DEVICE, IO */
	bool near_end;	   /* toner, ink or paper low: still printing, a technician should come */
	char detail[96];   /* the reasons as the printer named them, for the log and health */
};

/* Folds one printer-state-reasons keyword into st. The -report, -warning and -error suffixes are
 * dropped and the stem matched (media-empty, media-needed, media-jam, cover-open, door-open,
 * offline, shutdown, toner-low, toner-empty, marker-supply-low, marker-supply-empty, media-low
 * ...); "none" and unknown stems only join the detail. The worst fault wins: cover, paper, jam,
 * offline, supplies. */
void ipp_status_reason(struct ipp_status *st, const char *keyword);
/* Reads printer-state, printer-state-reasons and job-state from an IPP message's attributes into
 * *ret (zeroed first). A stopped printer with no known reason is KERR_IO. Errors: KERR_PROTO (an
 * attribute of the wrong type or out of range), KERR_INVAL (msg NULL). */
enum kerr ipp_status_read(ipp_t *msg, struct ipp_status *ret);
/* True when a job in this state will not change again. */
bool ipp_status_job_done(int job_state);

#endif
