/* Helpers of the simulated backends: parsing their control commands and writing spool files. */
#include "drivers/sim.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

bool sim_plug_command(const char *cmd, bool *plugged, bool *busy, bool *ret_cut)
{
	*ret_cut = false;
	if (strcmp(cmd, "unplug") == 0) {
		*ret_cut = *plugged && *busy;
		*plugged = false;
		*busy = false;
		return true;
	}
	if (strcmp(cmd, "plug") == 0) {
		*plugged = true;
		return true;
	}
	return false;
}

bool sim_match_switch(const char *cmd, const char *name, bool *ret_on)
{
	size_t n = strlen(name);

	if (strncmp(cmd, name, n) != 0 || cmd[n] != ' ')
		return false;
	if (strcmp(cmd + n + 1, "on") == 0) {
		*ret_on = true;
		return true;
	}
	if (strcmp(cmd + n + 1, "off") == 0) {
		*ret_on = false;
		return true;
	}
	return false;
}

enum kerr sim_parse_int(const char *arg, long min, long max, long *ret)
{
	char *end;
	long v;

	if (!arg || *arg < '0' || *arg > '9')
		return KERR_INVAL;
	errno = 0;
	v = strtol(arg, &end, 10);
	if (errno || *end || v < min || v > max)
		return KERR_INVAL;
	*ret = v;
	return KERR_OK;
}

static enum kerr write_all(int fd, const unsigned char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, p, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return KERR_IO;
		p += w;
		n -= (size_t)w;
	}
	return KERR_OK;
}

enum kerr sim_spool(const char *path, const char *name, const void *data, size_t n)
{
	char file[PATH_MAX];
	struct stat st;
	int flags = O_WRONLY | O_CREAT | O_CLOEXEC;
	enum kerr e;
	int fd;

	if (!path || !path[0])
		return KERR_OK;
	if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
		int len = snprintf(file, sizeof(file), "%s/%s", path, name);

		if (len < 0 || (size_t)len >= sizeof(file))
			return KERR_INVAL;
		flags |= O_TRUNC;
	} else {
		if (strlen(path) >= sizeof(file))
			return KERR_INVAL;
		snprintf(file, sizeof(file), "%s", path);
		flags |= O_APPEND;
	}
	fd = open(file, flags, 0600);
	if (fd < 0)
		return KERR_IO;
	e = write_all(fd, data, n);
	if (e == KERR_OK && fsync(fd) != 0)
		e = KERR_IO;
	if (close(fd) != 0 && e == KERR_OK)
		e = KERR_IO;
	return e;
}

enum kerr sim_spool_name(const char *path, const char *name, char *ret, size_t n)
{
	struct stat st;
	int len;

	if (!path || !path[0] || stat(path, &st) != 0 || !S_ISDIR(st.st_mode))
		return KERR_NOT_FOUND;
	len = snprintf(ret, n, "%s/%s", path, name);
	if (len < 0 || (size_t)len >= n)
		return KERR_INVAL;
	return KERR_OK;
}
