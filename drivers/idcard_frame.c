/* GA/T 467 frame codec: AA AA AA 96 69 | LEN_HI LEN_LO | head | data | CHK, CHK = XOR from LEN_HI
 * to the last data byte. */
#include "drivers/idcard_frame.h"

#include <string.h>

static const uint8_t preamble[IDCARD_PREAMBLE_LEN] = { 0xaa, 0xaa, 0xaa, 0x96, 0x69 };

/* Parser states after the preamble; values below are the count of preamble bytes matched so far. */
enum {
	PS_LEN = IDCARD_PREAMBLE_LEN,
	PS_BODY
};

static const struct {
	uint8_t cmd, para;
} cmd_bytes[IDCARD_CMD__COUNT] = {
	[IDCARD_CMD_RESET] = { 0x10, 0xff },	 [IDCARD_CMD_STATUS] = { 0x11, 0xff },
	[IDCARD_CMD_SAM_ID] = { 0x12, 0xff },	 [IDCARD_CMD_FIND] = { 0x20, 0x01 },
	[IDCARD_CMD_SELECT] = { 0x20, 0x02 },	 [IDCARD_CMD_READ] = { 0x30, 0x01 },
	[IDCARD_CMD_READ_ADDR] = { 0x30, 0x03 }, [IDCARD_CMD_READ_FP] = { 0x30, 0x10 },
	[IDCARD_CMD_SET_RF] = { 0x61, 0xff },
};

static const char *const cmd_names[IDCARD_CMD__COUNT] = {
	[IDCARD_CMD_RESET] = "RESET",	      [IDCARD_CMD_STATUS] = "STATUS",
	[IDCARD_CMD_SAM_ID] = "SAM_ID",	      [IDCARD_CMD_FIND] = "FIND",
	[IDCARD_CMD_SELECT] = "SELECT",	      [IDCARD_CMD_READ] = "READ",
	[IDCARD_CMD_READ_ADDR] = "READ_ADDR", [IDCARD_CMD_READ_FP] = "READ_FP",
	[IDCARD_CMD_SET_RF] = "SET_RF",
};

static const char *const parse_names[IDCARD_PARSE__COUNT] = {
	[IDCARD_PARSE_MORE] = "MORE",
	[IDCARD_PARSE_FRAME] = "FRAME",
	[IDCARD_PARSE_BAD_LENGTH] = "BAD_LENGTH",
	[IDCARD_PARSE_BAD_CHECKSUM] = "BAD_CHECKSUM",
};

static const char *const dir_names[IDCARD_FRAME_DIR__COUNT] = {
	[IDCARD_FRAME_COMMAND] = "COMMAND",
	[IDCARD_FRAME_REPLY] = "REPLY",
};

static const struct {
	enum kerr err;
	const char *text;
} sw3_tab[256] = {
	[IDCARD_SW3_OK] = { KERR_OK, "操作成功 / ok" },
	[IDCARD_SW3_FOUND] = { KERR_OK, "找卡成功 / card found" },
	[IDCARD_SW3_EMPTY] = { KERR_NOT_FOUND, "此项无内容 / item empty" },
	[IDCARD_SW3_CHECKSUM] = { KERR_PROTO, "接收业务终端数据的校验和错 / checksum error" },
	[IDCARD_SW3_LENGTH] = { KERR_PROTO, "接收业务终端数据的长度错 / length error" },
	[IDCARD_SW3_BAD_CMD] = { KERR_UNSUPPORTED, "接收业务终端的命令错误 / bad command" },
	[IDCARD_SW3_NOT_PERMITTED] = { KERR_PERM, "越权操作 / operation not permitted" },
	[IDCARD_SW3_UNKNOWN] = { KERR_IO, "无法识别的错误 / unknown error" },
	[IDCARD_SW3_CARD_AUTH] = { KERR_CARD_READ,
				   "卡认证机具失败 / card failed to authenticate module" },
	[IDCARD_SW3_MODULE_AUTH] = { KERR_CARD_READ,
				     "机具认证卡失败 / module failed to authenticate card" },
	[IDCARD_SW3_INFO_CHECK] = { KERR_CARD_READ, "信息验证错误 / information check error" },
	[IDCARD_SW3_CARD_TYPE] = { KERR_CARD_READ, "无法识别的卡类型 / unknown card type" },
	[IDCARD_SW3_READ_FAILED] = { KERR_CARD_READ, "读卡操作失败 / read failed" },
	[IDCARD_SW3_RANDOM] = { KERR_CARD_READ, "取随机数失败 / random number failed" },
	[IDCARD_SW3_SELF_TEST] = { KERR_IO, "SAM_A 自检失败 / module self-test failed" },
	[IDCARD_SW3_NOT_AUTHORISED] = { KERR_PERM, "SAM_A 没经过授权 / module not authorised" },
	[IDCARD_SW3_NO_CARD] = { KERR_NO_CARD, "寻找证/卡失败 / no card found" },
	[IDCARD_SW3_SELECT_FAILED] = { KERR_CARD_READ, "选取证/卡失败 / select failed" },
};

