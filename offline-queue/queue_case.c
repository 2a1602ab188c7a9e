/* Cases (办件): checking what the kiosk hands over, storing a case with its scans and outbox entry
 * as one unit, minting its case number and query code, and reading it back. */
#include "offline-queue/queue_impl.h"

#include "common/idnum.h"

#include <stdlib.h>
#include <string.h>

/* Free space asked for beyond the scans themselves: each file may round up to a block, and the
 * rows, their indexes and the WAL frames of the commit take a little. */
#define PAGE_SLACK 4096
#define ROW_SLACK QUEUE_CASE_MIN_BYTES
/* Longer free-text fields that struct queue_case_rec does not carry back. */
#define LONG_TEXT_MAX 511
#define REGION_MAX 31
/* Attempts at an unused query code: with 31^8 codes a second attempt is already rare. */
#define QUERY_CODE_TRIES 16

/* Material status as stored: words of their own, so renaming an enumerator or its log name cannot
 * change data. */
static const char *const status_db[QUEUE_MAT__COUNT] = {
	[QUEUE_MAT_RECEIVED] = "received",
	[QUEUE_MAT_MISSING] = "missing",
	[QUEUE_MAT_COMMITMENT] = "commitment",
	[QUEUE_MAT_ECERT] = "ecert",
	[QUEUE_MAT_OPTIONAL] = "optional",
};

/* A page on its way to disk: the name and digest are made before the transaction. */
struct page_file {
	char name[QUEUE_SCAN_NAME_LEN + 1];
	char sha256[QUEUE_SHA256_HEX];
	const struct queue_page *page;
};

static bool required(const char *s, size_t max)
{
	return s && s[0] && strlen(s) <= max;
}

static bool optional(const char *s, size_t max)
{
	return !s || strlen(s) <= max;
}

