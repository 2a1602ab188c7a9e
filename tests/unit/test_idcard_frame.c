/* GA/T 467 frame codec: golden commands, replies for every status byte, malformed streams. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "drivers/idcard_frame.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The table of devices.md, section 1, written as it is there. */
static const struct {
	enum idcard_cmd cmd;
	const char *data;
	const char *frame;
} golden[] = {
	{ IDCARD_CMD_RESET, "", "AA AA AA 96 69 00 03 10 FF EC" },
	{ IDCARD_CMD_STATUS, "", "AA AA AA 96 69 00 03 11 FF ED" },
	{ IDCARD_CMD_SAM_ID, "", "AA AA AA 96 69 00 03 12 FF EE" },
	{ IDCARD_CMD_FIND, "", "AA AA AA 96 69 00 03 20 01 22" },
	{ IDCARD_CMD_SELECT, "", "AA AA AA 96 69 00 03 20 02 21" },
	{ IDCARD_CMD_READ, "", "AA AA AA 96 69 00 03 30 01 32" },
	{ IDCARD_CMD_READ_ADDR, "", "AA AA AA 96 69 00 03 30 03 30" },
	{ IDCARD_CMD_READ_FP, "", "AA AA AA 96 69 00 03 30 10 23" },
	{ IDCARD_CMD_SET_RF, "50", "AA AA AA 96 69 00 04 61 FF 50 CA" },
};

/* Parses "AA 0b ..." into out; returns the byte count. */
static size_t hex(const char *s, uint8_t *out, size_t cap)
{
	size_t n = 0;
	unsigned v;
	int used;

	while (sscanf(s, " %2x%n", &v, &used) == 1) {
		assert_true(n < cap);
		out[n++] = (uint8_t)v;
		s += used;
	}
	return n;
}

#define N(a) (sizeof(a) / sizeof((a)[0]))

static void golden_commands(void **state)
{
	(void)state;
	assert_int_equal(N(golden), IDCARD_CMD__COUNT);
	for (size_t i = 0; i < N(golden); i++) {
		uint8_t out[32], want[32], data[4];
		size_t len = 0, n = hex(golden[i].frame, want, sizeof(want));
		size_t dn = hex(golden[i].data, data, sizeof(data));

		assert_int_equal(
			idcard_frame_build_cmd(golden[i].cmd, data, dn, out, sizeof(out), &len),
			KERR_OK);
		assert_int_equal(len, n);
		assert_memory_equal(out, want, len);
		assert_string_not_equal(idcard_cmd_str(golden[i].cmd), "UNKNOWN");
	}
}

/* The simulated module parses commands with the same parser; the goldens must come back out. */
static void commands_parse_back(void **state)
{
	(void)state;
	for (size_t i = 0; i < N(golden); i++) {
		struct idcard_frame_parser p;
		struct idcard_frame f;
		enum idcard_cmd c;
		uint8_t frame[32], cmd = 0, para = 0;
		size_t used = 0, n = hex(golden[i].frame, frame, sizeof(frame));

		idcard_frame_parser_init(&p, IDCARD_FRAME_COMMAND);
		assert_int_equal(idcard_frame_parser_feed(&p, frame, n, &used, &f),
				 IDCARD_PARSE_FRAME);
		assert_int_equal(used, n);
		idcard_cmd_get_bytes(golden[i].cmd, &cmd, &para);
		assert_int_equal(f.head[0], cmd);
		assert_int_equal(f.head[1], para);
		assert_int_equal(f.len, strlen(golden[i].data) / 2);
		assert_int_equal(idcard_cmd_lookup(cmd, para, &c), KERR_OK);
		assert_int_equal(c, golden[i].cmd);
	}
	assert_string_equal(idcard_frame_dir_str(IDCARD_FRAME_REPLY), "REPLY");
}

