/* "No rating after N days counts as level X" (the mapping's default_after_days and default_level),
 * applied between residents. */
#ifndef KIOSK_EVALDEFAULT_H
#define KIOSK_EVALDEFAULT_H

#include <stdint.h>

struct kiosk;

/* The first moment (wall ms) not yet counted: a case accepted on calendar day D (Beijing time)
 * counts as unrated from the first moment of day D + days, so every case accepted before the
 * returned time has had its days. */
int64_t evaldefault_cutoff_ms(int64_t wall_ms, int days);
/* Gives every unrated case that has had its days the mapping's default level; nothing when the
 * mapping says 0 days or there is no store. Logs what it did. */
void evaldefault_run(struct kiosk *k);

#endif