static bool date_ok(const char *s)
{
	int month, day;

	if (strlen(s) != 8)
		return false;
	for (int i = 0; i < 8; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	month = (s[4] - '0') * 10 + (s[5] - '0');
	day = (s[6] - '0') * 10 + (s[7] - '0');
	return month >= 1 && month <= 12 && day >= 1 && day <= 31;
}

/* Messages name the field, never its value: they reach the log. */
static enum kerr check_material(struct queue *q, const struct queue_material *m, size_t i,
				bool with_gaps, uint64_t *bytes, size_t *pages)
{
	const struct queue_material_rec *rec = NULL;

	if (!required(m->code, sizeof(rec->code) - 1))
		return queue_fail(q, KERR_INVAL, "material %zu: code missing or too long", i);
	if (!required(m->name, sizeof(rec->name) - 1))
		return queue_fail(q, KERR_INVAL, "material %zu: name missing or too long", i);
	if ((unsigned)m->status >= QUEUE_MAT__COUNT)
		return queue_fail(q, KERR_INVAL, "material %zu: bad status %d", i, (int)m->status);
	/* A missing material is acceptable only under the resident's signed commitment (容缺). */
	if (m->status == QUEUE_MAT_MISSING && !with_gaps)
		return queue_fail(q, KERR_INVAL,
				  "material %zu is missing but the case is not accepted with gaps",
				  i);
	if (m->n_pages > QUEUE_MAX_PAGES)
		return queue_fail(q, KERR_INVAL, "material %zu: %zu pages, at most %d", i,
				  m->n_pages, QUEUE_MAX_PAGES);
	if (m->n_pages > 0 && !m->pages)
		return queue_fail(q, KERR_INVAL, "material %zu: %zu pages but no page array", i,
				  m->n_pages);
	for (size_t p = 0; p < m->n_pages; p++) {
		const struct queue_page *pg = &m->pages[p];

		if (!pg->data || pg->len == 0 || pg->len > QUEUE_MAX_PAGE_BYTES)
			return queue_fail(q, KERR_INVAL,
					  "material %zu page %zu: no data or more than %u bytes", i,
					  p, QUEUE_MAX_PAGE_BYTES);
		if (pg->media_type && strcmp(pg->media_type, QUEUE_MEDIA_JPEG) != 0 &&
		    strcmp(pg->media_type, QUEUE_MEDIA_PDF) != 0)
			return queue_fail(q, KERR_INVAL, "material %zu page %zu: media type %.32s", i, p,
					  pg->media_type);
		*bytes += pg->len;
		if (*bytes > QUEUE_MAX_CASE_BYTES)
			return queue_fail(q, KERR_INVAL, "case scans exceed %u bytes",
					  QUEUE_MAX_CASE_BYTES);
	}
	*pages += m->n_pages;
	return KERR_OK;
}

static enum kerr check_case(struct queue *q, const struct queue_case *c, uint64_t *ret_bytes,
			    size_t *ret_pages)
{
	const struct queue_case_rec *rec = NULL;
	uint64_t bytes = 0;
	size_t pages = 0;
	enum kerr err;

	if (!required(c->impl_code, sizeof(rec->impl_code) - 1))
		return queue_fail(q, KERR_INVAL, "impl_code missing or too long");
	if (!required(c->item_name, sizeof(rec->item_name) - 1))
		return queue_fail(q, KERR_INVAL, "item_name missing or too long");
	if (c->case_kind != 1 && c->case_kind != 2)
		return queue_fail(q, KERR_INVAL,
				  "case_kind %d is neither 1 (immediate) nor 2 (promised)",
				  c->case_kind);
	if (!required(c->applicant_name, sizeof(rec->applicant_name) - 1))
		return queue_fail(q, KERR_INVAL, "applicant_name missing or too long");
	if (!required(c->id_type, sizeof(rec->id_type) - 1))
		return queue_fail(q, KERR_INVAL, "id_type missing or too long");
	if (!required(c->id_number, sizeof(rec->id_number) - 1))
		return queue_fail(q, KERR_INVAL, "id_number missing or too long");
	/* The platform refuses a resident ID number with a wrong check character; better now than
	 * in the outbox. */
	if (strcmp(c->id_type, "111") == 0 && !idnum_valid(c->id_number))
		return queue_fail(q, KERR_INVAL, "id_number is not a valid resident ID number");
	if (c->sex && !strchr("0129", c->sex))
		return queue_fail(q, KERR_INVAL, "sex is not one of 0, 1, 2, 9");
	if (c->birth && !date_ok(c->birth))
		return queue_fail(q, KERR_INVAL, "birth is not YYYYMMDD");
	if (!optional(c->address, LONG_TEXT_MAX))
		return queue_fail(q, KERR_INVAL, "address too long");
	if (!optional(c->mobile, sizeof(rec->mobile) - 1))
		return queue_fail(q, KERR_INVAL, "mobile too long");
	if (c->delivery && strcmp(c->delivery, "pickup") != 0 && strcmp(c->delivery, "mail") != 0)
		return queue_fail(q, KERR_INVAL, "delivery is neither pickup nor mail");
	if (c->delivery && strcmp(c->delivery, "mail") == 0 &&
	    !required(c->mail_address, LONG_TEXT_MAX))
		return queue_fail(q, KERR_INVAL, "delivery by mail without a mail_address");
	if (!optional(c->mail_address, LONG_TEXT_MAX))
		return queue_fail(q, KERR_INVAL, "mail_address too long");
	if (!optional(c->region_code, REGION_MAX))
		return queue_fail(q, KERR_INVAL, "region_code too long");
	if (c->accepted_ms <= 0)
		return queue_fail(q, KERR_INVAL, "accepted_ms is not a time");
	if (c->promised_date && !date_ok(c->promised_date))
		return queue_fail(q, KERR_INVAL, "promised_date is not YYYYMMDD");
	if (c->n_materials > QUEUE_MAX_MATERIALS)
		return queue_fail(q, KERR_INVAL, "%zu materials, at most %d", c->n_materials,
				  QUEUE_MAX_MATERIALS);
	if (c->n_materials > 0 && !c->materials)
		return queue_fail(q, KERR_INVAL, "%zu materials but no material array",
				  c->n_materials);
	for (size_t i = 0; i < c->n_materials; i++) {
		err = check_material(q, &c->materials[i], i, c->with_gaps, &bytes, &pages);
		if (err)
			return err;
	}
	*ret_bytes = bytes;
	*ret_pages = pages;
	return KERR_OK;
}

/* The day's next sequence number. The counter lives in the database and moves in the case's own
 * transaction, so a number is never handed out twice: not after a restart, not after a rollback,
 * not when the clock goes back. */
static enum kerr next_seq(struct queue *q, const char *day, int64_t *ret)
{
	sqlite3_stmt *st = NULL;
	enum kerr err;
	int64_t seq;
	int rc;

	err = queue_db_prepare(q,
			       "INSERT INTO case_seq (day, last) VALUES (?1, 1) "
			       "ON CONFLICT (day) DO UPDATE SET last = last + 1 RETURNING last",
			       &st);
	if (err)
		return err;
	err = queue_db_bind_text(q, st, 1, day);
	if (err)
		goto out;
	rc = sqlite3_step(st);
	if (rc != SQLITE_ROW) {
		err = queue_db_err(q, rc, "next case sequence");
		goto out;
	}
	seq = sqlite3_column_int64(st, 0);
	err = queue_db_done(q, st);
	if (err)
		goto out;
	*ret = seq;
out:
	sqlite3_finalize(st);
	return err;
}

/* Inside the write transaction, so the check and the insert that follows cannot be raced. */
static enum kerr fresh_query_code(struct queue *q, char ret[QUEUE_QUERY_CODE_LEN + 1])
{
	char code[QUEUE_QUERY_CODE_LEN + 1];
	sqlite3_stmt *st = NULL;
	enum kerr err;
	int rc;

	err = queue_db_prepare(q, "SELECT 1 FROM cases WHERE query_code = ?1", &st);
	if (err)
		return err;
	for (int i = 0; i < QUERY_CODE_TRIES; i++) {
		err = queue_id_query_code(q, code);
		if (err)
			goto out;
		sqlite3_reset(st);
		err = queue_db_bind_text(q, st, 1, code);
		if (err)
			goto out;
		rc = sqlite3_step(st);
		if (rc == SQLITE_DONE) {
			memcpy(ret, code, sizeof(code));
			goto out;
		}
		if (rc != SQLITE_ROW) {
			err = queue_db_err(q, rc, "look up query code");
			goto out;
		}
	}
	err = queue_fail(q, KERR_IO, "no unused query code after %d tries", QUERY_CODE_TRIES);
out:
	sqlite3_finalize(st);
	return err;
}

static enum kerr insert_case_row(struct queue *q, const struct queue_case *c, const char *case_no,
				 const char *query_code, int64_t *ret_id)
{
	struct queue_field_row row = { "cases", 0 };
	sqlite3_stmt *st = NULL;
	char sex[2] = { c->sex, '\0' };
	enum kerr err;

	/* The id is chosen first: every personal field is sealed to its row. */
	err = queue_field_next_id(q, "cases", &row.id);
	if (err)
		return err;
	err = queue_db_prepare(
		q,
		"INSERT INTO cases (id, case_no, query_code, impl_code, item_name, case_kind, "
		"applicant_name, id_type, id_number, sex, birth, address, mobile, delivery, "
		"mail_address, region_code, accepted_ms, clock_trusted, promised_date, with_gaps, "
		"created_ms) "
		"VALUES (?21, ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, "
		"?16, ?17, ?18, ?19, ?20)",
		&st);
	if (err)
		return err;
	err = queue_db_bind_text(q, st, 1, case_no);
	if (!err)
		err = queue_db_bind_text(q, st, 2, query_code);
	if (!err)
		err = queue_db_bind_text(q, st, 3, c->impl_code);
	if (!err)
		err = queue_db_bind_text(q, st, 4, c->item_name);
	if (!err)
		err = queue_db_bind_int(q, st, 5, c->case_kind);
	if (!err)
		err = queue_field_put(q, st, 6, &row, "applicant_name", c->applicant_name);
	if (!err)
		err = queue_db_bind_text(q, st, 7, c->id_type);
	if (!err)
		err = queue_field_put(q, st, 8, &row, "id_number", c->id_number);
	if (!err)
		err = queue_field_put(q, st, 9, &row, "sex", c->sex ? sex : NULL);
	if (!err)
		err = queue_field_put(q, st, 10, &row, "birth", c->birth);
	if (!err)
		err = queue_field_put(q, st, 11, &row, "address", c->address);
	if (!err)
		err = queue_field_put(q, st, 12, &row, "mobile", c->mobile);
	if (!err)
		err = queue_db_bind_text(q, st, 13, c->delivery);
	if (!err)
		err = queue_field_put(q, st, 14, &row, "mail_address", c->mail_address);
	if (!err)
		err = queue_db_bind_text(q, st, 15, c->region_code);
	if (!err)
		err = queue_db_bind_int(q, st, 16, c->accepted_ms);
	if (!err)
		err = queue_db_bind_int(q, st, 17, c->clock_trusted);
	if (!err)
		err = queue_db_bind_text(q, st, 18, c->promised_date);
	if (!err)
		err = queue_db_bind_int(q, st, 19, c->with_gaps);
	if (!err)
		err = queue_db_bind_int(q, st, 20, clock_wall_ms(q->clk));
	if (!err)
		err = queue_db_bind_int(q, st, 21, row.id);
	if (!err)
		err = queue_db_done(q, st);
	if (!err)
		*ret_id = row.id;
	sqlite3_finalize(st);
	return err;
}

static enum kerr insert_materials(struct queue *q, const struct queue_case *c, int64_t case_id,
				  const struct page_file *files)
{
	sqlite3_stmt *mat = NULL, *page = NULL;
	size_t f = 0;
	enum kerr err;

	err = queue_db_prepare(q,
			       "INSERT INTO materials (case_id, ord, code, name, status) VALUES "
			       "(?1, ?2, ?3, ?4, ?5)",
			       &mat);
	if (!err)
		err = queue_db_prepare(
			q,
			"INSERT INTO pages (material_id, ord, file_name, size, sha256, media_type) "
			"VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
			&page);
	for (size_t i = 0; !err && i < c->n_materials; i++) {
		const struct queue_material *m = &c->materials[i];
		int64_t mat_id;

		sqlite3_reset(mat);
		err = queue_db_bind_int(q, mat, 1, case_id);
		if (!err)
			err = queue_db_bind_int(q, mat, 2, (int64_t)i);
		if (!err)
			err = queue_db_bind_text(q, mat, 3, m->code);
		if (!err)
			err = queue_db_bind_text(q, mat, 4, m->name);
		if (!err)
			err = queue_db_bind_text(q, mat, 5, status_db[m->status]);
		if (!err)
			err = queue_db_done(q, mat);
		mat_id = sqlite3_last_insert_rowid(q->db);
		for (size_t p = 0; !err && p < m->n_pages; p++, f++) {
			sqlite3_reset(page);
			err = queue_db_bind_int(q, page, 1, mat_id);
			if (!err)
				err = queue_db_bind_int(q, page, 2, (int64_t)p);
			if (!err)
				err = queue_db_bind_text(q, page, 3, files[f].name);
			if (!err)
				err = queue_db_bind_int(q, page, 4, (int64_t)files[f].page->len);
			if (!err)
				err = queue_db_bind_text(q, page, 5, files[f].sha256);
			if (!err)
				err = queue_db_bind_text(q, page, 6,
							 files[f].page->media_type ? files[f].page->media_type
										   : QUEUE_MEDIA_JPEG);
			if (!err)
				err = queue_db_done(q, page);
		}
	}
	sqlite3_finalize(page);
	sqlite3_finalize(mat);
	return err;
}

/* Every row of the case, inside the caller's transaction. */
static enum kerr insert_case(struct queue *q, const struct queue_case *c,
			     const struct page_file *files, char ret_case_no[40],
			     char ret_query_code[16])
{
	char day[9], case_no[40], query_code[QUEUE_QUERY_CODE_LEN + 1];
	int64_t seq = 0, case_id = 0;
	enum kerr err;

	queue_id_day(c->accepted_ms, day);
	err = next_seq(q, day, &seq);
	if (!err)
		err = queue_id_case_no(q, day, seq, case_no);
	if (!err)
		err = fresh_query_code(q, query_code);
	if (!err)
		err = insert_case_row(q, c, case_no, query_code, &case_id);
	if (!err)
		err = insert_materials(q, c, case_id, files);
	if (!err)
		err = queue_outbox_add(q, "case", case_id);
	if (err)
		return err;
	memcpy(ret_case_no, case_no, sizeof(case_no));
	memcpy(ret_query_code, query_code, sizeof(query_code));
	return KERR_OK;
}

enum kerr queue_case_add(struct queue *q, const struct queue_case *c, char ret_case_no[40],
			 char ret_query_code[16])
{
	char case_no[40], query_code[16];
	struct page_file *files = NULL;
	size_t n_files = 0, written = 0, f = 0;
	uint64_t bytes = 0;
	enum kerr err;

	if (!c)
		return queue_fail(q, KERR_INVAL, "no case");
	err = check_case(q, c, &bytes, &n_files);
	if (err)
		return err;
	err = queue_space_check(q, bytes + (uint64_t)n_files * PAGE_SLACK + ROW_SLACK);
	if (err)
		return err;
	files = calloc(n_files ? n_files : 1, sizeof(*files));
	if (!files)
		return queue_fail(q, KERR_NOMEM, "out of memory for %zu pages", n_files);
	for (size_t i = 0; i < c->n_materials; i++) {
		for (size_t p = 0; p < c->materials[i].n_pages; p++, f++) {
			files[f].page = &c->materials[i].pages[p];
			err = queue_id_scan_name(q, files[f].name);
			if (!err)
				err = queue_id_sha256(q, files[f].page->data, files[f].page->len,
						      files[f].sha256);
			if (err)
				goto out;
		}
	}

	/* The files are written outside the database's write lock (the uplink keeps committing
	 * meanwhile) but inside the writers' lock, so no sweep takes them for a crash's leftovers
	 * before their rows commit. */
	err = queue_file_writers_enter(q);
	if (err)
		goto out;
	for (; written < n_files; written++) {
		err = queue_file_put(q, files[written].name, files[written].page->data,
				     files[written].page->len);
		if (err)
			goto fail;
	}
	/* The renames must be on disk before the rows that name the files. */
	if (n_files > 0) {
		err = queue_file_sync_scans(q);
		if (err)
			goto fail;
	}
	err = queue_db_begin(q);
	if (err)
		goto fail;
	err = insert_case(q, c, files, case_no, query_code);
	if (err)
		goto fail_tx;
	err = queue_db_commit(q);
	if (err) {
		/* A commit that failed may still have reached the WAL and be recovered after a
		 * crash; its files stay, and the next open's sweep removes them if the rows are
		 * really gone. */
		queue_db_rollback(q);
		goto out_writers;
	}
	memcpy(ret_case_no, case_no, sizeof(case_no));
	memcpy(ret_query_code, query_code, sizeof(query_code));
	goto out_writers;

fail_tx:
	queue_db_rollback(q);
fail:
	for (size_t i = 0; i < written; i++)
		queue_file_discard(q, files[i].name);
out_writers:
	queue_file_writers_leave(q);
out:
	free(files);
	return err;
}

static enum kerr status_from_db(struct queue *q, const char *s, enum queue_material_status *ret)
{
	for (int i = 0; i < QUEUE_MAT__COUNT; i++) {
		if (s && strcmp(s, status_db[i]) == 0) {
			*ret = (enum queue_material_status)i;
			return KERR_OK;
		}
	}
	return queue_fail(q, KERR_CORRUPT, "unknown material status in the store");
}

static enum kerr read_pages(struct queue *q, int64_t mat_id, struct queue_material_rec *m)
{
	sqlite3_stmt *st = NULL;
	struct queue_page_rec *pg;
	size_t n = 0;
	enum kerr err;
	int rc = SQLITE_DONE;

	err = queue_db_prepare(q,
			       "SELECT file_name, size, sha256, uploaded, media_type FROM pages "
			       "WHERE material_id = ?1 ORDER BY ord",
			       &st);
	if (err)
		return err;
	err = queue_db_bind_int(q, st, 1, mat_id);
	while (!err && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (n == QUEUE_MAX_PAGES) {
			err = queue_fail(q, KERR_CORRUPT, "a stored material has over %d pages",
					 QUEUE_MAX_PAGES);
			break;
		}
		pg = realloc(m->pages, (n + 1) * sizeof(*m->pages));
		if (!pg) {
			err = queue_fail(q, KERR_NOMEM, "out of memory");
			break;
		}
		m->pages = pg;
		pg = &m->pages[n++];
		memset(pg, 0, sizeof(*pg));
		m->n_pages = n;
		err = queue_db_text(q, st, 0, pg->file_name, sizeof(pg->file_name));
		pg->size = sqlite3_column_int64(st, 1);
		if (!err)
			err = queue_db_text(q, st, 2, pg->sha256, sizeof(pg->sha256));
		pg->uploaded = sqlite3_column_int(st, 3) != 0;
		if (!err)
			err = queue_db_text(q, st, 4, pg->media_type, sizeof(pg->media_type));
	}
	if (!err && rc != SQLITE_DONE)
		err = queue_db_err(q, rc, "read pages");
	sqlite3_finalize(st);
	return err;
}

static enum kerr read_materials(struct queue *q, int64_t case_id, struct queue_case_rec *r)
{
	sqlite3_stmt *st = NULL;
	struct queue_material_rec *m;
	char status[16];
	int64_t n;
	size_t i = 0;
	enum kerr err;
	int rc = SQLITE_DONE;

	err = queue_db_prepare(q, "SELECT count(*) FROM materials WHERE case_id = ?1", &st);
	if (!err)
		err = queue_db_bind_int(q, st, 1, case_id);
	if (!err && (rc = sqlite3_step(st)) != SQLITE_ROW)
		err = queue_db_err(q, rc, "count materials");
	if (err)
		goto out;
	n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	st = NULL;
	if (n == 0)
		goto out;
	if (n < 0 || n > QUEUE_MAX_MATERIALS) {
		err = queue_fail(q, KERR_CORRUPT, "a stored case has %lld materials", (long long)n);
		goto out;
	}
	r->materials = calloc((size_t)n, sizeof(*r->materials));
	if (!r->materials) {
		err = queue_fail(q, KERR_NOMEM, "out of memory");
		goto out;
	}
	r->n_materials = (size_t)n;
	err = queue_db_prepare(
		q, "SELECT id, code, name, status FROM materials WHERE case_id = ?1 ORDER BY ord",
		&st);
	if (!err)
		err = queue_db_bind_int(q, st, 1, case_id);
	while (!err && i < r->n_materials && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		m = &r->materials[i++];
		err = queue_db_text(q, st, 1, m->code, sizeof(m->code));
		if (!err)
			err = queue_db_text(q, st, 2, m->name, sizeof(m->name));
		if (!err)
			err = queue_db_text(q, st, 3, status, sizeof(status));
		if (!err)
			err = status_from_db(q, status, &m->status);
		if (!err)
			err = read_pages(q, sqlite3_column_int64(st, 0), m);
	}
	if (!err && i < r->n_materials)
		err = rc == SQLITE_DONE ? queue_fail(q, KERR_IO, "materials changed while read")
					: queue_db_err(q, rc, "read materials");
out:
	sqlite3_finalize(st);
	return err;
}

/* One case by case number, query code or row id (0: none); the others are "" when unused. */
static enum kerr case_read(struct queue *q, const char *case_no_or_query_code, const char *code,
			   int64_t id, struct queue_case_rec **ret)
{
	struct queue_field_row row = { "cases", 0 };
	struct queue_case_rec *r = NULL;
	sqlite3_stmt *st = NULL;
	enum kerr err;
	int rc;

	r = calloc(1, sizeof(*r));
	if (!r)
		return queue_fail(q, KERR_NOMEM, "out of memory");
	err = queue_db_prepare(q,
			       "SELECT id, case_no, query_code, impl_code, item_name, case_kind, "
			       "applicant_name, id_type, id_number, mobile, delivery, accepted_ms, "
			       "clock_trusted, promised_date, with_gaps, platform_no, sex, birth, "
			       "address, mail_address, region_code "
			       "FROM cases WHERE case_no = ?1 OR query_code = ?2 OR id = ?3",
			       &st);
	if (!err)
		err = queue_db_bind_text(q, st, 1, case_no_or_query_code);
	if (!err)
		err = queue_db_bind_text(q, st, 2, code);
	if (!err)
		err = queue_db_bind_int(q, st, 3, id);
	if (err)
		goto fail;
	rc = sqlite3_step(st);
	if (rc == SQLITE_DONE) {
		err = queue_fail(q, KERR_NOT_FOUND, "no such case");
		goto fail;
	}
	if (rc != SQLITE_ROW) {
		err = queue_db_err(q, rc, "read case");
		goto fail;
	}
	r->id = sqlite3_column_int64(st, 0);
	row.id = r->id;
	err = queue_db_text(q, st, 1, r->case_no, sizeof(r->case_no));
	if (!err)
		err = queue_db_text(q, st, 2, r->query_code, sizeof(r->query_code));
	if (!err)
		err = queue_db_text(q, st, 3, r->impl_code, sizeof(r->impl_code));
	if (!err)
		err = queue_db_text(q, st, 4, r->item_name, sizeof(r->item_name));
	r->case_kind = sqlite3_column_int(st, 5);
	if (!err)
		err = queue_field_get(q, st, 6, &row, "applicant_name", r->applicant_name,
				      sizeof(r->applicant_name));
	if (!err)
		err = queue_db_text(q, st, 7, r->id_type, sizeof(r->id_type));
	if (!err)
		err = queue_field_get(q, st, 8, &row, "id_number", r->id_number,
				      sizeof(r->id_number));
	if (!err)
		err = queue_field_get(q, st, 9, &row, "mobile", r->mobile,
				      sizeof(r->mobile));
	if (!err)
		err = queue_db_text(q, st, 10, r->delivery, sizeof(r->delivery));
	r->accepted_ms = sqlite3_column_int64(st, 11);
	r->clock_trusted = sqlite3_column_int(st, 12) != 0;
	if (!err)
		err = queue_db_text(q, st, 13, r->promised_date, sizeof(r->promised_date));
	r->with_gaps = sqlite3_column_int(st, 14) != 0;
	if (!err)
		err = queue_db_text(q, st, 15, r->platform_no, sizeof(r->platform_no));
	if (!err)
		err = queue_field_get(q, st, 16, &row, "sex", r->sex,
				      sizeof(r->sex));
	if (!err)
		err = queue_field_get(q, st, 17, &row, "birth", r->birth,
				      sizeof(r->birth));
	if (!err)
		err = queue_field_get(q, st, 18, &row, "address", r->address,
				      sizeof(r->address));
	if (!err)
		err = queue_field_get(q, st, 19, &row, "mail_address", r->mail_address,
				      sizeof(r->mail_address));
	if (!err)
		err = queue_db_text(q, st, 20, r->region_code, sizeof(r->region_code));
	/* Materials are never changed once written, so reading them after the case row, outside one
	 * snapshot, is safe. */
	if (!err)
		err = read_materials(q, sqlite3_column_int64(st, 0), r);
	if (err)
		goto fail;
	sqlite3_finalize(st);
	*ret = r;
	return KERR_OK;

fail:
	sqlite3_finalize(st);
	queue_case_rec_free(r);
	return err;
}

enum kerr queue_case_get(struct queue *q, const char *case_no_or_query_code,
			 struct queue_case_rec **ret)
{
	char code[QUEUE_QUERY_CODE_LEN + 1] = "";
	size_t n;

	if (!case_no_or_query_code || !case_no_or_query_code[0] ||
	    strlen(case_no_or_query_code) >= sizeof((*ret)->case_no))
		return queue_fail(q, KERR_INVAL, "no case number or query code");
	/* Residents type the query code in either case; the codes themselves are upper case. */
	n = strlen(case_no_or_query_code);
	if (n == QUEUE_QUERY_CODE_LEN) {
		for (size_t i = 0; i <= n; i++) {
			char ch = case_no_or_query_code[i];

			code[i] = (char)(ch >= 'a' && ch <= 'z' ? ch - 'a' + 'A' : ch);
		}
	}
	return case_read(q, case_no_or_query_code, code, 0, ret);
}

enum kerr queue_case_get_by_id(struct queue *q, int64_t id, struct queue_case_rec **ret)
{
	if (id <= 0)
		return queue_fail(q, KERR_INVAL, "no case id");
	return case_read(q, "", "", id, ret);
}

void queue_case_rec_free(struct queue_case_rec *r)
{
	if (!r)
		return;
	if (r->materials) {
		for (size_t i = 0; i < r->n_materials; i++)
			free(r->materials[i].pages);
		explicit_bzero(r->materials, r->n_materials * sizeof(*r->materials));
		free(r->materials);
	}
	explicit_bzero(r, sizeof(*r));
	free(r);
}

enum kerr queue_case_count(struct queue *q, int64_t *ret)
{
	return queue_db_int(q, "SELECT count(*) FROM cases", ret);
}
