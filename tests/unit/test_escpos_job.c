/* The simulated printer's ESC/POS interpreter: what it prints of our own encoder's bytes, how it
 * wraps, GB18030, QR codes, cuts, and malformed or hostile streams. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "drivers/escpos.h"
#include "drivers/escpos_job.h"

#include <stdlib.h>
#include <string.h>

#define BYTES(...) ((const uint8_t[]){ __VA_ARGS__ }), sizeof((const uint8_t[]){ __VA_ARGS__ })

static void reads_our_encoder(void **state)
{
	static const struct receipt_line lines[] = {
		{ RECEIPT_TEXT, RECEIPT_CENTER, true, 2, "受理回执" },
		{ RECEIPT_RULE },
		{ RECEIPT_TEXT, RECEIPT_LEFT, false, 1, "办件编号：ZW0001" },
		{ RECEIPT_QR, RECEIPT_CENTER, false, 1, "ZWFW:1" },
		{ RECEIPT_FEED, RECEIPT_LEFT, false, 2, NULL },
		{ RECEIPT_CUT },
		{ RECEIPT_TEXT, RECEIPT_RIGHT, false, 1, "𠮷" },
	};
	const struct receipt_doc doc = { lines, sizeof(lines) / sizeof(lines[0]) };
	struct escpos e;
	struct escpos_job j;
	const struct escpos_item *it;

	(void)state;
	escpos_init(&e, ESCPOS_DEFAULT_MAX);
	assert_int_equal(escpos_render_receipt(&e, &doc), KERR_OK);
	assert_int_equal(escpos_job_parse(e.data, e.len, &j), KERR_OK);
	assert_int_equal(j.n, 11);
	it = &j.items[0];
	assert_int_equal(it->kind, ESCPOS_ITEM_TEXT);
	assert_string_equal(it->text, "受理回执");
	assert_int_equal(it->align, RECEIPT_CENTER);
	assert_true(it->bold);
	assert_int_equal(it->width, 2);
	assert_int_equal(it->height, 2);
	it = &j.items[1];
	assert_int_equal(strlen(it->text), 48);
	assert_false(it->bold);
	assert_int_equal(it->width, 1);
	assert_string_equal(j.items[2].text, "办件编号：ZW0001");
	it = &j.items[3];
	assert_int_equal(it->kind, ESCPOS_ITEM_QR);
	assert_string_equal(it->text, "ZWFW:1");
	assert_int_equal(it->module, 6);
	assert_int_equal(it->level, 'M');
	assert_int_equal(it->align, RECEIPT_CENTER);
	/* The line feed after the QR code is an empty line. */
	assert_int_equal(j.items[4].kind, ESCPOS_ITEM_TEXT);
	assert_string_equal(j.items[4].text, "");
	assert_int_equal(j.items[5].kind, ESCPOS_ITEM_FEED);
	assert_int_equal(j.items[5].lines, 2);
	assert_int_equal(j.items[6].kind, ESCPOS_ITEM_FEED);
	assert_int_equal(j.items[7].kind, ESCPOS_ITEM_CUT);
	assert_true(j.items[7].partial);
	assert_string_equal(j.items[8].text, "𠮷");
	assert_int_equal(j.items[8].align, RECEIPT_RIGHT);
	assert_int_equal(j.items[9].lines, 4);
	assert_int_equal(j.items[10].kind, ESCPOS_ITEM_CUT);
	assert_false(j.items[10].partial);
	escpos_job_finish(&j);
	escpos_finish(&e);
}

static void wraps_like_a_printer(void **state)
{
	struct escpos_job j;
	uint8_t s[64 + 40 + 2];

	(void)state;
	/* 50 half-width characters: 48 fit in 576 dots. */
	memset(s, 'x', 50);
	s[50] = '\n';
	assert_int_equal(escpos_job_parse(s, 51, &j), KERR_OK);
	assert_int_equal(j.n, 2);
	assert_int_equal(j.items[0].len, 48);
	assert_int_equal(j.items[1].len, 2);
	escpos_job_finish(&j);
	/* Double width: 24. Chinese mode, full-width: 12 at double width. */
	s[0] = 0x1d, s[1] = '!', s[2] = 0x10;
	memset(s + 3, 'y', 30);
	s[33] = '\n';
	assert_int_equal(escpos_job_parse(s, 34, &j), KERR_OK);
	assert_int_equal(j.n, 2);
	assert_int_equal(j.items[0].len, 24);
	assert_int_equal(j.items[0].width, 2);
	assert_int_equal(j.items[0].height, 1);
	escpos_job_finish(&j);
	s[3] = 0x1c, s[4] = '&';
	for (int i = 0; i < 13; i++)
		s[5 + 2 * i] = 0xce, s[6 + 2 * i] = 0xf1; /* 务 */
	s[31] = '\n';
	assert_int_equal(escpos_job_parse(s, 32, &j), KERR_OK);
	assert_int_equal(j.n, 2);
	assert_int_equal(j.items[0].len, 12 * 3);
	assert_string_equal(j.items[1].text, "务");
	escpos_job_finish(&j);
}

