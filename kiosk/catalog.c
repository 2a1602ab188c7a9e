/* Loads the service catalog from JSON and checks every field against the neutral model of
 * public-service-rules.md, so screens can trust what they show; searches it by theme, Chinese
 * text and pinyin initials. The file format and its rules are in docs/catalog.md. */
#include "kiosk/catalog.h"

#include "common/utf8.h"
#include "kiosk/pinyin.h"

#include <assert.h>
#include <errno.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A real catalog is a few hundred kilobytes; the bounds keep a broken or hostile copy from the
 * platform from exhausting memory or the screens. */
enum {
	MAX_FILE_BYTES = 4 << 20,
	MAX_THEMES = 100,
	MAX_ITEMS = 500,
	MAX_MATERIALS = 100,
	MAX_COUNT = 99,
	MAX_DAYS = 3650,
	CODE_CHARS = 64,
	LINE_CHARS = 200,
	NOTE_CHARS = 1000,
	TEXT_CHARS = 4000,
};

struct text_field {
	const char *key;
	const char *label;      /* the field's name in a Chinese guide, so staff recognise it */
	size_t offset;
	size_t max_chars;
	bool optional;
	bool multiline;         /* line breaks allowed; other control characters never are */
};

struct int_field {
	const char *key;
	const char *label;
	size_t offset;
	int min;
	int max;
};

struct bool_field {
	const char *key;
	const char *label;
	size_t offset;
};

#define ITEM(f) offsetof(struct catalog_item, f)
#define MAT(f) offsetof(struct catalog_material, f)
#define THEME(f) offsetof(struct catalog_theme, f)

/* impl_code comes first so that every later error can name the item by it. */
static const struct text_field item_texts[] = {
	{ "impl_code", "实施编码", ITEM(impl_code), CODE_CHARS, false, false },
	{ "basic_code", "基本编码", ITEM(basic_code), CODE_CHARS, false, false },
	{ "handle_code", "业务办理项编码", ITEM(handle_code), CODE_CHARS, false, false },
	{ "name", "事项名称", ITEM(name), LINE_CHARS, false, false },
	{ "theme", "主题分类", ITEM(theme), CODE_CHARS, false, false },
	{ "department", "实施主体", ITEM(department), LINE_CHARS, false, false },
	{ "conditions", "受理条件", ITEM(conditions), TEXT_CHARS, false, true },
	{ "procedure", "办理流程", ITEM(procedure), TEXT_CHARS, false, true },
	{ "fee", "收费标准", ITEM(fee), TEXT_CHARS, false, true },
	{ "legal_basis", "设定依据", ITEM(legal_basis), TEXT_CHARS, false, true },
	{ "place", "办理地点", ITEM(place), TEXT_CHARS, false, true },
	{ "hours", "办理时间", ITEM(hours), TEXT_CHARS, false, true },
	{ "phone", "咨询电话", ITEM(phone), CODE_CHARS, false, false },
	{ "complaint_phone", "监督投诉电话", ITEM(complaint_phone), CODE_CHARS, false, false },
	{ "keywords", "关键词", ITEM(keywords), NOTE_CHARS, true, false },
};

static const struct int_field item_ints[] = {
	{ "item_type", "事项类型", ITEM(item_type), 0, 20 },
	{ "level", "行使层级", ITEM(level), 1, 7 },
	{ "served", "服务对象", ITEM(served), 1, 6 },
	{ "case_kind", "办件类型", ITEM(case_kind), 1, 2 },
	{ "legal_days", "法定办结时限", ITEM(legal_days), 0, MAX_DAYS },
	{ "promised_days", "承诺办结时限", ITEM(promised_days), 0, MAX_DAYS },
};

static const struct bool_field item_bools[] = {
	{ "self_service", "是否支持自助办理", ITEM(self_service) },
	{ "gap_allowed", "是否容缺受理", ITEM(gap_allowed) },
};

