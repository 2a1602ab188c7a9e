/* Builds the current state's screen into the kiosk's frame. */
#ifndef KIOSK_VIEW_H
#define KIOSK_VIEW_H

#include <stdint.h>

struct kiosk;

/* Seconds left before an idle session goes home, or -1 outside a session. */
int view_seconds_left(const struct kiosk *k, int64_t now);
/* Lays out the screen of k->state into k->frame. */
void view_build(struct kiosk *k, int64_t now);

#endif
