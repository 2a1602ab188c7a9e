/* Parsing of evaluation mappings: "key = value" lines as in kiosk.conf, every value checked. */
#include "kiosk/evalmap.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const level_keys[UPLINK_LEVELS] = {
	"very_satisfied", "satisfied", "basic", "dissatisfied", "very_dissatisfied",
};

/* Codes and versions: letters, digits, ".", "_" and "-", 1 to max-1 bytes. */
static bool token(const char *s, size_t max)
{
	size_t n = strlen(s);

	if (n == 0 || n >= max)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!isalnum((unsigned char)s[i]) && !strchr("._-", s[i]))
			return false;
	return true;
}

static bool number(const char *s, int lo, int hi, int *ret)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < lo || v > hi)
		return false;
	*ret = (int)v;
	return true;
}

static int level_of(const char *s)
{
	for (int i = 0; i < UPLINK_LEVELS; i++)
		if (strcmp(s, level_keys[i]) == 0)
			return i;
	return -1;
}

static bool required(struct uplink_scheme *s, char *v)
{
	static const struct {
		const char *name;
		unsigned bit;
	} fields[] = {
		{ "case_no", UPLINK_REQ_CASE_NO },
		{ "impl_code", UPLINK_REQ_IMPL_CODE },
		{ "platform_no", UPLINK_REQ_PLATFORM_NO },
	};
	char *save = NULL;

	s->required = 0;
	for (char *f = strtok_r(v, ", ", &save); f; f = strtok_r(NULL, ", ", &save)) {
		size_t i;

		for (i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
			if (strcmp(f, fields[i].name) == 0)
				break;
		if (i == sizeof(fields) / sizeof(fields[0]))
			return false;
		s->required |= fields[i].bit;
	}
	return true;
}

/* Text a resident reads: printable UTF-8 of 1 to 63 bytes, no control characters. */
static bool label_ok(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n >= 64)
		return false;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return false;
	return true;
}

static bool reason(struct evalmap *m, const char *v)
{
	size_t cl = strcspn(v, " \t");
	const char *label = v + cl;

	while (*label == ' ' || *label == '\t')
		label++;
	if (m->n_reasons >= EVALMAP_REASONS_MAX || cl == 0 || cl >= sizeof(m->reasons[0].code) ||
	    !label_ok(label))
		return false;
	memcpy(m->reasons[m->n_reasons].code, v, cl);
	m->reasons[m->n_reasons].code[cl] = 0;
	if (!token(m->reasons[m->n_reasons].code, sizeof(m->reasons[0].code)))
		return false;
	for (size_t i = 0; i < m->n_reasons; i++)
		if (strcmp(m->reasons[i].code, m->reasons[m->n_reasons].code) == 0)
			return false;
	snprintf(m->reasons[m->n_reasons].label, sizeof(m->reasons[0].label), "%s", label);
	m->n_reasons++;
	return true;
}

/* One "key = value"; false when the key is unknown or the value bad. */
static bool set(struct evalmap *m, const char *key, char *v, unsigned *seen)
{
	struct uplink_scheme *s = &m->scheme;
	int lv;

	if (strncmp(key, "level.", 6) == 0 && (lv = level_of(key + 6)) >= 0) {
		*seen |= 1u << lv;
		return token(v, sizeof(s->codes[0])) &&
		       snprintf(s->codes[lv], sizeof(s->codes[0]), "%s", v) > 0;
	}
	if (strcmp(key, "scheme") == 0) {
		*seen |= 1u << UPLINK_LEVELS;
		return token(v, sizeof(s->name)) && snprintf(s->name, sizeof(s->name), "%s", v) > 0;
	}
	if (strcmp(key, "channel") == 0)
		return strlen(v) <= 2 && strspn(v, "0123456789") == strlen(v) && v[0] &&
		       snprintf(s->channel, sizeof(s->channel), "%s", v) > 0;
	if (strcmp(key, "interface_version") == 0)
		return token(v, sizeof(s->interface_version)) &&
		       snprintf(s->interface_version, sizeof(s->interface_version), "%s", v) > 0;
	if (strcmp(key, "reasons.version") == 0)
		return token(v, sizeof(s->reasons_version)) &&
		       snprintf(s->reasons_version, sizeof(s->reasons_version), "%s", v) > 0;
	if (strcmp(key, "reason") == 0)
		return reason(m, v);
	if (strcmp(key, "required") == 0)
		return required(s, v);
	if (strcmp(key, "service_item") == 0) {
		/* Empty: such ratings name no item. */
		if (v[0] && !token(v, sizeof(m->service_item)))
			return false;
		snprintf(m->service_item, sizeof(m->service_item), "%s", v);
		return true;
	}
	if (strcmp(key, "callback_days") == 0)
		return number(v, 0, 365, &s->callback_days);
	if (strcmp(key, "rectify_days") == 0)
		return number(v, 0, 365, &s->rectify_days);
	if (strcmp(key, "deadline_days") == 0) {
		s->working_days = strcmp(v, "working") == 0;
		return s->working_days || strcmp(v, "calendar") == 0;
	}
	if (strcmp(key, "default_after_days") == 0)
		return number(v, 0, 365, &m->default_after_days);
	if (strcmp(key, "default_level") == 0)
		return (m->default_level = level_of(v)) >= 0;
	return false;
}

