/* A stored scan open for reading: the file is sealed at rest (queue_crypt.h) and decrypted here one
 * chunk at a time, so reading a page of any size takes two chunk buffers of memory and no
 * plaintext ever reaches the disk. Opened by queue_sync_page_open(). */
#ifndef OFFLINE_QUEUE_QUEUE_SCAN_H
#define OFFLINE_QUEUE_QUEUE_SCAN_H

#include "common/kerr.h"

#include <stddef.h>
#include <stdint.h>

struct queue_scan;

/* The page's plaintext size (the JPEG the platform receives). */
int64_t queue_scan_size(const struct queue_scan *s);
/* Copies up to want plaintext bytes from offset into buf; *ret_got is less than want only at the
 * end of the page. Every chunk is authenticated before any of its bytes is copied. Errors:
 * KERR_CORRUPT (a chunk fails its check: tampered, truncated, another file's, another key; the
 * store's message names the file and chunk), KERR_IO, KERR_INVAL (offset outside the page). */
enum kerr queue_scan_read(struct queue_scan *s, int64_t offset, unsigned char *buf, size_t want,
			  size_t *ret_got);
/* Closes the file and zeroes the buffers. Accepts NULL. Must come before queue_close() of the
 * store it was opened from. */
void queue_scan_close(struct queue_scan *s);

#endif
