/* Second-generation ID-card reader (GA/T 467): the class interface. */
#ifndef DRIVERS_IDCARD_H
#define DRIVERS_IDCARD_H

#include "drivers/device.h"

enum idcard_type {
	IDCARD_RESIDENT,     /* 居民身份证 */
	IDCARD_HMT_PERMIT,   /* 港澳台居民居住证 ('J') */
	IDCARD_FOREIGN_2017, /* 外国人永久居留身份证, 2017 layout ('I') */
	IDCARD_FOREIGN_2023, /* 外国人永久居留身份证, 2023 layout ('Y') */
	IDCARD__COUNT
};

/* What a card says, decoded to UTF-8, trailing padding removed. Dates are YYYYMMDD; valid_to may be "长期". */
struct idcard_data {
	enum idcard_type type;
	char name[96];        /* Chinese name (foreign cards: Chinese name if present, else English name) */
	char name_en[200];    /* foreign cards only */
	char sex;             /* '1' male, '2' female */
	char nation[8];       /* ethnic group code 01..56, 97, 98; empty on foreign cards */
	char nationality[8];  /* foreign cards: ISO 3166 alpha-3 */
	char birth[9];
	char address[224];
	char id_number[40];   /* citizen ID number, or the permit / card number */
	char authority[96];
	char valid_from[9];
	char valid_to[16];
	char pass_number[24]; /* HMT permit: the travel permit number */
	unsigned char photo[1024]; /* WLT bytes as read; decoding needs the vendor library */
	bool has_photo;
};

struct idcard_ops {
	struct dev_ops base;
	/* Starts or stops looking for a card. While on, a card that is placed is read once and DEV_EV_CARD posted;
	 * it must be lifted before the same card is read again. */
	enum kerr (*enable)(struct dev *d, bool on);
};

/* Opens the backend named in cfg. The caller owns *ret and destroys it with dev_destroy().
 * Errors: KERR_INVAL (unknown backend), KERR_NOMEM, and the backend's own open errors. */
enum kerr idcard_open(const struct dev_config *cfg, const struct dev_sink *sink, struct clock *clock,
		      struct dev **ret);
enum kerr idcard_enable(struct dev *d, bool on);

/* Zeroes a card's data (personal data must not linger in freed memory) and frees it. NULL-safe. */
void idcard_data_free(void *data);
const char *idcard_type_str(enum idcard_type t);

#endif
