/* Pinyin initials of Chinese text, so residents can search with "ylbx" for 养老保险. */
#ifndef KIOSK_PINYIN_H
#define KIOSK_PINYIN_H

#include <stddef.h>

/* Writes the lower-case initial of each Chinese character of utf8 to out (size n, always
 * terminated when n > 0); ASCII and full-width letters and digits are copied lower-cased; other
 * characters, and hanzi the module does not know, are skipped. A few words read differently from
 * their characters' usual reading are handled whole (银行 gives "yh"). utf8 may be NULL. */
void pinyin_initials(const char *utf8, char *out, size_t n);

#endif