static const struct text_field mat_texts[] = {
	{ "code", "材料编码", MAT(code), CODE_CHARS, false, false },
	{ "name", "材料名称", MAT(name), LINE_CHARS, false, false },
	{ "issuer", "来源渠道", MAT(issuer), LINE_CHARS, false, false },
	{ "note", "填报须知", MAT(note), NOTE_CHARS, true, true },
};

static const struct int_field mat_ints[] = {
	{ "originals", "原件份数", MAT(originals), 0, MAX_COUNT },
	{ "copies", "复印件份数", MAT(copies), 0, MAX_COUNT },
};

static const struct bool_field mat_bools[] = {
	{ "mandatory", "是否必要", MAT(mandatory) },
	{ "gap_ok", "是否可容缺", MAT(gap_ok) },
	{ "commitment_ok", "是否可告知承诺", MAT(commitment_ok) },
	{ "ecert", "是否电子证照", MAT(ecert) },
};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* Where the parser is, so every error sentence says which theme, item and material is at fault. */
struct ctx {
	char *err;
	size_t errlen;
	const char *what;       /* "theme" or "item"; NULL for the top level */
	size_t index;           /* 1-based, as a person counts */
	const char *impl;       /* the item's validated impl_code once read */
	size_t material;        /* 1-based; 0 outside materials */
};

/* Copies src into the caller's buffer as valid UTF-8 without control characters: the sentence
 * goes to logs and to the technician's screen, and may quote bytes from the file. */
static void put_clean(char *dst, size_t n, const char *src)
{
	const char *p = src;
	size_t used = 0;

	for (;;) {
		const char *start = p;
		uint32_t cp = utf8_next(&p);
		size_t len = (size_t)(p - start);

		if (cp == 0)
			break;
		if (cp < 0x20 || cp == 0x7f || cp == 0xfffd) {
			start = "?";
			len = 1;
		}
		if (used + len + 1 > n)
			break;
		memcpy(dst + used, start, len);
		used += len;
	}
	dst[used] = 0;
}

static enum kerr fail(const struct ctx *x, enum kerr e, const char *fmt, ...)
{
	char msg[512], line[768];
	va_list ap;

	if (!x->err || x->errlen == 0)
		return e;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (!x->what)
		snprintf(line, sizeof(line), "catalog: %s", msg);
	else if (x->impl && x->material)
		snprintf(line, sizeof(line), "%s %zu (impl_code %s), material %zu: %s", x->what,
			 x->index, x->impl, x->material, msg);
	else if (x->impl)
		snprintf(line, sizeof(line), "%s %zu (impl_code %s): %s", x->what, x->index,
			 x->impl, msg);
	else if (x->material)
		snprintf(line, sizeof(line), "%s %zu, material %zu: %s", x->what, x->index,
			 x->material, msg);
	else
		snprintf(line, sizeof(line), "%s %zu: %s", x->what, x->index, msg);
	put_clean(x->err, x->errlen, line);
	return e;
}

static enum kerr no_memory(const struct ctx *x)
{
	return fail(x, KERR_NOMEM, "out of memory");
}

static bool blank(const char *s)
{
	for (; *s; s++)
		if (*s != ' ' && *s != '\t' && *s != '\n' && *s != '\r')
			return false;
	return true;
}

static bool has_control(const char *s, bool multiline)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if ((*p < 0x20 || *p == 0x7f) && !(multiline && *p == '\n'))
			return true;
	return false;
}

/* Reads one string field into its slot in base; the slot stays NULL for an absent optional
 * field, and for an empty one so screens need test only for NULL. */
