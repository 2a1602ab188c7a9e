/* Card text blocks: fixed UTF-16LE slots per card type, decoded to trimmed UTF-8 and checked. */
#include "drivers/idcard_text.h"

#include "common/idnum.h"
#include "common/utf8.h"

#include <stddef.h>
#include <string.h>

#define LONG_TERM "长期"
#define TYPE_OFF IDCARD_TEXT_TYPE_OFF
/* The 2023 foreign card splits the English name over two slots; 35 + 11 characters. */
#define Y_EN1_OFF 52
#define Y_EN1_LEN 70
#define Y_EN2_OFF 220
#define Y_EN2_LEN 22

struct slot {
	size_t member;	   /* offset of the char array in struct idcard_data */
	size_t size;	   /* its size */
	unsigned off, len; /* place in the block, in bytes */
};

#define SIZE_OF(m) sizeof(((struct idcard_data *)0)->m)
#define SLOT(m, o, l)                                             \
	{                                                         \
		offsetof(struct idcard_data, m), SIZE_OF(m), o, l \
	}

/* sex is a single char in the struct, handled apart from the string slots. */
struct layout {
	char type_char; /* at offset 248; ' ' for resident cards */
	unsigned sex_off;
	const struct slot *slots;
	size_t n_slots;
};

static const struct slot resident_slots[] = {
	SLOT(name, 0, 30),	   SLOT(nation, 32, 4),	     SLOT(birth, 36, 16),
	SLOT(address, 52, 70),	   SLOT(id_number, 122, 36), SLOT(authority, 158, 30),
	SLOT(valid_from, 188, 16), SLOT(valid_to, 204, 16),
};

static const struct slot hmt_slots[] = {
	SLOT(name, 0, 30),	   SLOT(nation, 32, 4),	     SLOT(birth, 36, 16),
	SLOT(address, 52, 70),	   SLOT(id_number, 122, 36), SLOT(authority, 158, 30),
	SLOT(valid_from, 188, 16), SLOT(valid_to, 204, 16),  SLOT(pass_number, 220, 18),
};

static const struct slot foreign2017_slots[] = {
	SLOT(name_en, 0, 120), SLOT(id_number, 122, 30),  SLOT(nationality, 152, 6),
	SLOT(name, 158, 30),   SLOT(valid_from, 188, 16), SLOT(valid_to, 204, 16),
	SLOT(birth, 220, 16),  SLOT(authority, 240, 8),
};

static const struct slot foreign2023_slots[] = {
	SLOT(name, 0, 30),	   SLOT(birth, 36, 16),	    SLOT(id_number, 122, 36),
	SLOT(valid_from, 188, 16), SLOT(valid_to, 204, 16), SLOT(nationality, 242, 6),
};

#define N(a) (sizeof(a) / sizeof((a)[0]))

static const struct layout layouts[IDCARD__COUNT] = {
	[IDCARD_RESIDENT] = { ' ', 30, resident_slots, N(resident_slots) },
	[IDCARD_HMT_PERMIT] = { 'J', 30, hmt_slots, N(hmt_slots) },
	[IDCARD_FOREIGN_2017] = { 'I', 120, foreign2017_slots, N(foreign2017_slots) },
	[IDCARD_FOREIGN_2023] = { 'Y', 30, foreign2023_slots, N(foreign2023_slots) },
};

static uint16_t unit_at(const uint8_t *p, size_t i)
{
	return (uint16_t)(p[2 * i] | p[2 * i + 1] << 8);
}

static bool is_pad(uint16_t u)
{
	return u == ' ' || u == 0;
}

/* Decodes n UTF-16LE units into out, leading and trailing padding trimmed. */
static enum kerr decode(const uint8_t *p, size_t n, char *out, size_t cap, const char **why)
{
	size_t start = 0, end = n, used = 0;