void idcard_cmd_get_bytes(enum idcard_cmd c, uint8_t *ret_cmd, uint8_t *ret_para)
{
	if ((unsigned)c >= IDCARD_CMD__COUNT)
		return;
	*ret_cmd = cmd_bytes[c].cmd;
	*ret_para = cmd_bytes[c].para;
}

const char *idcard_cmd_str(enum idcard_cmd c)
{
	return (unsigned)c < IDCARD_CMD__COUNT ? cmd_names[c] : "UNKNOWN";
}

enum kerr idcard_cmd_lookup(uint8_t cmd, uint8_t para, enum idcard_cmd *ret)
{
	for (int i = 0; i < IDCARD_CMD__COUNT; i++) {
		if (cmd_bytes[i].cmd == cmd && cmd_bytes[i].para == para) {
			*ret = (enum idcard_cmd)i;
			return KERR_OK;
		}
	}
	return KERR_NOT_FOUND;
}

/* head is 2 bytes for commands, 3 for replies; the frame layout is otherwise the same both ways. */
static enum kerr build(const uint8_t *head, size_t head_len, const uint8_t *data, size_t n,
		       uint8_t *out, size_t cap, size_t *ret_len)
{
	size_t len, total;
	uint8_t chk = 0;

	if (n > IDCARD_LEN_MAX || (n && !data))
		return KERR_INVAL;
	len = head_len + n + 1;
	if (len > IDCARD_LEN_MAX)
		return KERR_INVAL;
	total = IDCARD_PREAMBLE_LEN + 2 + len;
	if (total > cap)
		return KERR_FULL;
	memcpy(out, preamble, IDCARD_PREAMBLE_LEN);
	out[5] = (uint8_t)(len >> 8);
	out[6] = (uint8_t)len;
	memcpy(out + 7, head, head_len);
	if (n)
		memcpy(out + 7 + head_len, data, n);
	for (size_t i = 5; i < total - 1; i++)
		chk ^= out[i];
	out[total - 1] = chk;
	*ret_len = total;
	return KERR_OK;
}

enum kerr idcard_frame_build_raw(uint8_t cmd, uint8_t para, const uint8_t *data, size_t n,
				 uint8_t *out, size_t cap, size_t *ret_len)
{
	const uint8_t head[2] = { cmd, para };

	return build(head, sizeof(head), data, n, out, cap, ret_len);
}

enum kerr idcard_frame_build_cmd(enum idcard_cmd c, const uint8_t *data, size_t n, uint8_t *out,
				 size_t cap, size_t *ret_len)
{
	if ((unsigned)c >= IDCARD_CMD__COUNT)
		return KERR_INVAL;
	return idcard_frame_build_raw(cmd_bytes[c].cmd, cmd_bytes[c].para, data, n, out, cap,
				      ret_len);
}

enum kerr idcard_frame_build_reply(uint8_t sw1, uint8_t sw2, uint8_t sw3, const uint8_t *data,
				   size_t n, uint8_t *out, size_t cap, size_t *ret_len)
{
	const uint8_t head[3] = { sw1, sw2, sw3 };

	return build(head, sizeof(head), data, n, out, cap, ret_len);
}

void idcard_frame_parser_init(struct idcard_frame_parser *p, enum idcard_frame_dir dir)
{
	memset(p, 0, sizeof(*p));
	p->dir = dir;
}

void idcard_frame_parser_reset(struct idcard_frame_parser *p)
{
	explicit_bzero(p->buf, sizeof(p->buf));
	p->state = 0;
	p->need = 0;
	p->have = 0;
	p->skipped = 0;
}

static size_t head_len(const struct idcard_frame_parser *p)
{
	return p->dir == IDCARD_FRAME_REPLY ? 3 : 2;
}

/* One byte while hunting for the preamble. A mismatch may still be the start of a new preamble: the
 * only overlaps of AA AA AA 96 69 with itself are runs of AA. */
static void hunt(struct idcard_frame_parser *p, uint8_t b)
{
	int k = p->state;

	if (b == preamble[k]) {
		p->state = k + 1;
		return;
	}
	if (b == 0xaa && k == 3) {
		p->skipped += 1;
	} else if (b == 0xaa) {
		p->skipped += (size_t)k;
		p->state = 1;
	} else {
		p->skipped += (size_t)k + 1;
		p->state = 0;
	}
}

enum idcard_parse idcard_frame_parser_feed(struct idcard_frame_parser *p, const uint8_t *data,
					   size_t n, size_t *ret_used,
					   struct idcard_frame *ret_frame)
{
	size_t min_len = head_len(p) + 1;

