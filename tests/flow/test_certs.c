/* 证照打印 end to end: the real kiosk binary headless against the reference platform (HTTPS with a client
 * certificate) and the simulated A4 printer. The printed PDF must be byte-for-byte the platform's document, a
 * resident with none is told so, an unreachable platform and a printer fault each get their message and a way on,
 * and no certificate stays in the data folder once printed. */
#include <dirent.h>
#include <jansson.h>
#include <openssl/evp.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "tests/support/journey_script.h"
#include "tests/support/plat_proc.h"

#define HOLDER "\"id_type\":\"111\",\"id_number\":\"11010519491231002X\",\"holder_name\":\"王小英\""

static void issue(struct plat_proc *p)
{
	plat_proc_admin(p, "/admin/certificates",
			"{" HOLDER ",\"title\":\"城乡居民基本养老保险参保缴费证明\",\"issuer\":\"东城区社会保险事业管理中心\","
			"\"issued_date\":\"20261120\",\"lines\":[\"参保状态：正常参保\"]}");
	plat_proc_admin(p, "/admin/certificates",
			"{" HOLDER ",\"title\":\"无犯罪记录证明\",\"issuer\":\"北京市公安局东城分局\","
			"\"issued_date\":\"20261118\"}");
}

static void conf_for(struct fixture *f, struct plat_proc *p)
{
	char conf[1024], ca[128], cert[128], key[128];

	snprintf(conf, sizeof(conf),
		 "platform.url = %s\nplatform.backoff_base_ms = 200\nplatform.ca = %s\nplatform.cert = %s\n"
		 "platform.key = %s\ndocprint.latency_ms = 1000\n",
		 p->url, plat_proc_path(p, "pki/ca.pem", ca, sizeof(ca)),
		 plat_proc_path(p, "pki/client.pem", cert, sizeof(cert)),
		 plat_proc_path(p, "pki/client.key", key, sizeof(key)));
	write_conf(f, conf);
}

static void to_list(struct fixture *f, const char *card)
{
	line(f, "expect HOME");
	line(f, "tap tile.3");
	line(f, "expect CERTS_CARD");
	line(f, "dev idcard insert %s", card);
	line(f, "wait 3000");
	line(f, "expect CERTS");
	line(f, "sync");
}

static void file_sha256(const char *path, char out[65])
{
	FILE *fp = fopen(path, "rb");
	unsigned char buf[8192], md[32];
	unsigned int n = 0;
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	size_t got;

	assert_non_null(fp);
	EVP_DigestInit_ex(ctx, EVP_sha256(), NULL);
	while ((got = fread(buf, 1, sizeof(buf), fp)) > 0)
		EVP_DigestUpdate(ctx, buf, got);
	EVP_DigestFinal_ex(ctx, md, &n);
	EVP_MD_CTX_free(ctx);
	fclose(fp);
	for (unsigned i = 0; i < 32; i++)
		snprintf(out + 2 * i, 3, "%02x", md[i]);
}

/* Files named cert-* in data/a4: the PDFs kept for the printer. */
static int left_in_a4_named(struct fixture *f, const char *prefix)
{
	char dir[256];
	DIR *d;
	struct dirent *e;
	int n = 0;

	snprintf(dir, sizeof(dir), "%s/a4", f->data);
	d = opendir(dir);
	if (!d)
		return 0;
	while ((e = readdir(d)))
		n += strncmp(e->d_name, prefix, strlen(prefix)) == 0 && strstr(e->d_name, ".pdf") != NULL;
	closedir(d);
	return n;
}

static int left_in_a4(struct fixture *f)
{
	return left_in_a4_named(f, "cert-");
}

/* The A4 acceptance receipt names the resident too: its PDF goes once the printer has it. */
static void test_a4_receipt_not_kept(void **state)
{
	struct fixture *f = *state;
	char spooled[256];
	FILE *fp;

	write_conf(f, "docprint.a4_receipt = true\ndocprint.latency_ms = 1000");
	begin(f);
	to_form(f, item_where(f, has_scan), "resident");
	scan_materials(f, item_where(f, has_scan), all);
	line(f, "tap footer.next");
	finish_with_rating(f, 0);
	line(f, "wait 3000");
	assert_int_equal(run(f), 0);
	snprintf(spooled, sizeof(spooled), "%s/docprint/job-1.pdf", f->data);
	fp = fopen(spooled, "rb");
	assert_non_null(fp);
	fclose(fp);
	assert_int_equal(left_in_a4_named(f, ""), 0);
}

