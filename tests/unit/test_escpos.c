/* ESC/POS: command goldens, GB18030 text, QR, bounds, receipt layout, real-time status decoding. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "drivers/escpos.h"

#include <stdio.h>
#include <string.h>

#define BYTES(...) ((const uint8_t[]){ __VA_ARGS__ }), sizeof((const uint8_t[]){ __VA_ARGS__ })

static void expect(struct escpos *e, const uint8_t *want, size_t n)
{
	assert_int_equal(e->err, KERR_OK);
	assert_int_equal(e->len, n);
	assert_memory_equal(e->data, want, n);
	escpos_finish(e);
	escpos_init(e, ESCPOS_DEFAULT_MAX);
}

/* Parses "1D 28 6B ..." into out; returns the byte count. */
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

static void expect_hex(struct escpos *e, const char *want)
{
	uint8_t b[256];

	expect(e, b, hex(want, b, sizeof(b)));
}

static void command_goldens(void **state)
{
	struct escpos e;

	(void)state;
	escpos_init(&e, ESCPOS_DEFAULT_MAX);
	escpos_printer_init(&e);
	expect(&e, BYTES(0x1b, 0x40));
	escpos_align(&e, RECEIPT_LEFT);
	escpos_align(&e, RECEIPT_CENTER);
	escpos_align(&e, RECEIPT_RIGHT);
	expect(&e, BYTES(0x1b, 0x61, 0, 0x1b, 0x61, 1, 0x1b, 0x61, 2));
	escpos_bold(&e, true);
	escpos_bold(&e, false);
	expect(&e, BYTES(0x1b, 0x45, 1, 0x1b, 0x45, 0));
	escpos_size(&e, 1, 1);
	escpos_size(&e, 2, 2);
	escpos_size(&e, 8, 1);
	expect(&e, BYTES(0x1d, 0x21, 0x00, 0x1d, 0x21, 0x11, 0x1d, 0x21, 0x70));
	escpos_feed(&e, 3);
	expect(&e, BYTES(0x1b, 0x64, 3));
	escpos_cut(&e, false);
	escpos_cut(&e, true);
	expect(&e, BYTES(0x1d, 0x56, 0x00, 0x1d, 0x56, 0x01));
	escpos_cjk(&e, true);
	escpos_cjk(&e, false);
	expect(&e, BYTES(0x1c, 0x26, 0x1c, 0x2e));
	escpos_status_request(&e, 1);
	escpos_status_request(&e, 4);
	expect(&e, BYTES(0x10, 0x04, 1, 0x10, 0x04, 4));
	escpos_finish(&e);
}

static void bad_arguments(void **state)
{
	struct escpos e;

	(void)state;
	escpos_init(&e, ESCPOS_DEFAULT_MAX);
	escpos_size(&e, 0, 1);
	assert_int_equal(e.err, KERR_INVAL);
	/* Sticky: nothing more is appended. */
	escpos_printer_init(&e);
	assert_int_equal(e.len, 0);
	escpos_finish(&e);
	escpos_init(&e, ESCPOS_DEFAULT_MAX);
	escpos_feed(&e, 256);
	assert_int_equal(e.err, KERR_INVAL);
	escpos_finish(&e);
	escpos_init(&e, ESCPOS_DEFAULT_MAX);
	escpos_status_request(&e, 5);
	assert_int_equal(e.err, KERR_INVAL);
	escpos_finish(&e);
	escpos_init(&e, ESCPOS_DEFAULT_MAX);
	escpos_align(&e, (enum receipt_align)7);
	assert_int_equal(e.err, KERR_INVAL);
	escpos_finish(&e);
	escpos_finish(NULL);
}

