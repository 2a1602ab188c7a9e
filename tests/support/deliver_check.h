/* The delivery checker: what a terminal receipted against what the reference platform holds, in
 * the manner of a total-queue checker (docs/uplink.md sections 3 and 13). Used by C tests and by
 * the tests/tools/deliver-check command for shell scripts; no cmocka inside. */
#ifndef TESTS_SUPPORT_DELIVER_CHECK_H
#define TESTS_SUPPORT_DELIVER_CHECK_H

#include "common/kerr.h"

/* Items are stored cases and stored evaluations. A case is receipted once queue_case_add()
 * committed it (the receipt prints only after); it is held when the platform has it with every
 * announced page whole and equal by SHA-256 to the terminal's. lost: receipted, not held (its
 * outbox state is in detail); unexpected: held, never receipted by this terminal; duplicated:
 * held more than once, or a second creation under another key was attempted (a replay of the
 * same key is fine and counted in replayed). detail names the first findings, never personal
 * data. */
struct deliver_report {
	int receipted, held, lost, unexpected, duplicated;
	int replayed; /* idempotent replays the platform answered: retries that created nothing */
	int pending;  /* stored cases whose outbox entry is not yet acknowledged */
	char detail[1024];
};

/* Reads the terminal's store in data_dir with its data key (key_path; NULL: data_dir/store.key,
 * never created here) through the queue API, and GET platform_base_url/admin/ledger (HTTPS
 * verified against ca when given; NULL: plain HTTP or the system store). The platform should serve
 * this terminal alone: everything it holds counts. The terminal must not be writing meanwhile.
 * *ret is always filled; on an error its counts are 0 and detail says why. Errors: the store's and
 * the key's (KERR_NOT_FOUND, KERR_PERM, KERR_CORRUPT, KERR_IO ...), KERR_NET (the platform did not
 * answer 200), KERR_PROTO (not a ledger), KERR_NOMEM. */
enum kerr deliver_check(const char *data_dir, const char *key_path, const char *platform_base_url,
			const char *ca, struct deliver_report *ret);

#endif
