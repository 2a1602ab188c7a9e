/* The sealed scan file format, written and read in chunks with bounded memory.
 *
 *   header (20 bytes): "KSCN" | version 1 | alg byte | 0 0 | chunk size (4 bytes BE) |
 *                      plaintext size (8 bytes BE)
 *   then chunk 0, 1, ...: each the sealed envelope of chunk-size plaintext bytes (the last one
 *   shorter), bound to "kiosk-scan/v1", the file's name, the whole header and the chunk's index.
 *
 * Binding the header means a changed size or chunk size fails every chunk; binding the index and
 * the name means chunks cannot be reordered or swapped between files; the file's length follows
 * from the header, so a truncated or extended file is refused before anything is read. */
#include "offline-queue/queue_impl.h"
#include "offline-queue/queue_scan.h"

#include <errno.h>
#include <openssl/crypto.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAGIC	  "KSCN"
#define VERSION	  1
#define CHUNK_MIN 4096u
#define CHUNK_MAX (1u << 20)
#define AAD_LABEL "kiosk-scan/v1"
#define AAD_MAX	  (sizeof(AAD_LABEL) + QUEUE_SCAN_NAME_LEN + 1 + QUEUE_SCAN_HEADER + 8)

struct queue_scan {
	struct queue *q; /* borrowed: messages go onto the store's handle */
	int fd;
	char name[QUEUE_SCAN_NAME_LEN + 1];
	unsigned char header[QUEUE_SCAN_HEADER];
	struct queue_scan_header h;
	size_t overhead;
	int64_t cached; /* index of the chunk in plain, -1 when none */
	size_t cached_len;
	unsigned char *sealed; /* one sealed chunk */
	unsigned char *plain;  /* one chunk in plain */
};

static void put_be(unsigned char *p, uint64_t v, int n)
{
	for (int i = 0; i < n; i++)
		p[i] = (unsigned char)(v >> (8 * (n - 1 - i)));
}

static uint64_t get_be(const unsigned char *p, int n)
{
	uint64_t v = 0;

	for (int i = 0; i < n; i++)
		v = v << 8 | p[i];
	return v;
}

bool queue_scan_header_parse(const unsigned char *buf, size_t len, struct queue_scan_header *ret)
{
	struct queue_scan_header h;

	if (len < QUEUE_SCAN_HEADER || memcmp(buf, MAGIC, 4) != 0 || buf[4] != VERSION ||
	    buf[6] != 0 || buf[7] != 0)
		return false;
	h.alg = buf[5];
	h.chunk = (uint32_t)get_be(buf + 8, 4);
	h.size = get_be(buf + 12, 8);
	if (queue_crypt_overhead_of(h.alg) == 0 || h.chunk < CHUNK_MIN || h.chunk > CHUNK_MAX ||
	    h.size > QUEUE_MAX_PAGE_BYTES)
		return false;
	*ret = h;
	return true;
}

bool queue_scan_is_sealed(const unsigned char *buf, size_t len)
{
	return len >= 4 && memcmp(buf, MAGIC, 4) == 0;
}

uint64_t queue_scan_file_len(const struct queue_scan_header *h)
{
	uint64_t chunks = h->size == 0 ? 1 : (h->size + h->chunk - 1) / h->chunk;

	return QUEUE_SCAN_HEADER + h->size + chunks * queue_crypt_overhead_of(h->alg);
}

static size_t chunk_aad(unsigned char *aad, const char *name, const unsigned char *header,
			uint64_t index)
{
	size_t n = 0, name_len = strlen(name);

	memcpy(aad, AAD_LABEL, sizeof(AAD_LABEL));
	n += sizeof(AAD_LABEL);
	memcpy(aad + n, name, name_len + 1);
	n += name_len + 1;
	memcpy(aad + n, header, QUEUE_SCAN_HEADER);
	n += QUEUE_SCAN_HEADER;
	put_be(aad + n, index, 8);
	return n + 8;
}