static void gb18030_text(void **state)
{
	struct escpos e;

	(void)state;
	escpos_init(&e, ESCPOS_DEFAULT_MAX);
	escpos_text(&e, "政务服务");
	expect(&e, BYTES(0xd5, 0xfe, 0xce, 0xf1, 0xb7, 0xfe, 0xce, 0xf1));
	escpos_text(&e, "No.1 号");
	expect(&e, BYTES('N', 'o', '.', '1', ' ', 0xba, 0xc5));
	/* A character outside GBK still has a four-byte GB18030 form (U+20BB7 is 95 34 B2 35). */
	escpos_text(&e, "𠮷");
	expect(&e, BYTES(0x95, 0x34, 0xb2, 0x35));
	/* Malformed UTF-8 becomes '?' and the rest still prints. */
	escpos_text(&e, "A\377B\346\224务");
	expect(&e, BYTES('A', '?', 'B', '?', '?', 0xce, 0xf1));
	escpos_finish(&e);
}

static void long_text_converts_in_chunks(void **state)
{
	char s[3 * 400 + 1];
	struct escpos e;

	(void)state;
	for (int i = 0; i < 400; i++)
		memcpy(s + 3 * i, "务", 3);
	s[sizeof(s) - 1] = 0;
	escpos_init(&e, ESCPOS_DEFAULT_MAX);
	escpos_text(&e, s);
	assert_int_equal(e.err, KERR_OK);
	assert_int_equal(e.len, 800);
	assert_int_equal(e.data[798], 0xce);
	assert_int_equal(e.data[799], 0xf1);
	escpos_finish(&e);
}

static void qr_code(void **state)
{
	struct escpos e;

	(void)state;
	escpos_init(&e, ESCPOS_DEFAULT_MAX);
	escpos_qr(&e, "ABC", 6, 'M');
	expect_hex(&e, "1D 28 6B 04 00 31 41 32 00" /* model 2 */
		       "1D 28 6B 03 00 31 43 06"    /* module 6 dots */
		       "1D 28 6B 03 00 31 45 31"    /* level M */
		       "1D 28 6B 06 00 31 50 30 41 42 43"
		       "1D 28 6B 03 00 31 51 30");
	escpos_qr(&e, "x", 3, 'H');
	assert_int_equal(e.data[24], 0x33);
	escpos_finish(&e);
}

static void qr_store_length_is_little_endian(void **state)
{
	static char big[301];
	struct escpos e;

	(void)state;
	memset(big, 'Z', 300);
	escpos_init(&e, ESCPOS_DEFAULT_MAX);
	escpos_qr(&e, big, 4, 'L');
	assert_int_equal(e.err, KERR_OK);
	assert_int_equal(e.data[28], (300 + 3) & 0xff);
	assert_int_equal(e.data[29], (300 + 3) >> 8);
	escpos_finish(&e);
}

static void qr_bad_arguments(void **state)
{
	static char huge[ESCPOS_QR_MAX + 2];
	struct escpos e;

	(void)state;
	memset(huge, '1', ESCPOS_QR_MAX + 1);
	escpos_init(&e, ESCPOS_DEFAULT_MAX);
	escpos_qr(&e, huge, 4, 'L');
	assert_int_equal(e.err, KERR_INVAL);
	escpos_finish(&e);
	escpos_init(&e, ESCPOS_DEFAULT_MAX);
	escpos_qr(&e, "", 4, 'L');
	assert_int_equal(e.err, KERR_INVAL);
	escpos_finish(&e);
	escpos_init(&e, ESCPOS_DEFAULT_MAX);
	escpos_qr(&e, "x", 4, 'X');
	assert_int_equal(e.err, KERR_INVAL);
	escpos_finish(&e);
	escpos_init(&e, ESCPOS_DEFAULT_MAX);
	escpos_qr(&e, "x", 17, 'L');
	assert_int_equal(e.err, KERR_INVAL);
	escpos_finish(&e);
	escpos_init(&e, ESCPOS_DEFAULT_MAX);
	escpos_qr(&e, NULL, 4, 'L');
	assert_int_equal(e.err, KERR_INVAL);
	escpos_finish(&e);
}

