/* Fuzz target: the GA/T 467 frame parser both ways, fed in pieces, and the read-reply splitter on
 * what it finds. */
#include "drivers/idcard.h"
#include "drivers/idcard_frame.h"
#include "drivers/idcard_text.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_frame(const struct idcard_frame *f, enum idcard_frame_dir dir)
{
	struct idcard_read_payload p;
	struct idcard_data card;
	uint8_t again[IDCARD_FRAME_MAX];
	size_t len = 0;

	if (f->len > IDCARD_LEN_MAX)
		abort();
	/* What parsed must build back to a frame of the same size. */
	if (dir == IDCARD_FRAME_REPLY &&
	    idcard_frame_build_reply(f->head[0], f->head[1], f->head[2], f->data, f->len, again,
				     sizeof(again), &len) != KERR_OK)
		abort();
	(void)idcard_sw3_str(f->head[2]);
	(void)idcard_sw3_kerr(f->head[2]);
	for (int fp = 0; fp <= 1; fp++)
		if (idcard_frame_split_read(f->data, f->len, fp, &p) == KERR_OK &&
		    p.text_len == IDCARD_TEXT_LEN)
			(void)idcard_text_parse(p.text, p.text_len, &card, NULL);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* The first byte picks the read size, so splits across reads are explored too. */
	size_t piece = size ? (size_t)data[0] % 64 + 1 : 1;

	for (int dir = 0; dir < IDCARD_FRAME_DIR__COUNT; dir++) {
		struct idcard_frame_parser *p = malloc(sizeof(*p));
		size_t off = 0;

		if (!p)
			return 0;
		idcard_frame_parser_init(p, (enum idcard_frame_dir)dir);
		while (off < size) {
			size_t end = off + piece < size ? off + piece : size;

			while (off < end) {
				struct idcard_frame f;
				size_t used = 0;
				enum idcard_parse r = idcard_frame_parser_feed(
					p, data + off, end - off, &used, &f);

				if (used == 0 || used > end - off)
					abort();
				off += used;
				if (r == IDCARD_PARSE_FRAME)
					check_frame(&f, (enum idcard_frame_dir)dir);
			}
		}
		if (p->have > sizeof(p->buf))
			abort();
		free(p);
	}
	return 0;
}
