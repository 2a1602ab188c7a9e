/* For migration tests that rebuild an older store from a new one: the SQL that takes away what the schema steps
 * after step 4 added (offline-queue/queue_schema.c), newest first. A new step adds its undo here. */
#ifndef TESTS_SUPPORT_SCHEMA_REWIND_H
#define TESTS_SUPPORT_SCHEMA_REWIND_H

#define SCHEMA_UNDO_AFTER_4                                                                              \
	"DROP TABLE eval_reasons; DROP INDEX evaluations_case;"                                          \
	"ALTER TABLE evaluations DROP COLUMN origin; ALTER TABLE evaluations DROP COLUMN platform_no;"    \
	"ALTER TABLE evaluations DROP COLUMN reasons_version;"                                           \
	"ALTER TABLE pages DROP COLUMN media_type;"

#endif
