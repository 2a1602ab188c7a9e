/* Receipt layouts through the simulated printer: golden ESC/POS bytes
 * (tests/golden/receipt/NAME.hex) and the golden paper the printer puts out (NAME.png) for every
 * layout. A missing golden is created; a mismatch writes <name>_err.* beside it; UPDATE_GOLDEN=1
 * refreshes them. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "drivers/receipt_layout.h"
#include "drivers/sim.h"

#include <cairo.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define GOLDEN SRCDIR "/tests/golden/receipt"

static const struct receipt_material missing[] = {
	{ "户口簿", "缺少，可容缺后补" },
	{ "近期一寸免冠照片", "缺少，必须提交" },
};

static const struct receipt_case sample = {
	.hall = "政务服务自助终端 · 花木街道便民服务中心",
	.case_no = "ZW3101150001202506030001",
	.item = "城乡居民基本养老保险参保登记",
	.applicant = "王*英",
	.id_number = "3101**********0023",
	.accepted = "2025-06-03 10:05",
	.promised = "2025-06-12（7个工作日）",
	.query_code = "8KQ2M7",
	.qr = "ZWFW:ZW3101150001202506030001:8KQ2M7",
	.phone = "12345",
	.deadline = "2025-06-17",
	.missing = missing,
	.n_missing = 2,
};

static void post(void *ctx, const struct dev_event *ev)
{
	(void)ctx;
	(void)ev;
}

static bool updating(void)
{
	const char *u = getenv("UPDATE_GOLDEN");

	return u && *u && strcmp(u, "0") != 0;
}

static char *read_all(const char *path, size_t *ret_len)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long n;

	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc((size_t)n + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	buf[n] = 0;
	fclose(f);
	*ret_len = (size_t)n;
	return buf;
}

static void write_all(const char *path, const void *p, size_t n)
{
	FILE *f = fopen(path, "wb");

	assert_non_null(f);
	assert_int_equal(fwrite(p, 1, n, f), n);
	fclose(f);
}

/* 16 bytes a line: a golden a reviewer can diff. */
static char *hex_dump(const uint8_t *p, size_t n)
{
	char *s = malloc(n * 3 + n / 16 + 2);
	size_t o = 0;

	assert_non_null(s);
	for (size_t i = 0; i < n; i++)
		o += (size_t)sprintf(s + o, "%02X%s", p[i],
				     (i % 16 == 15 || i + 1 == n) ? "\n" : " ");
	s[o] = 0;
	return s;
}

static void golden_bytes(const char *name, const uint8_t *p, size_t n)
{
	char path[512], err[512];
	char *want, *got = hex_dump(p, n);
	size_t len;

	snprintf(path, sizeof(path), "%s/%s.hex", GOLDEN, name);
	snprintf(err, sizeof(err), "%s/%s_err.hex", GOLDEN, name);
	want = read_all(path, &len);
	if (!want || updating()) {
		write_all(path, got, strlen(got));
	} else if (strcmp(want, got) != 0) {
		write_all(err, got, strlen(got));
		fail_msg("%s differs from its golden; see %s", name, err);
	} else {
		unlink(err);
	}
	free(want);
	free(got);
}

static bool same_pixels(const char *a, const char *b)
{
	cairo_surface_t *x = cairo_image_surface_create_from_png(a);
	cairo_surface_t *y = cairo_image_surface_create_from_png(b);
	bool same = cairo_surface_status(x) == CAIRO_STATUS_SUCCESS &&
		    cairo_surface_status(y) == CAIRO_STATUS_SUCCESS &&
		    cairo_image_surface_get_width(x) == cairo_image_surface_get_width(y) &&
		    cairo_image_surface_get_height(x) == cairo_image_surface_get_height(y);

	if (same) {
		int h = cairo_image_surface_get_height(x), w = cairo_image_surface_get_width(x);
		const uint32_t *px = (const uint32_t *)cairo_image_surface_get_data(x);
		const uint32_t *py = (const uint32_t *)cairo_image_surface_get_data(y);
		int sx = cairo_image_surface_get_stride(x) / 4,
		    sy = cairo_image_surface_get_stride(y) / 4;

		for (int r = 0; r < h && same; r++)
			for (int c = 0; c < w && same; c++)
				same = (px[r * sx + c] & 0xffffff) == (py[r * sy + c] & 0xffffff);
	}
	cairo_surface_destroy(x);
	cairo_surface_destroy(y);
	return same;
}

static void golden_png(const char *name, const char *got)
{
	char path[512], err[512];
	size_t len;
	char *data = read_all(got, &len);

	assert_non_null(data);
	snprintf(path, sizeof(path), "%s/%s.png", GOLDEN, name);
	snprintf(err, sizeof(err), "%s/%s_err.png", GOLDEN, name);
	if (access(path, F_OK) != 0 || updating()) {
		write_all(path, data, len);
	} else if (!same_pixels(path, got)) {
		write_all(err, data, len);
		fail_msg("%s prints differently from its golden; see %s", name, err);
	} else {
		unlink(err);
	}
	free(data);
}

