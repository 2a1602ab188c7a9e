/* Evaluation keypads that are USB HID devices: which bytes of an input report mean which level
 * (the configurable report-to-level map), and from a stream of reports the key presses to post,
 * with key-up, chords and contact bounce handled. Pure: no transport, no clock of its own. */
#ifndef DRIVERS_KEYPAD_REPORT_H
#define DRIVERS_KEYPAD_REPORT_H

#include "common/kerr.h"

#include <stddef.h>
#include <stdint.h>

/* Levels 0 (非常满意) to 4 (非常不满意), as DEV_EV_KEY carries them. */
#define KEYPAD_LEVELS	 5
/* Codes that may stand for one level ("1e/59": the key 1 on the main block or the number pad). */
#define KEYPAD_ALTS	 4
#define KEYPAD_REPORT_MAX 64
/* The map a 5-key evaluator that types the digits 1 to 5 as a boot keyboard needs: usages of the
 * main-block digits and of the number pad, 1 = 非常满意 ... 5 = 非常不满意. */
#define KEYPAD_HID_MAP_DEFAULT "keys:1e/59,1f/5a,20/5b,21/5c,22/5d"

enum keypad_map_kind {
	KEYPAD_MAP_KEYS,  /* a boot keyboard report: modifiers, reserved, six usages */
	KEYPAD_MAP_BITS,  /* one bit per key: byte.bit */
	KEYPAD_MAP_VALUE, /* one byte holds the code of the key held, 00 when none */
};

struct keypad_hid_map {
	enum keypad_map_kind kind;
	int report_id;	/* -1: reports carry no id; else the first byte, and offsets count after it */
	uint8_t offset; /* VALUE: the byte that holds the code */
	uint8_t n_alt[KEYPAD_LEVELS]; /* 0: no key for this level */
	uint8_t code[KEYPAD_LEVELS][KEYPAD_ALTS]; /* KEYS, VALUE: usages or codes */
	uint8_t byte[KEYPAD_LEVELS], bit[KEYPAD_LEVELS]; /* BITS */
};

/* Parses keypad.hid_map: "[rNN:]KIND:LIST", KIND one of "keys", "bits", "value@N" (N the byte,
 * decimal), LIST one entry per level from 非常满意 on (1 to 5 entries), each "-" for no key or
 * codes in hex joined by "/" (bits: "BYTE.BIT" in decimal). "r02:" says every report starts with
 * report id 02; others are not the keypad's. Empty s gives KEYPAD_HID_MAP_DEFAULT.
 * Errors: KERR_INVAL (malformed, or no level has a key). */
enum kerr keypad_hid_map_parse(const char *s, struct keypad_hid_map *ret);

/* The levels whose keys a report shows held, bit i for level i (0: all keys up).
 * Errors: KERR_NOT_FOUND (another report id: not the keypad's keys, ignore it), KERR_PROTO (too
 * short for the map, empty, or a keyboard's "too many keys" report: keep the previous state). */
enum kerr keypad_report_parse(const struct keypad_hid_map *m, const uint8_t *rep, size_t n,
			      uint32_t *ret_mask);

/* From the keys held to presses: a level counts once when its key goes down alone; holding it
 * does not repeat, two keys held together count as neither (an evaluation must not be a guess),
 * and the same key again within debounce_ms of its last press is contact bounce. Embedded. */
struct keypad_keys {
	uint32_t down;
	int last_level;
	int64_t last_ms;
	int debounce_ms;
};

void keypad_keys_init(struct keypad_keys *k, int debounce_ms);
/* Feeds the keys held at now (ms, any monotonic clock); the level to post, or -1. */
int keypad_keys_feed(struct keypad_keys *k, uint32_t mask, int64_t now);

#endif
