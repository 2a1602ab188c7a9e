/* The provisioning file's parser: good files, and every kind of malformed one refused with its line named. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "kiosk/hwinfo.h"
#include "kiosk/provision.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define GOOD                                                                                              \
	"terminal.id = ZW3101150001\nterminal.site = 花木街道便民服务中心\nterminal.region = 310115\n"            \
	"platform.url = https://zwfw.example.gov.cn/kiosk\nplatform.ca = ca.pem\n"

static enum kerr parse(const char *text, struct provision *p, char *err)
{
	return provision_parse(text, strlen(text), p, err, 256);
}

static void test_good(void **state)
{
	struct provision p;
	char err[256] = "";

	(void)state;
	assert_int_equal(parse("# comment\n\n" GOOD, &p, err), KERR_OK);
	assert_string_equal(p.terminal_id, "ZW3101150001");
	assert_string_equal(p.site, "花木街道便民服务中心");
	assert_string_equal(p.timezone, "Asia/Shanghai");
	assert_string_equal(p.token, "");
	/* Windows line ends and a BOM, as a file made on a technician's laptop has. */
	assert_int_equal(parse("\xef\xbb\xbfterminal.id = ZW1\r\n"
			       "terminal.id2 = x\r\n",
			       &p, err),
			 KERR_INVAL);
	assert_string_equal(err, "line 1: terminal.id must be 4 to 31 capital letters and digits");
	assert_int_equal(parse("\xef\xbb\xbf" GOOD "terminal.timezone = Asia/Urumqi\r\n"
			       "platform.pin = sha256//YhKJKSzoTt2b5FP18fvpHo7fJYqQCjAa3HWY3tvRMwE=\n"
			       "eval.province = province-b\nenrol.token = 7Q2M-K9XD\n",
			       &p, err),
			 KERR_OK);
	assert_string_equal(p.timezone, "Asia/Urumqi");
	assert_string_equal(p.province, "province-b");
}

static void test_malformed(void **state)
{
	static const struct {
		const char *text, *why;
	} bad[] = {
		{ "terminal.id ZW1234\n", "line 1: is not \"key = value\"" },
		{ GOOD "colour = blue\n", "line 6: unknown key \"colour\"" },
		{ GOOD "terminal.id = ZW9999\n", "line 6: terminal.id is given twice" },
		{ "terminal.id = ZW3101150001\n", "terminal.site is missing" },
		{ GOOD "platform.pin = md5//abc\n", "line 6: platform.pin must be sha256// and the key's base64 digest" },
		{ "terminal.id = ZW1234\nterminal.region = 3101\n", "line 2: terminal.region must be the 6-digit division code" },
		{ "platform.url = http://x\n", "line 1: platform.url must start with https://" },
		{ "platform.url = https://a b\n", "line 1: platform.url has characters a URL cannot hold" },
		{ "platform.ca = ../../etc/shadow\n", "line 1: platform.ca must be a file name beside this file" },
		{ "terminal.timezone = /etc/passwd\n", "line 1: terminal.timezone must be a zone name like Asia/Shanghai" },
		{ "eval.province = ../x\n", "line 1: eval.province must be letters, digits, - _ or ." },
		{ "terminal.site =\n", "line 1: terminal.site is empty" },
		{ "terminal.site = a\x01b\n", "line 1: holds a control character" },
		{ "terminal.site = \xff\xfe\n", "line 1: is not UTF-8 text" },
		{ "terminal.site = \xe8\x8a\n", "line 1: is not UTF-8 text" },
	};
	struct provision p;
	char err[256];

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memset(err, 0, sizeof(err));
		assert_int_equal(parse(bad[i].text, &p, err), KERR_INVAL);
		assert_string_equal(err, bad[i].why);
	}
}

static void test_bytes(void **state)
{
	struct provision p;
	char err[256], *big;
	static const char nul[] = "terminal.id = ZW12\0 34\n";

	(void)state;
	assert_int_equal(provision_parse(nul, sizeof(nul) - 1, &p, err, sizeof(err)), KERR_INVAL);
	assert_string_equal(err, "line 1: holds a NUL byte");
	big = malloc(PROVISION_MAX_BYTES + 2);
	assert_non_null(big);
	memset(big, '#', PROVISION_MAX_BYTES + 1);
	assert_int_equal(provision_parse(big, PROVISION_MAX_BYTES + 1, &p, err, sizeof(err)), KERR_INVAL);
	/* One long line. */
	assert_int_equal(provision_parse(big, 600, &p, err, sizeof(err)), KERR_INVAL);
	assert_string_equal(err, "line 1: longer than 511 bytes");
	free(big);
	/* No newline at the end, and nothing at all. */
	assert_int_equal(provision_parse(GOOD "terminal.phone = 12345", strlen(GOOD "terminal.phone = 12345"), &p, err, sizeof(err)),
			 KERR_OK);
	assert_string_equal(p.phone, "12345");
	assert_int_equal(provision_parse("", 0, &p, err, sizeof(err)), KERR_INVAL);
	assert_string_equal(err, "terminal.id is missing");
	assert_string_equal(provision_state_str(PROVISION_PENDING), "pending");
}

static void test_hwinfo(void **state)
{
	char dir[] = "/tmp/kiosk-hw-XXXXXX", cmd[512];
	struct hwinfo hw;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(cmd, sizeof(cmd),
		 "cd %s && mkdir -p etc sys/class/dmi/id sys/class/net/lo sys/class/net/eth1 sys/class/net/eth0 && "
		 "echo 0123456789abcdef0123 >etc/machine-id && echo 'To be filled by O.E.M.' "
		 ">sys/class/dmi/id/product_serial && echo 00:00:00:00:00:00 >sys/class/net/lo/address && "
		 "echo 52:54:00:00:00:02 >sys/class/net/eth1/address && echo 52:54:00:00:00:01 "
		 ">sys/class/net/eth0/address",
		 dir);
	assert_int_equal(system(cmd), 0);
	hwinfo_read(dir, &hw);
	assert_string_equal(hw.serial, "0123456789ab");
	assert_string_equal(hw.mac, "52:54:00:00:00:01");
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	assert_int_equal(system(cmd), 0);
	hwinfo_read("/nonexistent", &hw);
	assert_string_equal(hw.serial, "未知");
	assert_string_equal(hw.mac, "未知");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_bytes),
		cmocka_unit_test(test_hwinfo),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
