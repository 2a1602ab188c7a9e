/* The reason list's parser: the platform's words go on the resident's screen and its codes into
 * every bad rating, so nothing is taken that the screen or a province's interface could choke on. */
#include "offline-queue/uplink_reasons.h"

#include "offline-queue/uplink_codec.h"

#include <jansson.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>


static bool code_ok(const char *s)
{
	size_t n = strlen(s);

	if (n < 1 || n > 15)
		return false;
	for (; *s; s++)
		if (!((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') ||
		      *s == '_' || *s == '.' || *s == '-'))
			return false;
	return true;
}

static bool text_ok(const char *s)
{
	size_t n = strlen(s);

	if (n < 1 || n > 63)
		return false;
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return false;
	return true;
}

static enum kerr one(json_t *r, size_t i, struct uplink_reason *out, char *why, size_t why_size)
{
	json_t *levels = json_object_get(r, "levels"), *l;
	const char *code = json_string_value(json_object_get(r, "code"));
	const char *text = json_string_value(json_object_get(r, "text"));
	size_t k;

	if (!json_is_object(r))
		return uplink_why_fail(why, why_size, "reasons[%zu]: not an object", i);
	/* jansson keeps embedded NULs: a string whose length differs from strlen is refused. */
	if (!code || strlen(code) != json_string_length(json_object_get(r, "code")) || !code_ok(code))
		return uplink_why_fail(why, why_size, "reasons[%zu].code: 1 to 15 of A-Z a-z 0-9 _ . -", i);
	if (!text || strlen(text) != json_string_length(json_object_get(r, "text")) || !text_ok(text))
		return uplink_why_fail(why, why_size, "reasons[%zu].text: 1 to 63 bytes, no control characters", i);
	if (!json_is_array(levels) || json_array_size(levels) < 1 || json_array_size(levels) > 2)
		return uplink_why_fail(why, why_size, "reasons[%zu].levels: one or both bad levels", i);
	memset(out, 0, sizeof(*out));
	json_array_foreach(levels, k, l) {
		const char *s = json_string_value(l);

		if (s && strcmp(s, "dissatisfied") == 0 && !out->for_level[0])
			out->for_level[0] = true;
		else if (s && strcmp(s, "very_dissatisfied") == 0 && !out->for_level[1])
			out->for_level[1] = true;
		else
			return uplink_why_fail(why, why_size, "reasons[%zu].levels: dissatisfied or very_dissatisfied, once each",
				   i);
	}
	snprintf(out->code, sizeof(out->code), "%s", code);
	snprintf(out->text, sizeof(out->text), "%s", text);
	return KERR_OK;
}

enum kerr uplink_parse_reasons(const char *body, size_t len, struct uplink_reasons *ret, char *why,
			       size_t why_size)
{
	struct uplink_reasons *r;
	json_t *root, *list, *v;
	const char *version;
	enum kerr err = KERR_OK;
	size_t i;

	if (!body || len > UPLINK_REASONS_MAX_BODY)
		return uplink_why_fail(why, why_size, "no reply, or over %u bytes", UPLINK_REASONS_MAX_BODY);
	root = json_loadb(body, len, JSON_REJECT_DUPLICATES, NULL);
	if (!json_is_object(root)) {
		json_decref(root);
		return uplink_why_fail(why, why_size, "not a JSON object");
	}
	r = calloc(1, sizeof(*r));
	if (!r) {
		json_decref(root);
		return KERR_NOMEM;
	}
	version = json_string_value(json_object_get(root, "version"));
	list = json_object_get(root, "reasons");
	if (!version || strlen(version) < 1 || strlen(version) > 31 ||
	    strlen(version) != json_string_length(json_object_get(root, "version")) || !text_ok(version))
		err = uplink_why_fail(why, why_size, "version: 1 to 31 characters");
	else if (!json_is_array(list) || json_array_size(list) < 1 || json_array_size(list) > UPLINK_REASONS_MAX)
		err = uplink_why_fail(why, why_size, "reasons: an array of 1 to %d", UPLINK_REASONS_MAX);
	else
		snprintf(r->version, sizeof(r->version), "%s", version);
	json_array_foreach(list, i, v) {
		if (err)
			break;
		err = one(v, i, &r->reasons[i], why, why_size);
		for (size_t j = 0; !err && j < i; j++)
			if (strcmp(r->reasons[j].code, r->reasons[i].code) == 0)
				err = uplink_why_fail(why, why_size, "reasons[%zu].code: %s repeated", i, r->reasons[i].code);
		r->n = i + 1;
	}
	json_decref(root);
	if (!err)
		*ret = *r;
	free(r);
	return err;
}
