/* `kioskctl receipt status` and `kioskctl receipt test` against the USB receipt printer as
 * tests/support/umockdev_printer.c emulates it: kioskctl is a child process, and umockdev's preload
 * library (this program re-executes itself with it) and UMOCKDEV_DIR reach it through the
 * environment, so its libusb finds the printer of this test's testbed and its ioctls come to this
 * test's handler. What the handler took on bulk OUT is decoded with the ESC/POS interpreter. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "tests/support/ctl_run.h"
#include "drivers/escpos_job.h"
#include "tests/support/umockdev_printer.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

/* The printer of tests/data/receipt_printer.umockdev, the real configuration around it. */
#define USB_CONF "--config " SRCDIR "/assets/kiosk.conf --set receipt.backend=usb"

struct fixture {
	char dir[64];
	struct umockdev_printer p;
	char out[8192]; /* stdout and stderr of the last run */
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	if (!f)
		return -1;
	snprintf(f->dir, sizeof(f->dir), "/tmp/kioskctl-usb-XXXXXX");
	if (!mkdtemp(f->dir))
		return -1;
	umockdev_printer_init(&f->p, NULL);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	char cmd[128];

	UMOCKDEV_PRINTER(&f->p, {
		assert_int_equal(f->p.unknown, 0);
		assert_false(f->p.bad_urb);
	});
	umockdev_printer_finish(&f->p);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", f->dir);
	if (system(cmd) != 0)
		return -1;
	free(f);
	return 0;
}

/* Runs kioskctl with args (a shell fragment); returns its exit status, output in f->out. */
static int ctl(struct fixture *f, const char *fmt, ...)
{
	va_list ap;
	int st;

	va_start(ap, fmt);
	st = ctl_runv(f->dir, f->out, sizeof(f->out), fmt, ap);
	va_end(ap);
	return st;
}

static void has(const struct fixture *f, const char *text)
{
	ctl_has(f->out, text);
}

static void lacks(const struct fixture *f, const char *text)
{
	ctl_lacks(f->out, text);
}

static size_t captured(struct fixture *f)
{
	size_t n;

	UMOCKDEV_PRINTER(&f->p, n = f->p.captured);
	return n;
}

static bool on_paper(const struct escpos_job *j, enum escpos_item_kind kind, const char *text)
{
	for (size_t i = 0; i < j->n; i++)
		if (j->items[i].kind == kind && strstr(j->items[i].text, text))
			return true;
	return false;
}

static void status_ready(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(ctl(f, "receipt status " USB_CONF), 0);
	has(f, "usb");
	has(f, "READY");
	has(f, "paper      ok");
	lacks(f, "near end");
	/* Asked over the bidirectional setting, and nothing printed. */
	UMOCKDEV_PRINTER(&f->p, assert_true(f->p.requests >= 1));
	assert_int_equal(captured(f), 0);
}

static void status_paper_near_end(void **state)
{
	struct fixture *f = *state;

	UMOCKDEV_PRINTER(&f->p, f->p.near_end = true);
	/* It still prints: a warning, not a failure. */
	assert_int_equal(ctl(f, "receipt status " USB_CONF), 0);
	has(f, "READY");
	has(f, "paper      near end");
	has(f, "纸卷将尽 / paper near end: load a new roll soon");
}

static void status_paper_out(void **state)
{
	struct fixture *f = *state;

	UMOCKDEV_PRINTER(&f->p, f->p.paper_out = true);
	assert_int_equal(ctl(f, "receipt status " USB_CONF), 1);
	has(f, "FAULT");
	has(f, "PAPER_OUT");
	has(f, "打印机缺纸 / out of paper: load a new roll");
}

static void status_cover_open(void **state)
{
	struct fixture *f = *state;

	UMOCKDEV_PRINTER(&f->p, f->p.cover_open = true);
	assert_int_equal(ctl(f, "receipt status " USB_CONF), 1);
	has(f, "the cover is open: close it");
}