static void bounded(void **state)
{
	struct escpos e;

	(void)state;
	escpos_init(&e, 5);
	escpos_printer_init(&e);
	escpos_printer_init(&e);
	assert_int_equal(e.err, KERR_OK);
	escpos_printer_init(&e);
	assert_int_equal(e.err, KERR_FULL);
	assert_int_equal(e.len, 4);
	escpos_finish(&e);
	/* Growth past the first block keeps the bytes. */
	escpos_init(&e, 100000);
	for (int i = 0; i < 5000; i++)
		escpos_raw(&e, "0123456789", 10);
	assert_int_equal(e.err, KERR_OK);
	assert_int_equal(e.len, 50000);
	assert_memory_equal(e.data + 49990, "0123456789", 10);
	escpos_raw(&e, e.data, 50001);
	assert_int_equal(e.err, KERR_FULL);
	escpos_finish(&e);
}

static const uint8_t *find(const struct escpos *e, const void *needle, size_t n, size_t from)
{
	for (size_t i = from; i + n <= e->len; i++)
		if (memcmp(e->data + i, needle, n) == 0)
			return e->data + i;
	return NULL;
}

static size_t count_lf(const struct escpos *e)
{
	size_t n = 0;

	for (size_t i = 0; i < e->len; i++)
		n += e->data[i] == '\n';
	return n;
}

static void receipt_layout(void **state)
{
	static const struct receipt_line lines[] = {
		{ RECEIPT_TEXT, RECEIPT_CENTER, true, 2, "政务服务" },
		{ RECEIPT_RULE },
		{ RECEIPT_TEXT, RECEIPT_LEFT, false, 1, "业务：居住证申领" },
		{ RECEIPT_FEED, RECEIPT_LEFT, false, 2, NULL },
		{ RECEIPT_QR, RECEIPT_CENTER, false, 1, "https://zwfw.example/q/1" },
	};
	const struct receipt_doc doc = { lines, 5 };
	char rule[49];
	struct escpos e;
	uint8_t h[32];
	size_t hn;

	(void)state;
	memset(rule, '-', 48);
	rule[48] = '\n';
	escpos_init(&e, ESCPOS_DEFAULT_MAX);
	assert_int_equal(escpos_render_receipt(&e, &doc), KERR_OK);
	hn = hex("1B 40 1C 26 1B 61 01 1B 45 01 1D 21 11 D5 FE CE F1 B7 FE CE F1 0A", h, sizeof(h));
	assert_memory_equal(e.data, h, hn);
	/* The rule returns to normal style first. */
	hn = hex("1B 61 00 1B 45 00 1D 21 00", h, sizeof(h));
	assert_non_null(find(&e, h, hn, 0));
	assert_non_null(find(&e, rule, sizeof(rule), 0));
	assert_non_null(find(&e, "\x1b\x64\x02", 3, 0));
	assert_non_null(find(&e, "https://zwfw.example/q/1", 24, 0));
	hn = hex("1B 64 04 1D 56 00", h, sizeof(h));
	assert_memory_equal(e.data + e.len - hn, h, hn);
	escpos_finish(&e);
}

static void wrapping(void **state)
{
	static const char *const cases[] = {
		/* 60 ASCII characters: 48 + 12. */
		"012345678901234567890123456789012345678901234567890123456789",
		/* 30 CJK characters take 60 columns: 24 + 6. */
		"一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十",
		/* Words break at the last space. */
		"The quick brown fox jumps over the lazy dog and keeps on running far",
		"a\nb",
		"",
	};
	static const size_t want_lines[] = { 2, 2, 2, 2, 1 };
	static const uint8_t four_lf_five[] = { 0xcb, 0xc4, '\n', 0xce, 0xe5 };
	struct escpos e;

	(void)state;
	for (size_t i = 0; i < 5; i++) {
		struct receipt_line l = { RECEIPT_TEXT, RECEIPT_LEFT, false, 1, cases[i] };
		struct receipt_doc doc = { &l, 1 };

		escpos_init(&e, ESCPOS_DEFAULT_MAX);
		assert_int_equal(escpos_render_receipt(&e, &doc), KERR_OK);
		assert_int_equal(count_lf(&e), want_lines[i]);
		if (i == 0)
			assert_non_null(find(&e, "01234567\n89", 11, 0));
		if (i == 1)
			/* The 24th character, 四, ends the first line; 五 opens the next. */
			assert_non_null(find(&e, four_lf_five, sizeof(four_lf_five), 0));
		if (i == 2)
			assert_non_null(find(&e, "and\nkeeps", 9, 0));
		escpos_finish(&e);
	}
}

