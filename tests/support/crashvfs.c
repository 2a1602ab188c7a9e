/* The crash VFS (crashvfs.h): held writes, counted operations, a power cut at operation k. */
#include "tests/support/crashvfs.h"

#include <sqlite3.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define SECTOR 512

/* A write not yet synced: its bytes and where they go. */
struct held {
	struct held *next;
	sqlite3_int64 off;
	int len;
	unsigned char data[];
};

struct cfile {
	sqlite3_file base;
	sqlite3_file *real; /* the wrapped VFS's file, in the same allocation after this struct */
	struct held *head, *tail;
	struct cfile *next, *prev; /* every open file, for the crash */
};

/* SQLite keeps a VFS by pointer for the life of the process, so its state cannot live in a test's
 * fixture: one test process, one crash VFS. */
static struct {
	sqlite3_vfs vfs;
	sqlite3_vfs *real;
	bool armed;
	long ops, crash_at, last_sync;
	enum crashvfs_mode mode;
	uint64_t rng;
	struct cfile *files;
} g;

static uint64_t rnd(void)
{
	/* xorshift64*: a fixed sequence per seed, so a failing k replays. */
	g.rng ^= g.rng >> 12;
	g.rng ^= g.rng << 25;
	g.rng ^= g.rng >> 27;
	return g.rng * 2685821657736338717ull;
}

static int write_real(struct cfile *c, const void *data, int len, sqlite3_int64 off)
{
	return c->real->pMethods->xWrite(c->real, data, len, off);
}

/* The power goes: what the disk had not been told to keep is lost or torn, and nothing after
 * reaches it. */
static void crash(void)
{
	for (struct cfile *c = g.files; c; c = c->next) {
		for (struct held *h = c->head; h; h = h->next) {
			int len = 0;

			if (g.mode == CRASHVFS_TEAR) {
				switch (rnd() % 3) {
				case 0:
					break;
				case 1:
					len = h->len;
					break;
				default:
					len = (int)(rnd() %
						    (uint64_t)((h->len + SECTOR - 1) / SECTOR)) *
					      SECTOR;
					break;
				}
			}
			if (len > 0 && write_real(c, h->data, len, h->off) != SQLITE_OK)
				_exit(1);
		}
	}
	_exit(CRASHVFS_EXIT);
}

/* Counts an operation; the chosen one never runs. */
static void step(void)
{
	if (!g.armed)
		return;
	g.ops++;
	if (g.crash_at > 0 && g.ops == g.crash_at)
		crash();
}

static int flush(struct cfile *c)
{
	int rc = SQLITE_OK;

	while (c->head) {
		struct held *h = c->head;

		if (rc == SQLITE_OK)
			rc = write_real(c, h->data, h->len, h->off);
		c->head = h->next;
		free(h);
	}
	c->tail = NULL;
	return rc;
}

static int c_close(sqlite3_file *f)
{
	struct cfile *c = (struct cfile *)f;
	int rc = flush(c);
	int rc2 = c->real->pMethods->xClose(c->real);

	if (c->prev)
		c->prev->next = c->next;
	else
		g.files = c->next;
	if (c->next)
		c->next->prev = c->prev;
	return rc != SQLITE_OK ? rc : rc2;
}

static sqlite3_int64 held_end(const struct cfile *c)
{
	sqlite3_int64 end = 0;

	for (const struct held *h = c->head; h; h = h->next)
		if (h->off + h->len > end)
			end = h->off + h->len;
	return end;
}

static int c_size(sqlite3_file *f, sqlite3_int64 *ret)
{
	struct cfile *c = (struct cfile *)f;
	sqlite3_int64 real = 0, end = held_end(c);
	int rc = c->real->pMethods->xFileSize(c->real, &real);

	if (rc == SQLITE_OK)
		*ret = real > end ? real : end;
	return rc;
}

/* The file as the OS would show it: what is on disk with the held writes over it, in order. */
static int c_read(sqlite3_file *f, void *buf, int amt, sqlite3_int64 off)
{
	struct cfile *c = (struct cfile *)f;
	sqlite3_int64 size;
	int rc = c->real->pMethods->xRead(c->real, buf, amt, off);

	if (rc != SQLITE_OK && rc != SQLITE_IOERR_SHORT_READ)
		return rc;
	for (const struct held *h = c->head; h; h = h->next) {
		sqlite3_int64 lo = h->off > off ? h->off : off;
		sqlite3_int64 hi = h->off + h->len < off + amt ? h->off + h->len : off + amt;

		if (lo < hi)
			memcpy((unsigned char *)buf + (lo - off), h->data + (lo - h->off),
			       (size_t)(hi - lo));
	}
	if (rc == SQLITE_IOERR_SHORT_READ && c_size(f, &size) == SQLITE_OK && off + amt <= size)
		rc = SQLITE_OK;
	return rc;
}

