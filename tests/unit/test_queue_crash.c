/* Power cuts across one case commit (and the checkpoint after it), at every SQLite I/O operation:
 * a child stores the case through the crash VFS (tests/support/crashvfs.h), which drops or tears
 * the writes not yet synced at operation k and ends the child; the store is then opened normally
 * and must pass PRAGMA integrity_check and hold the case wholly (rows, outbox entry, every page
 * decryptable to its bytes) or not at all (no rows, no files), and wholly once its commit was
 * synced. */
#include "offline-queue/queue.h"
#include "offline-queue/queue_impl.h"
#include "tests/support/crashvfs.h"

#include <dirent.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#define PREFIX	    "T0042"
#define VALID_ID    "11010519491231002X"
#define ACCEPTED_MS 1710464400000LL /* 2024-03-15 09:00 UTC+8 */
#define SEED	    0x5eed

struct fix {
	char root[64];
	char base[128]; /* a store holding one case: every run starts from a copy */
	char work[128];
	long ops, synced; /* of an uninterrupted commit */
	int present, absent;
};

/* The second case: two materials with pages of a few chunks and one of a few bytes. */
struct sample {
	unsigned char *big;
	size_t big_len;
	unsigned char small[9];
	struct queue_page pages1[2];
	struct queue_page pages2[1];
	struct queue_material mats[2];
	struct queue_case c;
};

static void sample_init(struct sample *s, const char *name)
{
	memset(s, 0, sizeof(*s));
	s->big_len = 150 * 1024;
	s->big = malloc(s->big_len);
	assert_non_null(s->big);
	for (size_t i = 0; i < s->big_len; i++)
		s->big[i] = (unsigned char)(i * 7 + (i >> 9));
	memcpy(s->small, "\xff\xd8\xff\xe0page\xd9", 9);
	s->pages1[0] = (struct queue_page){s->big, s->big_len};
	s->pages1[1] = (struct queue_page){s->small, sizeof(s->small)};
	s->pages2[0] = (struct queue_page){s->big + 1000, 5000};
	s->mats[0] = (struct queue_material){"M001", "身份证", QUEUE_MAT_RECEIVED, s->pages1, 2};
	s->mats[1] = (struct queue_material){"M002", "户口簿", QUEUE_MAT_RECEIVED, s->pages2, 1};
	s->c = (struct queue_case){
		.impl_code = "11110105000000000X4440117008000",
		.item_name = "城乡居民基本养老保险参保登记",
		.case_kind = 2,
		.applicant_name = name,
		.id_type = "111",
		.id_number = VALID_ID,
		.sex = '2',
		.birth = "19491231",
		.address = "北京市朝阳区某街道1号",
		.mobile = "13812345678",
		.delivery = "pickup",
		.region_code = "110105",
		.accepted_ms = ACCEPTED_MS,
		.clock_trusted = true,
		.promised_date = "20240329",
		.materials = s->mats,
		.n_materials = 2,
	};
}

static void sample_finish(struct sample *s)
{
	free(s->big);
}

/* Regular files and folders, modes kept (the key file must stay 0600). */
static void copy_tree(const char *from, const char *to)
{
	char a[512], b[512], buf[65536];
	struct dirent *e;
	struct stat st;
	DIR *d;

	assert_int_equal(stat(from, &st), 0);
	assert_int_equal(mkdir(to, st.st_mode & 07777), 0);
	d = opendir(from);
	assert_non_null(d);
	while ((e = readdir(d))) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		snprintf(a, sizeof(a), "%s/%s", from, e->d_name);
		snprintf(b, sizeof(b), "%s/%s", to, e->d_name);
		assert_int_equal(lstat(a, &st), 0);
		if (S_ISDIR(st.st_mode)) {
			copy_tree(a, b);
		} else if (S_ISREG(st.st_mode)) {
			int in = open(a, O_RDONLY | O_CLOEXEC);
			int out = open(b, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
				       st.st_mode & 07777);
			ssize_t n;

			assert_true(in >= 0 && out >= 0);
			while ((n = read(in, buf, sizeof(buf))) > 0)
				assert_int_equal(write(out, buf, (size_t)n), n);
			assert_int_equal(n, 0);
			close(in);
			assert_int_equal(close(out), 0);
		}
	}
	closedir(d);
}

static void remove_tree(const char *path)
{
	char cmd[300];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", path);
	assert_int_equal(system(cmd), 0);
}

