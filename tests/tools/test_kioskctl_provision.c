/* kioskctl provision end to end: a provisioning file and a CA made here, the key and request in a temporary data
 * folder, the request signed by that CA with openssl, the certificate installed, and the kiosk's screen at each
 * stage (not provisioned, waiting for the certificate, home). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

struct fx {
	char dir[64];
};

static int sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int sh(const char *fmt, ...)
{
	char cmd[4096];
	va_list ap;
	int rc;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	rc = system(cmd);
	return rc == -1 ? -1 : WEXITSTATUS(rc);
}

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));

	snprintf(f->dir, sizeof(f->dir), "/tmp/kiosk-prov-XXXXXX");
	if (!mkdtemp(f->dir))
		return -1;
	/* A CA, a data folder, a provisioning file beside the CA; all output kept in log. */
	if (sh("cd %s && mkdir data && openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes "
	       "-keyout ca.key -out ca.pem -days 30 -subj /CN=test-ca >>log 2>&1",
	       f->dir) != 0)
		return -1;
	if (sh("cd %s && printf '%%s\\n' '# a terminal' 'terminal.id = ZW3101150001' "
	       "'terminal.site = 花木街道便民服务中心' 'terminal.region = 310115' "
	       "'platform.url = https://127.0.0.1:1/kiosk' 'platform.ca = ca.pem' 'eval.province = province-a' "
	       "'enrol.token = 7Q2M-K9XD' >kiosk-provision.conf",
	       f->dir) != 0)
		return -1;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;

	sh("rm -rf %s", f->dir);
	free(f);
	return 0;
}

/* The kiosk on a one-line script in the provisioned data folder: which screen it shows. */
static int kiosk_shows(struct fx *f, const char *text)
{
	return sh("cd %s && printf '%%s\\n' 'expect HOME' 'expect-text %s' >script && "
		  "printf 'catalog.path = %s/assets/catalog.json\\nprovision.required = true\\nstore.reserve_mb = 1\\n"
		  "display.width = 640\\ndisplay.height = 480\\n' >kiosk.conf && "
		  "%s --config kiosk.conf --data data --script script >>log 2>&1",
		  f->dir, text, SRCDIR, KIOSK_BIN);
}

static void test_provision_flow(void **state)
{
	struct fx *f = *state;
	struct stat st;
	char path[256];

	assert_int_equal(kiosk_shows(f, "本终端尚未开通"), 0);
	assert_int_equal(sh("%s provision status --data %s/data | grep -qx none", KIOSKCTL_BIN, f->dir), 0);

	assert_int_equal(sh("cd %s && %s provision kiosk-provision.conf --data data --assets %s/assets >>log 2>&1",
			    f->dir, KIOSKCTL_BIN, SRCDIR),
			 0);
	snprintf(path, sizeof(path), "%s/data/identity/terminal.key", f->dir);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	/* The request: the terminal's id, its P-256 key, the token, a good signature. */
	assert_int_equal(sh("cd %s/data/identity && openssl req -in terminal.csr -noout -verify -text >csr.txt 2>&1 && "
			    "grep -q 'CN = ZW3101150001' csr.txt && grep -q 'prime256v1' csr.txt && "
			    "grep -q '7Q2M-K9XD' csr.txt && rm csr.txt",
			    f->dir),
			 0);
	assert_int_equal(sh("grep -q '^eval.mapping = .*province-a.conf' %s/data/provision.conf", f->dir), 0);
	assert_int_equal(sh("%s provision status --data %s/data | grep -q '^pending terminal ZW3101150001'",
			    KIOSKCTL_BIN, f->dir),
			 0);
	assert_int_equal(kiosk_shows(f, "等待证书签发"), 0);

	/* Provisioning again keeps the key. */
	assert_int_equal(sh("cd %s && cp data/identity/terminal.key key.before && "
			    "%s provision kiosk-provision.conf --data data --assets %s/assets >>log 2>&1 && "
			    "cmp -s key.before data/identity/terminal.key",
			    f->dir, KIOSKCTL_BIN, SRCDIR),
			 0);

	/* A certificate for another key is refused; the one signed from the request is installed. */
	assert_int_equal(sh("cd %s && %s provision --cert ca.pem --data data >>log 2>&1", f->dir, KIOSKCTL_BIN), 1);
	assert_int_equal(sh("cd %s && openssl x509 -req -in data/identity/terminal.csr -CA ca.pem -CAkey ca.key "
			    "-CAcreateserial -days 30 -out signed.pem >>log 2>&1 && "
			    "%s provision --cert signed.pem --data data >>log 2>&1",
			    f->dir, KIOSKCTL_BIN),
			 0);
	assert_int_equal(sh("%s provision status --data %s/data | grep -q '^done'", KIOSKCTL_BIN, f->dir), 0);
	assert_int_equal(kiosk_shows(f, "我要办理"), 0);
}

static void test_bad_files(void **state)
{
	struct fx *f = *state;

	/* Each refused with its reason, nothing written. */
	assert_int_equal(sh("cd %s && sed 's/^platform.url.*/platform.url = http:\\/\\/x/' kiosk-provision.conf >bad1 && "
			    "%s provision bad1 --data data --assets %s/assets 2>err; s=$?; grep -q 'https://' err && "
			    "exit $s",
			    f->dir, KIOSKCTL_BIN, SRCDIR),
			 1);
	assert_int_equal(sh("cd %s && sed 's/^platform.ca.*/platform.ca = missing.pem/' kiosk-provision.conf >bad2 && "
			    "%s provision bad2 --data data --assets %s/assets 2>err; s=$?; grep -q 'missing.pem' err && "
			    "exit $s",
			    f->dir, KIOSKCTL_BIN, SRCDIR),
			 1);
	assert_int_equal(sh("cd %s && %s provision kiosk-provision.conf --data nowhere --assets %s/assets 2>err",
			    f->dir, KIOSKCTL_BIN, SRCDIR),
			 1);
	assert_int_equal(sh("test ! -e %s/data/provision.conf", f->dir), 0);
	assert_int_equal(sh("%s provision a b >/dev/null 2>&1", KIOSKCTL_BIN), 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_provision_flow, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_files, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