	while (end > 0 && is_pad(unit_at(p, end - 1)))
		end--;
	while (start < end && unit_at(p, start) == ' ')
		start++;
	for (size_t i = start; i < end; i++) {
		uint32_t cp = unit_at(p, i);
		char tmp[4];
		size_t len;

		if (cp >= 0xd800 && cp <= 0xdbff) {
			uint16_t lo = i + 1 < end ? unit_at(p, i + 1) : 0;

			if (lo < 0xdc00 || lo > 0xdfff) {
				*why = "unpaired high surrogate";
				return KERR_INVAL;
			}
			cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
			i++;
		} else if (cp >= 0xdc00 && cp <= 0xdfff) {
			*why = "unpaired low surrogate";
			return KERR_INVAL;
		} else if (cp < 0x20 || (cp >= 0x7f && cp < 0xa0)) {
			*why = "control character in a field";
			return KERR_INVAL;
		}
		len = utf8_encode(cp, tmp);
		if (used + len + 1 > cap) {
			*why = "field too long";
			return KERR_INVAL;
		}
		memcpy(out + used, tmp, len);
		used += len;
	}
	out[used] = 0;
	return KERR_OK;
}

static bool all_digits(const char *s, size_t n)
{
	if (strlen(s) != n)
		return false;
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return true;
}

static bool all_upper(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] < 'A' || s[i] > 'Z')
			return false;
	return true;
}

static int num(const char *s, int n)
{
	int v = 0;

	for (int i = 0; i < n; i++)
		v = v * 10 + (s[i] - '0');
	return v;
}

bool idcard_text_date_valid(const char *s)
{
	static const int mdays[12] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	int y, m, d;

	if (!s || !all_digits(s, 8))
		return false;
	y = num(s, 4);
	m = num(s + 4, 2);
	d = num(s + 6, 2);
	if (y < 1850 || y > 2199 || m < 1 || m > 12 || d < 1 || d > mdays[m - 1])
		return false;
	return !(m == 2 && d == 29 && !((y % 4 == 0 && y % 100 != 0) || y % 400 == 0));
}

static bool nation_valid(const char *s)
{
	int v;

	if (!all_digits(s, 2))
		return false;
	v = num(s, 2);
	return (v >= 1 && v <= 56) || v == 97 || v == 98;
}

/* GB 11643 numbers carry the birth date at 6..13 and the sex in the parity of digit 16. */
static const char *check_idnum(const struct idcard_data *c, bool check_sex)
{
	if (!idnum_valid(c->id_number))
		return "ID number check character or date wrong";
	if (memcmp(c->id_number + 6, c->birth, 8) != 0)
		return "ID number and birth date disagree";
	if (check_sex && ((c->id_number[16] - '0') % 2 == 1) != (c->sex == '1'))
		return "ID number and sex disagree";
	return NULL;
}

/* Residence permits for Hong Kong, Macao and Taiwan residents use the pseudo-regions 81, 82 and 83.
 */
static bool hmt_region(const char *id)
{
	return strncmp(id, "810000", 6) == 0 || strncmp(id, "820000", 6) == 0 ||
	       strncmp(id, "830000", 6) == 0;
}

static const char *check_validity(const struct idcard_data *c)
{
	if (!idcard_text_date_valid(c->valid_from))
		return "valid-from is not a date";
	if (strcmp(c->valid_to, LONG_TERM) == 0)
		return NULL;
	if (!idcard_text_date_valid(c->valid_to))
		return "valid-to is neither a date nor 长期";
	if (strcmp(c->valid_to, c->valid_from) < 0)
		return "valid-to is before valid-from";
	return NULL;
}

