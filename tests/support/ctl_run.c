/* One way to run the technicians' tool from a test, so every tool test reads its output alike. */
#include "tests/support/ctl_run.h"

#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include <cmocka.h>

int ctl_runv(const char *dir, char *out, size_t size, const char *fmt, va_list ap)
{
	char args[1024], cmd[1600], log[160];
	FILE *in;
	size_t n;
	int st;

	vsnprintf(args, sizeof(args), fmt, ap);
	snprintf(log, sizeof(log), "%s/out", dir);
	snprintf(cmd, sizeof(cmd), "env -u KIOSK_CONFIG %s %s >%s 2>&1 </dev/null", KIOSKCTL_BIN, args, log);
	st = system(cmd);
	in = fopen(log, "r");
	assert_non_null(in);
	n = fread(out, 1, size - 1, in);
	out[n] = 0;
	fclose(in);
	assert_true(WIFEXITED(st));
	return WEXITSTATUS(st);
}

void ctl_has(const char *out, const char *text)
{
	if (!strstr(out, text))
		fail_msg("\"%s\" not in:\n%s", text, out);
}

void ctl_lacks(const char *out, const char *text)
{
	if (strstr(out, text))
		fail_msg("\"%s\" unexpectedly in:\n%s", text, out);
}