static enum kerr take_text(const struct ctx *x, json_t *obj, const struct text_field *f,
			   void *base)
{
	json_t *v = json_object_get(obj, f->key);
	char **slot = (char **)((char *)base + f->offset);
	const char *s;

	if (!v || json_is_null(v)) {
		if (f->optional)
			return KERR_OK;
		return fail(x, KERR_INVAL, "field %s (%s) is missing", f->key, f->label);
	}
	if (!json_is_string(v))
		return fail(x, KERR_INVAL, "field %s (%s) must be a string", f->key, f->label);
	s = json_string_value(v);
	if (strlen(s) != json_string_length(v))
		return fail(x, KERR_INVAL, "field %s (%s) contains a NUL character", f->key,
			    f->label);
	if (blank(s)) {
		if (f->optional)
			return KERR_OK;
		return fail(x, KERR_INVAL, "field %s (%s) is empty", f->key, f->label);
	}
	if (utf8_len(s) > f->max_chars)
		return fail(x, KERR_INVAL, "field %s (%s) is longer than %zu characters", f->key,
			    f->label, f->max_chars);
	if (has_control(s, f->multiline))
		return fail(x, KERR_INVAL, "field %s (%s) contains a control character%s", f->key,
			    f->label, f->multiline ? " other than a line break" : "");
	*slot = strdup(s);
	if (!*slot)
		return no_memory(x);
	return KERR_OK;
}

static enum kerr take_texts(const struct ctx *x, json_t *obj, const struct text_field *fields,
			    size_t n, void *base)
{
	for (size_t i = 0; i < n; i++) {
		enum kerr e = take_text(x, obj, &fields[i], base);

		if (e != KERR_OK)
			return e;
	}
	return KERR_OK;
}

static enum kerr take_ints(const struct ctx *x, json_t *obj, const struct int_field *fields,
			   size_t n, void *base)
{
	for (size_t i = 0; i < n; i++) {
		const struct int_field *f = &fields[i];
		json_t *v = json_object_get(obj, f->key);
		json_int_t value;

		if (!v)
			return fail(x, KERR_INVAL, "field %s (%s) is missing", f->key, f->label);
		if (!json_is_integer(v))
			return fail(x, KERR_INVAL, "field %s (%s) must be a whole number", f->key,
				    f->label);
		value = json_integer_value(v);
		if (value < f->min || value > f->max)
			return fail(x, KERR_INVAL, "field %s (%s) must be from %d to %d, not %lld",
				    f->key, f->label, f->min, f->max, (long long)value);
		*(int *)((char *)base + f->offset) = (int)value;
	}
	return KERR_OK;
}

static enum kerr take_bools(const struct ctx *x, json_t *obj, const struct bool_field *fields,
			    size_t n, void *base)
{
	for (size_t i = 0; i < n; i++) {
		const struct bool_field *f = &fields[i];
		json_t *v = json_object_get(obj, f->key);

		if (!v)
			return fail(x, KERR_INVAL, "field %s (%s) is missing", f->key, f->label);
		if (!json_is_boolean(v))
			return fail(x, KERR_INVAL, "field %s (%s) must be true or false", f->key,
				    f->label);
		*(bool *)((char *)base + f->offset) = json_is_true(v);
	}
	return KERR_OK;
}

/* The array under key, with between min and max elements. */
static enum kerr take_array(const struct ctx *x, json_t *obj, const char *key, const char *label,
			    size_t min, size_t max, json_t **ret)
{
	json_t *v = json_object_get(obj, key);
	size_t n;

	if (!v)
		return fail(x, KERR_INVAL, "field %s (%s) is missing", key, label);
	if (!json_is_array(v))
		return fail(x, KERR_INVAL, "field %s (%s) must be an array", key, label);
	n = json_array_size(v);
	if (n < min)
		return fail(x, KERR_INVAL, "field %s (%s) is empty", key, label);
	if (n > max)
		return fail(x, KERR_INVAL, "field %s (%s) has %zu entries, more than %zu", key,
			    label, n, max);
	*ret = v;
	return KERR_OK;
}