static int count_scans(const char *store)
{
	char path[200];
	struct dirent *e;
	int n = 0;
	DIR *d;

	snprintf(path, sizeof(path), "%s/scans", store);
	d = opendir(path);
	assert_non_null(d);
	while ((e = readdir(d)))
		if (e->d_name[0] != '.')
			n++;
	closedir(d);
	return n;
}

static struct queue *open_store(const char *dir, uint64_t seed)
{
	char why[QUEUE_ERRMSG_SIZE] = "";
	struct queue *q = NULL;
	enum kerr err = queue_open_msg(dir, PREFIX, 0, why, &q);

	if (err)
		fail_msg("open %s: %s (%s)", dir, kerr_str(err), why);
	queue_set_seed(q, seed);
	return q;
}

/* Stores the second case, then checkpoints, counting or crashing at operation crash_at. */
static void store_second(struct fix *f, long crash_at, enum crashvfs_mode mode, uint64_t seed)
{
	char case_no[40], qc[16];
	struct sample s;
	struct queue *q;
	enum kerr err;

	sample_init(&s, "李四");
	/* Another seed than the first case's: its file names and keys must differ. */
	q = open_store(f->work, SEED + 1);
	crashvfs_arm(crash_at, mode, seed);
	err = queue_case_add(q, &s.c, case_no, qc);
	if (err)
		fail_msg("queue_case_add: %s (%s)", kerr_str(err), queue_errmsg(q));
	/* The commit's own sync, not the checkpoint's after it: from there the case must stay. */
	f->synced = crashvfs_last_sync();
	assert_int_equal(sqlite3_exec(q->db, "PRAGMA wal_checkpoint(TRUNCATE)", NULL, NULL, NULL),
			 SQLITE_OK);
	f->ops = crashvfs_ops();
	assert_int_equal(crashvfs_disarm(), 0);
	queue_close(q);
	sample_finish(&s);
}