static void test_print_a_certificate(void **state)
{
	struct fixture *f = *state;
	struct plat_proc p = { 0 };
	char spooled[256], sha[65];

	plat_proc_start(&p, 0, true);
	issue(&p);
	conf_for(f, &p);
	begin(f);
	to_list(f, "resident");
	line(f, "expect-text 城乡居民基本养老保险参保缴费证明");
	line(f, "expect-text 无犯罪记录证明");
	line(f, "tap cert.0");
	line(f, "expect CERT_PRINT");
	line(f, "sync");
	line(f, "wait 2000");
	line(f, "expect CERT_DONE");
	line(f, "expect-text 请在A4出纸口取走您的证明");
	/* Another one, then the evaluation closes the service. */
	line(f, "tap footer.back");
	line(f, "expect CERTS");
	line(f, "tap cert.1");
	line(f, "sync");
	line(f, "wait 2000");
	line(f, "expect CERT_DONE");
	line(f, "tap footer.next");
	line(f, "expect EVAL");
	line(f, "sync");
	assert_int_equal(run(f), 0);

	/* The platform holds a record of each print, once (section 7a). */
	{
		json_t *st = plat_proc_state(&p), *prints = json_object_get(st, "certificate_prints");

		assert_int_equal(json_array_size(prints), 2);
		assert_string_equal(json_string_value(json_object_get(json_array_get(prints, 0), "cert_id")),
				    "ZM-20261120-000001");
		assert_string_equal(json_string_value(json_object_get(json_array_get(prints, 1), "cert_id")),
				    "ZM-20261118-000002");
		assert_true(json_integer_value(json_object_get(json_array_get(prints, 0), "pages")) >= 1);
		json_decref(st);
	}
	/* What the printer got is the platform's document, byte for byte. */
	snprintf(spooled, sizeof(spooled), "%s/docprint/job-1.pdf", f->data);
	file_sha256(spooled, sha);
	{
		json_t *st = plat_proc_state(&p);
		json_t *c0 = json_array_get(json_object_get(st, "certificates"), 0);

		assert_non_null(c0);
		assert_string_equal(json_string_value(json_object_get(c0, "sha256")), sha);
		json_decref(st);
	}
	assert_true(log_has(f, "certs: ZM-20261120-000001 printed"));
	assert_true(log_has(f, "certs: ZM-20261118-000002 printed"));
	assert_int_equal(left_in_a4(f), 0);
	plat_proc_cleanup(&p);
}

static void test_none_for_this_resident(void **state)
{
	struct fixture *f = *state;
	struct plat_proc p = { 0 };

	plat_proc_start(&p, 0, true);
	issue(&p);
	conf_for(f, &p);
	begin(f);
	to_list(f, "elder");
	line(f, "expect-text 暂时没有您可以自助打印的证明");
	line(f, "expect-no-text 无犯罪记录证明");
	line(f, "tap footer.next");
	line(f, "expect EVAL");
	assert_int_equal(run(f), 0);
	plat_proc_cleanup(&p);
}

static void test_platform_unreachable_then_back(void **state)
{
	struct fixture *f = *state;
	struct plat_proc p = { 0 };
	unsigned port;

	plat_proc_start(&p, 0, true);
	issue(&p);
	port = p.port;
	plat_proc_stop(&p);
	conf_for(f, &p);
	begin(f);
	to_list(f, "resident");
	line(f, "expect-text 暂时无法连接政务服务平台");
	line(f, "expect-no-text 无犯罪记录证明");
	line(f, "quit");
	assert_int_equal(run(f), 0);

	/* The same kiosk data, the platform back on its port: 重新查询 lists them. */
	plat_proc_start(&p, port, true);
	begin(f);
	to_list(f, "resident");
	line(f, "expect-text 无犯罪记录证明");
	assert_int_equal(run(f), 0);
	plat_proc_cleanup(&p);
}

static void test_printer_out_of_paper(void **state)
{
	struct fixture *f = *state;
	struct plat_proc p = { 0 };

	plat_proc_start(&p, 0, true);
	issue(&p);
	conf_for(f, &p);
	begin(f);
	to_list(f, "resident");
	line(f, "dev docprint fault paper-out on");
	line(f, "tap cert.0");
	line(f, "sync");
	line(f, "wait 2000");
	line(f, "expect CERT_PRINT");
	line(f, "expect-text A4打印机缺纸");
	line(f, "expect-no-text A4打印机已恢复正常");
	line(f, "dev docprint fault paper-out off");
	/* Paper back: the resident hears so, and is offered the print again. */
	line(f, "wait 1000");
	line(f, "expect CERT_PRINT");
	line(f, "expect-text A4打印机已恢复正常");
	line(f, "tap cert.retry");
	line(f, "wait 2000");
	line(f, "expect CERT_DONE");
	/* Home wipes the session: nothing of the holder's stays behind. */
	line(f, "tap footer.home");
	line(f, "expect HOME");
	assert_int_equal(run(f), 0);
	assert_int_equal(left_in_a4(f), 0);
	plat_proc_cleanup(&p);
}

static void test_tile_needs_a_platform(void **state)
{
	struct fixture *f = *state;

	write_conf(f, NULL);
	begin(f);
	line(f, "tap tile.3");
	line(f, "expect HOME");
	line(f, "expect-text 暂不能自助打印证照");
	assert_int_equal(run(f), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_print_a_certificate, setup, teardown),
		cmocka_unit_test_setup_teardown(test_none_for_this_resident, setup, teardown),
		cmocka_unit_test_setup_teardown(test_platform_unreachable_then_back, setup, teardown),
		cmocka_unit_test_setup_teardown(test_printer_out_of_paper, setup, teardown),
		cmocka_unit_test_setup_teardown(test_tile_needs_a_platform, setup, teardown),
		cmocka_unit_test_setup_teardown(test_a4_receipt_not_kept, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
