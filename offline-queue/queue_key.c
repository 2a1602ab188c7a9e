/* The data key from a file (queue_key.h): created once, checked for its mode at every load, held in
 * locked memory and wiped on destroy. */
#include "offline-queue/queue_key.h"

#include <errno.h>
#include <fcntl.h>
#include <openssl/crypto.h>
#include <openssl/rand.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

/* The longest content accepted: 64 hex digits and a CR LF. */
#define FILE_MAX 66

struct queue_key {
	unsigned char bytes[QUEUE_KEY_BYTES];
	bool locked;
};

static enum kerr fail(char *errbuf, enum kerr err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static enum kerr fail(char *errbuf, enum kerr err, const char *fmt, ...)
{
	va_list ap;

	if (!errbuf)
		return err;
	va_start(ap, fmt);
	vsnprintf(errbuf, QUEUE_KEY_ERRMSG_SIZE, fmt, ap);
	va_end(ap);
	return err;
}

static enum kerr from_errno(int e)
{
	switch (e) {
	case ENOENT:
		return KERR_NOT_FOUND;
	case EACCES:
	case EPERM:
	case EROFS:
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

static int hex_value(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

bool queue_key_parse(const unsigned char *data, size_t len, unsigned char out[QUEUE_KEY_BYTES])
{
	if (len == QUEUE_KEY_BYTES) {
		memcpy(out, data, QUEUE_KEY_BYTES);
		return true;
	}
	/* Hex, as provisioning tools write it, with at most one line ending. */
	if (len > 2 * QUEUE_KEY_BYTES && data[len - 1] == '\n')
		len--;
	if (len > 2 * QUEUE_KEY_BYTES && data[len - 1] == '\r')
		len--;
	if (len != 2 * QUEUE_KEY_BYTES)
		return false;
	for (size_t i = 0; i < QUEUE_KEY_BYTES; i++) {
		int hi = hex_value(data[2 * i]), lo = hex_value(data[2 * i + 1]);

		if (hi < 0 || lo < 0) {
			OPENSSL_cleanse(out, QUEUE_KEY_BYTES);
			return false;
		}
		out[i] = (unsigned char)(hi << 4 | lo);
	}
	return true;
}

static enum kerr key_new(struct queue_key **ret)
{
	struct queue_key *k = calloc(1, sizeof(*k));

	if (!k)
		return KERR_NOMEM;
	/* Best effort: where RLIMIT_MEMLOCK forbids it the key still works, it may just reach
	 * swap. */
	k->locked = mlock(k, sizeof(*k)) == 0;
	*ret = k;
	return KERR_OK;
}

enum kerr queue_key_from_bytes(const unsigned char bytes[QUEUE_KEY_BYTES], struct queue_key **ret)
{
	struct queue_key *k;
	enum kerr err = key_new(&k);

	if (err)
		return err;
	memcpy(k->bytes, bytes, QUEUE_KEY_BYTES);
	*ret = k;
	return KERR_OK;
}

static int write_all(int fd, const unsigned char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, p, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

static int sync_parent(const char *path)
{
	char parent[4096];
	char *slash;
	int fd, rc;

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
	rc = fsync(fd);
	close(fd);
	return rc;
}

/* A new key is written whole under a temporary name and linked into place: a crash leaves either no
 * key or a complete one, and link() never replaces a key another process made first. */
static enum kerr create_key(const char *path, char *errbuf)
{
	unsigned char bytes[QUEUE_KEY_BYTES];
	char tmp[4096];
	enum kerr err = KERR_OK;
	int fd, n;

	n = snprintf(tmp, sizeof(tmp), "%s.%ld.tmp", path, (long)getpid());
	if (n < 0 || (size_t)n >= sizeof(tmp))
		return fail(errbuf, KERR_INVAL, "key file path too long");
	if (RAND_bytes(bytes, sizeof(bytes)) != 1)
		return fail(errbuf, KERR_IO, "no randomness for a new data key");
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0) {
		err = fail(errbuf, from_errno(errno), "cannot create data key %s: %s", tmp,
			   strerror(errno));
		goto out;
	}
	if (write_all(fd, bytes, sizeof(bytes)) != 0 || fsync(fd) != 0) {
		err = fail(errbuf, from_errno(errno), "cannot write data key %s: %s", tmp,
			   strerror(errno));
		close(fd);
		goto unlink_tmp;
	}
	if (close(fd) != 0) {
		err = fail(errbuf, from_errno(errno), "cannot write data key %s: %s", tmp,
			   strerror(errno));
		goto unlink_tmp;
	}
	if (link(tmp, path) != 0 && errno != EEXIST) {
		err = fail(errbuf, from_errno(errno), "cannot place data key %s: %s", path,
			   strerror(errno));
		goto unlink_tmp;
	}
	if (sync_parent(path) != 0)
		err = fail(errbuf, from_errno(errno), "cannot make data key %s durable: %s", path,
			   strerror(errno));
unlink_tmp:
	unlink(tmp);
out:
	OPENSSL_cleanse(bytes, sizeof(bytes));
	return err;
}

static enum kerr read_key(int fd, const char *path, char *errbuf, struct queue_key **ret)
{
	unsigned char buf[FILE_MAX + 1];
	struct queue_key *k = NULL;
	struct stat st;
	size_t got = 0;
	enum kerr err;

	if (fstat(fd, &st) != 0)
		return fail(errbuf, from_errno(errno), "cannot stat data key %s: %s", path,
			    strerror(errno));
	if (!S_ISREG(st.st_mode))
		return fail(errbuf, KERR_PERM, "data key %s is not a regular file", path);
	/* The key is worth nothing once others can read it, and a key others could write is one an
	 * attacker chose: both are refused rather than silently used or repaired. */
	if (st.st_mode & 077)
		return fail(errbuf, KERR_PERM,
			    "data key %s has mode %03o: only its owner may read it (chmod 600)",
			    path, (unsigned)(st.st_mode & 0777));
	if (st.st_uid != geteuid())
		return fail(errbuf, KERR_PERM,
			    "data key %s belongs to uid %u, not this service (%u)", path,
			    (unsigned)st.st_uid, (unsigned)geteuid());
	for (;;) {
		ssize_t n = read(fd, buf + got, sizeof(buf) - got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			err = fail(errbuf, from_errno(errno), "cannot read data key %s: %s", path,
				   strerror(errno));
			goto out;
		}
		if (n == 0 || (got += (size_t)n) == sizeof(buf))
			break;
	}
	err = key_new(&k);
	if (err) {
		fail(errbuf, err, "out of memory");
		goto out;
	}
	if (!queue_key_parse(buf, got, k->bytes)) {
		err = fail(errbuf, KERR_CORRUPT,
			   "data key %s is not 32 bytes or 64 hex digits (%zu bytes)", path, got);
		queue_key_destroy(k);
		goto out;
	}
	*ret = k;
out:
	OPENSSL_cleanse(buf, sizeof(buf));
	return err;
}

enum kerr queue_key_load(const char *path, bool create, char *errbuf, struct queue_key **ret)
{
	enum kerr err;
	int fd;

	if (!path || !path[0])
		return fail(errbuf, KERR_INVAL, "no data key file given");
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0 && errno == ENOENT && create) {
		err = create_key(path, errbuf);
		if (err)
			return err;
		fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	}
	if (fd < 0)
		return fail(errbuf, from_errno(errno), "cannot open data key %s: %s", path,
			    errno == ELOOP ? "it is a symbolic link" : strerror(errno));
	err = read_key(fd, path, errbuf, ret);
	close(fd);
	return err;
}

const unsigned char *queue_key_bytes(const struct queue_key *k)
{
	return k->bytes;
}

void queue_key_destroy(struct queue_key *k)
{
	if (!k)
		return;
	OPENSSL_cleanse(k->bytes, sizeof(k->bytes));
	if (k->locked)
		munlock(k, sizeof(*k));
	free(k);
}