enum kerr queue_scan_write(struct queue *q, int fd, const char *name, uint64_t size,
			   enum kerr (*next)(void *ctx, unsigned char *buf, size_t n), void *ctx)
{
	unsigned char header[QUEUE_SCAN_HEADER], aad[AAD_MAX];
	unsigned char *plain = NULL, *sealed = NULL;
	size_t ovh = queue_crypt_overhead(q->crypt);
	uint64_t done = 0, index = 0;
	enum kerr err;

	if (strlen(name) > QUEUE_SCAN_NAME_LEN)
		return queue_fail(q, KERR_INVAL, "scan file name too long");
	memcpy(header, MAGIC, 4);
	header[4] = VERSION;
	header[5] = queue_crypt_alg(q->crypt);
	header[6] = header[7] = 0;
	put_be(header + 8, QUEUE_SCAN_CHUNK, 4);
	put_be(header + 12, size, 8);
	err = queue_file_write(q, fd, name, header, sizeof(header));
	if (err)
		return err;
	plain = malloc(QUEUE_SCAN_CHUNK);
	sealed = malloc(QUEUE_SCAN_CHUNK + ovh);
	if (!plain || !sealed) {
		err = queue_fail(q, KERR_NOMEM, "out of memory for a scan chunk");
		goto out;
	}
	/* A page of size 0 still has one (empty) chunk, so every file carries a tag. */
	do {
		size_t n =
			size - done < QUEUE_SCAN_CHUNK ? (size_t)(size - done) : QUEUE_SCAN_CHUNK;
		size_t sealed_len = 0, aad_len;

		err = next(ctx, plain, n);
		if (err)
			break;
		aad_len = chunk_aad(aad, name, header, index);
		err = queue_crypt_seal(q->crypt, aad, aad_len, plain, n, sealed,
				       QUEUE_SCAN_CHUNK + ovh, &sealed_len);
		if (err) {
			err = queue_fail(q, err, "cannot seal scan %s chunk %llu", name,
					 (unsigned long long)index);
			break;
		}
		err = queue_file_write(q, fd, name, sealed, sealed_len);
		done += n;
		index++;
	} while (!err && done < size);
out:
	if (plain)
		OPENSSL_cleanse(plain, QUEUE_SCAN_CHUNK);
	free(plain);
	free(sealed);
	return err;
}

static enum kerr pread_all(struct queue_scan *s, unsigned char *buf, size_t len, uint64_t off)
{
	size_t got = 0;

	while (got < len) {
		ssize_t n = pread(s->fd, buf + got, len - got, (off_t)(off + got));

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return queue_fail(s->q, KERR_IO, "cannot read scan %s: %s", s->name,
					  strerror(errno));
		if (n == 0)
			return queue_fail(s->q, KERR_CORRUPT, "scan %s ends early", s->name);
		got += (size_t)n;
	}
	return KERR_OK;
}

enum kerr queue_scan_open(struct queue *q, int fd, const char *name, struct queue_scan **ret)
{
	struct queue_scan *s;
	struct stat st;
	enum kerr err;

