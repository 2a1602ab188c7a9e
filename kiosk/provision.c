/* The provisioning file's parser: key = value lines, strict, since the file comes from a USB stick.
 */
#include "kiosk/provision.h"

#include "offline-queue/uplink_http.h"

#include "common/utf8.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

static const char *const state_names[PROVISION__COUNT] = {
	[PROVISION_NONE] = "none",
	[PROVISION_PENDING] = "pending",
	[PROVISION_DONE] = "done",
	[PROVISION_BAD] = "bad",
};

const char *provision_state_str(enum provision_state s)
{
	return s >= 0 && s < PROVISION__COUNT ? state_names[s] : "?";
}

enum check {
	CHK_TEXT,
	CHK_ID,
	CHK_REGION,
	CHK_URL,
	CHK_PATH,
	CHK_PIN,
	CHK_TZ,
	CHK_NAME,
	CHK_PHONE
};

struct pkey {
	const char *name;
	size_t offset, size;
	enum check check;
	bool required;
};

#define K(n, f, c, r)                                                                      \
	{                                                                                  \
		n, offsetof(struct provision, f), sizeof(((struct provision *)0)->f), c, r \
	}
static const struct pkey pkeys[] = {
	K("terminal.id", terminal_id, CHK_ID, true),
	K("terminal.site", site, CHK_TEXT, true),
	K("terminal.region", region, CHK_REGION, true),
	K("platform.url", platform_url, CHK_URL, true),
	K("platform.ca", platform_ca, CHK_PATH, true),
	K("platform.pin", platform_pin, CHK_PIN, false),
	K("terminal.timezone", timezone, CHK_TZ, false),
	K("eval.province", province, CHK_NAME, false),
	K("terminal.phone", phone, CHK_PHONE, false),
	K("enrol.token", token, CHK_NAME, false),
};
#define N_KEYS (sizeof(pkeys) / sizeof(pkeys[0]))

static bool all_of(const char *v, const char *set)
{
	return v[strspn(v, set)] == 0;
}

#define UPPER_DIGITS "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
#define NAME_CHARS   "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_."

/* Why v is not a good value, or NULL. */
static const char *bad_value(enum check c, const char *v)
{
	size_t n = strlen(v);

	if (!n)
		return "is empty";
	switch (c) {
	case CHK_TEXT:
		return NULL;
	case CHK_ID:
		return n >= 4 && all_of(v, UPPER_DIGITS)
			       ? NULL
			       : "must be 4 to 31 capital letters and digits";
	case CHK_REGION:
		return n == 6 && all_of(v, "0123456789") ? NULL
							 : "must be the 6-digit division code";
	case CHK_URL:
		if (strncmp(v, "https://", 8) != 0 || n == 8)
			return "must start with https://";
		return all_of(v + 8, NAME_CHARS ":/[]%~") ? NULL
							  : "has characters a URL cannot hold";
	case CHK_PATH:
		return all_of(v, NAME_CHARS "/") && !strstr(v, "..")
			       ? NULL
			       : "must be a file name beside this file";
	case CHK_PIN:
		/* The same rule the configuration applies, so a provisioned pin is never refused later. */
		return uplink_http_pin_ok(v) ? NULL
					     : "must be sha256// and the key's base64 digest";
	case CHK_TZ:
		return all_of(v, NAME_CHARS "/+") && v[0] != '/' && !strstr(v, "..")
			       ? NULL
			       : "must be a zone name like Asia/Shanghai";
	case CHK_NAME:
		return all_of(v, NAME_CHARS) && v[0] != '.' ? NULL
							    : "must be letters, digits, - _ or .";
	case CHK_PHONE:
		return all_of(v, "0123456789-+ ") ? NULL : "must be digits";
	}
	return "is not understood";
}

static char *trim(char *s)
{
	char *e;

	while (*s == ' ' || *s == '\t')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r'))
		*--e = 0;
	return s;
}

static enum kerr fail(char *err, size_t errlen, int line, const char *fmt, const char *a,
		      const char *b)
{
	char what[200];

	snprintf(what, sizeof(what), fmt, a, b);
	if (line)
		snprintf(err, errlen, "line %d: %s", line, what);
	else
		snprintf(err, errlen, "%s", what);
	return KERR_INVAL;
}

enum kerr provision_parse(const char *text, size_t len, struct provision *ret, char *err,
			  size_t errlen)
{
	struct provision p = {0};
	bool seen[N_KEYS] = {false};
	size_t pos = 0;
	int no = 0;

	if (len > PROVISION_MAX_BYTES)
		return fail(err, errlen, 0, "the file is larger than %s bytes%s", "16384", "");
	while (pos < len) {
		const char *nl = memchr(text + pos, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - (text + pos)) : len - pos;
		char buf[512], *key, *val, *eq;
		size_t i;

		no++;
		if (n >= sizeof(buf))
			return fail(err, errlen, no, "longer than %s bytes%s", "511", "");
		memcpy(buf, text + pos, n);
		buf[n] = 0;
		pos += n + (nl ? 1 : 0);
		if (memchr(buf, 0, n))
			return fail(err, errlen, no, "holds a NUL byte%s%s", "", "");
		/* A BOM some editors write on Windows, where these files are often made. */
		key = trim(no == 1 && !strncmp(buf, "\xef\xbb\xbf", 3) ? buf + 3 : buf);
		if (!*key || *key == '#')
			continue;
		for (const char *c = key; *c;) {
			uint32_t cp = utf8_next(&c);

			if (cp == 0xfffd)
				return fail(err, errlen, no, "is not UTF-8 text%s%s", "", "");
			if ((cp < 0x20 && cp != '\t') || cp == 0x7f)
				return fail(err, errlen, no, "holds a control character%s%s", "",
					    "");
		}
		eq = strchr(key, '=');
		if (!eq)
			return fail(err, errlen, no, "is not \"key = value\"%s%s", "", "");
		*eq = 0;
		val = trim(eq + 1);
		key = trim(key);
		for (i = 0; i < N_KEYS && strcmp(pkeys[i].name, key); i++)
			;
		if (i == N_KEYS)
			return fail(err, errlen, no, "unknown key \"%.60s\"%s", key, "");
		if (seen[i])
			return fail(err, errlen, no, "%s is given twice%s", key, "");
		seen[i] = true;
		if (strlen(val) >= pkeys[i].size)
			return fail(err, errlen, no, "%s is too long%s", key, "");
		if (bad_value(pkeys[i].check, val))
			return fail(err, errlen, no, "%s %s", key, bad_value(pkeys[i].check, val));
		memcpy((char *)&p + pkeys[i].offset, val, strlen(val) + 1);
	}
	for (size_t i = 0; i < N_KEYS; i++)
		if (pkeys[i].required && !seen[i])
			return fail(err, errlen, 0, "%s is missing%s", pkeys[i].name, "");
	if (!p.timezone[0])
		snprintf(p.timezone, sizeof(p.timezone), "Asia/Shanghai");
	*ret = p;
	return KERR_OK;
}
