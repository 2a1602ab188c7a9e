/* The kiosk's store after a test has been hard on it: PRAGMA integrity_check, every stored case
 * whole (each page opened, authenticated and equal to its recorded SHA-256 and size) and no scan
 * file that no row names. For tests that run the real kiosk; fails the cmocka test otherwise. */
#ifndef TESTS_SUPPORT_STORE_CHECK_H
#define TESTS_SUPPORT_STORE_CHECK_H

#include <stdint.h>

/* Checks the store in data (opened with its default key file and the terminal's prefix) and
 * returns the number of cases in it. */
int64_t store_check_whole(const char *data, const char *terminal);

#endif
