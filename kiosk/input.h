/* Touches and keys to journey events. */
#ifndef KIOSK_INPUT_H
#define KIOSK_INPUT_H

#include "ui/draw.h"

struct kiosk;

/* Acts on a touched target (a disabled one only tells why). */
void input_hit(struct kiosk *k, const struct ui_hit *h);
/* A key from a hardware keyboard or the developer keys. */
void input_key(struct kiosk *k, int key);
/* Text from a hardware keyboard or input method. */
void input_text(struct kiosk *k, const char *text);

#endif
