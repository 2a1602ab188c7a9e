/* kioskctl idcard decode: a saved reply (as captured off the wire, or from a log) through the same
 * frame and text parsers the kiosk uses. */
#include "tools/kioskctl/idcard.h"

#include "drivers/idcard_frame.h"
#include "drivers/idcard_text.h"
#include "tools/kioskctl/kioskctl.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* A capture holds a few replies at most; the largest is 2321 bytes. */
#define FILE_MAX (64 * 1024)

struct decoded {
	int frames;
	int failures;
};

static void hexdump(const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		printf("%02x%s", p[i], i + 1 == n || i % 16 == 15 ? "\n" : " ");
}

/* A read reply carries the card; anything else is status and maybe a few bytes (SAM id). */
static void card_reply(const struct idcard_frame *f, bool full, const char *today,
		       struct decoded *d)
{
	struct idcard_read_payload p;
	struct idcard_data *c;
	const char *why = "";
	bool with_fp = f->len > 4 + IDCARD_TEXT_LEN + IDCARD_PHOTO_LEN;
	enum kerr e;

	if (idcard_frame_split_read(f->data, f->len, with_fp, &p) != KERR_OK) {
		printf("data:          %zu bytes\n", f->len);
		hexdump(f->data, f->len < 64 ? f->len : 64);
		if (f->len > 4) {
			kioskctl_fail("数据长度与读卡应答不符 / not a read reply: its "
				      "block lengths disagree with its size");
			d->failures++;
		}
		return;
	}
	printf("blocks:        text %zu, photo %zu%s\n", p.text_len, p.photo_len,
	       with_fp ? ", fingerprint present" : "");
	c = calloc(1, sizeof(*c));
	if (!c) {
		d->failures++;
		return;
	}
	e = idcard_text_parse(p.text, p.text_len, c, &why);
	if (e != KERR_OK) {
		kioskctl_fail("证件信息无效 / card text invalid: %s", why);
		d->failures++;
		idcard_data_free(c);
		return;
	}
	c->has_photo = p.photo_len == IDCARD_PHOTO_LEN;
	if (c->has_photo)
		memcpy(c->photo, p.photo, IDCARD_PHOTO_LEN);
	idcard_print(stdout, c, full);
	e = idcard_text_check_expiry(c, today);
	if (e == KERR_EXPIRED) {
		kioskctl_fail("证件已于 %s 过期（今天 %s）/ the card expired", c->valid_to, today);
		d->failures++;
	} else if (e != KERR_OK) {
		kioskctl_fail("有效期限日期无效 / validity dates malformed");
		d->failures++;
	}
	idcard_data_free(c);
}

static void frame(const struct idcard_frame *f, bool full, const char *today, struct decoded *d)
{
	uint8_t sw3 = f->head[2];
	enum kerr e = idcard_sw3_kerr(sw3);

	d->frames++;
	printf("reply %d:       SW %02x %02x %02x  %s\n", d->frames, f->head[0], f->head[1], sw3,
	       idcard_sw3_str(sw3));
	if (sw3 == IDCARD_SW3_OK && f->len >= 4) {
		card_reply(f, full, today, d);
	} else if (f->len) {
		printf("data:          %zu bytes\n", f->len);
		hexdump(f->data, f->len < 64 ? f->len : 64);
	}
	if (e != KERR_OK) {
		kioskctl_fail("读卡器报告 / the reader reports: %s", idcard_sw3_str(sw3));
		d->failures++;
	}
}

static int decode(const uint8_t *buf, size_t n, bool full, const char *today, const char *name)
{
	struct idcard_frame_parser *p = malloc(sizeof(*p));
	struct decoded d = { 0 };
	size_t off = 0;

	if (!p)
		return kioskctl_fail("out of memory");
	idcard_frame_parser_init(p, IDCARD_FRAME_REPLY);
	while (off < n) {
		struct idcard_frame f;
		size_t used = 0;
		enum idcard_parse r = idcard_frame_parser_feed(p, buf + off, n - off, &used, &f);

		off += used;
		if (r == IDCARD_PARSE_FRAME) {
			frame(&f, full, today, &d);
		} else if (r == IDCARD_PARSE_BAD_CHECKSUM) {
			kioskctl_fail("校验和错误 / a frame ending at byte %zu has a bad "
				      "XOR checksum",
				      off);
			d.failures++;
		} else if (r == IDCARD_PARSE_BAD_LENGTH) {
			kioskctl_fail("长度错误 / a frame at byte %zu claims an impossible "
				      "length",
				      off);
			d.failures++;
		}
	}
	if (p->state || p->have) {
		kioskctl_fail("文件结尾的帧不完整 / the last frame is cut short "
			      "(%zu of %zu body bytes)",
			      p->have > 2 ? p->have - 2 : 0, p->need);
		d.failures++;
	}
	if (p->skipped)
		fprintf(stderr, "kioskctl: %zu bytes outside frames skipped\n", p->skipped);
	if (d.frames == 0 && d.failures == 0) {
		kioskctl_fail("%s 中没有应答帧 / no reply frame in %zu bytes (a reply "
			      "starts AA AA AA 96 69)",
			      name, n);
		d.failures++;
	}
	idcard_frame_parser_reset(p);
	free(p);
	return d.failures ? KIOSKCTL_FAILED : KIOSKCTL_OK;
}

static bool date_arg(const char *s)
{
	return strlen(s) == 8 && idcard_text_date_valid(s);
}

int idcard_cmd_decode(int argc, char **argv)
{
	const char *path = NULL;
	char today[9];
	bool full = false;
	uint8_t *buf;
	size_t n;
	FILE *f;
	int rc;

	idcard_today(today);
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--full")) {
			full = true;
		} else if (!strcmp(argv[i], "--today") && i + 1 < argc && date_arg(argv[i + 1])) {
			memcpy(today, argv[++i], sizeof(today));
		} else if (argv[i][0] != '-' && !path) {
			path = argv[i];
		} else {
			fprintf(stderr,
				"usage: kioskctl idcard decode [--full] [--today YYYYMMDD] FILE\n");
			return KIOSKCTL_USAGE;
		}
	}
	if (!path) {
		fprintf(stderr, "usage: kioskctl idcard decode [--full] [--today YYYYMMDD] FILE\n");
		return KIOSKCTL_USAGE;
	}
	f = fopen(path, "rb");
	if (!f)
		return kioskctl_fail("无法读取 / cannot read %s: %s", path, strerror(errno));
	buf = malloc(FILE_MAX + 1);
	if (!buf) {
		fclose(f);
		return kioskctl_fail("out of memory");
	}
	n = fread(buf, 1, FILE_MAX + 1, f);
	if (ferror(f))
		rc = kioskctl_fail("无法读取 / cannot read %s", path);
	else if (n > FILE_MAX)
		rc = kioskctl_fail("%s 超过 %d 字节，不是读卡器应答 / too large for a capture",
				   path, FILE_MAX);
	else
		rc = decode(buf, n, full, today, path);
	fclose(f);
	explicit_bzero(buf, FILE_MAX + 1);
	free(buf);
	return rc;
}
