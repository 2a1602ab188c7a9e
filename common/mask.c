/* Masks keep only what a resident needs to recognise their own record. */
#include "common/mask.h"

#include "common/utf8.h"

#include <string.h>

/* Copies s into out keeping the first `head` and last `tail` code points and starring the rest. */
static void mask_middle(const char *s, size_t head, size_t tail, char *out, size_t n)
{
	size_t len = utf8_len(s), i = 0, used = 0;
	const char *p = s;

	if (n == 0)
		return;
	if (len <= head + tail) {
		/* Too short to keep both ends: star everything after the first character. */
		head = len > 1 ? 1 : 0;
		tail = 0;
	}
	for (;;) {
		const char *start = p;
		uint32_t cp = utf8_next(&p);
		char buf[4];
		size_t blen;

		if (!cp)
			break;
		if (i < head || i >= len - tail) {
			blen = (size_t)(p - start);
			memcpy(buf, start, blen);
		} else {
			buf[0] = '*';
			blen = 1;
		}
		if (used + blen + 1 > n)
			break;
		memcpy(out + used, buf, blen);
		used += blen;
		i++;
	}
	out[used] = 0;
}

void mask_name(const char *name, char *out, size_t n)
{
	size_t len = utf8_len(name);

	mask_middle(name, 1, len >= 3 ? 1 : 0, out, n);
}

void mask_idnum(const char *id, char *out, size_t n)
{
	size_t len = strlen(id);

	if (len >= 14)
		mask_middle(id, 6, 4, out, n);
	else
		mask_middle(id, 2, 2, out, n);
}

void mask_phone(const char *phone, char *out, size_t n)
{
	mask_middle(phone, 3, 4, out, n);
}

static int is_alnum(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static void star(char *p, size_t len, size_t keep_head, size_t keep_tail)
{
	for (size_t i = keep_head; i + keep_tail < len; i++)
		p[i] = '*';
}

void mask_scrub(char *s)
{
	size_t i = 0;

	while (s[i]) {
		size_t j = i, len;

		if (s[i] < '0' || s[i] > '9' || (i > 0 && is_alnum(s[i - 1]))) {
			i++;
			continue;
		}
		while (s[j] >= '0' && s[j] <= '9')
			j++;
		len = j - i;
		if (len == 17 && (s[j] == 'X' || s[j] == 'x') && !is_alnum(s[j + 1]))
			star(s + i, 18, 6, 4);
		else if (is_alnum(s[j]))
			; /* part of a longer token */
		else if (len == 18 || len == 15)
			star(s + i, len, 6, 4);
		else if (len == 11 && s[i] == '1' && s[i + 1] >= '3')
			star(s + i, len, 3, 4);
		i = j;
		while (is_alnum(s[i]))
			i++;
	}
}
