/* The simulated module: made-up cards, and answers to every GA/T 467 command built with the real
 * codec. */
#include "drivers/idcard_simreader.h"

#include "drivers/idcard.h"
#include "drivers/idcard_frame.h"
#include "drivers/idcard_text.h"
#include "drivers/sim.h"

#include <stdlib.h>
#include <string.h>

#define SLOW_MS 1500

enum sim_card {
	SIM_CARD_NONE,
	SIM_CARD_RESIDENT,
	SIM_CARD_ELDER,
	SIM_CARD_EXPIRED,
	SIM_CARD_HMT,
	SIM_CARD_FOREIGN,
	SIM_CARD_FOREIGN_2017,
	SIM_CARD_UNREADABLE,
	SIM_CARD_UNKNOWN_TYPE, /* read whole, but its type character is none of the four */
	SIM_CARD_OTHER,	       /* a contactless card of a kind the module does not know */
	SIM_CARD__COUNT
};

/* The words after "insert ", NULL-terminated for idcard_simreader_card_names(). */
static const char *const card_names[SIM_CARD__COUNT + 1] = {
	[SIM_CARD_NONE] = "none",
	[SIM_CARD_RESIDENT] = "resident",
	[SIM_CARD_ELDER] = "elder",
	[SIM_CARD_EXPIRED] = "expired",
	[SIM_CARD_HMT] = "hmt",
	[SIM_CARD_FOREIGN] = "foreign",
	[SIM_CARD_FOREIGN_2017] = "foreign-2017",
	[SIM_CARD_UNREADABLE] = "unreadable",
	[SIM_CARD_UNKNOWN_TYPE] = "unknown-type",
	[SIM_CARD_OTHER] = "other-card",
};

/* Made-up people with well-formed numbers (check characters computed), never real residents. */
static const struct idcard_data cards[SIM_CARD__COUNT] = {
	[SIM_CARD_RESIDENT] = {
		.type = IDCARD_RESIDENT, .name = "王小英", .sex = '2', .nation = "01", .birth = "19491231",
		.address = "北京市东城区景山前街4号", .id_number = "11010519491231002X",
		.authority = "北京市公安局东城分局", .valid_from = "20150101", .valid_to = "20350101",
	},
	[SIM_CARD_ELDER] = {
		.type = IDCARD_RESIDENT, .name = "张建国", .sex = '1', .nation = "01", .birth = "19460315",
		.address = "北京市朝阳区建国路88号", .id_number = "110105194603150018",
		.authority = "北京市公安局朝阳分局", .valid_from = "20060315", .valid_to = "长期",
	},
	[SIM_CARD_EXPIRED] = {
		.type = IDCARD_RESIDENT, .name = "李明", .sex = '1', .nation = "03", .birth = "19800101",
		.address = "北京市西城区西长安街1号", .id_number = "110101198001010037",
		.authority = "北京市公安局西城分局", .valid_from = "20100101", .valid_to = "20200101",
	},
	[SIM_CARD_HMT] = {
		.type = IDCARD_HMT_PERMIT, .name = "陈大文", .sex = '1', .birth = "19900520",
		.address = "广东省深圳市福田区福华一路1号", .id_number = "810000199005200119",
		.authority = "深圳市公安局福田分局", .valid_from = "20230601", .valid_to = "20280601",
		.pass_number = "H60123456",
	},
	[SIM_CARD_FOREIGN] = {
		.type = IDCARD_FOREIGN_2023, .name = "马丁", .name_en = "SMITH, MARTIN JOHN", .sex = '1',
		.nationality = "GBR", .birth = "19850704", .id_number = "91182619850704001X",
		.valid_from = "20240115", .valid_to = "20340115",
	},
	[SIM_CARD_FOREIGN_2017] = {
		.type = IDCARD_FOREIGN_2017, .name = "安娜", .name_en = "MUELLER, ANNA", .sex = '2',
		.nationality = "DEU", .birth = "19880212", .id_number = "DEU110088021201",
		.authority = "1500", .valid_from = "20180301", .valid_to = "20280301",
	},
	[SIM_CARD_UNREADABLE] = {
		.type = IDCARD_RESIDENT, .name = "王小英", .sex = '2', .nation = "01", .birth = "19491231",
		.address = "北京市东城区景山前街4号", .id_number = "11010519491231002X",
		.authority = "北京市公安局东城分局", .valid_from = "20150101", .valid_to = "20350101",
	},
	[SIM_CARD_UNKNOWN_TYPE] = {
		.type = IDCARD_RESIDENT, .name = "赵六", .sex = '1', .nation = "01", .birth = "19700101",
		.address = "北京市海淀区中关村大街1号", .id_number = "110108197001010016",
		.authority = "北京市公安局海淀分局", .valid_from = "20200101", .valid_to = "20400101",
	},
};

/* What the module's type character is replaced with for SIM_CARD_UNKNOWN_TYPE. */
#define UNKNOWN_TYPE_CHAR 'Z'