static void unknown_command(void **state)
{
	enum idcard_cmd c = IDCARD_CMD_FIND;
	uint8_t out[16];
	size_t len = 0;

	(void)state;
	assert_int_equal(idcard_cmd_lookup(0x77, 0x01, &c), KERR_NOT_FOUND);
	assert_int_equal(c, IDCARD_CMD_FIND);
	assert_int_equal(idcard_frame_build_cmd(IDCARD_CMD__COUNT, NULL, 0, out, sizeof(out), &len),
			 KERR_INVAL);
	assert_int_equal(idcard_frame_build_cmd(IDCARD_CMD_FIND, NULL, 0, out, 9, &len), KERR_FULL);
	assert_int_equal(
		idcard_frame_build_raw(0x20, 0x01, NULL, IDCARD_LEN_MAX, out, sizeof(out), &len),
		KERR_INVAL);
	assert_string_equal(idcard_cmd_str(IDCARD_CMD__COUNT), "UNKNOWN");
}

static const struct {
	uint8_t sw3;
	enum kerr err;
} statuses[] = {
	{ 0x90, KERR_OK },	  { 0x9f, KERR_OK },	    { 0x91, KERR_NOT_FOUND },
	{ 0x10, KERR_PROTO },	  { 0x11, KERR_PROTO },	    { 0x21, KERR_UNSUPPORTED },
	{ 0x23, KERR_PERM },	  { 0x24, KERR_IO },	    { 0x31, KERR_CARD_READ },
	{ 0x32, KERR_CARD_READ }, { 0x33, KERR_CARD_READ }, { 0x40, KERR_CARD_READ },
	{ 0x41, KERR_CARD_READ }, { 0x47, KERR_CARD_READ }, { 0x60, KERR_IO },
	{ 0x66, KERR_PERM },	  { 0x80, KERR_NO_CARD },   { 0x81, KERR_CARD_READ },
};

static void replies_for_every_status(void **state)
{
	(void)state;
	for (size_t i = 0; i < N(statuses); i++) {
		struct idcard_frame_parser p;
		struct idcard_frame f;
		uint8_t out[32];
		size_t len = 0, used = 0;

		assert_int_equal(idcard_frame_build_reply(0, 0, statuses[i].sw3, NULL, 0, out,
							  sizeof(out), &len),
				 KERR_OK);
		assert_int_equal(len, 11);
		idcard_frame_parser_init(&p, IDCARD_FRAME_REPLY);
		assert_int_equal(idcard_frame_parser_feed(&p, out, len, &used, &f),
				 IDCARD_PARSE_FRAME);
		assert_int_equal(f.head[0], 0);
		assert_int_equal(f.head[1], 0);
		assert_int_equal(f.head[2], statuses[i].sw3);
		assert_int_equal(f.len, 0);
		assert_int_equal(idcard_sw3_kerr(statuses[i].sw3), statuses[i].err);
		assert_non_null(strstr(idcard_sw3_str(statuses[i].sw3), " / "));
		assert_null(strstr(idcard_sw3_str(statuses[i].sw3), "unknown status"));
	}
	assert_int_equal(idcard_sw3_kerr(0x55), KERR_PROTO);
	assert_non_null(strstr(idcard_sw3_str(0x55), "unknown status"));
	assert_non_null(strstr(idcard_sw3_str(0x80), "no card"));
}

static void golden_find_reply(void **state)
{
	static const uint8_t want[] = { 0xaa, 0xaa, 0xaa, 0x96, 0x69, 0x00, 0x08, 0x00,
					0x00, 0x9f, 0x00, 0x00, 0x00, 0x00, 0x97 };
	static const uint8_t zeros[4];
	uint8_t out[32];
	size_t len = 0;

	(void)state;
	assert_int_equal(
		idcard_frame_build_reply(0, 0, 0x9f, zeros, sizeof(zeros), out, sizeof(out), &len),
		KERR_OK);
	assert_int_equal(len, sizeof(want));
	assert_memory_equal(out, want, len);
}