static void status_absent(void **state)
{
	struct fixture *f = *state;

	umockdev_printer_unplug(&f->p);
	assert_int_equal(ctl(f, "receipt status " USB_CONF " --timeout 2"), 1);
	has(f, "ABSENT");
	has(f, "找不到打印机 / no printer found");
	/* Somewhere else than where it was said to be: absent just the same. */
	umockdev_printer_plug(&f->p);
	assert_int_equal(ctl(f, "receipt status " USB_CONF " --set receipt.usb_port=1-3 --timeout 2"), 1);
	has(f, "no printer found");
	assert_int_equal(ctl(f, "receipt status " USB_CONF " --set receipt.usb_port=1-2"), 0);
	has(f, "READY");
}

static void test_slip_printed_and_decoded(void **state)
{
	struct fixture *f = *state;
	struct escpos_job paper;
	int cuts = 0;

	assert_int_equal(ctl(f, "receipt test " USB_CONF " --set terminal.id=ZW3101150009"), 0);
	has(f, "test slip printed (job 1)");
	assert_true(captured(f) > 0);
	UMOCKDEV_PRINTER(&f->p, {
		assert_int_equal(escpos_job_parse(f->p.capture, f->p.captured, &paper), KERR_OK);
		/* Status asked before and after the job. */
		assert_true(f->p.requests >= 2);
	});
	assert_true(on_paper(&paper, ESCPOS_ITEM_TEXT, "打印测试"));
	assert_true(on_paper(&paper, ESCPOS_ITEM_TEXT, "Receipt printer test"));
	assert_true(on_paper(&paper, ESCPOS_ITEM_TEXT, "终端 terminal: ZW3101150009"));
	assert_true(on_paper(&paper, ESCPOS_ITEM_TEXT, "花木街道便民服务中心"));
	assert_true(on_paper(&paper, ESCPOS_ITEM_TEXT, "中文：政务服务 7x24 自助服务终端"));
	assert_true(on_paper(&paper, ESCPOS_ITEM_TEXT, "0123456789 ABCDEFGHIJKLMNOPQRSTUVWXYZ"));
	assert_true(on_paper(&paper, ESCPOS_ITEM_TEXT, "右对齐 right"));
	assert_true(on_paper(&paper, ESCPOS_ITEM_QR, "KIOSK-TEST:ZW3101150009"));
	for (size_t i = 0; i < paper.n; i++)
		cuts += paper.items[i].kind == ESCPOS_ITEM_CUT;
	assert_int_equal(cuts, 1);
	escpos_job_finish(&paper);
}

static void test_slip_refused_without_paper(void **state)
{
	struct fixture *f = *state;

	UMOCKDEV_PRINTER(&f->p, f->p.paper_out = true);
	assert_int_equal(ctl(f, "receipt test " USB_CONF), 1);
	has(f, "打印机缺纸 / out of paper: load a new roll");
	lacks(f, "test slip printed");
	/* Not a byte of the slip went out to a printer without paper. */
	assert_int_equal(captured(f), 0);
}

static void test_slip_paper_ends_while_printing(void **state)
{
	struct fixture *f = *state;

	UMOCKDEV_PRINTER(&f->p, f->p.run_out_on_job = true);
	assert_int_equal(ctl(f, "receipt test " USB_CONF), 1);
	has(f, "测试页打印失败 / test slip failed");
	has(f, "out of paper");
	assert_true(captured(f) > 0);
}

static void test_slip_without_printer(void **state)
{
	struct fixture *f = *state;

	umockdev_printer_unplug(&f->p);
	assert_int_equal(ctl(f, "receipt test " USB_CONF " --timeout 2"), 1);
	has(f, "no printer found");
	lacks(f, "printed");
}

int main(int argc, char **argv)
{
#define T(t) cmocka_unit_test_setup_teardown(t, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(status_ready),
		T(status_paper_near_end),
		T(status_paper_out),
		T(status_cover_open),
		T(status_absent),
		T(test_slip_printed_and_decoded),
		T(test_slip_refused_without_paper),
		T(test_slip_paper_ends_while_printing),
		T(test_slip_without_printer),
	};

	(void)argc;
	if (!umockdev_dev_preloaded(argv)) {
		printf("umockdev's preload library is missing: the USB tests are skipped\n");
		return 0;
	}
	return cmocka_run_group_tests(tests, NULL, NULL);
}
