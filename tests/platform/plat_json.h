/* The platform's checks of request bodies against docs/uplink.md (sections 2, 4, 6, 7, 8 and 13). Pure: no
 * database, no HTTP, so a fuzz target and unit tests drive it directly. */
#ifndef PLAT_JSON_H
#define PLAT_JSON_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

/* Why a body was refused: code is the contract's error code (bad_json, invalid, level_mismatch), field the
 * first bad field ("" when none), message one English sentence for a technician's log. */
struct plat_json_err {
	char code[24];
	char field[96];
	char message[200];
};

/* Parses a JSON body: UTF-8, an object at the top level, no key twice, no NUL in strings. Returns a new
 * reference the caller owns, or NULL with err (bad_json). */
json_t *plat_json_parse(const char *body, size_t len, struct plat_json_err *err);

/* Each checks a parsed body (borrowed) and returns true, or false with err naming the first bad field.
 * terminal is the request's X-Terminal-Id. */
bool plat_json_case(json_t *root, const char *terminal, struct plat_json_err *err);
bool plat_json_eval(json_t *root, const char *terminal, struct plat_json_err *err);
bool plat_json_query(json_t *root, struct plat_json_err *err);
bool plat_json_beat(json_t *root, const char *terminal, struct plat_json_err *err);
/* 证照打印 (section 8a): a list or fetch request (fetch adds cert_id), and a certificate to issue (admin). */
bool plat_json_cert_request(json_t *root, bool fetch, struct plat_json_err *err);
bool plat_json_cert_issue(json_t *root, struct plat_json_err *err);
/* A certificate printed at a terminal (section 7a). */
bool plat_json_cert_print(json_t *root, const char *terminal, struct plat_json_err *err);
/* Admin bodies: a case's new status, and the fault switches (non-negative integers). */
bool plat_json_status(json_t *root, struct plat_json_err *err);
bool plat_json_faults(json_t *root, struct plat_json_err *err);

/* Contract shapes also used on headers and paths. */
bool plat_json_terminal_ok(const char *s); /* 1 to 20 ASCII letters and digits */
bool plat_json_date_ok(const char *s);     /* YYYYMMDD, a real date */
bool plat_json_status_ok(const char *s);   /* one of the case statuses of section 7 */

/* The string at key, or NULL when absent or not a string. */
const char *plat_json_str(json_t *obj, const char *key);

#endif
