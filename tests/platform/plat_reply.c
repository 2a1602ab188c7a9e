/* Replies as handlers build them: a status, a JSON body and the few headers of the contract. */
#include "tests/platform/plat.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void plat_reply_init(struct plat_reply *r)
{
	memset(r, 0, sizeof(*r));
	r->upload_offset = -1;
	r->upload_length = -1;
	r->upload_complete = -1;
}

void plat_reply_finish(struct plat_reply *r)
{
	free(r->body);
	r->body = NULL;
	r->len = 0;
}

void plat_reply_json(struct plat_reply *r, unsigned status, json_t *body)
{
	free(r->body);
	r->status = status;
	r->body = body ? json_dumps(body, JSON_COMPACT) : NULL;
	r->len = r->body ? strlen(r->body) : 0;
	if (body && !r->body)
		r->status = 500; /* out of memory: an empty 500 still tells the terminal to retry */
	json_decref(body);
}

void plat_reply_error(struct plat_reply *r, unsigned status, const char *code, const char *field, const char *fmt,
		      ...)
{
	char msg[256];
	va_list ap;
	json_t *e;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	e = json_pack("{s:s, s:s}", "code", code, "message", msg);
	if (!e) /* the message was cut inside a UTF-8 sequence */
		e = json_pack("{s:s, s:s}", "code", code, "message", "refused");
	if (e && field && *field)
		json_object_set_new(e, "field", json_string(field));
	plat_reply_json(r, status, e ? json_pack("{s:o}", "error", e) : NULL);
	r->status = status;
}
