/* Journey scripts for tests that run the real kiosk binary headless on a virtual clock: a temporary
 * folder with configuration, data and log, a script written line by line, and the steps a resident
 * takes to reach the form, scan materials and rate. Shared by the journey and uplink tests. */
#ifndef TESTS_SUPPORT_JOURNEY_SCRIPT_H
#define TESTS_SUPPORT_JOURNEY_SCRIPT_H

#include "kiosk/catalog.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

struct fixture {
	char dir[64];
	char data[128];
	char conf[128];
	char script[128];
	char log[128];
	struct catalog *catalog;
	FILE *s; /* the script being written */
};

/* cmocka group set-up and tear-down: a fresh folder and the shipped catalog. */
int setup(void **state);
int teardown(void **state);
/* A configuration like assets/kiosk.conf, with extra lines. */
void write_conf(struct fixture *f, const char *extra);
void begin(struct fixture *f);
void line(struct fixture *f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Runs the kiosk on the script; returns its exit status and prints its log when it failed. */
int run(struct fixture *f);
bool log_has(struct fixture *f, const char *needle);
const struct catalog_item *item_where(struct fixture *f, bool (*want)(const struct catalog_item *));
/* Home -> card -> catalog -> the item -> guide -> form with phone. */
void to_form(struct fixture *f, const struct catalog_item *it, const char *card);
size_t n_scannable(const struct catalog_item *it);
/* Scans the materials for which want() says so (one page each, two for the first), skips the rest.
 */
void scan_materials(struct fixture *f, const struct catalog_item *it,
		    bool (*want)(const struct catalog_material *));
bool all(const struct catalog_material *m);
/* A promised item with at least two materials to scan. */
bool has_scan(const struct catalog_item *it);
/* An application of it with every material scanned, submitted, its receipt printed: the rating is next. */
void to_printed(struct fixture *f, const struct catalog_item *it);
/* Receipt, then the rating screen, then the level. */
void finish_with_rating(struct fixture *f, int level);
/* A whole application of a promised item with every material scanned, rated at level, back home. */
void apply_and_rate(struct fixture *f, int level);

#endif