static void double_size_wraps_at_24(void **state)
{
	struct receipt_line l = { RECEIPT_TEXT, RECEIPT_LEFT, false, 2,
				  "012345678901234567890123456789" };
	struct receipt_doc doc = { &l, 1 };
	struct escpos e;

	(void)state;
	escpos_init(&e, ESCPOS_DEFAULT_MAX);
	assert_int_equal(escpos_render_receipt(&e, &doc), KERR_OK);
	assert_non_null(find(&e, "0123\n456789", 11, 0));
	escpos_finish(&e);
}

static void bad_receipts(void **state)
{
	struct receipt_line l = { (enum receipt_kind)9, RECEIPT_LEFT, false, 1, "x" };
	struct receipt_doc doc = { &l, 1 };
	struct escpos e;

	(void)state;
	escpos_init(&e, ESCPOS_DEFAULT_MAX);
	assert_int_equal(escpos_render_receipt(&e, &doc), KERR_INVAL);
	escpos_finish(&e);
	l = (struct receipt_line){ RECEIPT_QR, RECEIPT_CENTER, false, 1, NULL };
	escpos_init(&e, ESCPOS_DEFAULT_MAX);
	assert_int_equal(escpos_render_receipt(&e, &doc), KERR_INVAL);
	escpos_finish(&e);
	l = (struct receipt_line){ RECEIPT_TEXT, RECEIPT_CENTER, false, 9, "x" };
	escpos_init(&e, ESCPOS_DEFAULT_MAX);
	assert_int_equal(escpos_render_receipt(&e, &doc), KERR_INVAL);
	escpos_finish(&e);
	l = (struct receipt_line){ RECEIPT_TEXT, RECEIPT_LEFT, false, 1, "x" };
	escpos_init(&e, 10);
	assert_int_equal(escpos_render_receipt(&e, &doc), KERR_FULL);
	escpos_finish(&e);
}

static void status_decoding(void **state)
{
	struct escpos_status st;

	(void)state;
	memset(&st, 0, sizeof(st));
	assert_int_equal(escpos_status_decode(1, 0x12, &st), KERR_OK);
	assert_false(st.offline);
	assert_int_equal(escpos_status_decode(1, 0x1a, &st), KERR_OK);
	assert_true(st.offline);
	assert_int_equal(escpos_status_decode(2, 0x16, &st), KERR_OK);
	assert_true(st.cover_open);
	assert_false(st.paper_stop);
	assert_int_equal(escpos_status_decode(2, 0x72, &st), KERR_OK);
	assert_false(st.cover_open);
	assert_true(st.paper_stop);
	assert_true(st.error);
	assert_int_equal(escpos_status_decode(3, 0x1a, &st), KERR_OK);
	assert_true(st.cutter_error);
	assert_false(st.unrecoverable);
	assert_int_equal(escpos_status_decode(3, 0x72, &st), KERR_OK);
	assert_true(st.unrecoverable);
	assert_true(st.auto_recoverable);
	assert_false(st.cutter_error);
	assert_int_equal(escpos_status_decode(4, 0x1e, &st), KERR_OK);
	assert_true(st.paper_near_end);
	assert_false(st.paper_end);
	assert_int_equal(escpos_status_decode(4, 0x7e, &st), KERR_OK);
	assert_true(st.paper_end);
	assert_int_equal(escpos_status_decode(4, 0x12, &st), KERR_OK);
	assert_false(st.paper_near_end);
	assert_false(st.paper_end);
}

