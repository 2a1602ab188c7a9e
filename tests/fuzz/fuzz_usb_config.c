/* Fuzz target: the USB settings <class>.usb_ids ("VVVV:PPPP,..."), <class>.usb_endpoints
 * ("IN,OUT") and <class>.usb_port ("1-1.4"). The first line is the ids, the second the endpoints,
 * the rest the port; what parses must make sense. */
#include "drivers/usb.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char buf[512], *eps, *port = NULL;
	struct usb_port p;
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
	if (eps && (port = strchr(eps, '\n')))
		*port++ = 0;
	if (port && usb_port_parse(port, &p) == KERR_OK && port[0] &&
	    (p.bus == 0 || p.depth < 1 || p.depth > 7))
		abort();
	(void)usb_ids_parse(buf, ids, USB_IDS_MAX, &n);
	if (n > USB_IDS_MAX)
		abort();
	if (eps && usb_endpoints_parse(eps, &in, &out) == KERR_OK && eps[0] &&
	    (!(in & 0x80) || (out & 0x80) || out == 0))
		abort();
	return 0;
}
