/* Masking of personal data for screens, receipts and logs: name 王*英, ID 110105********002X, phone 138****5678. */
#ifndef COMMON_MASK_H
#define COMMON_MASK_H

#include <stddef.h>

/* Name: first and last character kept, the rest starred (two characters: 王*). */
void mask_name(const char *name, char *out, size_t n);
/* ID or document number: first 6 and last 4 kept (shorter values: first 2 and last 2). */
void mask_idnum(const char *id, char *out, size_t n);
/* Phone: first 3 and last 4 kept. */
void mask_phone(const char *phone, char *out, size_t n);

/* Masks in place every run of characters in s that looks like a resident ID number (17 digits and
 * a digit or X, or the old 15 digits) or a mainland mobile number (11 digits, 13 to 19 first),
 * keeping what mask_idnum() and mask_phone() keep. A run that touches a letter or another digit is
 * left whole, so case numbers (letters, then 20 digits) survive. The log's last line of defence:
 * callers still mask what they log. */
void mask_scrub(char *s);

#endif
