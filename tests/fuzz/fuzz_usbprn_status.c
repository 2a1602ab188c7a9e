/* Fuzz target: GET_PORT_STATUS replies of any length, and what the kiosk makes of the status. */
#include "drivers/usbprn.h"

#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct escpos_status st = {0};
	const char *detail = NULL;
	enum kerr e = usbprn_port_status_decode(data, size, &st);

	if ((e == KERR_OK) != (size == 1))
		abort();
	e = escpos_status_fault(&st, &detail);
	if (!detail || (e == KERR_OK && size == 1 && (data[0] & 0x38) != 0x18))
		abort();
	return 0;
}
