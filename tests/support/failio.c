/* An LD_PRELOAD fault layer for storage tests: one kind of call on files whose path contains a
 * given text fails with a given errno, from its Nth occurrence on for a given count, so a test can
 * make the kiosk's scan fsync, a WAL write or a rename fail exactly once, or the disk be full from
 * some point on. Configured by the environment of the process it is preloaded into:
 *
 *   FAILIO_OP     write (write, pwrite, pwrite64), fsync (fsync, fdatasync), rename (rename,
 *                 renameat, renameat2) or open (open, openat and their 64 variants, for writing)
 *   FAILIO_PATH   the text a file's path must contain ("/scans/", "kiosk.db-wal"); empty: any
 *   FAILIO_NTH    the first matching call that fails (1 = the first); 0 or unset: none fail
 *   FAILIO_COUNT  how many fail from there (default 1; -1: all that follow)
 *   FAILIO_ERRNO  EIO (default), ENOSPC or EDQUOT
 *   FAILIO_LOG    a file each injected failure appends one line to
 *
 * and, for crash tests, whatever FAILIO_OP says:
 *
 *   FAILIO_KILL_AT  the process kills itself with SIGKILL at this call of any kind above, on any
 *                   file but the standard streams (1 = the first), before the call runs
 *   FAILIO_OPS_OUT  a file the number of such calls is written to at a normal exit, so a test can
 *                   choose kill points across a whole run
 *
 * Chosen over libfiu's fiu-run: its POSIX failure points select by function alone, at random or
 * always, while these tests need "the Nth fsync of a scan file" to land on one chosen step of a
 * scripted journey, and nothing new to install. Preloading into a sanitizer build needs
 * ASAN_OPTIONS=verify_asan_link_order=0. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <signal.h>
#include <unistd.h>

enum op { OP_NONE, OP_WRITE, OP_FSYNC, OP_RENAME, OP_OPEN };

/* A preloaded library has no handle to keep its settings in: the process is the context. */
static struct {
	bool ready;
	enum op op;
	char path[256];
	long nth, count;
	int err;
	char log[512];
	long seen; /* matching calls so far */
	long kill_at;
	char ops_out[512];
	long ops; /* calls of any kind so far */
} cfg;

static void load(void)
{
	const char *op = getenv("FAILIO_OP"), *v;

	if (__atomic_load_n(&cfg.ready, __ATOMIC_ACQUIRE))
		return;
	cfg.op = !op			 ? OP_NONE
		 : !strcmp(op, "write")	 ? OP_WRITE
		 : !strcmp(op, "fsync")	 ? OP_FSYNC
		 : !strcmp(op, "rename") ? OP_RENAME
		 : !strcmp(op, "open")	 ? OP_OPEN
					 : OP_NONE;
	v = getenv("FAILIO_PATH");
	snprintf(cfg.path, sizeof(cfg.path), "%s", v ? v : "");
	v = getenv("FAILIO_NTH");
	cfg.nth = v ? strtol(v, NULL, 10) : 0;
	v = getenv("FAILIO_COUNT");
	cfg.count = v ? strtol(v, NULL, 10) : 1;
	v = getenv("FAILIO_ERRNO");
	cfg.err = !v || !strcmp(v, "EIO") ? EIO : !strcmp(v, "ENOSPC") ? ENOSPC : EDQUOT;
	v = getenv("FAILIO_LOG");
	snprintf(cfg.log, sizeof(cfg.log), "%s", v ? v : "");
	v = getenv("FAILIO_KILL_AT");
	cfg.kill_at = v ? strtol(v, NULL, 10) : 0;
	v = getenv("FAILIO_OPS_OUT");
	snprintf(cfg.ops_out, sizeof(cfg.ops_out), "%s", v ? v : "");
	__atomic_store_n(&cfg.ready, true, __ATOMIC_RELEASE);
}

static void *next(const char *name)
{
	return dlsym(RTLD_NEXT, name);
}

