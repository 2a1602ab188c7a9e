/* A4 PDFs of receipt descriptions: pages, footers with the identifier, bad documents. */
#define _GNU_SOURCE /* memmem */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "drivers/docpdf.h"
#include "drivers/receipt_layout.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char *slurp(const char *path, size_t *ret_len)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long n;

	assert_non_null(f);
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

/* Page objects in cairo's output ("/Type /Page" not followed by 's'). */
static int pages(const char *pdf, size_t len)
{
	const char *p = pdf, *end = pdf + len;
	int n = 0;

	while (p < end && (p = memmem(p, (size_t)(end - p), "/Type /Page", 11))) {
		p += 11;
		if (p < end && *p != 's')
			n++;
	}
	return n;
}

static void writes_pages(void **state)
{
	static const struct receipt_material missing[] = { { "户口簿", "缺少，可容缺后补" } };
	const struct receipt_case c = {
		.hall = "花木街道便民服务中心",
		.case_no = "ZW3101150001202506030001",
		.item = "城乡居民基本养老保险参保登记",
		.applicant = "王*英",
		.accepted = "2025-06-03 10:05",
		.qr = "ZWFW:ZW3101150001202506030001:8KQ2M7",
		.missing = missing,
		.n_missing = 1,
	};
	static struct receipt_build b;
	struct receipt_doc doc;
	char path[] = "/tmp/test_docpdf.XXXXXX";
	int fd = mkstemp(path);
	size_t len;
	char *pdf;

	(void)state;
	assert_true(fd >= 0);
	close(fd);
	receipt_build_init(&b);
	receipt_layout_acceptance(&b, &c);
	receipt_layout_commitment(&b, &c);
	assert_int_equal(receipt_build_doc(&b, &doc), KERR_OK);
	assert_int_equal(docpdf_write(&doc, c.case_no, c.qr, path), KERR_OK);
	pdf = slurp(path, &len);
	assert_memory_equal(pdf, "%PDF-", 5);
	/* The commitment starts its own page. */
	assert_int_equal(pages(pdf, len), 2);
	assert_non_null(memmem(pdf, len, c.case_no, strlen(c.case_no)));
	free(pdf);
	/* Many lines flow onto more pages. */
	receipt_build_init(&b);
	for (int i = 0; i < 100; i++)
		receipt_build_add(&b, RECEIPT_TEXT, RECEIPT_LEFT, false, 1, "第%d行：材料清单", i);
	assert_int_equal(receipt_build_doc(&b, &doc), KERR_OK);
	assert_int_equal(docpdf_write(&doc, "CERT-0001", NULL, path), KERR_OK);
	pdf = slurp(path, &len);
	assert_true(pages(pdf, len) >= 3);
	free(pdf);
	receipt_build_finish(&b);
	unlink(path);
}

static void bad_documents(void **state)
{
	struct receipt_line l = { RECEIPT_QR, RECEIPT_LEFT, false, 1, NULL };
	struct receipt_doc doc = { &l, 1 };
	static struct receipt_build b;

	(void)state;
	assert_int_equal(docpdf_write(&doc, "x", NULL, "/tmp/never.pdf"), KERR_INVAL);
	l = (struct receipt_line){ (enum receipt_kind)42, RECEIPT_LEFT, false, 1, "x" };
	assert_int_equal(docpdf_write(&doc, "x", NULL, "/tmp/never.pdf"), KERR_INVAL);
	assert_int_equal(docpdf_write(NULL, "x", NULL, "/tmp/never.pdf"), KERR_INVAL);
	assert_int_not_equal(access("/tmp/never.pdf", F_OK), 0);
	l = (struct receipt_line){ RECEIPT_TEXT, RECEIPT_LEFT, false, 1, "x" };
	assert_int_equal(docpdf_write(&doc, "x", NULL, "/no/such/dir/x.pdf"), KERR_IO);
	/* More than 50 pages is not a kiosk document. */
	receipt_build_init(&b);
	for (int i = 0; i < 60; i++)
		receipt_build_add(&b, RECEIPT_CUT, RECEIPT_LEFT, false, 1, NULL);
	assert_int_equal(receipt_build_doc(&b, &doc), KERR_OK);
	assert_int_equal(docpdf_write(&doc, "x", NULL, "/tmp/never.pdf"), KERR_FULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(writes_pages),
		cmocka_unit_test(bad_documents),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