static bool keyword_separator(uint32_t cp)
{
	return cp == ' ' || cp == '\t' || cp == ',' || cp == ';' || cp == '/' || cp == '|' ||
	       cp == 0x3000 || cp == 0x3001 || cp == 0xFF0C || cp == 0xFF1B;
}

/* Initials of each keyword separately, joined by spaces, so that "yl" finds the keyword 养老 but
 * a query never matches across two keywords. */
static char *keyword_initials(const char *keywords)
{
	size_t len = strlen(keywords), used = 0, wlen = 0;
	char *out = malloc(len + 1), *word = malloc(len + 1);
	const char *p = keywords;

	if (!out || !word) {
		free(out);
		free(word);
		return NULL;
	}
	/* Each keyword's initials are no longer than the keyword, and every space written stands
	 * for at least one separator byte, so len + 1 bytes always suffice. */
	for (;;) {
		const char *start = p;
		uint32_t cp = utf8_next(&p);

		if (cp != 0 && !keyword_separator(cp)) {
			memcpy(word + wlen, start, (size_t)(p - start));
			wlen += (size_t)(p - start);
			continue;
		}
		if (wlen) {
			size_t got;

			word[wlen] = 0;
			wlen = 0;
			if (used)
				out[used++] = ' ';
			pinyin_initials(word, out + used, len + 1 - used);
			got = strlen(out + used);
			/* A keyword of punctuation only leaves no initials: drop its space. */
			if (got == 0 && used)
				used--;
			used += got;
		}
		if (cp == 0)
			break;
	}
	out[used] = 0;
	free(word);
	return out;
}

static void material_finish(struct catalog_material *m)
{
	for (size_t i = 0; i < COUNT(mat_texts); i++)
		free(*(char **)((char *)m + mat_texts[i].offset));
}

static void item_finish(struct catalog_item *it)
{
	for (size_t i = 0; i < COUNT(item_texts); i++)
		free(*(char **)((char *)it + item_texts[i].offset));
	free(it->initials);
	free(it->keyword_initials);
	for (size_t i = 0; i < it->n_materials; i++)
		material_finish(&it->materials[i]);
	free(it->materials);
}

static enum kerr parse_material(struct ctx *x, json_t *o, const struct catalog_item *it,
				size_t i)
{
	struct catalog_material *m = &it->materials[i];
	enum kerr e;

	if (!json_is_object(o))
		return fail(x, KERR_INVAL, "must be an object");
	e = take_texts(x, o, mat_texts, COUNT(mat_texts), m);
	if (e == KERR_OK)
		e = take_ints(x, o, mat_ints, COUNT(mat_ints), m);
	if (e == KERR_OK)
		e = take_bools(x, o, mat_bools, COUNT(mat_bools), m);
	if (e != KERR_OK)
		return e;
	{
		json_t *fmt = json_object_get(o, "format");

		if (fmt && (!json_is_string(fmt) || (strcmp(json_string_value(fmt), "jpeg") != 0 &&
						     strcmp(json_string_value(fmt), "pdf") != 0)))
			return fail(x, KERR_INVAL, "format (扫描件格式) must be \"jpeg\" or \"pdf\"");
		m->pdf = fmt && strcmp(json_string_value(fmt), "pdf") == 0;
	}
	for (size_t j = 0; j < i; j++)
		if (strcmp(it->materials[j].code, m->code) == 0)
			return fail(x, KERR_INVAL, "code %s is also used by material %zu", m->code,
				    j + 1);
	/* Only a required material can be waived: an optional one is never missing. */
	if ((m->gap_ok || m->commitment_ok) && !m->mandatory)
		return fail(x, KERR_INVAL, "%s is true but the material is not mandatory",
			    m->gap_ok ? "gap_ok" : "commitment_ok");
	if (m->gap_ok && !it->gap_allowed)
		return fail(x, KERR_INVAL,
			    "gap_ok is true but the item does not allow acceptance with gaps "
			    "(gap_allowed is false)");
	return KERR_OK;
}

