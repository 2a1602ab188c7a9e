/* Resident ID numbers (GB 11643-1999): check character by ISO 7064 MOD 11-2. */
#ifndef COMMON_IDNUM_H
#define COMMON_IDNUM_H

#include <stdbool.h>

/* The check character for the first 17 digits of s, or 0 when they are not 17 digits. */
char idnum_check_char(const char *s);
/* True when s is 18 characters: 17 digits, a correct check character (X upper case), and a real birth date. */
bool idnum_valid(const char *s);

#endif
