/* Fuzz target: bytes as a JPEG whose header is read (a document camera's MJPEG frame, a stored page). */
#include "drivers/pageproc.h"

#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	int w, h, comp, dpi;

	if (pageproc_jpeg_info(data, size, &w, &h, &comp, &dpi) == KERR_OK && (w <= 0 || h <= 0))
		__builtin_trap();
	return 0;
}
