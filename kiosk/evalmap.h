/* A deployment's 好差评 mapping (a file under assets/eval/, chosen by eval.mapping): the province's level
 * codes and their direction, channel code, reason codes, required fields, interface version,
 * deadlines, and whether no rating within N days counts as a level. */
#ifndef KIOSK_EVALMAP_H
#define KIOSK_EVALMAP_H

#include "common/kerr.h"
#include "offline-queue/uplink_codec.h"

#include <stddef.h>

#define EVALMAP_REASONS_MAX 16 /* the reasons screen shows them all at once */
#define EVALMAP_MAX_BYTES   (16 * 1024)

struct evalmap {
	char source[256]; /* the file it came from, for messages; "" for the built-in mapping */
	struct uplink_scheme scheme;
	size_t n_reasons; /* 0: the kiosk's built-in list */
	struct {
		char code[16];
		char label[64];
	} reasons[EVALMAP_REASONS_MAX];
	/* The item (实施编码) a rating names when the service it rates has none of its own: 进度查询, 证照打印, the
	 * terminal itself. A province that requires impl_code registers its self-service channel as an item;
	 * "": such ratings name no item. */
	char service_item[72];
	int default_after_days; /* 0: no rating is no rating */
	int default_level;	/* the level it then counts as, 0..4 */
};

/* The mapping from eval.scheme and eval.level_codes alone ("1,2,3,4,5": very satisfied first),
 * channel "5", the built-in reasons. Errors: KERR_INVAL (not five codes). */
enum kerr evalmap_from_codes(struct evalmap *m, const char *scheme, const char *codes);
/* Parses mapping text of len bytes; name is used in messages ("file:line: why" into err).
 * Errors: KERR_INVAL (an unknown key, a bad value, a required key missing, codes repeated). */
enum kerr evalmap_parse(struct evalmap *m, const char *text, size_t len, const char *name,
			char *err, size_t errlen);
/* Reads and parses a file of at most EVALMAP_MAX_BYTES. Errors: KERR_IO, KERR_INVAL. */
enum kerr evalmap_load(struct evalmap *m, const char *path, char *err, size_t errlen);

#endif