static enum kerr check_item(const struct ctx *x, const struct catalog *c, size_t i)
{
	const struct catalog_item *it = &c->items[i];

	if (it->item_type > 10 && it->item_type != 20)
		return fail(x, KERR_INVAL,
			    "field item_type (事项类型) must be 0 to 10 or 20, not %d",
			    it->item_type);
	if (it->case_kind == 1 && it->promised_days != 0)
		return fail(x, KERR_INVAL,
			    "field promised_days (承诺办结时限) must be 0 for an immediate item "
			    "(case_kind 1)");
	if (it->case_kind == 2 && it->promised_days < 1)
		return fail(x, KERR_INVAL,
			    "field promised_days (承诺办结时限) must be at least 1 for a promised "
			    "item (case_kind 2)");
	if (it->promised_days > it->legal_days)
		return fail(x, KERR_INVAL,
			    "field promised_days (承诺办结时限) is %d, more than legal_days "
			    "(法定办结时限) %d",
			    it->promised_days, it->legal_days);
	if (!catalog_theme(c, it->theme))
		return fail(x, KERR_INVAL,
			    "field theme (主题分类) names %s, which is not among the themes",
			    it->theme);
	for (size_t j = 0; j < i; j++)
		if (strcmp(c->items[j].impl_code, it->impl_code) == 0)
			return fail(x, KERR_INVAL, "impl_code is also used by item %zu", j + 1);
	return KERR_OK;
}

static enum kerr parse_item(struct ctx *x, json_t *o, struct catalog *c, size_t i)
{
	struct catalog_item *it = &c->items[i];
	json_t *mats = NULL, *m;
	size_t j;
	enum kerr e;

	if (!json_is_object(o))
		return fail(x, KERR_INVAL, "must be an object");
	e = take_texts(x, o, item_texts, 1, it);
	if (e != KERR_OK)
		return e;
	x->impl = it->impl_code;
	e = take_texts(x, o, item_texts + 1, COUNT(item_texts) - 1, it);
	if (e == KERR_OK)
		e = take_ints(x, o, item_ints, COUNT(item_ints), it);
	if (e == KERR_OK)
		e = take_bools(x, o, item_bools, COUNT(item_bools), it);
	if (e == KERR_OK)
		e = check_item(x, c, i);
	if (e == KERR_OK)
		e = take_array(x, o, "materials", "申请材料", 0, MAX_MATERIALS, &mats);
	if (e != KERR_OK)
		return e;
	if (json_array_size(mats)) {
		it->materials = calloc(json_array_size(mats), sizeof(*it->materials));
		if (!it->materials)
			return no_memory(x);
		it->n_materials = json_array_size(mats);
	}
	json_array_foreach(mats, j, m) {
		x->material = j + 1;
		e = parse_material(x, m, it, j);
		if (e != KERR_OK)
			return e;
	}
	x->material = 0;
	/* Every byte of the name yields at most one initial. */
	it->initials = malloc(strlen(it->name) + 1);
	if (!it->initials)
		return no_memory(x);
	pinyin_initials(it->name, it->initials, strlen(it->name) + 1);
	if (it->keywords) {
		it->keyword_initials = keyword_initials(it->keywords);
		if (!it->keyword_initials)
			return no_memory(x);
	}
	return KERR_OK;
}

static enum kerr parse_theme(struct ctx *x, json_t *o, struct catalog *c, size_t i)
{
	static const struct text_field fields[] = {
		{ "id", "主题编码", THEME(id), CODE_CHARS, false, false },
		{ "name", "主题名称", THEME(name), LINE_CHARS, false, false },
	};
	struct catalog_theme *t = &c->themes[i];
	enum kerr e;

