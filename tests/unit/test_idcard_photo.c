/* The photo decoder hook: a stand-in library (tests/data/fake_wlt.c) loaded at run time, its BMP
 * turned into top-down RGB; missing libraries, missing symbols and refused bytes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "drivers/idcard_photo.h"

#include <string.h>

static void decodes_through_the_library(void **state)
{
	struct idcard_photo_decoder *d = NULL;
	static uint8_t wlt[1024], rgb[IDCARD_PHOTO_W * IDCARD_PHOTO_H * 3];
	const char *why = NULL;

	(void)state;
	for (int i = 0; i < 1024; i++)
		wlt[i] = (uint8_t)(i * 7);
	memcpy(wlt, "WLT", 3);
	assert_int_equal(idcard_photo_decoder_open(FAKE_WLT_LIB, &d, &why), KERR_OK);
	assert_int_equal(idcard_photo_decode(d, wlt, rgb), KERR_OK);
	/* Top row first: the BMP's last row. Pixel (x, y) is R = wlt[3 + (x + y') % 1000], G = y',
	 * B = x, where y' is the BMP row. */
	assert_int_equal(rgb[0], wlt[3 + 125]);
	assert_int_equal(rgb[1], 125);
	assert_int_equal(rgb[2], 0);
	assert_int_equal(rgb[(125 * IDCARD_PHOTO_W + 101) * 3 + 1], 0);
	assert_int_equal(rgb[(125 * IDCARD_PHOTO_W + 101) * 3 + 2], 101);
	/* Bytes the library refuses. */
	wlt[0] = 'X';
	assert_int_equal(idcard_photo_decode(d, wlt, rgb), KERR_CORRUPT);
	idcard_photo_decoder_close(d);
	idcard_photo_decoder_close(NULL);
}

static void missing_library_or_symbol(void **state)
{
	struct idcard_photo_decoder *d = NULL;
	const char *why = NULL;

	(void)state;
	assert_int_equal(idcard_photo_decoder_open("", &d, &why), KERR_NOT_FOUND);
	assert_string_equal(why, "no library configured");
	assert_int_equal(idcard_photo_decoder_open("/nonexistent/libwlt.so", &d, &why),
			 KERR_NOT_FOUND);
	assert_non_null(why);
	/* A real library without unpack(). */
	assert_int_equal(idcard_photo_decoder_open("libm.so.6", &d, &why), KERR_NOT_FOUND);
	assert_string_equal(why, "the library has no unpack()");
	assert_null(d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(decodes_through_the_library),
		cmocka_unit_test(missing_library_or_symbol),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