static void text_outside_and_inside_chinese_mode(void **state)
{
	struct escpos_job j;

	(void)state;
	/* Without FS & the bytes are a code page we do not print: '?'. */
	assert_int_equal(escpos_job_parse(BYTES('A', 0xce, 0xf1, '\n'), &j), KERR_OK);
	assert_string_equal(j.items[0].text, "A??");
	escpos_job_finish(&j);
	/* Malformed GB18030: a lead byte before a control, a cut-short four-byte form. */
	assert_int_equal(
		escpos_job_parse(BYTES(0x1c, 0x26, 0xce, '\n', 0x95, 0x34, 0xb2, '\n'), &j),
		KERR_OK);
	assert_int_equal(j.n, 2);
	assert_string_equal(j.items[0].text, "?");
	assert_string_equal(j.items[1].text, "?4?");
	escpos_job_finish(&j);
	/* FS . leaves Chinese mode; a line waiting for its feed at the end is not printed. */
	assert_int_equal(escpos_job_parse(BYTES(0x1c, 0x26, 0x1c, 0x2e, 0xce, 0xf1, '\n', 'z'), &j),
			 KERR_OK);
	assert_int_equal(j.n, 1);
	assert_string_equal(j.items[0].text, "??");
	escpos_job_finish(&j);
}

static void modes_and_ignored_commands(void **state)
{
	struct escpos_job j;

	(void)state;
	/* ESC ! bold double height, ESC a '2', underline, code page, CR and HT ignored, status
	 * requests skipped, ESC @ resets. */
	assert_int_equal(
		escpos_job_parse(BYTES(0x1b, '!', 0x18, 0x1b, 'a', '2', 0x1b, '-', 1, 0x1b, 't', 0,
				       0x10, 0x04, 1, 'a', '\r', '\t', '\n', 0x1b, '@', 'b', '\n'),
				 &j),
		KERR_OK);
	assert_int_equal(j.n, 2);
	assert_true(j.items[0].bold);
	assert_int_equal(j.items[0].height, 2);
	assert_int_equal(j.items[0].align, RECEIPT_RIGHT);
	assert_string_equal(j.items[0].text, "a");
	assert_false(j.items[1].bold);
	assert_int_equal(j.items[1].align, RECEIPT_LEFT);
	escpos_job_finish(&j);
	/* GS V 66 n: feed n, then a partial cut. */
	assert_int_equal(escpos_job_parse(BYTES(0x1d, 'V', 66, 3), &j), KERR_OK);
	assert_int_equal(j.n, 2);
	assert_int_equal(j.items[0].lines, 3);
	assert_true(j.items[1].partial);
	escpos_job_finish(&j);
	/* QR: print with nothing stored prints nothing; other symbols (cn 0x30) are ignored. */
	assert_int_equal(escpos_job_parse(BYTES(0x1d, '(', 'k', 3, 0, 0x31, 0x51, 0x30, 0x1d, '(',
						'k', 3, 0, 0x30, 0x41, 0),
					  &j),
			 KERR_OK);
	assert_int_equal(j.n, 0);
	escpos_job_finish(&j);
}

static void malformed_streams(void **state)
{
	const struct {
		const uint8_t *b;
		size_t n;
		size_t at;
	} bad[] = {
		{ BYTES('a', 0x1b), 1 },		  /* ESC cut short */
		{ BYTES('a', 0x1b, 'Z', 1), 1 },	  /* unknown ESC command */
		{ BYTES(0x1b, 'a'), 0 },		  /* missing argument */
		{ BYTES(0x1d, 'V', 7), 0 },		  /* unknown cut */
		{ BYTES(0x1d, 'V', 65), 0 },		  /* cut with feed, no count */
		{ BYTES(0x1d, '(', 'k', 9, 0, 0x31), 0 }, /* longer than the stream */
		{ BYTES(0x1d, '(', 'k', 1, 0, 0x31), 0 }, /* shorter than cn fn */
		{ BYTES(0x1d, '(', 'L', 1, 0), 0 },	  /* graphics: not ours */
		{ BYTES(0x10, 0x04, 9), 0 },		  /* status request out of range */
		{ BYTES(0x10, 0x05, 1), 0 },		  /* other real-time commands */
		{ BYTES(0x1c, 'p', 1, 0), 0 },		  /* NV bit image */
	};
	struct escpos_job j;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(escpos_job_parse(bad[i].b, bad[i].n, &j), KERR_PROTO);
		assert_int_equal(j.error_at, bad[i].at);
		escpos_job_finish(&j);
	}
	escpos_job_finish(NULL);
	assert_int_equal(escpos_job_parse(NULL, 0, &j), KERR_OK);
	assert_int_equal(j.n, 0);
	escpos_job_finish(&j);
}

static void bounded(void **state)
{
	uint8_t *lf = malloc(ESCPOS_JOB_MAX_ITEMS + 1);
	struct escpos_job j;

	(void)state;
	assert_non_null(lf);
	memset(lf, '\n', ESCPOS_JOB_MAX_ITEMS + 1);
	assert_int_equal(escpos_job_parse(lf, ESCPOS_JOB_MAX_ITEMS, &j), KERR_OK);
	assert_int_equal(j.n, ESCPOS_JOB_MAX_ITEMS);
	escpos_job_finish(&j);
	assert_int_equal(escpos_job_parse(lf, ESCPOS_JOB_MAX_ITEMS + 1, &j), KERR_FULL);
	assert_int_equal(j.error_at, ESCPOS_JOB_MAX_ITEMS);
	escpos_job_finish(&j);
	free(lf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(reads_our_encoder),
		cmocka_unit_test(wraps_like_a_printer),
		cmocka_unit_test(text_outside_and_inside_chinese_mode),
		cmocka_unit_test(modes_and_ignored_commands),
		cmocka_unit_test(malformed_streams),
		cmocka_unit_test(bounded),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
