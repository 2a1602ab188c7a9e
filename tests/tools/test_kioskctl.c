/* kioskctl as a technician runs it: usage errors, `idcard decode` on replies built with the codec
 * (every card type, every status byte, every kind of malformed capture), and `idcard read` against
 * `idcard simulate` on a real pty. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "tests/support/ctl_run.h"
#include "drivers/idcard.h"
#include "drivers/idcard_frame.h"
#include "drivers/idcard_text.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

struct fixture {
	char dir[64];
	char out[4096]; /* stdout and stderr of the last run */
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	snprintf(f->dir, sizeof(f->dir), "/tmp/kioskctl-XXXXXX");
	if (!f || !mkdtemp(f->dir))
		return -1;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	char cmd[128];

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

static void save(struct fixture *f, const char *name, const void *data, size_t n)
{
	char path[128];
	FILE *out;

	snprintf(path, sizeof(path), "%s/%s", f->dir, name);
	out = fopen(path, "wb");
	assert_non_null(out);
	assert_int_equal(fwrite(data, 1, n, out), n);
	fclose(out);
}

/* A whole 30 01 reply carrying card c. */
static size_t read_reply(const struct idcard_data *c, uint8_t *out, size_t cap)
{
	uint8_t text[IDCARD_TEXT_LEN], photo[IDCARD_PHOTO_LEN] = { 'W', 'L', 'T' };
	uint8_t data[4 + IDCARD_TEXT_LEN + IDCARD_PHOTO_LEN];
	struct idcard_read_payload p = { text, photo, NULL, sizeof(text), sizeof(photo), 0 };
	size_t n, len;

	assert_int_equal(idcard_text_encode(c, text, NULL), KERR_OK);
	assert_int_equal(idcard_frame_join_read(&p, data, sizeof(data), &n), KERR_OK);
	assert_int_equal(idcard_frame_build_reply(0, 0, 0x90, data, n, out, cap, &len), KERR_OK);
	return len;
}

static const struct idcard_data resident = {
	.type = IDCARD_RESIDENT,
	.name = "王小英",
	.sex = '2',
	.nation = "01",
	.birth = "19491231",
	.address = "北京市东城区景山前街4号",
	.id_number = "11010519491231002X",
	.authority = "北京市公安局东城分局",
	.valid_from = "20150101",
	.valid_to = "20350101",
};

static void usage_errors(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(ctl(f, ""), 2);
	assert_int_equal(ctl(f, "bogus"), 2);
	has(f, "unknown command group");
	assert_int_equal(ctl(f, "--help"), 0);
	has(f, "idcard");
	assert_int_equal(ctl(f, "idcard"), 2);
	assert_int_equal(ctl(f, "idcard frobnicate"), 2);
	assert_int_equal(ctl(f, "idcard --help"), 0);
	has(f, "decode");
	assert_int_equal(ctl(f, "idcard decode"), 2);
	assert_int_equal(ctl(f, "idcard read --timeout 0"), 2);
	assert_int_equal(ctl(f, "idcard read --set"), 2);
	assert_int_equal(ctl(f, "idcard simulate --card nobody"), 2);
}