static const char *check(const struct idcard_data *c)
{
	const char *bad;

	if (c->sex != '1' && c->sex != '2')
		return "sex is not 1 or 2";
	if (!idcard_text_date_valid(c->birth))
		return "birth is not a date";
	bad = check_validity(c);
	if (bad)
		return bad;
	switch (c->type) {
	case IDCARD_RESIDENT:
	case IDCARD_HMT_PERMIT:
		if (!c->name[0])
			return "name empty";
		if (c->type == IDCARD_RESIDENT && !nation_valid(c->nation))
			return "nation code not 01..56, 97 or 98";
		if (c->type == IDCARD_HMT_PERMIT && c->nation[0] && !nation_valid(c->nation))
			return "nation code not 01..56, 97 or 98";
		if (!c->address[0])
			return "address empty";
		if (!c->authority[0])
			return "issuing authority empty";
		if (c->type == IDCARD_HMT_PERMIT) {
			if (!hmt_region(c->id_number))
				return "permit number is not 81/82/83";
			if (!c->pass_number[0])
				return "travel permit number empty";
		}
		return check_idnum(c, true);
	case IDCARD_FOREIGN_2017:
		if (!c->name_en[0])
			return "English name empty";
		if (strlen(c->id_number) != 15 || !all_upper(c->id_number, 3) ||
		    !all_digits(c->id_number + 3, 12))
			return "card number is not 3 letters and 12 digits";
		if (strlen(c->nationality) != 3 || !all_upper(c->nationality, 3))
			return "nationality is not ISO 3166 alpha-3";
		return NULL;
	case IDCARD_FOREIGN_2023:
		if (!c->name[0] && !c->name_en[0])
			return "name empty";
		if (strlen(c->nationality) != 3 || !all_upper(c->nationality, 3))
			return "nationality is not ISO 3166 alpha-3";
		if (c->id_number[0] != '9')
			return "card number does not start with 9";
		return check_idnum(c, false);
	default:
		return "unknown card type";
	}
}

static enum kerr card_type(const uint8_t *block, enum idcard_type *ret)
{
	uint16_t u = unit_at(block, TYPE_OFF / 2);

	for (int t = 0; t < IDCARD__COUNT; t++) {
		if (u == (uint16_t)layouts[t].type_char || (u == 0 && t == IDCARD_RESIDENT)) {
			*ret = (enum idcard_type)t;
			return KERR_OK;
		}
	}
	return KERR_INVAL;
}

static enum kerr parse(const uint8_t *block, struct idcard_data *c, const char **why)
{
	const struct layout *l;
	char sex[8];
	enum kerr e;

	if (card_type(block, &c->type) != KERR_OK) {
		*why = "unknown card type character";
		return KERR_INVAL;
	}
	l = &layouts[c->type];
	for (size_t i = 0; i < l->n_slots; i++) {
		const struct slot *s = &l->slots[i];

		e = decode(block + s->off, s->len / 2, (char *)c + s->member, s->size, why);
		if (e != KERR_OK)
			return e;
	}
	e = decode(block + l->sex_off, 1, sex, sizeof(sex), why);
	if (e != KERR_OK)
		return e;
	c->sex = 0;
	if (strlen(sex) == 1)
		c->sex = sex[0];
	if (c->type == IDCARD_FOREIGN_2023) {
		uint8_t en[Y_EN1_LEN + Y_EN2_LEN];

		memcpy(en, block + Y_EN1_OFF, Y_EN1_LEN);
		memcpy(en + Y_EN1_LEN, block + Y_EN2_OFF, Y_EN2_LEN);
		e = decode(en, sizeof(en) / 2, c->name_en, sizeof(c->name_en), why);
		if (e != KERR_OK)
			return e;
	}
	if ((c->type == IDCARD_FOREIGN_2017 || c->type == IDCARD_FOREIGN_2023) && !c->name[0])
		utf8_copy(c->name, sizeof(c->name), c->name_en);
	*why = check(c);
	return *why ? KERR_INVAL : KERR_OK;
}

enum kerr idcard_text_parse(const uint8_t *block, size_t len, struct idcard_data *ret,
			    const char **why)
{
	struct idcard_data c;
	const char *reason = NULL;
	enum kerr e;

	if (!block || len != IDCARD_TEXT_LEN) {
		if (why)
			*why = "text block is not 256 bytes";
		return KERR_INVAL;
	}
	memset(&c, 0, sizeof(c));
	e = parse(block, &c, &reason);
	if (e == KERR_OK)
		*ret = c;
	else if (why)
		*why = reason;
	explicit_bzero(&c, sizeof(c));
	return e;
}

/* Writes s as UTF-16LE into n units at p (already space filled). */
static enum kerr encode(const char *s, uint8_t *p, size_t n, const char **why)
{
	size_t i = 0;

