/* Fuzz target: the USB settings idcard.usb_ids ("VVVV:PPPP,...") and idcard.usb_endpoints
 * ("IN,OUT"). The first line is the ids, the rest the endpoints; what parses must make sense. */
#include "drivers/usb.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char buf[512], *eps;
	struct usb_id ids[USB_IDS_MAX];
	size_t n = 0;
	uint8_t in = 0, out = 0;

	if (size >= sizeof(buf))
		size = sizeof(buf) - 1;
	memcpy(buf, data, size);
	buf[size] = 0;
	eps = strchr(buf, '\n');
	if (eps)
		*eps++ = 0;
	(void)usb_ids_parse(buf, ids, USB_IDS_MAX, &n);
	if (n > USB_IDS_MAX)
		abort();
	if (eps && usb_endpoints_parse(eps, &in, &out) == KERR_OK && eps[0] &&
	    (!(in & 0x80) || (out & 0x80) || out == 0))
		abort();
	return 0;
}
