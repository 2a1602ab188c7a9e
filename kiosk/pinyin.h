/* Pinyin initials of Chinese text, so residents can search with "ylbx" for 养老保险. */
#ifndef KIOSK_PINYIN_H
#define KIOSK_PINYIN_H

#include <stddef.h>

/* Writes the lower-case initial of each Chinese character of utf8 to out (size n, always terminated); ASCII
 * letters and digits are copied lower-cased; other characters are skipped. */
void pinyin_initials(const char *utf8, char *out, size_t n);

#endif
