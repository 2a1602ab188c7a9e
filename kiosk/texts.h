/* What the resident reads when something goes wrong: what happened, then what to do, never a code alone. */
#ifndef KIOSK_TEXTS_H
#define KIOSK_TEXTS_H

#include "common/kerr.h"
#include "drivers/device.h"

const char *texts_card_error(enum kerr e);
/* The card reader itself is faulty (e: its status fault) or came back while a resident waits. */
const char *texts_reader_fault(enum kerr e);
const char *texts_reader_recovered(void);
const char *texts_device_fault(enum dev_class c, enum kerr e);
/* The document camera's (高拍仪) faults, in its own words: a resident who sees a camera is not told of a scanner. */
const char *texts_camera_fault(enum kerr e);
const char *texts_store_error(enum kerr e);
/* 证照打印: why the list or the document did not come from the platform. */
const char *texts_certs_error(enum kerr e);
/* A receipt reprint (补打) that could not start or did not print. */
const char *texts_reprint_error(enum kerr e);
const char *texts_catalog_unavailable(void);
const char *texts_store_unavailable(void);
/* The store is down to its reserve: no new case, before the resident starts one. */
const char *texts_store_full(void);

#endif