static int c_write(sqlite3_file *f, const void *buf, int amt, sqlite3_int64 off)
{
	struct cfile *c = (struct cfile *)f;
	struct held *h;

	if (!g.armed)
		return write_real(c, buf, amt, off);
	step();
	h = malloc(sizeof(*h) + (size_t)amt);
	if (!h)
		return SQLITE_IOERR_NOMEM;
	h->next = NULL;
	h->off = off;
	h->len = amt;
	memcpy(h->data, buf, (size_t)amt);
	if (c->tail)
		c->tail->next = h;
	else
		c->head = h;
	c->tail = h;
	return SQLITE_OK;
}

/* Applied at once (a truncation is metadata the tests do not tear); held writes beyond the new end
 * are cut. */
static int c_truncate(sqlite3_file *f, sqlite3_int64 size)
{
	struct cfile *c = (struct cfile *)f;

	step();
	for (struct held *h = c->head; h; h = h->next)
		if (h->off + h->len > size)
			h->len = h->off >= size ? 0 : (int)(size - h->off);
	return c->real->pMethods->xTruncate(c->real, size);
}

static int c_sync(sqlite3_file *f, int flags)
{
	struct cfile *c = (struct cfile *)f;
	int rc;

	step();
	if (g.armed)
		g.last_sync = g.ops;
	rc = flush(c);
	return rc != SQLITE_OK ? rc : c->real->pMethods->xSync(c->real, flags);
}

static int c_lock(sqlite3_file *f, int l)
{
	struct cfile *c = (struct cfile *)f;

	return c->real->pMethods->xLock(c->real, l);
}

static int c_unlock(sqlite3_file *f, int l)
{
	struct cfile *c = (struct cfile *)f;

	return c->real->pMethods->xUnlock(c->real, l);
}

static int c_reserved(sqlite3_file *f, int *ret)
{
	struct cfile *c = (struct cfile *)f;

	return c->real->pMethods->xCheckReservedLock(c->real, ret);
}

static int c_fcntl(sqlite3_file *f, int op, void *arg)
{
	struct cfile *c = (struct cfile *)f;

	return c->real->pMethods->xFileControl(c->real, op, arg);
}

static int c_sector(sqlite3_file *f)
{
	struct cfile *c = (struct cfile *)f;

	return c->real->pMethods->xSectorSize(c->real);
}

static int c_devchar(sqlite3_file *f)
{
	struct cfile *c = (struct cfile *)f;

	return c->real->pMethods->xDeviceCharacteristics(c->real);
}

/* The WAL index is shared memory, lost with the power anyway: passed through. */
static int c_shm_map(sqlite3_file *f, int pg, int sz, int extend, void volatile **pp)
{
	struct cfile *c = (struct cfile *)f;

	return c->real->pMethods->xShmMap(c->real, pg, sz, extend, pp);
}

static int c_shm_lock(sqlite3_file *f, int off, int n, int flags)
{
	struct cfile *c = (struct cfile *)f;

	return c->real->pMethods->xShmLock(c->real, off, n, flags);
}

static void c_shm_barrier(sqlite3_file *f)
{
	struct cfile *c = (struct cfile *)f;

	c->real->pMethods->xShmBarrier(c->real);
}

static int c_shm_unmap(sqlite3_file *f, int del)
{
	struct cfile *c = (struct cfile *)f;

	return c->real->pMethods->xShmUnmap(c->real, del);
}

/* No memory mapping: a mapped page would show the disk without the held writes. */
static int c_fetch(sqlite3_file *f, sqlite3_int64 off, int amt, void **pp)
{
	(void)f;
	(void)off;
	(void)amt;
	*pp = NULL;
	return SQLITE_OK;
}

static int c_unfetch(sqlite3_file *f, sqlite3_int64 off, void *p)
{
	(void)f;
	(void)off;
	(void)p;
	return SQLITE_OK;
}

static const sqlite3_io_methods methods = {
	.iVersion = 3,
	.xClose = c_close,
	.xRead = c_read,
	.xWrite = c_write,
	.xTruncate = c_truncate,
	.xSync = c_sync,
	.xFileSize = c_size,
	.xLock = c_lock,
	.xUnlock = c_unlock,
	.xCheckReservedLock = c_reserved,
	.xFileControl = c_fcntl,
	.xSectorSize = c_sector,
	.xDeviceCharacteristics = c_devchar,
	.xShmMap = c_shm_map,
	.xShmLock = c_shm_lock,
	.xShmBarrier = c_shm_barrier,
	.xShmUnmap = c_shm_unmap,
	.xFetch = c_fetch,
	.xUnfetch = c_unfetch,
};

