/* The platform's versioned list of reasons for a bad rating (docs/uplink.md section 6a): parsed and
 * checked from its bytes. Pure: no network, no store, so it is unit-tested and fuzzed alone. */
#ifndef OFFLINE_QUEUE_UPLINK_REASONS_H
#define OFFLINE_QUEUE_UPLINK_REASONS_H

#include "common/kerr.h"

#include <stdbool.h>
#include <stddef.h>

#define UPLINK_REASONS_MAX	 16 /* the reasons screen shows them all at once */
#define UPLINK_REASONS_MAX_BODY (64u * 1024u)

struct uplink_reasons {
	char version[32];
	size_t n;
	struct uplink_reason {
		char code[16];
		char text[64]; /* the words on screen, UTF-8 */
		bool for_level[2]; /* dissatisfied, very_dissatisfied */
	} reasons[UPLINK_REASONS_MAX];
};

/* Parses a reply of len bytes (not NUL-terminated). KERR_PROTO with why (one English line, may be
 * NULL) for anything not the contract's shape: not a JSON object, a version that is not 1 to 31
 * characters, no reasons or more than UPLINK_REASONS_MAX, a code that is not 1 to 15 of
 * [A-Za-z0-9_.-], a code repeated, a text empty, over 63 bytes or with control characters, levels
 * other than a non-empty subset of "dissatisfied" and "very_dissatisfied". *ret is written only on
 * success. */
enum kerr uplink_parse_reasons(const char *body, size_t len, struct uplink_reasons *ret, char *why,
			       size_t why_size);

#endif