static char *trim(char *s)
{
	char *e;

	while (isspace((unsigned char)*s))
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = 0;
	return s;
}

enum kerr evalmap_parse(struct evalmap *m, const char *text, size_t len, const char *name,
			char *err, size_t errlen)
{
	const char *p = text, *end = text + len;
	unsigned seen = 0;
	int n = 0;

	memset(m, 0, sizeof(*m));
	snprintf(m->source, sizeof(m->source), "%s", name);
	snprintf(m->scheme.channel, sizeof(m->scheme.channel), "5");
	m->default_level = -1;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t ll = nl ? (size_t)(nl - p) : (size_t)(end - p);
		char line[512], *s, *eq;

		n++;
		if (ll >= sizeof(line) || memchr(p, 0, ll)) {
			snprintf(err, errlen, "%s:%d: line too long or not text", name, n);
			return KERR_INVAL;
		}
		memcpy(line, p, ll);
		line[ll] = 0;
		p += ll + 1;
		s = trim(line);
		if (*s == 0 || *s == '#')
			continue;
		eq = strchr(s, '=');
		if (!eq) {
			snprintf(err, errlen, "%s:%d: expected \"key = value\"", name, n);
			return KERR_INVAL;
		}
		*eq = 0;
		if (!set(m, trim(s), trim(eq + 1), &seen)) {
			snprintf(err, errlen, "%s:%d: unknown key or bad value: %.64s", name, n,
				 trim(s));
			return KERR_INVAL;
		}
	}
	if (seen != (1u << (UPLINK_LEVELS + 1)) - 1) {
		snprintf(err, errlen, "%s: scheme and all five level.* codes are required", name);
		return KERR_INVAL;
	}
	if (m->default_after_days > 0 && m->default_level < 0) {
		snprintf(err, errlen, "%s: default_after_days needs default_level", name);
		return KERR_INVAL;
	}
	/* A bad rating needs the resident's reasons: silence can never be one. */
	if (m->default_after_days > 0 && m->default_level >= 3) {
		snprintf(err, errlen, "%s: default_level must be very_satisfied, satisfied or basic", name);
		return KERR_INVAL;
	}
	if (m->default_level < 0)
		m->default_level = 0;
	for (int i = 0; i < UPLINK_LEVELS; i++)
		for (int j = i + 1; j < UPLINK_LEVELS; j++)
			if (strcmp(m->scheme.codes[i], m->scheme.codes[j]) == 0) {
				snprintf(err, errlen, "%s: levels %s and %s have the same code",
					 name, level_keys[i], level_keys[j]);
				return KERR_INVAL;
			}
	return KERR_OK;
}

enum kerr evalmap_load(struct evalmap *m, const char *path, char *err, size_t errlen)
{
	FILE *f = fopen(path, "r");
	char *buf;
	size_t len;
	enum kerr e = KERR_OK;

	if (!f) {
		snprintf(err, errlen, "cannot read evaluation mapping %s: %s", path, strerror(errno));
		return KERR_IO;
	}
	buf = malloc(EVALMAP_MAX_BYTES + 1);
	if (!buf) {
		fclose(f);
		return KERR_NOMEM;
	}
	len = fread(buf, 1, EVALMAP_MAX_BYTES + 1, f);
	if (ferror(f)) {
		snprintf(err, errlen, "cannot read evaluation mapping %s", path);
		e = KERR_IO;
	} else if (len > EVALMAP_MAX_BYTES) {
		snprintf(err, errlen, "%s: larger than %d bytes: not a mapping", path,
			 EVALMAP_MAX_BYTES);
		e = KERR_INVAL;
	}
	fclose(f);
	if (e == KERR_OK)
		e = evalmap_parse(m, buf, len, path, err, errlen);
	free(buf);
	return e;
}

enum kerr evalmap_from_codes(struct evalmap *m, const char *scheme, const char *codes)
{
	const char *p = codes;
	struct uplink_scheme *s = &m->scheme;

	memset(m, 0, sizeof(*m));
	snprintf(s->name, sizeof(s->name), "%s", scheme);
	snprintf(s->channel, sizeof(s->channel), "5");
	for (int i = 0; i < UPLINK_LEVELS; i++) {
		size_t n = strcspn(p, ",");

		if (n == 0 || n >= sizeof(s->codes[i]))
			return KERR_INVAL;
		memcpy(s->codes[i], p, n);
		p += n;
		if (i < UPLINK_LEVELS - 1) {
			if (*p != ',')
				return KERR_INVAL;
			p++;
		}
	}
	return *p ? KERR_INVAL : KERR_OK;
}