	while (*s) {
		uint32_t cp = utf8_next(&s);

		if (cp >= 0x10000) {
			if (i + 2 > n)
				goto too_long;
			cp -= 0x10000;
			p[2 * i] = (uint8_t)(0xd800 + (cp >> 10));
			p[2 * i + 1] = (uint8_t)((0xd800 + (cp >> 10)) >> 8);
			p[2 * i + 2] = (uint8_t)(0xdc00 + (cp & 0x3ff));
			p[2 * i + 3] = (uint8_t)((0xdc00 + (cp & 0x3ff)) >> 8);
			i += 2;
			continue;
		}
		if (i + 1 > n)
			goto too_long;
		p[2 * i] = (uint8_t)cp;
		p[2 * i + 1] = (uint8_t)(cp >> 8);
		i++;
	}
	return KERR_OK;
too_long:
	*why = "field does not fit its slot";
	return KERR_INVAL;
}

/* Whether name is only the parser's stand-in copy of name_en (see parse()), which encodes to no
 * Chinese name. */
static bool stands_in(const struct idcard_data *d)
{
	char copy[sizeof(d->name)];

	if (d->type != IDCARD_FOREIGN_2017 && d->type != IDCARD_FOREIGN_2023)
		return false;
	if (!d->name[0] || !memchr(d->name, 0, sizeof(d->name)) ||
	    !memchr(d->name_en, 0, sizeof(d->name_en)))
		return false;
	utf8_copy(copy, sizeof(copy), d->name_en);
	return strcmp(copy, d->name) == 0;
}

enum kerr idcard_text_encode(const struct idcard_data *d, uint8_t *out, const char **why)
{
	const char *reason = NULL;
	const struct layout *l;
	uint8_t block[IDCARD_TEXT_LEN];
	char sex[2] = { d->sex, 0 };
	enum kerr e = KERR_OK;

	if ((unsigned)d->type >= IDCARD__COUNT) {
		if (why)
			*why = "unknown card type";
		return KERR_INVAL;
	}
	l = &layouts[d->type];
	for (size_t i = 0; i < sizeof(block); i += 2) {
		block[i] = ' ';
		block[i + 1] = 0;
	}
	for (size_t i = 0; i < l->n_slots && e == KERR_OK; i++) {
		const struct slot *s = &l->slots[i];
		const char *field = (const char *)d + s->member;

		/* A foreign card without a Chinese name carries its English name in name: not on
		 * the card twice. */
		if (s->member == offsetof(struct idcard_data, name) && stands_in(d))
			continue;

		/* A member with no NUL within its size is a caller bug, not a card. */
		if (!memchr(field, 0, s->size)) {
			reason = "field not terminated";
			e = KERR_INVAL;
			break;
		}
		e = encode(field, block + s->off, s->len / 2, &reason);
	}
	if (e == KERR_OK)
		e = encode(sex, block + l->sex_off, 1, &reason);
	if (e == KERR_OK && d->type == IDCARD_FOREIGN_2023) {
		uint8_t en[Y_EN1_LEN + Y_EN2_LEN];

		memcpy(en, block + Y_EN1_OFF, Y_EN1_LEN);
		memcpy(en + Y_EN1_LEN, block + Y_EN2_OFF, Y_EN2_LEN);
		if (!memchr(d->name_en, 0, sizeof(d->name_en))) {
			reason = "field not terminated";
			e = KERR_INVAL;
		} else {
			e = encode(d->name_en, en, sizeof(en) / 2, &reason);
		}
		memcpy(block + Y_EN1_OFF, en, Y_EN1_LEN);
		memcpy(block + Y_EN2_OFF, en + Y_EN1_LEN, Y_EN2_LEN);
	}
	block[TYPE_OFF] = (uint8_t)l->type_char;
	if (e == KERR_OK)
		memcpy(out, block, sizeof(block));
	else if (why)
		*why = reason;
	explicit_bzero(block, sizeof(block));
	return e;
}

enum kerr idcard_text_check_expiry(const struct idcard_data *d, const char *today)
{
	if (!idcard_text_date_valid(today))
		return KERR_INVAL;
	if (strcmp(d->valid_to, LONG_TERM) == 0)
		return KERR_OK;
	if (!idcard_text_date_valid(d->valid_to))
		return KERR_INVAL;
	return strcmp(today, d->valid_to) > 0 ? KERR_EXPIRED : KERR_OK;
}