static void read_reply_sizes(void **state)
{
	static uint8_t text[IDCARD_TEXT_LEN], photo[IDCARD_PHOTO_LEN], fp[IDCARD_FP_LEN];
	static uint8_t data[3000], frame[IDCARD_FRAME_MAX];

	(void)state;
	memset(text, 't', sizeof(text));
	memset(photo, 'p', sizeof(photo));
	memset(fp, 'f', sizeof(fp));
	for (int with_fp = 0; with_fp <= 1; with_fp++) {
		struct idcard_read_payload in = {
			text,	      photo,	     with_fp ? fp : NULL,
			sizeof(text), sizeof(photo), with_fp ? sizeof(fp) : 0
		};
		struct idcard_read_payload out;
		struct idcard_frame_parser p;
		struct idcard_frame f;
		size_t dlen = 0, flen = 0, used = 0;

		assert_int_equal(idcard_frame_join_read(&in, data, sizeof(data), &dlen), KERR_OK);
		assert_int_equal(idcard_frame_build_reply(0, 0, 0x90, data, dlen, frame,
							  sizeof(frame), &flen),
				 KERR_OK);
		assert_int_equal(flen, with_fp ? 2321 : 1295);
		assert_int_equal(frame[with_fp ? 16 : 14], 't');
		assert_int_equal(frame[10], 0x01);
		assert_int_equal(frame[11], 0x00);
		idcard_frame_parser_init(&p, IDCARD_FRAME_REPLY);
		assert_int_equal(idcard_frame_parser_feed(&p, frame, flen, &used, &f),
				 IDCARD_PARSE_FRAME);
		assert_int_equal(idcard_frame_split_read(f.data, f.len, with_fp, &out), KERR_OK);
		assert_int_equal(out.text_len, IDCARD_TEXT_LEN);
		assert_int_equal(out.photo_len, IDCARD_PHOTO_LEN);
		assert_memory_equal(out.text, text, sizeof(text));
		assert_memory_equal(out.photo, photo, sizeof(photo));
		if (with_fp)
			assert_memory_equal(out.fp, fp, sizeof(fp));
	}
}

static void split_read_rejects_bad_lengths(void **state)
{
	uint8_t data[4 + 256 + 1024] = { 0x01, 0x00, 0x04, 0x00 };
	struct idcard_read_payload out;

	(void)state;
	assert_int_equal(idcard_frame_split_read(data, sizeof(data), false, &out), KERR_OK);
	assert_int_equal(idcard_frame_split_read(data, sizeof(data) - 1, false, &out), KERR_PROTO);
	assert_int_equal(idcard_frame_split_read(data, 3, false, &out), KERR_PROTO);
	assert_int_equal(idcard_frame_split_read(data, sizeof(data), true, &out), KERR_PROTO);
	data[0] = 0x02; /* 512 bytes of text: more than a card has */
	assert_int_equal(idcard_frame_split_read(data, sizeof(data), false, &out), KERR_PROTO);
	data[0] = 0x01;
	data[2] = 0xff;
	assert_int_equal(idcard_frame_split_read(data, sizeof(data), false, &out), KERR_PROTO);
}

/* Runs a stream through a parser in pieces of the given sizes (cycled), logging SW3s and errors. */
static size_t run_stream(const uint8_t *s, size_t n, const size_t *pieces, size_t n_pieces,
			 char *log, size_t cap, size_t *skipped)
{
	struct idcard_frame_parser p;
	size_t off = 0, k = 0, frames = 0, loglen = 0;

	idcard_frame_parser_init(&p, IDCARD_FRAME_REPLY);
	log[0] = 0;
	while (off < n) {
		size_t piece = pieces[k++ % n_pieces];
		size_t end = off + piece < n ? off + piece : n;

		while (off < end) {
			struct idcard_frame f;
			size_t used = 0;
			enum idcard_parse r =
				idcard_frame_parser_feed(&p, s + off, end - off, &used, &f);

			assert_true(used > 0 && used <= end - off);
			off += used;
			if (r == IDCARD_PARSE_FRAME)
				frames++;
			if (r == IDCARD_PARSE_MORE || loglen + 16 > cap)
				continue;
			if (r == IDCARD_PARSE_FRAME)
				loglen += (size_t)snprintf(log + loglen, cap - loglen, "F%02x ",
							   f.head[2]);
			else
				loglen += (size_t)snprintf(log + loglen, cap - loglen, "%s ",
							   idcard_parse_str(r));
		}
	}
	*skipped = p.skipped;
	return frames;
}

