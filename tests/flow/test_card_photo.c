/* The card's photo on the form: decoded when a vendor library is configured, a neutral placeholder
 * when none is, when the configured one cannot be loaded, and always gone with the session. The real
 * kiosk binary runs headless with the stand-in decoder of tests/data/fake_wlt.c. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "tests/support/journey_script.h"

static bool any(const struct catalog_item *it)
{
	(void)it;
	return true;
}

static void test_no_decoder_shows_placeholder(void **state)
{
	struct fixture *f = *state;

	write_conf(f, NULL);
	begin(f);
	to_form(f, item_where(f, any), "resident");
	line(f, "expect-text 照片未显示");
	line(f, "expect-no-text 身份证照片");
	assert_int_equal(run(f), 0);
	assert_false(log_has(f, "photo decoder"));
}

static void test_missing_decoder_is_logged_and_the_journey_goes_on(void **state)
{
	struct fixture *f = *state;

	write_conf(f, "idcard.photo_lib = /nonexistent/libwltrs.so");
	begin(f);
	to_form(f, item_where(f, any), "resident");
	line(f, "expect-text 照片未显示");
	assert_int_equal(run(f), 0);
	assert_true(log_has(f, "photo decoder /nonexistent/libwltrs.so not loaded"));
}

static void test_decoder_shows_photo_until_the_session_ends(void **state)
{
	struct fixture *f = *state;

	write_conf(f, "idcard.photo_lib = " FAKE_WLT_LIB);
	begin(f);
	to_form(f, item_where(f, any), "resident");
	line(f, "expect-text 身份证照片");
	line(f, "expect-no-text 照片未显示");
	line(f, "tap footer.home");
	line(f, "expect HOME");
	/* The next resident starts from a clean session: no photo until a card is read again. */
	line(f, "tap tile.1");
	line(f, "expect CATALOG");
	line(f, "tap item.0");
	line(f, "tap footer.next");
	line(f, "expect CARD");
	line(f, "expect-no-text 身份证照片");
	line(f, "dev idcard insert elder");
	line(f, "wait 3000");
	line(f, "expect FORM");
	line(f, "expect-text 身份证照片");
	assert_int_equal(run(f), 0);
	assert_true(log_has(f, "photo decoder"));
	assert_false(log_has(f, "photo not decoded"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_no_decoder_shows_placeholder, setup, teardown),
		cmocka_unit_test_setup_teardown(test_missing_decoder_is_logged_and_the_journey_goes_on, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_decoder_shows_photo_until_the_session_ends, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