	s = calloc(1, sizeof(*s));
	if (!s) {
		close(fd);
		return queue_fail(q, KERR_NOMEM, "out of memory");
	}
	s->q = q;
	s->fd = fd;
	s->cached = -1;
	snprintf(s->name, sizeof(s->name), "%s", name);
	err = pread_all(s, s->header, sizeof(s->header), 0);
	if (err)
		goto fail;
	if (!queue_scan_header_parse(s->header, sizeof(s->header), &s->h)) {
		/* A plain JPEG here was put in place behind the store's back: the migration at
		 * open seals every file once, and nothing writes plain files since. */
		err = queue_fail(q, KERR_CORRUPT, "scan %s is not a sealed scan file (%s)", name,
				 queue_scan_is_sealed(s->header, sizeof(s->header))
					 ? "bad header"
					 : "plaintext or foreign");
		goto fail;
	}
	if (fstat(fd, &st) != 0) {
		err = queue_fail(q, KERR_IO, "cannot stat scan %s: %s", name, strerror(errno));
		goto fail;
	}
	if ((uint64_t)st.st_size != queue_scan_file_len(&s->h)) {
		err = queue_fail(q, KERR_CORRUPT,
				 "scan %s is %lld bytes where its header means %llu: truncated or "
				 "damaged",
				 name, (long long)st.st_size,
				 (unsigned long long)queue_scan_file_len(&s->h));
		goto fail;
	}
	s->overhead = queue_crypt_overhead_of(s->h.alg);
	s->sealed = malloc(s->h.chunk + s->overhead);
	s->plain = malloc(s->h.chunk);
	if (!s->sealed || !s->plain) {
		err = queue_fail(q, KERR_NOMEM, "out of memory");
		goto fail;
	}
	*ret = s;
	return KERR_OK;
fail:
	queue_scan_close(s);
	return err;
}

static enum kerr load_chunk(struct queue_scan *s, uint64_t index)
{
	unsigned char aad[AAD_MAX];
	uint64_t start = index * s->h.chunk;
	size_t n = s->h.size - start < s->h.chunk ? (size_t)(s->h.size - start) : s->h.chunk;
	size_t aad_len, got = 0;
	enum kerr err;

	if ((int64_t)index == s->cached)
		return KERR_OK;
	s->cached = -1;
	err = pread_all(s, s->sealed, n + s->overhead,
			QUEUE_SCAN_HEADER + index * (s->h.chunk + s->overhead));
	if (err)
		return err;
	/* Every chunk must use the header's algorithm, which the tag then vouches for. */
	if (s->sealed[0] != s->h.alg)
		return queue_fail(s->q, KERR_CORRUPT, "scan %s chunk %llu: algorithm changed",
				  s->name, (unsigned long long)index);
	aad_len = chunk_aad(aad, s->name, s->header, index);
	err = queue_crypt_open(s->q->crypt, aad, aad_len, s->sealed, n + s->overhead, s->plain,
			       s->h.chunk, &got);
	if (err == KERR_CORRUPT)
		return queue_fail(s->q, KERR_CORRUPT,
				  "scan %s chunk %llu fails its authentication check (tampered, "
				  "moved from another file, or another data key)",
				  s->name, (unsigned long long)index);
	if (err)
		return queue_fail(s->q, err, "cannot decrypt scan %s chunk %llu", s->name,
				  (unsigned long long)index);
	s->cached = (int64_t)index;
	s->cached_len = got;
	return KERR_OK;
}

int64_t queue_scan_size(const struct queue_scan *s)
{
	return (int64_t)s->h.size;
}

enum kerr queue_scan_read(struct queue_scan *s, int64_t offset, unsigned char *buf, size_t want,
			  size_t *ret_got)
{
	size_t got = 0;
	enum kerr err;

	if (offset < 0 || (uint64_t)offset > s->h.size)
		return queue_fail(s->q, KERR_INVAL, "read of scan %s at %lld, past its end",
				  s->name, (long long)offset);
	while (got < want && (uint64_t)offset + got < s->h.size) {
		uint64_t pos = (uint64_t)offset + got, index = pos / s->h.chunk;
		size_t in = (size_t)(pos - index * s->h.chunk), n;

		err = load_chunk(s, index);
		if (err)
			return err;
		n = s->cached_len - in;
		if (n > want - got)
			n = want - got;
		memcpy(buf + got, s->plain + in, n);
		got += n;
	}
	*ret_got = got;
	return KERR_OK;
}

void queue_scan_close(struct queue_scan *s)
{
	if (!s)
		return;
	if (s->fd >= 0)
		close(s->fd);
	if (s->plain)
		OPENSSL_cleanse(s->plain, s->h.chunk);
	free(s->plain);
	free(s->sealed);
	free(s);
}