	if (!json_is_object(o))
		return fail(x, KERR_INVAL, "must be an object");
	e = take_texts(x, o, fields, COUNT(fields), t);
	if (e != KERR_OK)
		return e;
	for (size_t j = 0; j < i; j++)
		if (strcmp(c->themes[j].id, t->id) == 0)
			return fail(x, KERR_INVAL, "id %s is also used by theme %zu", t->id, j + 1);
	return KERR_OK;
}

static enum kerr parse(struct ctx *x, json_t *root, struct catalog *c)
{
	static const struct text_field version = {
		"version", "版本", offsetof(struct catalog, version), CODE_CHARS, false, false
	};
	json_t *themes = NULL, *items = NULL, *v;
	size_t i;
	enum kerr e;

	if (!json_is_object(root))
		return fail(x, KERR_INVAL, "the top level must be an object");
	e = take_text(x, root, &version, c);
	if (e == KERR_OK)
		e = take_array(x, root, "themes", "主题", 1, MAX_THEMES, &themes);
	if (e == KERR_OK)
		e = take_array(x, root, "items", "事项", 1, MAX_ITEMS, &items);
	if (e != KERR_OK)
		return e;
	c->themes = calloc(json_array_size(themes), sizeof(*c->themes));
	if (!c->themes)
		return no_memory(x);
	c->n_themes = json_array_size(themes);
	x->what = "theme";
	json_array_foreach(themes, i, v) {
		x->index = i + 1;
		e = parse_theme(x, v, c, i);
		if (e != KERR_OK)
			return e;
	}
	c->items = calloc(json_array_size(items), sizeof(*c->items));
	if (!c->items)
		return no_memory(x);
	c->n_items = json_array_size(items);
	x->what = "item";
	json_array_foreach(items, i, v) {
		x->index = i + 1;
		x->impl = NULL;
		e = parse_item(x, v, c, i);
		if (e != KERR_OK)
			return e;
	}
	return KERR_OK;
}

enum kerr catalog_load_buffer(const char *buf, size_t len, struct catalog **ret, char *err,
			      size_t errlen)
{
	struct ctx x = { .err = err, .errlen = errlen };
	struct catalog *c = NULL;
	json_t *root = NULL;
	json_error_t jerr;
	enum kerr e;

	assert(ret);
	if (err && errlen)
		err[0] = 0;
	if (len > MAX_FILE_BYTES)
		return fail(&x, KERR_INVAL, "%zu bytes is more than the limit of %d", len,
			    MAX_FILE_BYTES);
	if (!buf)
		buf = "";
	/* Duplicate keys are rejected: with two "name"s nobody could say which one the kiosk shows.
	 * jansson also caps nesting depth, so deep input cannot exhaust the stack. */
	root = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!root) {
		if (json_error_code(&jerr) == json_error_out_of_memory)
			return no_memory(&x);
		return fail(&x, KERR_INVAL, "not valid JSON at line %d, column %d: %s", jerr.line,
			    jerr.column, jerr.text);
	}
	c = calloc(1, sizeof(*c));
	if (!c) {
		e = no_memory(&x);
		goto out;
	}
	e = parse(&x, root, c);
	if (e != KERR_OK)
		goto out;
	*ret = c;
	c = NULL;
out:
	catalog_destroy(c);
	json_decref(root);
	return e;
}

enum kerr catalog_load_file(const char *path, struct catalog **ret, char *err, size_t errlen)
{
	struct ctx x = { .err = err, .errlen = errlen };
	size_t len = 0, cap = 0;
	char *buf = NULL;
	enum kerr e;
	FILE *f;