static void decodes_every_card_type(void **state)
{
	struct fixture *f = *state;
	static const struct idcard_data cards[] = {
		{ .type = IDCARD_HMT_PERMIT,
		  .name = "陈大文",
		  .sex = '1',
		  .birth = "19900520",
		  .address = "广东省深圳市福田区福华一路1号",
		  .id_number = "810000199005200119",
		  .authority = "深圳市公安局福田分局",
		  .valid_from = "20230601",
		  .valid_to = "20280601",
		  .pass_number = "H60123456" },
		{ .type = IDCARD_FOREIGN_2023,
		  .name = "马丁",
		  .name_en = "SMITH, MARTIN JOHN",
		  .sex = '1',
		  .nationality = "GBR",
		  .birth = "19850704",
		  .id_number = "91182619850704001X",
		  .valid_from = "20240115",
		  .valid_to = "20340115" },
		{ .type = IDCARD_FOREIGN_2017,
		  .name = "安娜",
		  .name_en = "MUELLER, ANNA",
		  .sex = '2',
		  .nationality = "DEU",
		  .birth = "19880212",
		  .id_number = "DEU110088021201",
		  .authority = "1500",
		  .valid_from = "20180301",
		  .valid_to = "20280301" },
	};
	static const char *const types[] = { "HMT_PERMIT", "FOREIGN_2023", "FOREIGN_2017" };
	uint8_t buf[IDCARD_FRAME_MAX];
	size_t n = read_reply(&resident, buf, sizeof(buf));

	save(f, "resident.bin", buf, n);
	assert_int_equal(ctl(f, "idcard decode --today 20250601 %s/resident.bin", f->dir), 0);
	has(f, "SW 00 00 90");
	has(f, "居民身份证");
	has(f, "王*英");
	has(f, "110105********002X");
	lacks(f, "王小英");
	lacks(f, "19491231");
	assert_int_equal(ctl(f, "idcard decode --full --today 20250601 %s/resident.bin", f->dir),
			 0);
	has(f, "王小英");
	has(f, "11010519491231002X");
	for (size_t i = 0; i < sizeof(cards) / sizeof(cards[0]); i++) {
		n = read_reply(&cards[i], buf, sizeof(buf));
		save(f, "card.bin", buf, n);
		assert_int_equal(ctl(f, "idcard decode --today 20250601 %s/card.bin", f->dir), 0);
		has(f, types[i]);
	}
	/* The same card on a later day. */
	assert_int_equal(ctl(f, "idcard decode --today 20360101 %s/resident.bin", f->dir), 1);
	has(f, "过期");
}

static void decodes_every_status(void **state)
{
	struct fixture *f = *state;
	static const struct {
		uint8_t sw3;
		int rc;
		const char *words;
	} st[] = {
		{ 0x90, 0, "操作成功" },       { 0x9f, 0, "找卡成功" },
		{ 0x91, 1, "此项无内容" },     { 0x10, 1, "校验和错" },
		{ 0x11, 1, "长度错" },	       { 0x21, 1, "命令错误" },
		{ 0x23, 1, "越权操作" },       { 0x24, 1, "无法识别的错误" },
		{ 0x31, 1, "卡认证机具失败" }, { 0x32, 1, "机具认证卡失败" },
		{ 0x33, 1, "信息验证错误" },   { 0x40, 1, "无法识别的卡类型" },
		{ 0x41, 1, "读卡操作失败" },   { 0x47, 1, "取随机数失败" },
		{ 0x60, 1, "自检失败" },       { 0x66, 1, "没经过授权" },
		{ 0x80, 1, "寻找证/卡失败" },  { 0x81, 1, "选取证/卡失败" },
		{ 0x55, 1, "未知状态" },
	};
	uint8_t buf[64];
	size_t n;

	for (size_t i = 0; i < sizeof(st) / sizeof(st[0]); i++) {
		assert_int_equal(
			idcard_frame_build_reply(0, 0, st[i].sw3, NULL, 0, buf, sizeof(buf), &n),
			KERR_OK);
		save(f, "st.bin", buf, n);
		assert_int_equal(ctl(f, "idcard decode %s/st.bin", f->dir), st[i].rc);
		has(f, st[i].words);
	}
}

