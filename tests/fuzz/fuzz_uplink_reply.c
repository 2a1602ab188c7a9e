/* Fuzz target: every parser of platform replies and headers
 * (offline-queue/uplink_codec.c). The first byte picks the parser, the rest is
 * the reply. */
#include "offline-queue/uplink_codec.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct uplink_query_reply *q;
	struct uplink_case_reply c;
	struct uplink_eval_reply e;
	struct uplink_beat_reply b;
	struct uplink_error er;
	char why[160], *text;
	int64_t v;

	if (size == 0)
		return 0;
	text = malloc(size);
	q = malloc(sizeof(*q));
	if (!text || !q)
		goto out;
	memcpy(text, data + 1, size - 1);
	text[size - 1] = '\0';
	switch (data[0] % 7) {
	case 0:
		if (uplink_parse_case(text, size - 1, &c, why, sizeof(why)) == KERR_OK &&
		    (!c.platform_no[0] || strlen(c.platform_no) >= sizeof(c.platform_no)))
			abort();
		break;
	case 1:
		if (uplink_parse_query(text, size - 1, q, why, sizeof(why)) == KERR_OK &&
		    q->n > UPLINK_MAX_QUERY_CASES)
			abort();
		break;
	case 6: {
		struct uplink_cert_list *l = malloc(sizeof(*l));

		if (l && uplink_parse_certs(text, size - 1, l, why, sizeof(why)) == KERR_OK) {
			if (l->n > UPLINK_MAX_CERTS)
				abort();
			for (size_t i = 0; i < l->n; i++)
				if (!l->certs[i].cert_id[0] || strchr(l->certs[i].cert_id, '/') ||
				    strlen(l->certs[i].sha256) != 64)
					abort();
		}
		free(l);
		break;
	}
	case 2:
		if (uplink_parse_beat(text, size - 1, &b, why, sizeof(why)) == KERR_OK &&
		    b.server_ms <= 0)
			abort();
		break;
	case 3:
		(void)uplink_parse_eval(text, size - 1, &e, why, sizeof(why));
		break;
	case 4:
		uplink_parse_error(text, size - 1, &er);
		break;
	default:
		if (uplink_parse_offset(text, &v) == KERR_OK && v < 0)
			abort();
		(void)uplink_parse_complete(text);
		if (uplink_parse_retry_after(text, 1795397465000LL) < 0)
			abort();
		break;
	}
out:
	free(q);
	free(text);
	return 0;
}
