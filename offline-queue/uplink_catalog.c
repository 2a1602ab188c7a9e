/* A catalog from the platform, put on disk so that the file is always the old
 * copy or the new one: temporary file, fsync, rename, folder fsync
 * (reliability.md). */
#include "offline-queue/uplink_catalog.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static enum kerr from_errno(int e)
{
	switch (e) {
	case ENOSPC:
	case EDQUOT:
		return KERR_FULL;
	case EACCES:
	case EPERM:
	case EROFS:
		return KERR_PERM;
	case ENOMEM:
		return KERR_NOMEM;
	default:
		return KERR_IO;
	}
}

static enum kerr write_file(int dfd, const char *name, const void *data, size_t len)
{
	char tmp[256];
	const char *p = data;
	enum kerr err = KERR_OK;
	int fd;

	snprintf(tmp, sizeof(tmp), "%s.tmp", name);
	fd = openat(dfd, tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0)
		return from_errno(errno);
	while (len > 0) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			err = from_errno(n < 0 ? errno : EIO);
			break;
		}
		p += n;
		len -= (size_t)n;
	}
	if (!err && fsync(fd) != 0)
		err = from_errno(errno);
	if (close(fd) != 0 && !err)
		err = from_errno(errno);
	if (!err && renameat(dfd, tmp, dfd, name) != 0)
		err = from_errno(errno);
	if (err)
		unlinkat(dfd, tmp, 0);
	return err;
}

enum kerr uplink_catalog_store(const char *dir, const char *body, size_t len, const char *etag)
{
	enum kerr err;
	int dfd;

	dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return from_errno(errno);
	err = write_file(dfd, UPLINK_CATALOG_NAME, body, len);
	/* The tag goes after the catalog: a crash between them only costs one more
	 * download. */
	if (!err)
		err = write_file(dfd, UPLINK_CATALOG_ETAG_NAME, etag ? etag : "",
				 etag ? strlen(etag) : 0);
	if (!err && fsync(dfd) != 0)
		err = from_errno(errno);
	close(dfd);
	return err;
}

enum kerr uplink_catalog_etag(const char *dir, char *buf, size_t size)
{
	char path[4096];
	size_t n;
	FILE *f;

	buf[0] = '\0';
	snprintf(path, sizeof(path), "%s/%s", dir, UPLINK_CATALOG_ETAG_NAME);
	f = fopen(path, "re");
	if (!f)
		return errno == ENOENT ? KERR_NOT_FOUND : from_errno(errno);
	n = fread(buf, 1, size - 1, f);
	fclose(f);
	buf[n] = '\0';
	/* An ETag is a quoted string without control characters; anything else is not
	 * ours. */
	for (size_t i = 0; i < n; i++) {
		if ((unsigned char)buf[i] < 0x20 || buf[i] == 0x7f) {
			buf[0] = '\0';
			return KERR_CORRUPT;
		}
	}
	return KERR_OK;
}