static int setup(void **state)
{
	struct fix *f = calloc(1, sizeof(*f));
	char case_no[40], qc[16];
	struct sample s;
	struct queue *q;

	assert_non_null(f);
	/* Durability here is the crash VFS's business, not the disk's: memory is faster for a
	 * hundred stores. */
	snprintf(f->root, sizeof(f->root), "%s/test_queue_crash.XXXXXX",
		 access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp");
	assert_non_null(mkdtemp(f->root));
	snprintf(f->base, sizeof(f->base), "%s/base", f->root);
	snprintf(f->work, sizeof(f->work), "%s/work", f->root);
	q = open_store(f->base, SEED);
	sample_init(&s, "王小英");
	assert_int_equal(queue_case_add(q, &s.c, case_no, qc), KERR_OK);
	sample_finish(&s);
	queue_close(q);

	/* One uninterrupted run through the crash VFS says how many operations there are. */
	copy_tree(f->base, f->work);
	assert_int_equal(crashvfs_install(), 0);
	store_second(f, 0, CRASHVFS_DROP, 0);
	crashvfs_uninstall();
	remove_tree(f->work);
	assert_true(f->ops > 0 && f->synced > 0 && f->synced <= f->ops);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fix *f = *state;

	remove_tree(f->root);
	free(f);
	return 0;
}

static void check_integrity(struct queue *q, long k)
{
	sqlite3_stmt *st;
	const char *got;

	assert_int_equal(sqlite3_prepare_v2(q->db, "PRAGMA integrity_check", -1, &st, NULL),
			 SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	got = (const char *)sqlite3_column_text(st, 0);
	if (!got || strcmp(got, "ok") != 0)
		fail_msg("crash at %ld: integrity_check says %s", k, got ? got : "nothing");
	sqlite3_finalize(st);
}

static int64_t q_int(struct queue *q, const char *sql)
{
	int64_t v = -1;

	assert_int_equal(queue_db_int(q, sql, &v), KERR_OK);
	return v;
}

/* Every page of the case opens, authenticates and gives back the bytes that were stored. */
static void check_pages(struct queue *q, const struct queue_case_rec *r, const struct sample *s,
			long k)
{
	assert_int_equal(r->n_materials, 2);
	for (size_t m = 0; m < r->n_materials; m++) {
		assert_int_equal(r->materials[m].n_pages, s->mats[m].n_pages);
		for (size_t p = 0; p < r->materials[m].n_pages; p++) {
			const struct queue_page *want = &s->mats[m].pages[p];
			struct queue_scan *sc = NULL;
			unsigned char *buf = malloc(want->len + 1);
			size_t got = 0;
			enum kerr err;

			assert_non_null(buf);
			err = queue_file_open_read(q, r->materials[m].pages[p].file_name, &sc);
			if (!err)
				err = queue_scan_read(sc, 0, buf, want->len + 1, &got);
			if (err)
				fail_msg("crash at %ld: page %zu.%zu: %s (%s)", k, m, p,
					 kerr_str(err), queue_errmsg(q));
			assert_int_equal(got, want->len);
			assert_memory_equal(buf, want->data, want->len);
			queue_scan_close(sc);
			free(buf);
		}
	}
}

/* After the power cut: opened normally, whole or absent. */
static void check_after(struct fix *f, long k)
{
	struct queue_case_rec *r = NULL;
	struct queue *q = open_store(f->work, SEED + 2);
	int64_t n;

	check_integrity(q, k);
	n = q_int(q, "SELECT count(*) FROM cases");
	if (n == 2) {
		struct sample s;

		sample_init(&s, "李四");
		assert_int_equal(queue_case_get_by_id(q, q_int(q, "SELECT max(id) FROM cases"), &r),
				 KERR_OK);
		assert_string_equal(r->applicant_name, "李四");
		assert_string_equal(r->id_number, VALID_ID);
		check_pages(q, r, &s, k);
		queue_case_rec_free(r);
		sample_finish(&s);
		assert_int_equal(q_int(q, "SELECT count(*) FROM outbox WHERE kind = 'case' AND "
					  "length(idempotency_key) = 36"),
				 2);
		assert_int_equal(q_int(q, "SELECT count(*) FROM pages"), 6);
		assert_int_equal(count_scans(f->work), 6);
		f->present++;
	} else if (n == 1) {
		if (k > f->synced)
			fail_msg("crash at %ld, after the sync at %ld: the case is lost", k,
				 f->synced);
		assert_int_equal(q_int(q, "SELECT count(*) FROM materials"), 2);
		assert_int_equal(q_int(q, "SELECT count(*) FROM pages"), 3);
		assert_int_equal(q_int(q, "SELECT count(*) FROM outbox"), 1);
		/* The second case's files went with the sweep at open. */
		assert_int_equal(count_scans(f->work), 3);
		f->absent++;
	} else {
		fail_msg("crash at %ld: %lld cases", k, (long long)n);
	}
	queue_close(q);
}

static void crash_at(struct fix *f, long k, enum crashvfs_mode mode)
{
	int status = 0;
	pid_t pid;

	remove_tree(f->work); /* what a failed run before left */
	copy_tree(f->base, f->work);
	fflush(NULL);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		int null = open("/dev/null", O_WRONLY | O_CLOEXEC);

		/* Not the test's output: a child's words would interleave with cmocka's. */
		if (null < 0 || dup2(null, 1) < 0 || dup2(null, 2) < 0)
			_exit(2);
		if (crashvfs_install() != 0)
			_exit(2);
		store_second(f, k, mode, (uint64_t)k * 2654435761u + mode);
		_exit(3); /* the crash never came */
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	if (!WIFEXITED(status) || WEXITSTATUS(status) != CRASHVFS_EXIT)
		fail_msg("crash at %ld: the child ended with status %d", k, status);
	check_after(f, k);
	remove_tree(f->work);
}

static void sweep(struct fix *f, enum crashvfs_mode mode)
{
	f->present = f->absent = 0;
	for (long k = 1; k <= f->ops; k++)
		crash_at(f, k, mode);
	printf("crash sweep (%s): %ld I/O operations, commit synced at %ld; case whole after %d, "
	       "absent after %d\n",
	       mode == CRASHVFS_DROP ? "unsynced writes dropped" : "unsynced writes torn", f->ops,
	       f->synced, f->present, f->absent);
	assert_true(f->present > 0 && f->absent > 0);
}

static void test_crash_dropping_unsynced(void **state)
{
	sweep(*state, CRASHVFS_DROP);
}

static void test_crash_tearing_unsynced(void **state)
{
	sweep(*state, CRASHVFS_TEAR);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_crash_dropping_unsynced),
		cmocka_unit_test(test_crash_tearing_unsynced),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
