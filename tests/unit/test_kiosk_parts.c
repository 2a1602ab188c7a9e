/* kiosk/: working days, configuration parsing, session wiping. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kiosk/config.h"
#include "kiosk/session.h"
#include "kiosk/workday.h"

static void test_workdays(void **state)
{
	(void)state;
	/* Monday + 1 = Tuesday; Friday + 1 = next Monday; + 10 skips two weekends. */
	assert_int_equal(workday_add(20261123, 1, "", ""), 20261124);
	assert_int_equal(workday_add(20261127, 1, "", ""), 20261130);
	assert_int_equal(workday_add(20261123, 10, "", ""), 20261207);
	assert_int_equal(workday_add(20261123, 0, "", ""), 20261123);
	/* Across a year end with a holiday, and a Saturday made a working day. */
	assert_int_equal(workday_add(20261231, 1, "20270101", ""), 20270104);
	assert_int_equal(workday_add(20261231, 1, "20270101", "20270102"), 20270102);
	/* A holiday string that merely contains the digits does not count. */
	assert_int_equal(workday_add(20261123, 1, "120261124", ""), 20261124);
	/* Leap day */
	assert_int_equal(workday_add(20280228, 1, "", ""), 20280229);
}

static char *write_tmp(const char *text)
{
	char *path = strdup("/tmp/kiosk-conf-XXXXXX");
	int fd = mkstemp(path);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	return path;
}

static void test_config(void **state)
{
	struct config c;
	char err[256];
	char *p;

	(void)state;
	config_defaults(&c);
	assert_int_equal(c.width, 1920);
	p = write_tmp("# comment\n\ndisplay.width = 1080\ndisplay.height=1920\nidcard.backend = sim\n"
		      "display.fullscreen = yes\nterminal.hall = 某某便民服务中心\n");
	assert_int_equal(config_load(&c, p, err, sizeof(err)), KERR_OK);
	assert_int_equal(c.width, 1080);
	assert_int_equal(c.height, 1920);
	assert_true(c.fullscreen);
	assert_string_equal(c.hall, "某某便民服务中心");
	unlink(p);
	free(p);

	p = write_tmp("display.width = 10\n");
	assert_int_equal(config_load(&c, p, err, sizeof(err)), KERR_INVAL);
	assert_non_null(strstr(err, ":1:"));
	unlink(p);
	free(p);
	p = write_tmp("display.colour = red\n");
	assert_int_equal(config_load(&c, p, err, sizeof(err)), KERR_INVAL);
	assert_non_null(strstr(err, "display.colour"));
	unlink(p);
	free(p);
	p = write_tmp("just words\n");
	assert_int_equal(config_load(&c, p, err, sizeof(err)), KERR_INVAL);
	unlink(p);
	free(p);
	assert_int_equal(config_load(&c, "/nonexistent/kiosk.conf", err, sizeof(err)), KERR_IO);
	assert_int_equal(config_parse(&c, "a\0b", 3, "mem", err, sizeof(err)), KERR_INVAL);
	assert_int_equal(config_parse(&c, "display.width = 1280", 20, "mem", err, sizeof(err)), KERR_OK);
	assert_int_equal(c.width, 1280);
	assert_int_equal(config_set(&c, "display.width", "12x"), KERR_INVAL);
	assert_int_equal(config_set(&c, "display.width", "99999999999999999999"), KERR_INVAL);
	assert_int_equal(config_set(&c, "terminal.id", "0123456789012345678901234567890123456789"), KERR_INVAL);
	assert_int_equal(config_set(&c, "session.timeout_s", "60"), KERR_OK);
	assert_int_equal(c.timeout_s, 60);
}

static void test_session_wipe(void **state)
{
	struct session s;
	unsigned char *jpeg = malloc(16), *thumb = malloc(4 * 4 * 4);

	(void)state;
	session_init(&s);
	memcpy(s.card.name, "王小英", sizeof("王小英"));
	memcpy(s.phone, "13812345678", 12);
	assert_int_equal(session_page_add(&s.mats[0], jpeg, 16, thumb, 4, 4, 1), KERR_OK);
	assert_int_equal(s.mats[0].n_pages, 1);
	session_clear(&s);
	assert_int_equal(s.card.name[0], 0);
	assert_int_equal(s.phone[0], 0);
	assert_int_equal(s.mats[0].n_pages, 0);
	assert_null(s.mats[0].pages[0].jpeg);
	assert_int_equal(s.eval_level, -1);
	for (int i = 0; i < SESSION_MAX_PAGES; i++) {
		unsigned char *j = malloc(1), *t = malloc(4);

		assert_int_equal(session_page_add(&s.mats[1], j, 1, t, 1, 1, (uint64_t)i), KERR_OK);
	}
	{
		unsigned char *j = malloc(1), *t = malloc(4);

		assert_int_equal(session_page_add(&s.mats[1], j, 1, t, 1, 1, 99), KERR_FULL);
		free(j);
		free(t);
	}
	session_page_remove(&s.mats[1], 0);
	assert_int_equal(s.mats[1].n_pages, SESSION_MAX_PAGES - 1);
	assert_int_equal(s.mats[1].pages[0].image.key, 1);
	session_clear(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_workdays),
		cmocka_unit_test(test_config),
		cmocka_unit_test(test_session_wipe),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
