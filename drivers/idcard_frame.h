/* GA/T 467 reader frames: building commands and replies, and parsing them from a byte stream. No
 * transport here: the same codec serves USB, serial and the simulator. */
#ifndef DRIVERS_IDCARD_FRAME_H
#define DRIVERS_IDCARD_FRAME_H

#include "common/kerr.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define IDCARD_PREAMBLE_LEN 5
/* The longest reply (text, photo, fingerprint) is 2321 bytes; claims of much more are noise. */
#define IDCARD_FRAME_MAX 2400
/* LEN counts everything after the length field; frame = preamble + 2 length bytes + LEN. */
#define IDCARD_LEN_MAX (IDCARD_FRAME_MAX - IDCARD_PREAMBLE_LEN - 2)
#define IDCARD_TEXT_LEN 256
#define IDCARD_PHOTO_LEN 1024
#define IDCARD_FP_LEN 1024

enum idcard_cmd {
	IDCARD_CMD_RESET,     /* 10 FF */
	IDCARD_CMD_STATUS,    /* 11 FF: module self-test */
	IDCARD_CMD_SAM_ID,    /* 12 FF */
	IDCARD_CMD_FIND,      /* 20 01 */
	IDCARD_CMD_SELECT,    /* 20 02 */
	IDCARD_CMD_READ,      /* 30 01: text + photo */
	IDCARD_CMD_READ_ADDR, /* 30 03: appended address */
	IDCARD_CMD_READ_FP,   /* 30 10: text + photo + fingerprint */
	IDCARD_CMD_SET_RF,    /* 61 FF + 1 data byte: max RF frame bytes */
	IDCARD_CMD__COUNT
};

/* Module status bytes (SW3) named in GA/T 467. */
enum {
	IDCARD_SW3_OK = 0x90,
	IDCARD_SW3_FOUND = 0x9f,
	IDCARD_SW3_EMPTY = 0x91,
	IDCARD_SW3_CHECKSUM = 0x10,
	IDCARD_SW3_LENGTH = 0x11,
	IDCARD_SW3_BAD_CMD = 0x21,
	IDCARD_SW3_NOT_PERMITTED = 0x23,
	IDCARD_SW3_UNKNOWN = 0x24,
	IDCARD_SW3_CARD_AUTH = 0x31,
	IDCARD_SW3_MODULE_AUTH = 0x32,
	IDCARD_SW3_INFO_CHECK = 0x33,
	IDCARD_SW3_CARD_TYPE = 0x40,
	IDCARD_SW3_READ_FAILED = 0x41,
	IDCARD_SW3_RANDOM = 0x47,
	IDCARD_SW3_SELF_TEST = 0x60,
	IDCARD_SW3_NOT_AUTHORISED = 0x66,
	IDCARD_SW3_NO_CARD = 0x80,
	IDCARD_SW3_SELECT_FAILED = 0x81,
};

/* A parsed frame. head is SW1 SW2 SW3 for replies, CMD PARA 0 for commands. data points into the
 * parser's buffer and stays valid until the parser is fed or reset again. */
struct idcard_frame {
	uint8_t head[3];
	const uint8_t *data;
	size_t len;
};

enum idcard_frame_dir {
	IDCARD_FRAME_COMMAND,
	IDCARD_FRAME_REPLY,
	IDCARD_FRAME_DIR__COUNT
};

enum idcard_parse {
	IDCARD_PARSE_MORE,	   /* every byte consumed, no frame yet */
	IDCARD_PARSE_FRAME,	   /* a whole frame with a good checksum */
	IDCARD_PARSE_BAD_LENGTH,   /* LEN too small for the header, or above IDCARD_LEN_MAX */
	IDCARD_PARSE_BAD_CHECKSUM, /* a whole frame whose XOR does not match */
	IDCARD_PARSE__COUNT
};

/* Incremental parser: bytes may be split across reads in any way; garbage before a preamble is
 * skipped and counted. Embedded by the caller (no allocation). */
