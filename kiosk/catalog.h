/* The service catalog (事项 and 办事指南): loaded from JSON (assets/catalog.json, later the
 * platform's copy; format in docs/catalog.md), searchable by theme, Chinese text and pinyin. */
#ifndef KIOSK_CATALOG_H
#define KIOSK_CATALOG_H

#include "common/kerr.h"

#include <stdbool.h>
#include <stddef.h>

struct catalog_material {
	char *code;
	char *name;
	char *issuer;        /* who issues it, e.g. 公安机关 */
	int originals;       /* 原件 count */
	int copies;          /* 复印件 count */
	bool mandatory;
	bool gap_ok;         /* may be missing when the item is accepted with gaps (容缺) */
	bool commitment_ok;  /* may be replaced by a signed commitment (告知承诺) */
	bool ecert;          /* the platform holds it as an electronic certificate: not scanned */
	bool pdf;            /* the platform takes its pages as one PDF ("format": "pdf") */
	char *note;          /* may be NULL */
};

struct catalog_item {
	char *basic_code;    /* 基本编码: opaque, up to 64 characters */
	char *impl_code;     /* 实施编码 */
	char *handle_code;   /* 业务办理项编码 */
	char *name;
	char *theme;         /* id of a catalog_theme */
	char *department;
	int item_type;       /* 0..10, 20 (see public-service-rules.md) */
	int level;           /* 1..7 */
	int served;          /* 1..6 */
	int case_kind;       /* 1 immediate, 2 promised */
	int legal_days;      /* legal time limit, working days */
	int promised_days;   /* promised time limit, working days (0 for immediate) */
	bool self_service;   /* may be handled at a terminal */
	bool gap_allowed;    /* the item allows acceptance with gaps (容缺受理) */
	char *conditions;
	char *procedure;
	char *fee;
	char *legal_basis;
	char *place;
	char *hours;
	char *phone;
	char *complaint_phone;
	char *initials;      /* lower-case pinyin initials of the name, computed at load ("ylbx") */
	char *keywords;      /* extra search words from the file, may be NULL */
	struct catalog_material *materials;
	size_t n_materials;
	char *keyword_initials; /* initials of each keyword, space-separated ("sb yl"), or NULL */
};

struct catalog_theme {
	char *id;
	char *name;
};

struct catalog {
	char *version;
	struct catalog_theme *themes;
	size_t n_themes;
	struct catalog_item *items;
	size_t n_items;
};

/* Loads and validates a catalog; the catalog owns every string in it. On error *ret is untouched
 * and err (if not NULL) holds one English sentence naming the item (1-based, with its impl_code
 * when known), the material and the field at fault. Errors: KERR_IO (cannot open or read),
 * KERR_INVAL (over 4 MiB, malformed JSON, or a missing or bad field), KERR_NOMEM. On success err
 * is "". The caller owns *ret: catalog_destroy(). */
enum kerr catalog_load_file(const char *path, struct catalog **ret, char *err, size_t errlen);
enum kerr catalog_load_buffer(const char *buf, size_t len, struct catalog **ret, char *err,
			      size_t errlen);
/* Frees the catalog and everything in it; accepts NULL. */
void catalog_destroy(struct catalog *c);

/* Items that may be handled at a terminal, in file order, filtered by theme (NULL or empty for
 * all) and query (NULL or empty for all; surrounding spaces ignored). An ASCII query matches,
 * ignoring case, part of the pinyin initials of the name or of one keyword, or part of the
 * keywords; any other query matches part of the name or the keywords. Writes at most max pointers
 * (borrowed from c) into out, which may be NULL when max is 0; returns how many matched in all. */
size_t catalog_search(const struct catalog *c, const char *theme_id, const char *query,
		      const struct catalog_item **out, size_t max);
/* The item with that implementation code, or NULL; borrowed from c. */
const struct catalog_item *catalog_find(const struct catalog *c, const char *impl_code);
/* The theme with that id, or NULL; borrowed from c. */
const struct catalog_theme *catalog_theme(const struct catalog *c, const char *id);

#endif