/* Prints doc on the simulated printer and checks both goldens of name. */
static void print_golden(const char *name, const struct receipt_doc *doc)
{
	struct dev_config cfg = { .backend = "sim" };
	struct dev_sink sink = { post, NULL };
	char dir[] = "/tmp/test_receipt_layout.XXXXXX", png[128], bin[128];
	struct clock clock;
	struct dev *d;
	const uint8_t *bytes;
	size_t len;
	int job = 0, kept = 0;

	assert_non_null(mkdtemp(dir));
	snprintf(cfg.path, sizeof(cfg.path), "%s", dir);
	clock_init_virtual(&clock, 1748916300000LL);
	assert_int_equal(receipt_open(&cfg, &sink, &clock, &d), KERR_OK);
	assert_int_equal(receipt_print(d, doc, &job), KERR_OK);
	dev_poll(d, clock_now_ms(&clock));
	assert_int_equal(receipt_sim_get_last_job(d, &bytes, &len, &kept), KERR_OK);
	assert_int_equal(kept, job);
	golden_bytes(name, bytes, len);
	snprintf(png, sizeof(png), "%s/job-%d.png", dir, job);
	snprintf(bin, sizeof(bin), "%s/job-%d.bin", dir, job);
	golden_png(name, png);
	dev_destroy(d);
	unlink(png);
	unlink(bin);
	rmdir(dir);
}

static void acceptance(void **state)
{
	struct receipt_build b;
	struct receipt_doc doc;
	struct receipt_case c = sample;

	(void)state;
	c.missing = NULL;
	c.n_missing = 0;
	receipt_build_init(&b);
	receipt_layout_acceptance(&b, &c);
	assert_int_equal(receipt_build_doc(&b, &doc), KERR_OK);
	print_golden("acceptance", &doc);
	receipt_build_finish(&b);
}

static void acceptance_with_commitment(void **state)
{
	struct receipt_build b;
	struct receipt_doc doc;

	(void)state;
	receipt_build_init(&b);
	receipt_layout_acceptance(&b, &sample);
	receipt_layout_commitment(&b, &sample);
	assert_int_equal(receipt_build_doc(&b, &doc), KERR_OK);
	print_golden("acceptance_commitment", &doc);
	receipt_build_finish(&b);
}

/* 补打: the same case again, marked so it is never taken for a second case. */
static void acceptance_reprint(void **state)
{
	struct receipt_build b;
	struct receipt_doc doc;
	struct receipt_case c = sample;

	(void)state;
	c.reprinted = "2025-06-04 14:20";
	receipt_build_init(&b);
	receipt_layout_acceptance(&b, &c);
	assert_int_equal(receipt_build_doc(&b, &doc), KERR_OK);
	assert_string_equal(doc.lines[0].text, "受理回执（补打）");
	assert_string_equal(doc.lines[3].text, "补打件 重打印时间：2025-06-04 14:20");
	print_golden("acceptance_reprint", &doc);
	receipt_build_finish(&b);
}

static void immediate_case(void **state)
{
	struct receipt_build b;
	struct receipt_doc doc;
	struct receipt_case c = sample;

	(void)state;
	c.promised = NULL;
	c.n_missing = 0;
	receipt_build_init(&b);
	receipt_layout_acceptance(&b, &c);
	assert_int_equal(receipt_build_doc(&b, &doc), KERR_OK);
	print_golden("acceptance_immediate", &doc);
	receipt_build_finish(&b);
}

static void notice(void **state)
{
	struct receipt_build b;
	struct receipt_doc doc;
	struct receipt_case c = sample;

	(void)state;
	c.qr = "https://zwfw.example.gov.cn/guide/3101150001";
	receipt_build_init(&b);
	receipt_layout_notice(&b, &c);
	assert_int_equal(receipt_build_doc(&b, &doc), KERR_OK);
	print_golden("notice", &doc);
	receipt_build_finish(&b);
}

static void ticket(void **state)
{
	const struct receipt_ticket t = {
		.hall = "花木街道便民服务中心",
		.number = "A023",
		.item = "社会保障",
		.waiting = 4,
		.issued = "2025-06-03 10:05",
		.qr = "ZWFW-Q:A023",
	};
	struct receipt_build b;
	struct receipt_doc doc;

	(void)state;
	receipt_build_init(&b);
	receipt_layout_ticket(&b, &t);
	assert_int_equal(receipt_build_doc(&b, &doc), KERR_OK);
	print_golden("ticket", &doc);
	receipt_build_finish(&b);
}

static void builder_bounds(void **state)
{
	static struct receipt_build b;
	struct receipt_doc doc = { NULL, 7 };
	char big[2048];

	(void)state;
	receipt_build_init(&b);
	for (int i = 0; i < RECEIPT_BUILD_LINES; i++)
		receipt_build_add(&b, RECEIPT_RULE, RECEIPT_LEFT, false, 1, NULL);
	assert_int_equal(b.err, KERR_OK);
	receipt_build_add(&b, RECEIPT_RULE, RECEIPT_LEFT, false, 1, NULL);
	assert_int_equal(receipt_build_doc(&b, &doc), KERR_FULL);
	assert_null(doc.lines);
	receipt_build_init(&b);
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = 0;
	for (int i = 0; i < 7; i++)
		receipt_build_add(&b, RECEIPT_TEXT, RECEIPT_LEFT, false, 1, "%s", big);
	assert_int_equal(b.err, KERR_FULL);
	assert_int_equal(b.n, RECEIPT_BUILD_TEXT / sizeof(big));
	receipt_build_finish(&b);
	receipt_build_finish(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(acceptance),	  cmocka_unit_test(acceptance_with_commitment),
		cmocka_unit_test(immediate_case), cmocka_unit_test(notice),
		cmocka_unit_test(acceptance_reprint),
		cmocka_unit_test(ticket),	  cmocka_unit_test(builder_bounds),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
