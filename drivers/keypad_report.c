/* HID report-to-level maps and the key state machine (keypad_report.h). */
#include "drivers/keypad_report.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

/* The usage a boot keyboard puts in every slot when more keys are held than it can report. */
#define USAGE_ROLLOVER 0x01
#define BOOT_KEYS_AT   2
#define BOOT_LEN       8

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* One or two hex digits in [s, e). */
static bool hex_byte(const char *s, const char *e, uint8_t *ret)
{
	int hi, lo;

	if (e - s == 1 && (lo = hexval(s[0])) >= 0) {
		*ret = (uint8_t)lo;
		return true;
	}
	if (e - s != 2 || (hi = hexval(s[0])) < 0 || (lo = hexval(s[1])) < 0)
		return false;
	*ret = (uint8_t)(hi << 4 | lo);
	return true;
}

/* A decimal number of at most 2 digits in [s, e), below max. */
static bool small_dec(const char *s, const char *e, int max, int *ret)
{
	int v = 0;

	if (e <= s || e - s > 2)
		return false;
	for (; s < e; s++) {
		if (*s < '0' || *s > '9')
			return false;
		v = v * 10 + (*s - '0');
	}
	if (v >= max)
		return false;
	*ret = v;
	return true;
}

static bool parse_bit(const char *s, const char *e, uint8_t *byte, uint8_t *bit)
{
	const char *dot = memchr(s, '.', (size_t)(e - s));
	int by, bi;

	if (!dot || !small_dec(s, dot, KEYPAD_REPORT_MAX, &by) || !small_dec(dot + 1, e, 8, &bi))
		return false;
	*byte = (uint8_t)by;
	*bit = (uint8_t)bi;
	return true;
}

/* One level's entry in [s, e): "-", or codes joined by "/". */
static bool parse_entry(struct keypad_hid_map *m, int level, const char *s, const char *e)
{
	if (e - s == 1 && *s == '-')
		return true;
	if (m->kind == KEYPAD_MAP_BITS) {
		m->n_alt[level] = 1;
		return parse_bit(s, e, &m->byte[level], &m->bit[level]);
	}
	while (s < e) {
		const char *slash = memchr(s, '/', (size_t)(e - s));
		const char *end = slash ? slash : e;
		uint8_t code;

		if (m->n_alt[level] >= KEYPAD_ALTS || !hex_byte(s, end, &code) || code == 0)
			return false;
		/* A boot keyboard's rollover and error usages are never keys. */
		if (m->kind == KEYPAD_MAP_KEYS && code <= 3)
			return false;
		m->code[level][m->n_alt[level]++] = code;
		s = slash ? slash + 1 : e;
		if (slash && s == e)
			return false;
	}
	return true;
}

enum kerr keypad_hid_map_parse(const char *s, struct keypad_hid_map *ret)
{
	struct keypad_hid_map m;
	const char *colon, *p;
	int level = 0, id, any = 0;

	if (!s || !*s)
		s = KEYPAD_HID_MAP_DEFAULT;
	memset(&m, 0, sizeof(m));
	m.report_id = -1;
	if (s[0] == 'r' && (colon = strchr(s, ':')) && colon - s == 3) {
		uint8_t v;

		if (!hex_byte(s + 1, colon, &v) || v == 0)
			return KERR_INVAL;
		m.report_id = v;
		s = colon + 1;
	}
	if (strncmp(s, "keys:", 5) == 0) {
		m.kind = KEYPAD_MAP_KEYS;
		p = s + 5;
	} else if (strncmp(s, "bits:", 5) == 0) {
		m.kind = KEYPAD_MAP_BITS;
		p = s + 5;
	} else if (strncmp(s, "value@", 6) == 0 && (colon = strchr(s, ':')) &&
		   small_dec(s + 6, colon, KEYPAD_REPORT_MAX, &id)) {
		m.kind = KEYPAD_MAP_VALUE;
		m.offset = (uint8_t)id;
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

static bool has_code(const struct keypad_hid_map *m, int level, uint8_t c)
{
	for (int a = 0; a < m->n_alt[level]; a++)
		if (m->code[level][a] == c)
			return true;
	return false;
}

enum kerr keypad_report_parse(const struct keypad_hid_map *m, const uint8_t *rep, size_t n,
			      uint32_t *ret_mask)
{
	uint32_t mask = 0;

	if (!rep || n == 0)
		return KERR_PROTO;
	if (m->report_id >= 0) {
		if (rep[0] != m->report_id)
			return KERR_NOT_FOUND;
		rep++;
		n--;
	}
	switch (m->kind) {
	case KEYPAD_MAP_KEYS:
		if (n < BOOT_LEN)
			return KERR_PROTO;
		for (size_t i = BOOT_KEYS_AT; i < BOOT_LEN; i++) {
			if (rep[i] == USAGE_ROLLOVER)
				return KERR_PROTO;
			for (int l = 0; rep[i] && l < KEYPAD_LEVELS; l++)
				if (has_code(m, l, rep[i]))
					mask |= 1u << l;
		}
		break;
	case KEYPAD_MAP_BITS:
		for (int l = 0; l < KEYPAD_LEVELS; l++) {
			if (!m->n_alt[l])
				continue;
			if (m->byte[l] >= n)
				return KERR_PROTO;
			if (rep[m->byte[l]] & (1u << m->bit[l]))
				mask |= 1u << l;
		}
		break;
	case KEYPAD_MAP_VALUE:
		if (m->offset >= n)
			return KERR_PROTO;
		for (int l = 0; rep[m->offset] && l < KEYPAD_LEVELS; l++)
			if (has_code(m, l, rep[m->offset]))
				mask |= 1u << l;
		break;
	}
	*ret_mask = mask;
	return KERR_OK;
}

void keypad_keys_init(struct keypad_keys *k, int debounce_ms)
{
	memset(k, 0, sizeof(*k));
	k->last_level = -1;
	k->debounce_ms = debounce_ms;
}

int keypad_keys_feed(struct keypad_keys *k, uint32_t mask, int64_t now)
{
	uint32_t pressed = mask & ~k->down;
	int level;

	k->down = mask;
	/* Alone and newly down: a chord, or the key left held when its partner is released,
	 * never counts. */
	if (!pressed || (mask & (mask - 1)) != 0)
		return -1;
	level = __builtin_ctz(mask);
	if (level >= KEYPAD_LEVELS)
		return -1;
	if (level == k->last_level && now - k->last_ms < k->debounce_ms)
		return -1;
	k->last_level = level;
	k->last_ms = now;
	return level;
}