static int v_open(sqlite3_vfs *v, const char *name, sqlite3_file *f, int flags, int *out)
{
	struct cfile *c = (struct cfile *)f;
	int rc;

	(void)v;
	memset(c, 0, sizeof(*c));
	c->real = (sqlite3_file *)(c + 1);
	rc = g.real->xOpen(g.real, name, c->real, flags, out);
	/* SQLite calls xClose whenever pMethods is set, even after a failed open. */
	if (!c->real->pMethods)
		return rc;
	c->base.pMethods = &methods;
	c->next = g.files;
	if (g.files)
		g.files->prev = c;
	g.files = c;
	return rc;
}

static int v_delete(sqlite3_vfs *v, const char *name, int sync_dir)
{
	(void)v;
	return g.real->xDelete(g.real, name, sync_dir);
}

static int v_access(sqlite3_vfs *v, const char *name, int flags, int *ret)
{
	(void)v;
	return g.real->xAccess(g.real, name, flags, ret);
}

static int v_full(sqlite3_vfs *v, const char *name, int n, char *out)
{
	(void)v;
	return g.real->xFullPathname(g.real, name, n, out);
}

static void *v_dlopen(sqlite3_vfs *v, const char *name)
{
	(void)v;
	return g.real->xDlOpen(g.real, name);
}

static void v_dlerror(sqlite3_vfs *v, int n, char *msg)
{
	(void)v;
	g.real->xDlError(g.real, n, msg);
}

static void (*v_dlsym(sqlite3_vfs *v, void *h, const char *sym))(void)
{
	(void)v;
	return g.real->xDlSym(g.real, h, sym);
}

static void v_dlclose(sqlite3_vfs *v, void *h)
{
	(void)v;
	g.real->xDlClose(g.real, h);
}

static int v_random(sqlite3_vfs *v, int n, char *out)
{
	(void)v;
	return g.real->xRandomness(g.real, n, out);
}

static int v_sleep(sqlite3_vfs *v, int us)
{
	(void)v;
	return g.real->xSleep(g.real, us);
}

static int v_time(sqlite3_vfs *v, double *ret)
{
	(void)v;
	return g.real->xCurrentTime(g.real, ret);
}

static int v_lasterr(sqlite3_vfs *v, int n, char *msg)
{
	(void)v;
	return g.real->xGetLastError(g.real, n, msg);
}

static int v_time64(sqlite3_vfs *v, sqlite3_int64 *ret)
{
	(void)v;
	return g.real->xCurrentTimeInt64(g.real, ret);
}

int crashvfs_install(void)
{
	if (!g.real) {
		g.real = sqlite3_vfs_find(NULL);
		if (!g.real || g.real->iVersion < 2)
			return -1;
		g.vfs = (sqlite3_vfs){
			.iVersion = 2,
			.szOsFile = (int)sizeof(struct cfile) + g.real->szOsFile,
			.mxPathname = g.real->mxPathname,
			.zName = "crash",
			.xOpen = v_open,
			.xDelete = v_delete,
			.xAccess = v_access,
			.xFullPathname = v_full,
			.xDlOpen = v_dlopen,
			.xDlError = v_dlerror,
			.xDlSym = v_dlsym,
			.xDlClose = v_dlclose,
			.xRandomness = v_random,
			.xSleep = v_sleep,
			.xCurrentTime = v_time,
			.xGetLastError = v_lasterr,
			.xCurrentTimeInt64 = v_time64,
		};
	}
	return sqlite3_vfs_register(&g.vfs, 1) == SQLITE_OK ? 0 : -1;
}

void crashvfs_uninstall(void)
{
	if (!g.real)
		return;
	sqlite3_vfs_unregister(&g.vfs);
	sqlite3_vfs_register(g.real, 1);
}

void crashvfs_arm(long crash_at, enum crashvfs_mode mode, uint64_t seed)
{
	g.armed = true;
	g.ops = 0;
	g.last_sync = 0;
	g.crash_at = crash_at;
	g.mode = mode;
	g.rng = seed ? seed : 0x9e3779b97f4a7c15ull;
}

int crashvfs_disarm(void)
{
	int rc = 0;

	g.armed = false;
	for (struct cfile *c = g.files; c; c = c->next)
		if (flush(c) != SQLITE_OK)
			rc = -1;
	return rc;
}

long crashvfs_ops(void)
{
	return g.ops;
}

long crashvfs_last_sync(void)
{
	return g.last_sync;
}