static void decodes_malformed_captures(void **state)
{
	struct fixture *f = *state;
	uint8_t buf[2 * IDCARD_FRAME_MAX], big[70000] = { 0 };
	size_t n = read_reply(&resident, buf, sizeof(buf));

	/* Garbage before and between frames is skipped and counted. */
	memmove(buf + 3, buf, n);
	memcpy(buf, "\x01\xaa\x55", 3);
	save(f, "garbage.bin", buf, n + 3);
	assert_int_equal(ctl(f, "idcard decode --today 20250601 %s/garbage.bin", f->dir), 0);
	has(f, "3 bytes outside frames skipped");
	/* Cut short. */
	save(f, "short.bin", buf + 3, n - 10);
	assert_int_equal(ctl(f, "idcard decode %s/short.bin", f->dir), 1);
	has(f, "cut short");
	/* A flipped bit. */
	buf[3 + 200] ^= 0x01;
	save(f, "flip.bin", buf + 3, n);
	assert_int_equal(ctl(f, "idcard decode %s/flip.bin", f->dir), 1);
	has(f, "checksum");
	/* An impossible length. */
	save(f, "len.bin", "\xaa\xaa\xaa\x96\x69\xff\xff\x00\x00\x90", 10);
	assert_int_equal(ctl(f, "idcard decode %s/len.bin", f->dir), 1);
	has(f, "impossible length");
	/* Lengths inside the read reply that disagree with its size. */
	assert_int_equal(idcard_frame_build_reply(0, 0, 0x90,
						  (const uint8_t *)"\x01\x00\x04\x00\x00", 5, buf,
						  sizeof(buf), &n),
			 KERR_OK);
	save(f, "split.bin", buf, n);
	assert_int_equal(ctl(f, "idcard decode %s/split.bin", f->dir), 1);
	has(f, "not a read reply");
	/* Nothing at all, no file, too big. */
	save(f, "empty.bin", "", 0);
	assert_int_equal(ctl(f, "idcard decode %s/empty.bin", f->dir), 1);
	has(f, "no reply frame");
	assert_int_equal(ctl(f, "idcard decode %s/none.bin", f->dir), 1);
	has(f, "cannot read");
	save(f, "big.bin", big, sizeof(big));
	assert_int_equal(ctl(f, "idcard decode %s/big.bin", f->dir), 1);
	has(f, "too large");
}

/* Starts `kioskctl idcard simulate` and waits for the port's name on its stdout. */
static pid_t simulate(struct fixture *f, const char *card, int *ret_cmd)
{
	int out[2], in[2];
	char link[96], line[128] = "";
	struct pollfd pfd;
	pid_t pid;
	size_t n = 0;

	snprintf(link, sizeof(link), "%s/reader", f->dir);
	assert_int_equal(pipe(out), 0);
	assert_int_equal(pipe(in), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		dup2(in[0], 0);
		dup2(out[1], 1);
		close(in[1]);
		close(out[0]);
		execl(KIOSKCTL_BIN, "kioskctl", "idcard", "simulate", "--card", card, "--link",
		      link, "--latency", "5", (char *)NULL);
		_exit(127);
	}
	close(in[0]);
	close(out[1]);
	pfd = (struct pollfd){ .fd = out[0], .events = POLLIN };
	/* Waiting for the child's own answer, not for time to pass. */
	while (n < sizeof(line) - 1 && !strchr(line, '\n')) {
		ssize_t r;

		assert_int_equal(poll(&pfd, 1, 10000), 1);
		r = read(out[0], line + n, sizeof(line) - 1 - n);
		assert_true(r > 0);
		n += (size_t)r;
		line[n] = 0;
	}
	close(out[0]);
	assert_non_null(strstr(line, link));
	*ret_cmd = in[1];
	return pid;
}

static void stop(pid_t pid, int cmd)
{
	int st;

	close(cmd);
	kill(pid, SIGTERM);
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), 0);
}