/* The module on the far side of the transport. */
struct idcard_simreader {
	struct clock *clock;
	bool selected;
	bool swapped; /* a card was replaced without a lift: the next find sees the gap */
	bool fault_read;
	bool fault_remove_mid_read;
	bool slow;
	int latency_ms;
	enum sim_card card;
	struct idcard_frame_parser cmds;
	uint8_t out[2 * IDCARD_FRAME_MAX];
	size_t out_len, out_pos;
	int64_t out_at; /* when the queued reply becomes readable */
};

static void photo_bytes(uint8_t *p)
{
	/* A fixed stand-in for the WLT photo: the bytes are opaque to the kiosk anyway. */
	p[0] = 'W';
	p[1] = 'L';
	p[2] = 'T';
	for (size_t i = 3; i < IDCARD_PHOTO_LEN; i++)
		p[i] = (uint8_t)(i * 37 + 11) ^ (uint8_t)(i >> 5);
}

static void out_clear(struct idcard_simreader *m)
{
	explicit_bzero(m->out, m->out_len);
	m->out_len = 0;
	m->out_pos = 0;
}

static void queue_reply(struct idcard_simreader *m, uint8_t sw3, const uint8_t *data, size_t n)
{
	size_t len;

	/* When it fails the host is not reading its replies: a real module's buffer overflows too.
	 */
	if (idcard_frame_build_reply(0, 0, sw3, data, n, m->out + m->out_len,
				     sizeof(m->out) - m->out_len, &len) != KERR_OK)
		return;
	m->out_len += len;
	m->out_at = clock_now_ms(m->clock) + (m->slow ? SLOW_MS : m->latency_ms);
}

static void read_card(struct idcard_simreader *m, bool with_fp)
{
	uint8_t text[IDCARD_TEXT_LEN], photo[IDCARD_PHOTO_LEN], fp[IDCARD_FP_LEN];
	uint8_t data[6 + IDCARD_TEXT_LEN + IDCARD_PHOTO_LEN + IDCARD_FP_LEN];
	struct idcard_read_payload p = {
		.text = text,
		.text_len = sizeof(text),
		.photo = photo,
		.photo_len = sizeof(photo),
		.fp = with_fp ? fp : NULL,
		.fp_len = with_fp ? sizeof(fp) : 0,
	};
	size_t len;

	if (idcard_text_encode(&cards[m->card], text, NULL) != KERR_OK) {
		queue_reply(m, IDCARD_SW3_READ_FAILED, NULL, 0);
		return;
	}
	if (m->card == SIM_CARD_UNKNOWN_TYPE) {
		text[IDCARD_TEXT_TYPE_OFF] = UNKNOWN_TYPE_CHAR;
		text[IDCARD_TEXT_TYPE_OFF + 1] = 0;
	}
	photo_bytes(photo);
	memset(fp, 0x5a, sizeof(fp));
	if (idcard_frame_join_read(&p, data, sizeof(data), &len) == KERR_OK)
		queue_reply(m, IDCARD_SW3_OK, data, len);
	else
		queue_reply(m, IDCARD_SW3_READ_FAILED, NULL, 0);
	explicit_bzero(text, sizeof(text));
	explicit_bzero(data, sizeof(data));
}

static void command(struct idcard_simreader *m, const struct idcard_frame *f)
{
	static const uint8_t sam_id[16] = { 0x05, 0x01, 0x20, 0x15, 0x01, 0x01, 0x00, 0x00,
					    0x12, 0x34, 0x56, 0x78, 0x9a, 0xbc, 0xde, 0xf0 };
	enum idcard_cmd c;

	if (idcard_cmd_lookup(f->head[0], f->head[1], &c) != KERR_OK) {
		queue_reply(m, IDCARD_SW3_BAD_CMD, NULL, 0);
		return;
	}
	if ((c == IDCARD_CMD_SET_RF) != (f->len == 1)) {
		queue_reply(m, IDCARD_SW3_LENGTH, NULL, 0);
		return;
	}
	switch (c) {
	case IDCARD_CMD_RESET:
		m->selected = false;
		queue_reply(m, IDCARD_SW3_OK, NULL, 0);
		break;
	case IDCARD_CMD_STATUS:
	case IDCARD_CMD_SET_RF:
		queue_reply(m, IDCARD_SW3_OK, NULL, 0);
		break;
	case IDCARD_CMD_SAM_ID:
		queue_reply(m, IDCARD_SW3_OK, sam_id, sizeof(sam_id));
		break;
	case IDCARD_CMD_FIND:
		m->selected = false;
		if (m->swapped) {
			m->swapped = false;
			queue_reply(m, IDCARD_SW3_NO_CARD, NULL, 0);
		} else {
			queue_reply(m, m->card ? IDCARD_SW3_FOUND : IDCARD_SW3_NO_CARD, NULL, 0);
		}
		break;
	case IDCARD_CMD_SELECT:
		if (m->card == SIM_CARD_OTHER) {
			queue_reply(m, IDCARD_SW3_CARD_TYPE, NULL, 0);
			break;
		}
		m->selected = m->card != SIM_CARD_NONE;
		queue_reply(m, m->selected ? IDCARD_SW3_OK : IDCARD_SW3_SELECT_FAILED, NULL, 0);
		if (m->selected && m->fault_remove_mid_read) {
			m->card = SIM_CARD_NONE;
			m->selected = false;
		}
		break;
	case IDCARD_CMD_READ:
	case IDCARD_CMD_READ_FP:
		if (!m->card)
			queue_reply(m, IDCARD_SW3_NO_CARD, NULL, 0);
		else if (!m->selected || m->fault_read || m->card == SIM_CARD_UNREADABLE)
			queue_reply(m, IDCARD_SW3_READ_FAILED, NULL, 0);
		else
			read_card(m, c == IDCARD_CMD_READ_FP);
		m->selected = false;
		break;
	case IDCARD_CMD_READ_ADDR:
		queue_reply(m, m->card ? IDCARD_SW3_EMPTY : IDCARD_SW3_NO_CARD, NULL, 0);
		break;
	default:
		queue_reply(m, IDCARD_SW3_BAD_CMD, NULL, 0);
		break;
	}
}