static void note(const char *fn, const char *path)
{
	static ssize_t (*real_write)(int, const void *, size_t);
	char line[600];
	int fd, n;

	if (!cfg.log[0])
		return;
	if (!real_write)
		real_write = (ssize_t(*)(int, const void *, size_t))next("write");
	fd = ((int (*)(const char *, int, ...))next("open"))(
		cfg.log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
	if (fd < 0)
		return;
	n = snprintf(line, sizeof(line), "%s %s %s\n", fn, path, strerror(cfg.err));
	if (n > 0 && real_write(fd, line, (size_t)n) < 0)
		n = 0;
	close(fd);
}

/* A kill point: the power cord, as far as this process can tell. */
static void count_op(void)
{
	long n = __atomic_add_fetch(&cfg.ops, 1, __ATOMIC_RELAXED);

	if (cfg.kill_at > 0 && n == cfg.kill_at)
		raise(SIGKILL);
}

__attribute__((destructor)) static void report_ops(void)
{
	char line[32];
	int fd, n;

	if (!cfg.ready || !cfg.ops_out[0])
		return;
	fd = ((int (*)(const char *, int, ...))next("open"))(
		cfg.ops_out, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		return;
	n = snprintf(line, sizeof(line), "%ld\n", __atomic_load_n(&cfg.ops, __ATOMIC_RELAXED));
	if (n > 0 &&
	    ((ssize_t(*)(int, const void *, size_t))next("write"))(fd, line, (size_t)n) < 0)
		n = 0;
	close(fd);
}

/* Whether this call fails; sets errno when it does. */
static bool fails(enum op op, const char *fn, const char *path)
{
	long k;

	load();
	count_op();
	if (cfg.op != op || cfg.nth <= 0 || !path || !strstr(path, cfg.path))
		return false;
	k = __atomic_add_fetch(&cfg.seen, 1, __ATOMIC_RELAXED);
	if (k < cfg.nth || (cfg.count >= 0 && k >= cfg.nth + cfg.count))
		return false;
	note(fn, path);
	errno = cfg.err;
	return true;
}

static bool fd_fails(enum op op, const char *fn, int fd)
{
	char link[64], path[512];
	ssize_t n;

	load();
	if (cfg.op != op || cfg.nth <= 0) {
		count_op();
		return false;
	}
	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	n = readlink(link, path, sizeof(path) - 1);
	if (n < 0)
		return false;
	path[n] = '\0';
	return fails(op, fn, path);
}

/* A relative path is taken as it is: the kiosk's store names scan files relative to scans/,
 * so FAILIO_PATH matches their names (".tmp", ".jpg") or, through dirfd, the folder. */
static bool at_fails(enum op op, const char *fn, int dirfd, const char *path)
{
	char link[64], full[1024], dir[512];
	ssize_t n;

	if (!path || path[0] == '/' || dirfd == AT_FDCWD)
		return fails(op, fn, path);
	snprintf(link, sizeof(link), "/proc/self/fd/%d", dirfd);
	n = readlink(link, dir, sizeof(dir) - 1);
	if (n < 0)
		return fails(op, fn, path);
	dir[n] = '\0';
	snprintf(full, sizeof(full), "%s/%s", dir, path);
	return fails(op, fn, full);
}

ssize_t write(int fd, const void *buf, size_t n)
{
	static ssize_t (*real)(int, const void *, size_t);

	if (fd > 2 && fd_fails(OP_WRITE, "write", fd))
		return -1;
	if (!real)
		real = (ssize_t(*)(int, const void *, size_t))next("write");
	return real(fd, buf, n);
}

ssize_t pwrite(int fd, const void *buf, size_t n, off_t off)
{
	static ssize_t (*real)(int, const void *, size_t, off_t);

	if (fd_fails(OP_WRITE, "pwrite", fd))
		return -1;
	if (!real)
		real = (ssize_t(*)(int, const void *, size_t, off_t))next("pwrite");
	return real(fd, buf, n, off);
}

ssize_t pwrite64(int fd, const void *buf, size_t n, off64_t off)
{
	static ssize_t (*real)(int, const void *, size_t, off64_t);

	if (fd_fails(OP_WRITE, "pwrite64", fd))
		return -1;
	if (!real)
		real = (ssize_t(*)(int, const void *, size_t, off64_t))next("pwrite64");
	return real(fd, buf, n, off);
}

int fsync(int fd)
{
	static int (*real)(int);

	if (fd_fails(OP_FSYNC, "fsync", fd))
		return -1;
	if (!real)
		real = (int (*)(int))next("fsync");
	return real(fd);
}

int fdatasync(int fd)
{
	static int (*real)(int);

	if (fd_fails(OP_FSYNC, "fdatasync", fd))
		return -1;
	if (!real)
		real = (int (*)(int))next("fdatasync");
	return real(fd);
}

int rename(const char *from, const char *to)
{
	static int (*real)(const char *, const char *);

	if (fails(OP_RENAME, "rename", from))
		return -1;
	if (!real)
		real = (int (*)(const char *, const char *))next("rename");
	return real(from, to);
}

int renameat(int fromfd, const char *from, int tofd, const char *to)
{
	static int (*real)(int, const char *, int, const char *);

	if (at_fails(OP_RENAME, "renameat", fromfd, from))
		return -1;
	if (!real)
		real = (int (*)(int, const char *, int, const char *))next("renameat");
	return real(fromfd, from, tofd, to);
}

/* Only opens that may create or write: reading a file never fails here. */
static bool open_fails(const char *fn, int dirfd, const char *path, int flags)
{
	if ((flags & O_ACCMODE) == O_RDONLY && !(flags & O_CREAT))
		return false;
	return at_fails(OP_OPEN, fn, dirfd, path);
}

static mode_t mode_of(int flags, va_list ap)
{
	return (flags & O_CREAT) || (flags & O_TMPFILE) == O_TMPFILE ? (mode_t)va_arg(ap, int) : 0;
}

int open(const char *path, int flags, ...)
{
	static int (*real)(const char *, int, ...);
	va_list ap;
	mode_t mode;

	va_start(ap, flags);
	mode = mode_of(flags, ap);
	va_end(ap);
	if (open_fails("open", AT_FDCWD, path, flags))
		return -1;
	if (!real)
		real = (int (*)(const char *, int, ...))next("open");
	return real(path, flags, mode);
}

int open64(const char *path, int flags, ...)
{
	static int (*real)(const char *, int, ...);
	va_list ap;
	mode_t mode;

	va_start(ap, flags);
	mode = mode_of(flags, ap);
	va_end(ap);
	if (open_fails("open64", AT_FDCWD, path, flags))
		return -1;
	if (!real)
		real = (int (*)(const char *, int, ...))next("open64");
	return real(path, flags, mode);
}

int openat(int dirfd, const char *path, int flags, ...)
{
	static int (*real)(int, const char *, int, ...);
	va_list ap;
	mode_t mode;

	va_start(ap, flags);
	mode = mode_of(flags, ap);
	va_end(ap);
	if (open_fails("openat", dirfd, path, flags))
		return -1;
	if (!real)
		real = (int (*)(int, const char *, int, ...))next("openat");
	return real(dirfd, path, flags, mode);
}

int openat64(int dirfd, const char *path, int flags, ...)
{
	static int (*real)(int, const char *, int, ...);
	va_list ap;
	mode_t mode;

	va_start(ap, flags);
	mode = mode_of(flags, ap);
	va_end(ap);
	if (open_fails("openat64", dirfd, path, flags))
		return -1;
	if (!real)
		real = (int (*)(int, const char *, int, ...))next("openat64");
	return real(dirfd, path, flags, mode);
}
