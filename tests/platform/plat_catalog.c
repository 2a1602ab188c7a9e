/* GET /api/v1/catalog (section 9) and the document behind it; the ETag is the catalog's version in quotes. */
#include "tests/platform/plat.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/platform/plat_json.h"

enum kerr plat_catalog_set(struct plat *p, const char *doc, size_t len, char *err, size_t n)
{
	struct plat_json_err je;
	json_t *root;
	const char *version;
	char *copy;

	if (len > PLAT_MAX_CATALOG) {
		snprintf(err, n, "the catalog is over 4 MiB");
		return KERR_INVAL;
	}
	root = plat_json_parse(doc, len, &je);
	if (!root) {
		snprintf(err, n, "%s", je.message);
		return KERR_INVAL;
	}
	version = plat_json_str(root, "version");
	/* The version becomes a quoted ETag, so it must not hold a quote or anything outside printable ASCII. */
	if (!version || !*version || strlen(version) > 64 || strspn(version, "!#$%&'()*+,-./0123456789:;<=>?@"
								     "ABCDEFGHIJKLMNOPQRSTUVWXYZ[]^_`"
								     "abcdefghijklmnopqrstuvwxyz{|}~") !=
								     strlen(version)) {
		snprintf(err, n, "the catalog needs a version of 1 to 64 printable characters");
		json_decref(root);
		return KERR_INVAL;
	}
	copy = malloc(len ? len : 1);
	if (!copy) {
		json_decref(root);
		return KERR_NOMEM;
	}
	memcpy(copy, doc, len);
	free(p->catalog);
	p->catalog = copy;
	p->catalog_len = len;
	snprintf(p->catalog_version, sizeof(p->catalog_version), "%s", version);
	json_decref(root);
	return KERR_OK;
}

enum kerr plat_catalog_load(struct plat *p, const char *path, char *err, size_t n)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t len;
	enum kerr e;

	if (!f) {
		snprintf(err, n, "%s: cannot open", path);
		return KERR_IO;
	}
	buf = malloc(PLAT_MAX_CATALOG + 1);
	len = buf ? fread(buf, 1, PLAT_MAX_CATALOG + 1, f) : 0;
	fclose(f);
	if (!buf) {
		snprintf(err, n, "out of memory");
		return KERR_NOMEM;
	}
	e = plat_catalog_set(p, buf, len, err, n);
	free(buf);
	return e;
}

void plat_catalog_get(struct plat *p, const char *if_none_match, struct plat_reply *reply)
{
	char etag[72];

	if (!p->catalog) {
		plat_reply_error(reply, 404, "not_found", NULL, "no catalog is served");
		return;
	}
	snprintf(etag, sizeof(etag), "\"%s\"", p->catalog_version);
	if (if_none_match && (strstr(if_none_match, etag) || strcmp(if_none_match, "*") == 0)) {
		reply->status = 304;
	} else {
		reply->body = malloc(p->catalog_len ? p->catalog_len : 1);
		if (!reply->body) {
			plat_reply_error(reply, 500, "internal", NULL, "out of memory");
			return;
		}
		memcpy(reply->body, p->catalog, p->catalog_len);
		reply->len = p->catalog_len;
		reply->status = 200;
	}
	memcpy(reply->etag, etag, sizeof(etag));
}