enum kerr idcard_simreader_create(struct clock *clock, int latency_ms,
				  struct idcard_simreader **ret)
{
	struct idcard_simreader *m = calloc(1, sizeof(*m));

	if (!m)
		return KERR_NOMEM;
	m->clock = clock;
	m->latency_ms = latency_ms > 0 ? latency_ms : 0;
	idcard_frame_parser_init(&m->cmds, IDCARD_FRAME_COMMAND);
	*ret = m;
	return KERR_OK;
}

void idcard_simreader_destroy(struct idcard_simreader *m)
{
	if (!m)
		return;
	explicit_bzero(m, sizeof(*m));
	free(m);
}

void idcard_simreader_write(struct idcard_simreader *m, const uint8_t *buf, size_t n)
{
	size_t off = 0;

	while (off < n) {
		struct idcard_frame f;
		size_t used = 0;
		enum idcard_parse res =
			idcard_frame_parser_feed(&m->cmds, buf + off, n - off, &used, &f);

		off += used;
		if (res == IDCARD_PARSE_FRAME)
			command(m, &f);
		else if (res == IDCARD_PARSE_BAD_CHECKSUM)
			queue_reply(m, IDCARD_SW3_CHECKSUM, NULL, 0);
		else if (res == IDCARD_PARSE_BAD_LENGTH)
			queue_reply(m, IDCARD_SW3_LENGTH, NULL, 0);
	}
}

size_t idcard_simreader_read(struct idcard_simreader *m, uint8_t *buf, size_t cap)
{
	size_t n;

	if (m->out_pos == m->out_len || clock_now_ms(m->clock) < m->out_at)
		return 0;
	n = m->out_len - m->out_pos;
	if (n > cap)
		n = cap;
	memcpy(buf, m->out + m->out_pos, n);
	m->out_pos += n;
	if (m->out_pos == m->out_len)
		out_clear(m);
	return n;
}

int64_t idcard_simreader_ready_at(const struct idcard_simreader *m)
{
	return m->out_pos < m->out_len ? m->out_at : INT64_MAX;
}

void idcard_simreader_drop_link(struct idcard_simreader *m)
{
	out_clear(m);
	idcard_frame_parser_reset(&m->cmds);
	m->selected = false;
}

static enum kerr insert(struct idcard_simreader *m, const char *what)
{
	for (int i = SIM_CARD_NONE + 1; i < SIM_CARD__COUNT; i++) {
		if (strcmp(what, card_names[i]) == 0) {
			/* Swapping cards means lifting the first, however briefly. */
			if (m->card != SIM_CARD_NONE)
				m->swapped = true;
			m->card = (enum sim_card)i;
			m->selected = false;
			return KERR_OK;
		}
	}
	return KERR_INVAL;
}

enum kerr idcard_simreader_control(struct idcard_simreader *m, const char *cmd)
{
	bool on;

	if (strncmp(cmd, "insert ", 7) == 0)
		return insert(m, cmd + 7);
	if (strcmp(cmd, "remove") == 0) {
		m->card = SIM_CARD_NONE;
		m->selected = false;
		m->swapped = false;
	} else if (sim_match_switch(cmd, "fault read", &on)) {
		m->fault_read = on;
	} else if (sim_match_switch(cmd, "fault remove-mid-read", &on)) {
		m->fault_remove_mid_read = on;
	} else if (sim_match_switch(cmd, "slow", &on)) {
		m->slow = on;
	} else {
		return KERR_INVAL;
	}
	return KERR_OK;
}

const char *const *idcard_simreader_card_names(void)
{
	/* Past "none": it cannot be inserted. */
	return card_names + 1;
}
