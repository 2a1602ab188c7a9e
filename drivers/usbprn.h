/* The USB printer class's own status (GET_PORT_STATUS, class request 0x01), read on the control
 * pipe where a one-way printer (protocol 1) has no bulk IN to answer ESC/POS status requests. */
#ifndef DRIVERS_USBPRN_H
#define DRIVERS_USBPRN_H

#include "drivers/escpos.h"

#include <stddef.h>
#include <stdint.h>

#define USBPRN_GET_PORT_STATUS 0x01

/* Decodes the reply (exactly one byte: 0x20 paper empty, 0x10 selected, 0x08 no error, the rest
 * reserved) into *ret, replacing it: paper out sets paper_end and paper_stop, not selected sets
 * offline, an error bit sets error. Paper near end cannot be told this way. Errors: KERR_PROTO
 * (not one byte); *ret untouched on error. */
enum kerr usbprn_port_status_decode(const uint8_t *buf, size_t n, struct escpos_status *ret);

#endif
