/* GET_PORT_STATUS of the USB printer class (Universal Serial Bus Device Class Definition for
 * Printing Devices 1.1, section 4.2.2): the bits a parallel port's status lines had. */
#include "drivers/usbprn.h"

#include <string.h>

#define PORT_PAPER_EMPTY 0x20
#define PORT_SELECT	 0x10
#define PORT_NOT_ERROR	 0x08

enum kerr usbprn_port_status_decode(const uint8_t *buf, size_t n, struct escpos_status *ret)
{
	struct escpos_status st;

	if (n != 1)
		return KERR_PROTO;
	memset(&st, 0, sizeof(st));
	st.paper_end = buf[0] & PORT_PAPER_EMPTY;
	st.paper_stop = st.paper_end;
	st.offline = !(buf[0] & PORT_SELECT);
	st.error = !(buf[0] & PORT_NOT_ERROR);
	*ret = st;
	return KERR_OK;
}
