/* Serial keypad protocols (keypad_line.h). */
#include "drivers/keypad_line.h"

#include <ctype.h>
#include <string.h>
#include <strings.h>

static bool code_char(char c)
{
	return isalnum((unsigned char)c) || c == '_' || c == '-';
}

static bool hex_byte(const char *s, size_t n, uint8_t *ret)
{
	unsigned v = 0;

	if (n < 1 || n > 2)
		return false;
	for (size_t i = 0; i < n; i++) {
		if (!isxdigit((unsigned char)s[i]))
			return false;
		v = v << 4 | (unsigned)(isdigit((unsigned char)s[i]) ? s[i] - '0'
								     : tolower((unsigned char)s[i]) - 'a' + 10);
	}
	*ret = (uint8_t)v;
	return true;
}

static bool parse_code(struct keypad_serial_map *m, int level, const char *s, size_t n)
{
	int a = m->n_alt[level];

	if (a >= KEYPAD_ALTS)
		return false;
	if (m->bytes) {
		if (!hex_byte(s, n, &m->byte[level][a]))
			return false;
	} else {
		if (n == 0 || n >= KEYPAD_CODE_MAX)
			return false;
		for (size_t i = 0; i < n; i++)
			if (!code_char(s[i]))
				return false;
		memcpy(m->code[level][a], s, n);
		m->code[level][a][n] = 0;
	}
	m->n_alt[level]++;
	return true;
}

static bool parse_entry(struct keypad_serial_map *m, int level, const char *s, const char *e)
{
	if (e - s == 1 && *s == '-')
		return true;
	for (;;) {
		const char *slash = memchr(s, '/', (size_t)(e - s));
		const char *end = slash ? slash : e;

		if (!parse_code(m, level, s, (size_t)(end - s)))
			return false;
		if (!slash)
			return true;
		s = slash + 1;
	}
}

enum kerr keypad_serial_map_parse(const char *s, struct keypad_serial_map *ret)
{
	struct keypad_serial_map m;
	const char *p;
	int level = 0, any = 0;

	if (!s || !*s)
		s = KEYPAD_SERIAL_MAP_DEFAULT;
	memset(&m, 0, sizeof(m));
	if (strncmp(s, "byte:", 5) == 0) {
		m.bytes = true;
		p = s + 5;
	} else if (strncmp(s, "line:", 5) == 0) {
		const char *colon = strchr(s + 5, ':');
		size_t n = colon ? (size_t)(colon - s - 5) : 0;

		if (!colon || n >= sizeof(m.prefix))
			return KERR_INVAL;
		for (size_t i = 0; i < n; i++)
			if (!isgraph((unsigned char)s[5 + i]))
				return KERR_INVAL;
		memcpy(m.prefix, s + 5, n);
		p = colon + 1;
	} else {
		return KERR_INVAL;
	}
	for (;;) {
		const char *comma = strchr(p, ',');
		const char *end = comma ? comma : p + strlen(p);

		if (level >= KEYPAD_LEVELS || end == p || !parse_entry(&m, level, p, end))
			return KERR_INVAL;
		any += m.n_alt[level] > 0;
		level++;
		if (!comma)
			break;
		p = comma + 1;
	}
	if (!any)
		return KERR_INVAL;
	*ret = m;
	return KERR_OK;
}

static enum keypad_line_result match_line(const struct keypad_serial_map *m, const char *s,
					  int *ret_level)
{
	size_t pn = strlen(m->prefix), n;

	while (*s == ' ' || *s == '\t')
		s++;
	if (strncasecmp(s, m->prefix, pn) != 0)
		return KEYPAD_LINE_UNKNOWN;
	s += pn;
	while (*s == ' ' || *s == '\t')
		s++;
	n = strlen(s);
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	for (int l = 0; l < KEYPAD_LEVELS; l++)
		for (int a = 0; a < m->n_alt[l]; a++)
			if (strlen(m->code[l][a]) == n && strncasecmp(s, m->code[l][a], n) == 0) {
				*ret_level = l;
				return KEYPAD_LINE_LEVEL;
			}
	return KEYPAD_LINE_UNKNOWN;
}

enum keypad_line_result keypad_line_push(struct keypad_line *l, const struct keypad_serial_map *m,
					 uint8_t b, int *ret_level)
{
	enum keypad_line_result r;

	if (m->bytes) {
		for (int lv = 0; lv < KEYPAD_LEVELS; lv++)
			for (int a = 0; a < m->n_alt[lv]; a++)
				if (m->byte[lv][a] == b) {
					*ret_level = lv;
					return KEYPAD_LINE_LEVEL;
				}
		return KEYPAD_LINE_UNKNOWN;
	}
	if (b != '\r' && b != '\n') {
		if (l->n + 1 >= sizeof(l->buf) || (b < 0x20 && b != '\t') || b >= 0x7f)
			l->bad = true;
		else
			l->buf[l->n++] = (char)b;
		return KEYPAD_LINE_NONE;
	}
	/* CR LF ends a line once; the empty line between them is nothing. */
	if (l->n == 0 && !l->bad)
		return KEYPAD_LINE_NONE;
	l->buf[l->n] = 0;
	r = l->bad ? KEYPAD_LINE_MALFORMED : match_line(m, l->buf, ret_level);
	l->n = 0;
	l->bad = false;
	return r;
}
