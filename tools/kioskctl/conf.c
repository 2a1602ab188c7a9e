/* What every kioskctl command shares: failure messages and the configuration options. */
#include "tools/kioskctl/kioskctl.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

int kioskctl_fail(const char *fmt, ...)
{
	va_list ap;

	fputs("kioskctl: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return KIOSKCTL_FAILED;
}

bool kioskctl_conf_option(struct kioskctl_conf_opts *o, int argc, char **argv, int *i,
			  enum kerr *ret)
{
	const char *a = argv[*i];
	bool is_config = !strcmp(a, "--config"), is_set = !strcmp(a, "--set");

	if (!is_config && !is_set)
		return false;
	*ret = KERR_OK;
	if (*i + 1 >= argc) {
		fprintf(stderr, "kioskctl: %s needs a value\n", a);
		*ret = KERR_INVAL;
		return true;
	}
	if (is_config) {
		o->path = argv[++*i];
	} else if (o->n_set >= (int)(sizeof(o->set) / sizeof(o->set[0]))) {
		fprintf(stderr, "kioskctl: too many --set options\n");
		*ret = KERR_INVAL;
	} else {
		o->set[o->n_set++] = argv[++*i];
	}
	return true;
}

enum kerr kioskctl_conf_load(const struct kioskctl_conf_opts *o, struct config *ret)
{
	const char *path = o->path ? o->path : getenv("KIOSK_CONFIG");
	char err[512] = "";

	config_defaults(ret);
	if (!path)
		path = KIOSKCTL_DEFAULT_CONFIG;
	if (config_load(ret, path, err, sizeof(err)) != KERR_OK) {
		kioskctl_fail("配置文件无法使用 / configuration unusable: %s%s", err,
			      o->path ? "" : " (give one with --config FILE)");
		return KERR_INVAL;
	}
	for (int i = 0; i < o->n_set; i++) {
		char key[128];
		const char *eq = strchr(o->set[i], '=');
		size_t klen = eq ? (size_t)(eq - o->set[i]) : 0;

		if (!eq || klen == 0 || klen >= sizeof(key)) {
			kioskctl_fail("--set wants KEY=VALUE, not \"%s\"", o->set[i]);
			return KERR_INVAL;
		}
		memcpy(key, o->set[i], klen);
		key[klen] = 0;
		if (config_set(ret, key, eq + 1) != KERR_OK) {
			kioskctl_fail(
				"--set %s: unknown key or bad value (assets/kiosk.conf lists them)",
				o->set[i]);
			return KERR_INVAL;
		}
	}
	return KERR_OK;
}