static void reads_from_simulated_reader(void **state)
{
	struct fixture *f = *state;
	const char *conf = "--config " SRCDIR "/assets/kiosk.conf --set idcard.backend=serial";
	int cmd;
	pid_t pid = simulate(f, "resident", &cmd);

	assert_int_equal(
		ctl(f, "idcard read %s --set idcard.path=%s/reader --timeout 10", conf, f->dir), 0);
	has(f, "王*英");
	lacks(f, "王小英");
	assert_int_equal(ctl(f, "idcard read %s --set idcard.path=%s/reader --full --timeout 10",
			     conf, f->dir),
			 0);
	has(f, "王小英");
	/* Commands reach the simulator on stdin. */
	assert_int_equal(write(cmd, "insert expired\n", 15), 15);
	for (int tries = 0; tries < 50 && ctl(f,
					      "idcard read %s --set idcard.path=%s/reader "
					      "--timeout 10",
					      conf, f->dir) == 0;
	     tries++)
		;
	has(f, "有效期");
	assert_int_equal(write(cmd, "remove\n", 7), 7);
	assert_int_equal(write(cmd, "unplug\n", 7), 7);
	for (int tries = 0; tries < 50 && !strstr(f->out, "找不到读卡器"); tries++)
		assert_int_equal(ctl(f, "idcard read %s --set idcard.path=%s/reader --timeout 1",
				     conf, f->dir),
				 1);
	has(f, "No such file");
	stop(pid, cmd);
}

static void read_failures(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(ctl(f, "idcard read --config %s/nothing.conf", f->dir), 1);
	has(f, "configuration");
	assert_int_equal(ctl(f, "idcard read --config " SRCDIR
				"/assets/kiosk.conf --set idcard.backend=magic"),
			 1);
	has(f, "magic");
	assert_int_equal(ctl(f, "idcard read --config " SRCDIR "/assets/kiosk.conf --set nokey=1"),
			 1);
	has(f, "nokey");
	/* The simulated backend in-process: its reader is empty. */
	assert_int_equal(ctl(f, "idcard read --config " SRCDIR "/assets/kiosk.conf --timeout 1"),
			 1);
	has(f, "no card within 1 s");
}

/* kioskctl receipt: the simulated printer in-process prints a real test slip into a spool folder;
 * a USB printer that is not there, or settings that are wrong, fail with their reason. */
static void receipt_commands(void **state)
{
	struct fixture *f = *state;
	char png[128];

	assert_int_equal(ctl(f, "receipt"), 2);
	assert_int_equal(ctl(f, "receipt frobnicate"), 2);
	assert_int_equal(ctl(f, "receipt --help"), 0);
	has(f, "test slip");
	assert_int_equal(ctl(f, "receipt test --timeout 0"), 2);
	assert_int_equal(ctl(f, "receipt status --nonsense"), 2);
	assert_int_equal(ctl(f, "receipt status --config " SRCDIR "/assets/kiosk.conf"), 0);
	has(f, "READY");
	assert_int_equal(ctl(f,
			     "receipt test --config " SRCDIR
			     "/assets/kiosk.conf --set receipt.path=%s",
			     f->dir),
			 0);
	has(f, "test slip printed (job 1)");
	snprintf(png, sizeof(png), "%s/job-1.png", f->dir);
	assert_int_equal(access(png, R_OK), 0);
	/* No printer-class device with this VID:PID is attached to the machine running the tests. */
	assert_int_equal(ctl(f, "receipt status --config " SRCDIR "/assets/kiosk.conf --set "
				"receipt.backend=usb --set receipt.usb_ids=ffff:fffe --timeout 2"),
			 1);
	has(f, "ABSENT");
	assert_int_equal(ctl(f, "receipt test --config " SRCDIR "/assets/kiosk.conf --set "
				"receipt.backend=usb --set receipt.usb_ids=ffff:fffe --timeout 2"),
			 1);
	lacks(f, "printed");
	assert_int_equal(ctl(f, "receipt test --config " SRCDIR "/assets/kiosk.conf --set "
				"receipt.backend=usb --set receipt.usb_port=nowhere"),
			 1);
	has(f, "bad setting");
	assert_int_equal(ctl(f, "receipt status --config %s/nothing.conf", f->dir), 1);
	has(f, "configuration");
}

int main(void)
{
#define T(t) cmocka_unit_test_setup_teardown(t, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(usage_errors),
		T(decodes_every_card_type),
		T(decodes_every_status),
		T(decodes_malformed_captures),
		T(reads_from_simulated_reader),
		T(read_failures),
		T(receipt_commands),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