	for (size_t i = 0; i < n; i++) {
		uint8_t b = data[i];

		if (p->state < PS_LEN) {
			hunt(p, b);
			continue;
		}
		p->buf[p->have++] = b;
		if (p->state == PS_LEN) {
			if (p->have < 2)
				continue;
			p->need = (size_t)p->buf[0] << 8 | p->buf[1];
			if (p->need < min_len || p->need > IDCARD_LEN_MAX) {
				/* Drop the preamble and length and hunt again in what follows. */
				p->skipped += IDCARD_PREAMBLE_LEN + 2;
				p->state = 0;
				p->have = 0;
				*ret_used = i + 1;
				return IDCARD_PARSE_BAD_LENGTH;
			}
			p->state = PS_BODY;
			continue;
		}
		if (p->have < 2 + p->need)
			continue;

		uint8_t chk = 0;
		size_t h = head_len(p);

		for (size_t j = 0; j < p->have - 1; j++)
			chk ^= p->buf[j];
		p->state = 0;
		*ret_used = i + 1;
		if (chk != p->buf[p->have - 1]) {
			p->skipped += IDCARD_PREAMBLE_LEN + p->have;
			p->have = 0;
			return IDCARD_PARSE_BAD_CHECKSUM;
		}
		memset(ret_frame, 0, sizeof(*ret_frame));
		memcpy(ret_frame->head, p->buf + 2, h);
		ret_frame->data = p->buf + 2 + h;
		ret_frame->len = p->need - h - 1;
		p->have = 0;
		return IDCARD_PARSE_FRAME;
	}
	*ret_used = n;
	return IDCARD_PARSE_MORE;
}

const char *idcard_parse_str(enum idcard_parse r)
{
	return (unsigned)r < IDCARD_PARSE__COUNT ? parse_names[r] : "UNKNOWN";
}

const char *idcard_frame_dir_str(enum idcard_frame_dir d)
{
	return (unsigned)d < IDCARD_FRAME_DIR__COUNT ? dir_names[d] : "UNKNOWN";
}

const char *idcard_sw3_str(uint8_t sw3)
{
	return sw3_tab[sw3].text ? sw3_tab[sw3].text : "未知状态 / unknown status";
}

enum kerr idcard_sw3_kerr(uint8_t sw3)
{
	return sw3_tab[sw3].text ? sw3_tab[sw3].err : KERR_PROTO;
}

static size_t be16(const uint8_t *p)
{
	return (size_t)p[0] << 8 | p[1];
}

enum kerr idcard_frame_split_read(const uint8_t *data, size_t len, bool with_fp,
				  struct idcard_read_payload *ret)
{
	size_t hdr = with_fp ? 6 : 4;
	struct idcard_read_payload p = { 0 };

	if (!data || len < hdr)
		return KERR_PROTO;
	p.text_len = be16(data);
	p.photo_len = be16(data + 2);
	p.fp_len = with_fp ? be16(data + 4) : 0;
	if (p.text_len > IDCARD_TEXT_LEN || p.photo_len > IDCARD_PHOTO_LEN ||
	    p.fp_len > IDCARD_FP_LEN)
		return KERR_PROTO;
	if (hdr + p.text_len + p.photo_len + p.fp_len != len)
		return KERR_PROTO;
	p.text = data + hdr;
	p.photo = p.text + p.text_len;
	p.fp = with_fp ? p.photo + p.photo_len : NULL;
	*ret = p;
	return KERR_OK;
}

enum kerr idcard_frame_join_read(const struct idcard_read_payload *p, uint8_t *out, size_t cap,
				 size_t *ret_len)
{
	bool with_fp = p->fp != NULL;
	size_t hdr = with_fp ? 6 : 4;
	size_t total = hdr + p->text_len + p->photo_len + p->fp_len;

	if (p->text_len > IDCARD_TEXT_LEN || p->photo_len > IDCARD_PHOTO_LEN ||
	    p->fp_len > IDCARD_FP_LEN || (p->text_len && !p->text) || (p->photo_len && !p->photo) ||
	    (p->fp_len && !p->fp))
		return KERR_INVAL;
	if (total > cap)
		return KERR_FULL;
	out[0] = (uint8_t)(p->text_len >> 8);
	out[1] = (uint8_t)p->text_len;
	out[2] = (uint8_t)(p->photo_len >> 8);
	out[3] = (uint8_t)p->photo_len;
	if (with_fp) {
		out[4] = (uint8_t)(p->fp_len >> 8);
		out[5] = (uint8_t)p->fp_len;
	}
	if (p->text_len)
		memcpy(out + hdr, p->text, p->text_len);
	if (p->photo_len)
		memcpy(out + hdr + p->text_len, p->photo, p->photo_len);
	if (p->fp_len)
		memcpy(out + hdr + p->text_len + p->photo_len, p->fp, p->fp_len);
	*ret_len = total;
	return KERR_OK;
}
