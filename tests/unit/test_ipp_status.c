/* IPP printer and job state into the kiosk's terms: every reason stem, severities, ranking, and
 * attributes of the wrong type; then messages read from bytes as they come off the wire. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "drivers/ipp_status.h"

#include <string.h>

static void reasons(void **state)
{
	static const struct {
		const char *kw;
		enum kerr fault;
		bool near_end;
	} cases[] = {
		{ "none", KERR_OK, false },
		{ "media-empty", KERR_PAPER_OUT, false },
		{ "media-empty-report", KERR_PAPER_OUT, false },
		{ "media-needed-error", KERR_PAPER_OUT, false },
		{ "media-jam-error", KERR_JAMMED, false },
		{ "cover-open", KERR_COVER_OPEN, false },
		{ "door-open-warning", KERR_COVER_OPEN, false },
		{ "offline-report", KERR_NO_DEVICE, false },
		{ "shutdown", KERR_NO_DEVICE, false },
		{ "toner-empty-error", KERR_IO, false },
		{ "marker-supply-empty-warning", KERR_IO, false },
		{ "toner-low-report", KERR_OK, true },
		{ "marker-supply-low-warning", KERR_OK, true },
		{ "media-low", KERR_OK, true },
		{ "spool-area-full", KERR_OK, false },
		{ "-error", KERR_OK, false },
		{ "", KERR_OK, false },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct ipp_status st;

		memset(&st, 0, sizeof(st));
		ipp_status_reason(&st, cases[i].kw);
		assert_int_equal(st.fault, cases[i].fault);
		assert_int_equal(st.near_end, cases[i].near_end);
	}
}

static void worst_wins_and_detail_is_bounded(void **state)
{
	struct ipp_status st;

	(void)state;
	memset(&st, 0, sizeof(st));
	ipp_status_reason(&st, "toner-low-report");
	ipp_status_reason(&st, "media-jam-error");
	ipp_status_reason(&st, "cover-open-error");
	ipp_status_reason(&st, "media-empty-error");
	assert_int_equal(st.fault, KERR_COVER_OPEN);
	assert_true(st.near_end);
	assert_string_equal(st.detail,
			    "toner-low-report,media-jam-error,cover-open-error,media-empty-error");
	for (int i = 0; i < 20; i++)
		ipp_status_reason(&st, "a-very-long-vendor-specific-reason-keyword-report");
	assert_true(strlen(st.detail) < sizeof(st.detail));
}

static void read_messages(void **state)
{
	static const char *const kw[] = { "media-empty-report", "toner-low-warning" };
	struct ipp_status st;
	ipp_t *m = ippNew();

	(void)state;
	assert_int_equal(ipp_status_read(NULL, &st), KERR_INVAL);
	assert_int_equal(ipp_status_read(m, &st), KERR_OK);
	assert_int_equal(st.printer_state, 0);
	assert_int_equal(st.fault, KERR_OK);
	ippAddInteger(m, IPP_TAG_PRINTER, IPP_TAG_ENUM, "printer-state", IPP_PSTATE_STOPPED);
	assert_int_equal(ipp_status_read(m, &st), KERR_OK);
	/* Stopped for no reason it gave: still not printing. */
	assert_int_equal(st.fault, KERR_IO);
	ippAddStrings(m, IPP_TAG_PRINTER, IPP_TAG_KEYWORD, "printer-state-reasons", 2, NULL, kw);
	ippAddInteger(m, IPP_TAG_JOB, IPP_TAG_ENUM, "job-state", IPP_JSTATE_ABORTED);
	assert_int_equal(ipp_status_read(m, &st), KERR_OK);
	assert_int_equal(st.fault, KERR_PAPER_OUT);
	assert_true(st.near_end);
	assert_int_equal(st.job_state, IPP_JSTATE_ABORTED);
	assert_true(ipp_status_job_done(st.job_state));
	assert_false(ipp_status_job_done(IPP_JSTATE_PROCESSING));
	ippDelete(m);
}

static void wrong_types(void **state)
{
	struct ipp_status st;
	ipp_t *m;

	(void)state;
	memset(&st, 0x5a, sizeof(st));
	m = ippNew();
	ippAddString(m, IPP_TAG_PRINTER, IPP_TAG_TEXT, "printer-state", NULL, "idle");
	assert_int_equal(ipp_status_read(m, &st), KERR_PROTO);
	ippDelete(m);
	m = ippNew();
	ippAddInteger(m, IPP_TAG_PRINTER, IPP_TAG_ENUM, "printer-state", 42);
	assert_int_equal(ipp_status_read(m, &st), KERR_PROTO);
	ippDelete(m);
	m = ippNew();
	ippAddInteger(m, IPP_TAG_JOB, IPP_TAG_ENUM, "job-state", 2);
	assert_int_equal(ipp_status_read(m, &st), KERR_PROTO);
	ippDelete(m);
	m = ippNew();
	ippAddInteger(m, IPP_TAG_PRINTER, IPP_TAG_INTEGER, "printer-state-reasons", 1);
	assert_int_equal(ipp_status_read(m, &st), KERR_PROTO);
	ippDelete(m);
	/* Untouched on error. */
	assert_int_equal(st.printer_state, 0x5a5a5a5a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(reasons),
		cmocka_unit_test(worst_wins_and_detail_is_bounded),
		cmocka_unit_test(read_messages),
		cmocka_unit_test(wrong_types),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