static size_t reply(uint8_t sw3, size_t data_len, uint8_t *out)
{
	uint8_t data[64];
	size_t len = 0;

	memset(data, 0x3c, sizeof(data));
	assert_int_equal(idcard_frame_build_reply(0, 0, sw3, data, data_len, out, 128, &len),
			 KERR_OK);
	return len;
}

static void split_across_reads(void **state)
{
	uint8_t s[256];
	size_t n = 0, skipped = 0;
	char log[256];

	(void)state;
	n += reply(0x9f, 4, s + n);
	n += reply(0x90, 40, s + n);
	n += reply(0x80, 0, s + n);
	for (size_t piece = 1; piece <= n; piece++) {
		size_t pieces[1] = { piece };

		assert_int_equal(run_stream(s, n, pieces, 1, log, sizeof(log), &skipped), 3);
		assert_string_equal(log, "F9f F90 F80 ");
		assert_int_equal(skipped, 0);
	}
	/* Irregular pieces: some end inside the preamble, some inside the length. */
	{
		size_t pieces[] = { 3, 1, 2, 7, 5, 1, 13 };

		assert_int_equal(run_stream(s, n, pieces, N(pieces), log, sizeof(log), &skipped),
				 3);
		assert_string_equal(log, "F9f F90 F80 ");
	}
}

static void garbage_before_and_between(void **state)
{
	static const uint8_t junk[] = { 0x00, 0xaa, 0xaa, 0x13, 0xaa, 0xaa,
					0xaa, 0x96, 0x00, 0x69, 0xff };
	uint8_t s[256];
	size_t n = 0, skipped = 0, one[1] = { 1 }, all[1] = { 256 };
	char log[256];

	(void)state;
	memcpy(s, junk, sizeof(junk));
	n += sizeof(junk);
	n += reply(0x90, 2, s + n);
	memcpy(s + n, junk, sizeof(junk));
	n += sizeof(junk);
	n += reply(0x41, 0, s + n);
	assert_int_equal(run_stream(s, n, all, 1, log, sizeof(log), &skipped), 2);
	assert_string_equal(log, "F90 F41 ");
	assert_int_equal(skipped, 2 * sizeof(junk));
	assert_int_equal(run_stream(s, n, one, 1, log, sizeof(log), &skipped), 2);
	assert_int_equal(skipped, 2 * sizeof(junk));
}

static void extra_preamble_byte(void **state)
{
	uint8_t s[64] = { 0xaa };
	size_t n = 1, skipped = 0, all[1] = { 64 };
	char log[64];

	(void)state;
	n += reply(0x90, 0, s + n);
	assert_int_equal(run_stream(s, n, all, 1, log, sizeof(log), &skipped), 1);
	assert_int_equal(skipped, 1);
}

static void wrong_preamble(void **state)
{
	uint8_t s[64];
	size_t n = reply(0x90, 0, s), skipped = 0, all[1] = { 64 };
	char log[64];

	(void)state;
	s[3] = 0x97;
	assert_int_equal(run_stream(s, n, all, 1, log, sizeof(log), &skipped), 0);
	assert_string_equal(log, "");
	assert_int_equal(skipped, n);
}

static void bad_checksum_then_good(void **state)
{
	uint8_t s[128];
	size_t n = 0, skipped = 0, all[1] = { 128 };
	char log[64];

	(void)state;
	n += reply(0x90, 8, s);
	s[n - 1] ^= 0x01;
	n += reply(0x9f, 4, s + n);
	assert_int_equal(run_stream(s, n, all, 1, log, sizeof(log), &skipped), 1);
	assert_string_equal(log, "BAD_CHECKSUM F9f ");
}

