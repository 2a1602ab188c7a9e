/* The platform's catalog on the terminal's disk (docs/uplink.md section 9). */
#ifndef OFFLINE_QUEUE_UPLINK_CATALOG_H
#define OFFLINE_QUEUE_UPLINK_CATALOG_H

#include "common/kerr.h"

#include <stddef.h>

#define UPLINK_CATALOG_NAME	 "catalog.json"
#define UPLINK_CATALOG_ETAG_NAME "catalog.etag"

/* Writes body as dir/catalog.json and its ETag beside it, each atomically and
 * durably. */
enum kerr uplink_catalog_store(const char *dir, const char *body, size_t len, const char *etag);
/* The ETag of the stored catalog; KERR_NOT_FOUND when none was stored. */
enum kerr uplink_catalog_etag(const char *dir, char *buf, size_t size);

#endif
