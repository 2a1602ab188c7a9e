/* Fuzz target: bytes as a document camera's frame; the first byte picks MJPEG or YUYV and, for YUYV, the next
 * two a small size. */
#include "drivers/camframe.h"

#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct scan_page *p = NULL;

	if (size < 3)
		return 0;
	if (camframe_decode(data[0] & 1 ? CAMFRAME_YUYV : CAMFRAME_MJPEG, data + 3, size - 3, data[1] * 2,
			    data[2], data[0] & 2, 100, &p) == KERR_OK) {
		if (!p || p->width <= 0 || p->height <= 0)
			__builtin_trap();
		scan_page_free(p);
	}
	return 0;
}
