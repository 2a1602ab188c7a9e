/* Fuzz target: the check of what a vendor's photo library returns. Any bytes are refused or turned
 * into exactly one 102 x 126 RGB picture, never read past their end. */
#include "drivers/idcard_photo.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t rgb[IDCARD_PHOTO_W * IDCARD_PHOTO_H * 3];
	/* A copy of exactly size bytes, so the sanitizer sees any read past the end. */
	uint8_t *copy = malloc(size ? size : 1);
	enum kerr e;

	if (!copy)
		return 0;
	memcpy(copy, data, size);
	e = idcard_photo_bmp_to_rgb(copy, size, rgb);
	if (e != KERR_OK && e != KERR_CORRUPT)
		abort();
	if (e == KERR_OK && (size < 54 || copy[0] != 'B' || copy[1] != 'M'))
		abort();
	free(copy);
	return 0;
}