	assert(path && ret);
	if (err && errlen)
		err[0] = 0;
	f = fopen(path, "rbe");
	if (!f)
		return fail(&x, KERR_IO, "cannot open %s: %s", path, strerror(errno));
	/* Read one byte past the limit, so a file that is too large is told apart from one that
	 * is exactly at it, even when it is a pipe whose size is unknown. */
	for (;;) {
		size_t n;

		if (len == cap) {
			size_t grow = cap ? cap * 2 : (size_t)64 * 1024;
			char *bigger;

			if (grow > (size_t)MAX_FILE_BYTES + 1)
				grow = (size_t)MAX_FILE_BYTES + 1;
			if (grow == cap)
				break;
			bigger = realloc(buf, grow);
			if (!bigger) {
				e = no_memory(&x);
				goto out;
			}
			buf = bigger;
			cap = grow;
		}
		n = fread(buf + len, 1, cap - len, f);
		len += n;
		if (n == 0) {
			if (ferror(f)) {
				e = fail(&x, KERR_IO, "cannot read %s: %s", path, strerror(errno));
				goto out;
			}
			break;
		}
	}
	if (len > MAX_FILE_BYTES) {
		e = fail(&x, KERR_INVAL, "%s is larger than the limit of %d bytes", path,
			 MAX_FILE_BYTES);
		goto out;
	}
	e = catalog_load_buffer(buf, len, ret, err, errlen);
out:
	free(buf);
	fclose(f);
	return e;
}

void catalog_destroy(struct catalog *c)
{
	if (!c)
		return;
	free(c->version);
	for (size_t i = 0; i < c->n_themes; i++) {
		free(c->themes[i].id);
		free(c->themes[i].name);
	}
	free(c->themes);
	for (size_t i = 0; i < c->n_items; i++)
		item_finish(&c->items[i]);
	free(c->items);
	free(c);
}

static unsigned char fold(char ch)
{
	unsigned char u = (unsigned char)ch;

	return u >= 'A' && u <= 'Z' ? (unsigned char)(u | 0x20) : u;
}

/* Whether hay contains the n bytes at needle, ASCII letters compared without case. UTF-8 is
 * self-synchronising, so a byte match of a whole character sequence is a character match. */
static bool contains(const char *hay, const char *needle, size_t n)
{
	if (!hay)
		return false;
	for (; *hay; hay++) {
		size_t i = 0;

		while (i < n && hay[i] && fold(hay[i]) == fold(needle[i]))
			i++;
		if (i == n)
			return true;
	}
	return false;
}

static bool matches(const struct catalog_item *it, const char *q, size_t n, bool ascii)
{
	if (contains(it->name, q, n) || contains(it->keywords, q, n))
		return true;
	return ascii && (contains(it->initials, q, n) || contains(it->keyword_initials, q, n));
}

size_t catalog_search(const struct catalog *c, const char *theme_id, const char *query,
		      const struct catalog_item **out, size_t max)
{
	const char *q = query ? query : "";
	size_t n, found = 0;
	bool ascii = true;

	if (!c)
		return 0;
	while (*q == ' ' || *q == '\t')
		q++;
	n = strlen(q);
	while (n && (q[n - 1] == ' ' || q[n - 1] == '\t'))
		n--;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)q[i] >= 0x80)
			ascii = false;
	for (size_t i = 0; i < c->n_items; i++) {
		const struct catalog_item *it = &c->items[i];

		if (!it->self_service)
			continue;
		if (theme_id && *theme_id && strcmp(it->theme, theme_id) != 0)
			continue;
		if (n && !matches(it, q, n, ascii))
			continue;
		if (found < max)
			out[found] = it;
		found++;
	}
	return found;
}

const struct catalog_item *catalog_find(const struct catalog *c, const char *impl_code)
{
	if (!c || !impl_code)
		return NULL;
	for (size_t i = 0; i < c->n_items; i++)
		if (strcmp(c->items[i].impl_code, impl_code) == 0)
			return &c->items[i];
	return NULL;
}

const struct catalog_theme *catalog_theme(const struct catalog *c, const char *id)
{
	if (!c || !id)
		return NULL;
	for (size_t i = 0; i < c->n_themes; i++)
		if (strcmp(c->themes[i].id, id) == 0)
			return &c->themes[i];
	return NULL;
}