static void status_rejects_non_status_bytes(void **state)
{
	struct escpos_status st, before;

	(void)state;
	for (int n = 1; n <= 4; n++) {
		for (int b = 0; b < 256; b++) {
			memset(&st, 0xa5, sizeof(st));
			before = st;
			enum kerr e = escpos_status_decode(n, (uint8_t)b, &st);

			if ((b & 0x12) == 0x12) {
				assert_int_equal(e, KERR_OK);
			} else {
				assert_int_equal(e, KERR_PROTO);
				assert_memory_equal(&st, &before, sizeof(st));
			}
		}
	}
	assert_int_equal(escpos_status_decode(0, 0x12, &st), KERR_INVAL);
	assert_int_equal(escpos_status_decode(5, 0x12, &st), KERR_INVAL);
}

static void status_round_trip(void **state)
{
	struct escpos_status want = { .offline = true,
				      .cover_open = true,
				      .paper_stop = true,
				      .cutter_error = true,
				      .auto_recoverable = true,
				      .paper_near_end = true };
	struct escpos_status got;
	uint8_t b;

	(void)state;
	memset(&got, 0, sizeof(got));
	for (int n = 1; n <= 4; n++) {
		assert_int_equal(escpos_status_encode(n, &want, &b), KERR_OK);
		assert_int_equal(b & 0x12, 0x12);
		assert_int_equal(escpos_status_decode(n, b, &got), KERR_OK);
	}
	assert_memory_equal(&got, &want, sizeof(got));
	assert_int_equal(escpos_status_encode(0, &want, &b), KERR_INVAL);
}

/* Which fault a status stands for, the worst first: what the kiosk tells the resident. */
static void status_faults(void **state)
{
	static const struct {
		struct escpos_status st;
		enum kerr want;
		const char *detail;
	} cases[] = {
		{ { 0 }, KERR_OK, "ready" },
		{ { .paper_near_end = true }, KERR_OK, "paper near end" },
		{ { .paper_end = true, .paper_near_end = true, .offline = true }, KERR_PAPER_OUT,
		  "paper out" },
		{ { .paper_stop = true }, KERR_PAPER_OUT, "paper out" },
		{ { .cover_open = true, .paper_end = true, .offline = true }, KERR_COVER_OPEN,
		  "cover open" },
		{ { .cutter_error = true, .error = true }, KERR_JAMMED, "cutter or mechanism error" },
		{ { .unrecoverable = true }, KERR_JAMMED, "cutter or mechanism error" },
		{ { .auto_recoverable = true, .error = true }, KERR_IO, "printer error" },
		{ { .offline = true }, KERR_IO, "offline" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *detail = NULL;

		assert_int_equal(escpos_status_fault(&cases[i].st, &detail), cases[i].want);
		assert_string_equal(detail, cases[i].detail);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(command_goldens),
		cmocka_unit_test(bad_arguments),
		cmocka_unit_test(gb18030_text),
		cmocka_unit_test(long_text_converts_in_chunks),
		cmocka_unit_test(qr_code),
		cmocka_unit_test(qr_store_length_is_little_endian),
		cmocka_unit_test(qr_bad_arguments),
		cmocka_unit_test(bounded),
		cmocka_unit_test(receipt_layout),
		cmocka_unit_test(wrapping),
		cmocka_unit_test(double_size_wraps_at_24),
		cmocka_unit_test(bad_receipts),
		cmocka_unit_test(status_decoding),
		cmocka_unit_test(status_rejects_non_status_bytes),
		cmocka_unit_test(status_round_trip),
		cmocka_unit_test(status_faults),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
