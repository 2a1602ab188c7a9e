/* UTF-8 decoding and safe copying, shared by text layout, masking and search. */
#ifndef COMMON_UTF8_H
#define COMMON_UTF8_H

#include <stddef.h>
#include <stdint.h>

/* Decodes one code point at *s and advances *s past it. Malformed bytes give U+FFFD and advance one byte;
 * the terminating NUL gives 0 and does not advance. */
uint32_t utf8_next(const char **s);
/* Encodes cp into out (at least 4 bytes); returns the byte count. */
size_t utf8_encode(uint32_t cp, char *out);
/* Number of code points in s. */
size_t utf8_len(const char *s);
/* Copies src into dst of size n without splitting a character; always NUL-terminates when n > 0. */
void utf8_copy(char *dst, size_t n, const char *src);

#endif
