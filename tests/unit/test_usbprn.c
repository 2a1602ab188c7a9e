/* The USB printer class's GET_PORT_STATUS reply: every bit, and replies of the wrong length. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "drivers/usbprn.h"

#include <string.h>

static void port_status_bits(void **state)
{
	struct escpos_status st;
	const char *detail;
	uint8_t b;

	(void)state;
	b = 0x18; /* selected, no error */
	assert_int_equal(usbprn_port_status_decode(&b, 1, &st), KERR_OK);
	assert_int_equal(escpos_status_fault(&st, &detail), KERR_OK);
	b = 0x38; /* paper empty */
	assert_int_equal(usbprn_port_status_decode(&b, 1, &st), KERR_OK);
	assert_true(st.paper_end);
	assert_int_equal(escpos_status_fault(&st, &detail), KERR_PAPER_OUT);
	b = 0x08; /* not selected */
	assert_int_equal(usbprn_port_status_decode(&b, 1, &st), KERR_OK);
	assert_true(st.offline);
	assert_false(st.error);
	assert_int_equal(escpos_status_fault(&st, &detail), KERR_IO);
	b = 0x10; /* error */
	assert_int_equal(usbprn_port_status_decode(&b, 1, &st), KERR_OK);
	assert_true(st.error);
	assert_int_equal(escpos_status_fault(&st, &detail), KERR_IO);
	/* Reserved bits change nothing. */
	b = 0xdf;
	assert_int_equal(usbprn_port_status_decode(&b, 1, &st), KERR_OK);
	assert_int_equal(escpos_status_fault(&st, &detail), KERR_OK);
	/* Paper near end cannot be told this way, so a previous reading's is not kept either. */
	st.paper_near_end = true;
	b = 0x18;
	assert_int_equal(usbprn_port_status_decode(&b, 1, &st), KERR_OK);
	assert_false(st.paper_near_end);
}

static void port_status_wrong_length(void **state)
{
	static const uint8_t two[2] = {0x18, 0x18};
	struct escpos_status st, before;

	(void)state;
	memset(&st, 0xa5, sizeof(st));
	before = st;
	assert_int_equal(usbprn_port_status_decode(two, 0, &st), KERR_PROTO);
	assert_int_equal(usbprn_port_status_decode(two, 2, &st), KERR_PROTO);
	assert_memory_equal(&st, &before, sizeof(st));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(port_status_bits),
		cmocka_unit_test(port_status_wrong_length),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