static void bad_lengths(void **state)
{
	/* LEN 2: too short to hold SW1 SW2 SW3 CHK. LEN 0xFFFF and one past the limit: too long. */
	uint8_t s[128];
	size_t n = hex("AA AA AA 96 69 00 02 00 00  AA AA AA 96 69 FF FF  AA AA AA 96 69 09 5A", s,
		       sizeof(s));
	size_t skipped = 0, all[1] = { 128 };
	char log[128];

	(void)state;
	assert_int_equal(IDCARD_LEN_MAX + 1, 0x095a);
	n += reply(0x90, 0, s + n);
	assert_int_equal(run_stream(s, n, all, 1, log, sizeof(log), &skipped), 1);
	assert_string_equal(log, "BAD_LENGTH BAD_LENGTH BAD_LENGTH F90 ");
}

static void short_frame_waits(void **state)
{
	struct idcard_frame_parser p;
	struct idcard_frame f;
	uint8_t s[64];
	size_t n = reply(0x90, 10, s), used = 0;

	(void)state;
	idcard_frame_parser_init(&p, IDCARD_FRAME_REPLY);
	assert_int_equal(idcard_frame_parser_feed(&p, s, n - 1, &used, &f), IDCARD_PARSE_MORE);
	assert_int_equal(used, n - 1);
	assert_true(p.have > 0);
	idcard_frame_parser_reset(&p);
	assert_int_equal(p.have, 0);
	/* After a reset the tail alone is garbage. */
	assert_int_equal(idcard_frame_parser_feed(&p, s + n - 1, 1, &used, &f), IDCARD_PARSE_MORE);
	assert_int_equal(p.skipped, 1);
}

static void longest_reply_and_one_more(void **state)
{
	static uint8_t data[IDCARD_LEN_MAX], frame[IDCARD_FRAME_MAX + 8];
	struct idcard_frame_parser p;
	struct idcard_frame f;
	size_t len = 0, used = 0;

	(void)state;
	memset(data, 0x11, sizeof(data));
	assert_int_equal(idcard_frame_build_reply(0, 0, 0x90, data, IDCARD_LEN_MAX - 4, frame,
						  sizeof(frame), &len),
			 KERR_OK);
	assert_int_equal(len, IDCARD_FRAME_MAX);
	idcard_frame_parser_init(&p, IDCARD_FRAME_REPLY);
	assert_int_equal(idcard_frame_parser_feed(&p, frame, len, &used, &f), IDCARD_PARSE_FRAME);
	assert_int_equal(f.len, IDCARD_LEN_MAX - 4);
	assert_int_equal(idcard_frame_build_reply(0, 0, 0x90, data, IDCARD_LEN_MAX - 3, frame,
						  sizeof(frame), &len),
			 KERR_INVAL);
}

static void random_noise_never_crashes(void **state)
{
	static uint8_t s[20000];
	uint32_t x = 12345;
	size_t skipped = 0, pieces[] = { 1, 17, 300, 4096 };
	char log[4096];

	(void)state;
	for (size_t i = 0; i < sizeof(s); i++) {
		x ^= x << 13, x ^= x >> 17, x ^= x << 5;
		/* Plenty of AA so preambles start often. */
		s[i] = (x & 3) == 0 ? 0xaa : (uint8_t)(x >> 8);
	}
	run_stream(s, sizeof(s), pieces, N(pieces), log, sizeof(log), &skipped);
	assert_true(skipped > 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(golden_commands),
		cmocka_unit_test(commands_parse_back),
		cmocka_unit_test(unknown_command),
		cmocka_unit_test(replies_for_every_status),
		cmocka_unit_test(golden_find_reply),
		cmocka_unit_test(read_reply_sizes),
		cmocka_unit_test(split_read_rejects_bad_lengths),
		cmocka_unit_test(split_across_reads),
		cmocka_unit_test(garbage_before_and_between),
		cmocka_unit_test(extra_preamble_byte),
		cmocka_unit_test(wrong_preamble),
		cmocka_unit_test(bad_checksum_then_good),
		cmocka_unit_test(bad_lengths),
		cmocka_unit_test(short_frame_waits),
		cmocka_unit_test(longest_reply_and_one_more),
		cmocka_unit_test(random_noise_never_crashes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