struct idcard_frame_parser {
	enum idcard_frame_dir dir;
	int state;	/* internal: preamble bytes matched, or reading length / body */
	size_t need;	/* body bytes expected (LEN) once the length is known */
	size_t have;	/* bytes in buf: LEN_HI LEN_LO then body */
	size_t skipped; /* garbage bytes dropped since init or reset */
	uint8_t buf[2 + IDCARD_LEN_MAX];
};

/* Wire CMD PARA of a command (nothing written when c is out of range); its name for logs. */
void idcard_cmd_get_bytes(enum idcard_cmd c, uint8_t *ret_cmd, uint8_t *ret_para);
const char *idcard_cmd_str(enum idcard_cmd c);
/* The command with these wire bytes. KERR_NOT_FOUND when no known command has them. */
enum kerr idcard_cmd_lookup(uint8_t cmd, uint8_t para, enum idcard_cmd *ret);

/* Builds a whole command frame into out. data may be NULL when n is 0.
 * Errors: KERR_INVAL (c out of range, or the frame would exceed IDCARD_FRAME_MAX), KERR_FULL (cap
 * too small). */
enum kerr idcard_frame_build_cmd(enum idcard_cmd c, const uint8_t *data, size_t n, uint8_t *out,
				 size_t cap, size_t *ret_len);
/* The same for any CMD PARA pair, known or not (tests and the simulator need the unknown ones). */
enum kerr idcard_frame_build_raw(uint8_t cmd, uint8_t para, const uint8_t *data, size_t n,
				 uint8_t *out, size_t cap, size_t *ret_len);
/* Builds a reply frame SW1 SW2 SW3 | data. Errors as idcard_frame_build_cmd(). */
enum kerr idcard_frame_build_reply(uint8_t sw1, uint8_t sw2, uint8_t sw3, const uint8_t *data,
				   size_t n, uint8_t *out, size_t cap, size_t *ret_len);

void idcard_frame_parser_init(struct idcard_frame_parser *p, enum idcard_frame_dir dir);
/* Forgets any partial frame and zeroes the buffer (replies carry personal data). */
void idcard_frame_parser_reset(struct idcard_frame_parser *p);
/* Consumes bytes until a frame completes, a frame proves bad, or the input runs out; *ret_used says
 * how many bytes were consumed (always written), so the caller feeds the rest afterwards. On
 * IDCARD_PARSE_FRAME *ret_frame is filled; after a bad frame the parser has already resynchronised
 * and looks for the next preamble. */
enum idcard_parse idcard_frame_parser_feed(struct idcard_frame_parser *p, const uint8_t *data,
					   size_t n, size_t *ret_used,
					   struct idcard_frame *ret_frame);
const char *idcard_parse_str(enum idcard_parse r);
const char *idcard_frame_dir_str(enum idcard_frame_dir d);

/* What a module status byte means, in Chinese and English ("无卡 / no card found"); never NULL. */
const char *idcard_sw3_str(uint8_t sw3);
/* The kiosk error a status byte stands for: KERR_OK for 90 and 9F, KERR_NO_CARD for 80,
 * KERR_CARD_READ for card failures, KERR_PROTO for checksum or length errors and unknown bytes. */
enum kerr idcard_sw3_kerr(uint8_t sw3);

/* The parts of a read reply (30 01, or 30 10 with fingerprint), pointing into the reply data. */
struct idcard_read_payload {
	const uint8_t *text, *photo, *fp;
	size_t text_len, photo_len, fp_len;
};

/* Splits the data of an OK read reply: text length, photo length [, fingerprint length]
 * (big-endian), then the blocks. Errors: KERR_PROTO when the lengths disagree with the data or
 * exceed the standard sizes. */
enum kerr idcard_frame_split_read(const uint8_t *data, size_t len, bool with_fp,
				  struct idcard_read_payload *ret);
/* Builds the data of a read reply from its parts (fp NULL for 30 01). Errors: INVAL, FULL. */
enum kerr idcard_frame_join_read(const struct idcard_read_payload *p, uint8_t *out, size_t cap,
				 size_t *ret_len);

#endif
