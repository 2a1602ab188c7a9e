/* The journey's transition table: well formed, every state reachable from home and every state with a way home. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "kiosk/flow.h"

static void test_no_duplicate_rows(void **state)
{
	size_t n;
	const struct flow_row *t = flow_table(&n);

	(void)state;
	for (size_t i = 0; i < n; i++)
		for (size_t j = i + 1; j < n; j++) {
			bool same = t[i].from == t[j].from && t[i].event == t[j].event && t[i].guard == t[j].guard;

			if (same)
				fail_msg("rows %zu and %zu: %s on %s twice with the same guard", i, j,
					 flow_event_str(t[i].event), flow_state_str(t[i].from));
		}
}

static void test_unguarded_row_is_last(void **state)
{
	size_t n;
	const struct flow_row *t = flow_table(&n);

	(void)state;
	/* A guarded row after an unguarded one for the same (from, event) could never run. */
	for (size_t i = 0; i < n; i++)
		for (size_t j = i + 1; j < n && !t[i].guard; j++)
			if (t[i].from == t[j].from && t[i].event == t[j].event)
				fail_msg("row %zu can never run: row %zu catches %s in %s first", j, i,
					 flow_event_str(t[j].event), flow_state_str(t[j].from));
}

static void test_every_state_named_and_reachable(void **state)
{
	size_t n;
	const struct flow_row *t = flow_table(&n);
	bool seen[FLOW__COUNT] = { false };
	bool grew = true;

	(void)state;
	for (int s = 0; s < FLOW__COUNT; s++)
		assert_non_null(flow_states()[s].name);
	seen[FLOW_HOME] = true;
	while (grew) {
		grew = false;
		for (size_t i = 0; i < n; i++) {
			bool from_seen = t[i].from == FLOW_ANY;

			for (int s = 0; s < FLOW__COUNT && !from_seen; s++)
				from_seen = seen[s] && t[i].from == (enum flow_state)s;
			if (from_seen && !seen[t[i].to]) {
				seen[t[i].to] = true;
				grew = true;
			}
		}
	}
	for (int s = 0; s < FLOW__COUNT; s++)
		if (!seen[s])
			fail_msg("state %s cannot be reached from HOME", flow_state_str((enum flow_state)s));
}

static void test_every_state_has_a_way_home(void **state)
{
	size_t n;
	const struct flow_row *t = flow_table(&n);
	bool home_any = false, idle_any = false;

	(void)state;
	for (size_t i = 0; i < n; i++) {
		if (t[i].from == FLOW_ANY && t[i].event == EV_HOME && t[i].to == FLOW_HOME && !t[i].guard)
			home_any = true;
		if (t[i].from == FLOW_ANY && t[i].event == EV_IDLE && t[i].to == FLOW_HOME && !t[i].guard)
			idle_any = true;
	}
	assert_true(home_any);
	assert_true(idle_any);
	/* And no state catches HOME or IDLE to go anywhere else, which would shadow the way home (a state may
	 * do something on its way home: the summary prints the missing-materials notice). */
	for (size_t i = 0; i < n; i++)
		if (t[i].from != FLOW_ANY && (t[i].event == EV_HOME || t[i].event == EV_IDLE) &&
		    t[i].to != FLOW_HOME)
			fail_msg("row %zu shadows the way home in %s", i, flow_state_str(t[i].from));
}

static void test_session_states_have_back(void **state)
{
	size_t n;
	const struct flow_row *t = flow_table(&n);

	(void)state;
	/* Every screen with a back button reacts to it (or offers a next step that replaces it). */
	for (int s = 0; s < FLOW__COUNT; s++) {
		bool back = false, any = false;

		if (!flow_states()[s].is_session)
			continue;
		for (size_t i = 0; i < n; i++) {
			if (t[i].from != (enum flow_state)s)
				continue;
			any = true;
			if (t[i].event == EV_BACK)
				back = true;
		}
		if (s == FLOW_SUBMIT || s == FLOW_PRINT || s == FLOW_PRINT_FAULT || s == FLOW_EVAL || s == FLOW_THANKS)
			continue; /* after the case is stored there is no going back into the application */
		if (any && !back)
			fail_msg("state %s has no BACK row", flow_state_str((enum flow_state)s));
	}
}

static void test_names(void **state)
{
	(void)state;
	assert_string_equal(flow_state_str(FLOW_SCAN), "SCAN");
	assert_string_equal(flow_state_str(FLOW_ANY), "ANY");
	assert_string_equal(flow_event_str(EV_IDLE), "IDLE");
	for (int e = 0; e < EV__COUNT; e++)
		assert_non_null(flow_event_str((enum flow_event)e));
	assert_string_equal(flow_event_str(EV__COUNT), "UNKNOWN");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_no_duplicate_rows),
		cmocka_unit_test(test_unguarded_row_is_last),
		cmocka_unit_test(test_every_state_named_and_reachable),
		cmocka_unit_test(test_every_state_has_a_way_home),
		cmocka_unit_test(test_session_states_have_back),
		cmocka_unit_test(test_names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
