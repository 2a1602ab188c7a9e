/* The 256-byte UTF-16LE text block of a card (GA 490): decoding and checking it into struct
 * idcard_data for the four card types, and encoding it back (the simulator and tests need that). */
#ifndef DRIVERS_IDCARD_TEXT_H
#define DRIVERS_IDCARD_TEXT_H

#include "drivers/idcard.h"
#include "drivers/idcard_frame.h"

/* Where the card type's UTF-16 character sits in the block: ' ' or 0 resident, 'J', 'I', 'Y'. */
#define IDCARD_TEXT_TYPE_OFF 248

/* Decodes and validates a text block: len must be IDCARD_TEXT_LEN. The photo fields of *ret are
 * left zero. Checks: known card type, no unpaired surrogates or control characters, name present,
 * sex '1' or '2', nation 01..56, 97 or 98 (resident cards), real YYYYMMDD dates, valid_to a date
 * not before valid_from or 长期, the ID number's check character (resident, HMT and 2023 foreign
 * cards) and its agreement with birth date and sex. Errors: KERR_INVAL with *why set to a static
 * English reason (why may be NULL); *ret untouched. */
enum kerr idcard_text_parse(const uint8_t *block, size_t len, struct idcard_data *ret,
			    const char **why);

/* Encodes d into a text block of IDCARD_TEXT_LEN bytes, space padded, laid out for d->type. Does
 * not validate the content (tests encode bad cards on purpose). Errors: KERR_INVAL when a field
 * does not fit its slot or is not UTF-8, with *why set. */
enum kerr idcard_text_encode(const struct idcard_data *d, uint8_t *out, const char **why);

/* Whether a card is still valid on today (YYYYMMDD, local date): KERR_OK, KERR_EXPIRED when today
 * is after valid_to (the card is valid through that day), KERR_INVAL when either date is malformed.
 * 长期 never expires. */
enum kerr idcard_text_check_expiry(const struct idcard_data *d, const char *today);

/* True when s is a real calendar date written YYYYMMDD (years 1850..2199). */
bool idcard_text_date_valid(const char *s);

#endif
