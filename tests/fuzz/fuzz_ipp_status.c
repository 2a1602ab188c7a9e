/* Fuzz target: bytes as an IPP response off the wire (libcups' reader), then our reading of the
 * printer and job state out of it; and the bytes as reason keywords. */
#include "drivers/ipp_status.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct src {
	const uint8_t *p;
	size_t left;
};

static ssize_t reader(void *ctx, ipp_uchar_t *buf, size_t n)
{
	struct src *s = ctx;

	if (n > s->left)
		n = s->left;
	memcpy(buf, s->p, n);
	s->p += n;
	s->left -= n;
	return (ssize_t)n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct src s = { data, size };
	struct ipp_status st;
	ipp_t *m = ippNew();
	char kw[80];

	if (!m)
		return 0;
	if (ippReadIO(&s, reader, 1, NULL, m) == IPP_STATE_DATA &&
	    ipp_status_read(m, &st) == KERR_OK) {
		if (strlen(st.detail) >= sizeof(st.detail) || (unsigned)st.fault >= KERR__COUNT)
			abort();
	}
	ippDelete(m);
	memset(&st, 0, sizeof(st));
	for (size_t i = 0; i < size; i += sizeof(kw) - 1) {
		size_t n = size - i < sizeof(kw) - 1 ? size - i : sizeof(kw) - 1;

		memcpy(kw, data + i, n);
		kw[n] = 0;
		ipp_status_reason(&st, kw);
	}
	if (strlen(st.detail) >= sizeof(st.detail))
		abort();
	return 0;
}
