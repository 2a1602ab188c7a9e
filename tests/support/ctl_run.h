/* kioskctl run as a technician runs it, for the tool's tests: a command line, its exit status, and what it
 * printed (stdout and stderr together) kept for the test to look at. */
#ifndef TESTS_SUPPORT_CTL_RUN_H
#define TESTS_SUPPORT_CTL_RUN_H

#include <stdarg.h>
#include <stddef.h>

/* Runs KIOSKCTL_BIN with args (a shell fragment, printf-style) with stdin from /dev/null and no
 * KIOSK_CONFIG from the environment; the output goes to <dir>/out, never to the test's own stdout and
 * stderr, and is copied into out (size bytes, NUL-terminated). Returns the exit status; fails the test when
 * kioskctl did not exit. */
int ctl_runv(const char *dir, char *out, size_t size, const char *fmt, va_list ap);
/* Fails the test unless out holds text (has) or does not (lacks). */
void ctl_has(const char *out, const char *text);
void ctl_lacks(const char *out, const char *text);

#endif
