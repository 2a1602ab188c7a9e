/* The store's folder and its scan files: creation, durable writes (temporary file, fsync, rename,
 * fsync of the folder; each file sealed by queue_scan.c on its way), the sweep of a crash's
 * leftovers, free space; and the one place where errno becomes enum kerr. */
#include "offline-queue/queue_impl.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#define PROBE_NAME ".write-probe"
#define WRITERS_NAME "scans.lock"
#define SQLITE_MAGIC "SQLite format 3" /* and its NUL: the first 16 bytes of every database */

/* The only translation of errno. A path through a regular file is as unusable as a folder without
 * write permission, so ENOTDIR counts as KERR_PERM too. */
static enum kerr from_errno(int e)
{
	switch (e) {
	case EACCES:
	case EPERM:
	case EROFS:
	case ENOTDIR:
		return KERR_PERM;
	case ENOSPC:
	case EDQUOT:
		return KERR_FULL;
	case ENOMEM:
		return KERR_NOMEM;
	default:
		return KERR_IO;
	}
}

static enum kerr os_fail(struct queue *q, int e, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static enum kerr os_fail(struct queue *q, int e, const char *fmt, ...)
{
	char what[QUEUE_ERRMSG_SIZE];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	return queue_fail(q, from_errno(e), "%s: %s", what, strerror(e));
}

/* A new folder entry is durable only once its parent is fsynced. */
static int sync_parent(const char *path)
{
	char parent[4096];
	char *slash;
	int fd, ret, e;

	snprintf(parent, sizeof(parent), "%s", path);
	slash = strrchr(parent, '/');
	if (!slash)
		snprintf(parent, sizeof(parent), ".");
	else if (slash == parent)
		parent[1] = '\0';
	else
		*slash = '\0';
	fd = open(parent, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	ret = fsync(fd);
	e = errno;
	close(fd);
	errno = e;
	return ret;
}

static enum kerr mkdir_parents(struct queue *q, const char *dir)
{
	char path[4096];
	size_t n = strlen(dir);

	if (n >= sizeof(path))
		return queue_fail(q, KERR_INVAL, "store folder path too long");
	memcpy(path, dir, n + 1);
	for (size_t i = 1; i <= n; i++) {
		if (path[i] != '/' && path[i] != '\0')
			continue;
		path[i] = '\0';
		if (mkdir(path, 0700) == 0) {
			if (sync_parent(path) != 0)
				return os_fail(q, errno, "cannot make folder %s durable", path);
		} else if (errno != EEXIST) {
			return os_fail(q, errno, "cannot create store folder %s", path);
		}
		path[i] = dir[i];
	}
	return KERR_OK;
}

/* access() would say yes to root on a read-only mount's neighbour and cannot see ACLs reliably:
 * creating a file is the only honest test. The probe has a fixed name so a crash cannot leave a
 * growing pile of them. */
static enum kerr probe_writable(struct queue *q, int dfd, const char *shown)
{
	int fd = openat(dfd, PROBE_NAME, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW,
			0600);

	if (fd < 0)
		return os_fail(q, errno, "store folder %s is not writable", shown);
	close(fd);
	if (unlinkat(dfd, PROBE_NAME, 0) != 0 && errno != ENOENT)
		return os_fail(q, errno, "store folder %s is not writable", shown);
	return KERR_OK;
}

enum kerr queue_file_prepare(struct queue *q, const char *dir)
{
	enum kerr err;

	err = mkdir_parents(q, dir);
	if (err)
		return err;
	q->dir_fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (q->dir_fd < 0)
		return os_fail(q, errno, "cannot open store folder %s", dir);
	err = probe_writable(q, q->dir_fd, dir);
	if (err)
		return err;
	if (mkdirat(q->dir_fd, QUEUE_SCANS_NAME, 0700) == 0) {
		if (fsync(q->dir_fd) != 0)
			return os_fail(q, errno, "cannot make %s/%s durable", dir,
				       QUEUE_SCANS_NAME);
	} else if (errno != EEXIST) {
		return os_fail(q, errno, "cannot create %s/%s", dir, QUEUE_SCANS_NAME);
	}
	q->scans_fd = openat(q->dir_fd, QUEUE_SCANS_NAME,
			     O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
	if (q->scans_fd < 0)
		return os_fail(q, errno, "cannot open %s/%s", dir, QUEUE_SCANS_NAME);
	/* Its content is never used and it needs no fsync: only the lock on it matters. */
	q->writers_fd = openat(q->dir_fd, WRITERS_NAME, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW,
			       0600);
	if (q->writers_fd < 0)
		return os_fail(q, errno, "cannot open %s/%s", dir, WRITERS_NAME);
	return probe_writable(q, q->scans_fd, QUEUE_SCANS_NAME);
}

enum kerr queue_file_check_sqlite(struct queue *q, const char *path)
{
	char head[sizeof(SQLITE_MAGIC)];
	size_t got = 0;
	enum kerr err = KERR_OK;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		if (errno == ENOENT)
			return KERR_OK;
		return os_fail(q, errno, "cannot read %s", path);
	}
	while (got < sizeof(head)) {
		ssize_t n = read(fd, head + got, sizeof(head) - got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			err = os_fail(q, errno, "cannot read %s", path);
			goto out;
		}
		if (n == 0)
			break;
		got += (size_t)n;
	}
	/* An empty file is what SQLite itself makes a new database from. */
	if (got > 0 && (got < sizeof(head) || memcmp(head, SQLITE_MAGIC, sizeof(head)) != 0))
		err = queue_fail(q, KERR_CORRUPT,
				 "%s is not an SQLite database and was left untouched", path);
out:
	close(fd);
	return err;
}

enum kerr queue_file_write(struct queue *q, int fd, const char *name, const unsigned char *data,
			   size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, data, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return os_fail(q, errno, "cannot write scan %s", name);
		/* A zero-byte write with bytes left means the device took nothing; do not spin on
		 * it. */
		if (n == 0)
			return os_fail(q, EIO, "cannot write scan %s", name);
		data += n;
		len -= (size_t)n;
	}
	return KERR_OK;
}

/* Plaintext for queue_scan_write(): from memory, or read from a plain file being sealed. */
struct source {
	const unsigned char *data;
	int fd;
	const char *name;
	struct queue *q;
};

static enum kerr from_memory(void *ctx, unsigned char *buf, size_t n)
{
	struct source *src = ctx;

	memcpy(buf, src->data, n);
	src->data += n;
	return KERR_OK;
}

static enum kerr from_file(void *ctx, unsigned char *buf, size_t n)
{
	struct source *src = ctx;
	size_t got = 0;

	while (got < n) {
		ssize_t r = read(src->fd, buf + got, n - got);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return os_fail(src->q, errno, "cannot read scan %s", src->name);
		if (r == 0)
			return queue_fail(src->q, KERR_IO, "scan %s shrank while being sealed",
					  src->name);
		got += (size_t)r;
	}
	return KERR_OK;
}

/* Seals size bytes from src into scans/name.tmp, fsyncs, renames it to scans/name. */
static enum kerr put_sealed(struct queue *q, const char *name, uint64_t size,
			    enum kerr (*next)(void *ctx, unsigned char *buf, size_t n),
			    struct source *src)
{
	char tmp[QUEUE_SCAN_NAME_LEN + sizeof(QUEUE_TMP_SUFFIX)];
	enum kerr err;
	int fd, n;

	n = snprintf(tmp, sizeof(tmp), "%s%s", name, QUEUE_TMP_SUFFIX);
	if (n < 0 || (size_t)n >= sizeof(tmp))
		return queue_fail(q, KERR_INVAL, "scan file name too long");
	fd = openat(q->scans_fd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0)
		return os_fail(q, errno, "cannot create scan %s", tmp);
	/* Bound to the final name, which the reader knows the file by. */
	err = queue_scan_write(q, fd, name, size, next, src);
	if (err)
		goto fail_open;
	if (fsync(fd) != 0) {
		err = os_fail(q, errno, "cannot fsync scan %s", tmp);
		goto fail_open;
	}
	/* close() can report a deferred write error (NFS, some FUSE mounts); such a file is not
	 * stored. */
	if (close(fd) != 0) {
		err = os_fail(q, errno, "cannot close scan %s", tmp);
		goto fail_closed;
	}
	if (renameat(q->scans_fd, tmp, q->scans_fd, name) != 0) {
		err = os_fail(q, errno, "cannot rename scan %s", tmp);
		goto fail_closed;
	}
	return KERR_OK;

fail_open:
	close(fd);
fail_closed:
	unlinkat(q->scans_fd, tmp, 0);
	return err;
}

enum kerr queue_file_put(struct queue *q, const char *name, const unsigned char *data, size_t len)
{
	struct source src = { .data = data, .fd = -1, .name = name, .q = q };

	return put_sealed(q, name, len, from_memory, &src);
}

enum kerr queue_file_seal_plain(struct queue *q, const char *name, bool *ret_sealed)
{
	unsigned char head[4];
	struct source src = { .name = name, .q = q };
	struct stat st;
	enum kerr err;
	ssize_t got;
	bool tmp;

	*ret_sealed = false;
	if (!queue_id_is_scan_name(name, &tmp) || tmp)
		return queue_fail(q, KERR_CORRUPT, "stored scan name is malformed");
	src.fd = openat(q->scans_fd, name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (src.fd < 0)
		return errno == ENOENT ? KERR_OK : os_fail(q, errno, "open scan %s", name);
	got = pread(src.fd, head, sizeof(head), 0);
	if (got < 0 || fstat(src.fd, &st) != 0) {
		err = os_fail(q, errno, "cannot read scan %s", name);
		goto out;
	}
	err = KERR_OK;
	if (queue_scan_is_sealed(head, (size_t)got))
		goto out;
	if ((uint64_t)st.st_size > QUEUE_MAX_PAGE_BYTES) {
		err = queue_fail(q, KERR_CORRUPT, "plain scan %s is larger than a page may be",
				 name);
		goto out;
	}
	err = put_sealed(q, name, (uint64_t)st.st_size, from_file, &src);
	if (!err)
		*ret_sealed = true;
out:
	close(src.fd);
	return err;
}

enum kerr queue_file_open_read(struct queue *q, const char *name, struct queue_scan **ret)
{
	bool tmp;
	int fd;

	/* Only names this store makes: a name from a damaged row must not reach outside scans/. */
	if (!queue_id_is_scan_name(name, &tmp) || tmp)
		return queue_fail(q, KERR_CORRUPT, "stored scan name is malformed");
	fd = openat(q->scans_fd, name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return os_fail(q, errno, "open scan %s", name);
	return queue_scan_open(q, fd, name, ret);
}

enum kerr queue_file_sync_scans(struct queue *q)
{
	if (fsync(q->scans_fd) != 0)
		return os_fail(q, errno, "cannot fsync folder %s/%s", q->dir, QUEUE_SCANS_NAME);
	return KERR_OK;
}

enum kerr queue_file_remove(struct queue *q, const char *name)
{
	if (unlinkat(q->scans_fd, name, 0) != 0 && errno != ENOENT)
		return os_fail(q, errno, "cannot remove scan %s", name);
	return KERR_OK;
}

void queue_file_discard(struct queue *q, const char *name)
{
	unlinkat(q->scans_fd, name, 0);
}

static int flock_retry(int fd, int op)
{
	int rc;

	do
		rc = flock(fd, op);
	while (rc != 0 && errno == EINTR);
	return rc;
}

enum kerr queue_file_writers_enter(struct queue *q)
{
	/* A sweep holds it only for one listing of scans/, so waiting is short. */
	if (flock_retry(q->writers_fd, LOCK_SH) != 0)
		return os_fail(q, errno, "cannot lock %s/%s", q->dir, WRITERS_NAME);
	return KERR_OK;
}

void queue_file_writers_leave(struct queue *q)
{
	/* Unlocking a lock we hold cannot fail on a local file; were it to, close() at
	 * queue_close() or the process's end releases it. */
	if (flock(q->writers_fd, LOCK_UN) != 0)
		return;
}

enum kerr queue_file_sweep(struct queue *q,
			   enum kerr (*is_named)(struct queue *q, const char *name, bool *ret),
			   int *ret_removed, bool *ret_swept)
{
	struct dirent *e;
	enum kerr err = KERR_OK;
	int removed = 0;
	DIR *d;
	int fd;

	if (flock_retry(q->writers_fd, LOCK_EX | LOCK_NB) != 0) {
		if (errno != EWOULDBLOCK)
			return os_fail(q, errno, "cannot lock %s/%s", q->dir, WRITERS_NAME);
		/* Another handle is storing a case: its files must stay, and any real leftovers
		 * wait for the next open. */
		*ret_removed = 0;
		*ret_swept = false;
		return KERR_OK;
	}
	/* A fresh open of the folder, so reading it moves no offset shared with scans_fd. */
	fd = openat(q->scans_fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0) {
		err = os_fail(q, errno, "cannot open %s/%s", q->dir, QUEUE_SCANS_NAME);
		goto out;
	}
	d = fdopendir(fd);
	if (!d) {
		err = os_fail(q, errno, "cannot list %s/%s", q->dir, QUEUE_SCANS_NAME);
		close(fd);
		goto out;
	}
	for (;;) {
		bool tmp, named = false;

		errno = 0;
		e = readdir(d);
		if (!e) {
			if (errno)
				err = os_fail(q, errno, "cannot list %s/%s", q->dir,
					      QUEUE_SCANS_NAME);
			break;
		}
		/* Only names of our own making: a file someone else put here is not ours to
		 * delete. */
		if (!queue_id_is_scan_name(e->d_name, &tmp))
			continue;
		if (!tmp) {
			err = is_named(q, e->d_name, &named);
			if (err)
				break;
		}
		if (named)
			continue;
		err = queue_file_remove(q, e->d_name);
		if (err)
			break;
		removed++;
	}
	closedir(d);
	if (!err && removed > 0)
		err = queue_file_sync_scans(q);
	if (!err) {
		*ret_removed = removed;
		*ret_swept = true;
	}
out:
	queue_file_writers_leave(q);
	return err;
}

static enum kerr free_space(struct queue *q, uint64_t *ret)
{
	struct statvfs sv;

	if (fstatvfs(q->dir_fd, &sv) != 0)
		return os_fail(q, errno, "cannot read free space of %s", q->dir);
	*ret = (uint64_t)sv.f_bavail * (uint64_t)sv.f_frsize;
	return KERR_OK;
}

enum kerr queue_space_get(struct queue *q, struct queue_space *ret)
{
	uint64_t avail = 0;
	enum kerr err = free_space(q, &avail);

	if (err)
		return err;
	ret->free_bytes = avail;
	ret->reserve_bytes = q->reserve;
	ret->accepting = avail >= QUEUE_CASE_MIN_BYTES && avail - QUEUE_CASE_MIN_BYTES >= q->reserve;
	return KERR_OK;
}

enum kerr queue_space_check(struct queue *q, uint64_t need_bytes)
{
	uint64_t avail = 0;
	enum kerr err = free_space(q, &avail);

	if (err)
		return err;
	if (need_bytes > avail || avail - need_bytes < q->reserve)
		return queue_fail(q, KERR_FULL,
				  "%s: %llu bytes needed, %llu free, %llu kept in reserve", q->dir,
				  (unsigned long long)need_bytes, (unsigned long long)avail,
				  (unsigned long long)q->reserve);
	return KERR_OK;
}
