/* Decoding the WLT photo through a vendor library loaded with dlopen, its BMP checked and turned
 * into plain RGB so nothing above needs to know the vendor's format. */
#include "drivers/idcard_photo.h"

#include <dlfcn.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

typedef int unpack_fn(const unsigned char *wlt, unsigned char *bmp, int flags);

struct idcard_photo_decoder {
	void *lib;
	unpack_fn *unpack;
	uint8_t bmp[IDCARD_PHOTO_BMP_LEN + 1024]; /* slack: a library that writes a little more */
};

enum kerr idcard_photo_decoder_open(const char *path, struct idcard_photo_decoder **ret,
				    const char **why)
{
	struct idcard_photo_decoder *d;
	void *lib;
	void *sym;

	/* RTLD_LOCAL: the vendor's symbols must not capture the kiosk's. */
	lib = path && path[0] ? dlopen(path, RTLD_NOW | RTLD_LOCAL) : NULL;
	if (!lib) {
		if (why)
			*why = path && path[0] ? dlerror() : "no library configured";
		return KERR_NOT_FOUND;
	}
	sym = dlsym(lib, "unpack");
	if (!sym) {
		if (why)
			*why = "the library has no unpack()";
		dlclose(lib);
		return KERR_NOT_FOUND;
	}
	d = calloc(1, sizeof(*d));
	if (!d) {
		dlclose(lib);
		return KERR_NOMEM;
	}
	d->lib = lib;
	/* POSIX guarantees a function pointer survives the trip through void *. */
	memcpy(&d->unpack, &sym, sizeof(d->unpack));
	*ret = d;
	return KERR_OK;
}

void idcard_photo_decoder_close(struct idcard_photo_decoder *d)
{
	if (!d)
		return;
	dlclose(d->lib);
	explicit_bzero(d, sizeof(*d));
	free(d);
}

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

enum kerr idcard_photo_bmp_to_rgb(const uint8_t *b, size_t len,
				  uint8_t rgb[IDCARD_PHOTO_W * IDCARD_PHOTO_H * 3])
{
	int32_t h;
	uint32_t off;
	bool bottom_up;

	if (len < 54)
		return KERR_CORRUPT;
	h = (int32_t)le32(b + 22);
	off = le32(b + 10);
	if (b[0] != 'B' || b[1] != 'M' || le32(b + 18) != IDCARD_PHOTO_W ||
	    (h != IDCARD_PHOTO_H && h != -IDCARD_PHOTO_H) || b[28] != 24 || b[29] != 0 ||
	    off < 54 || off > len || len - off < 308u * IDCARD_PHOTO_H)
		return KERR_CORRUPT;
	bottom_up = h > 0;
	for (int y = 0; y < IDCARD_PHOTO_H; y++) {
		const uint8_t *row =
			b + off + 308u * (unsigned)(bottom_up ? IDCARD_PHOTO_H - 1 - y : y);
		uint8_t *out = rgb + (size_t)y * IDCARD_PHOTO_W * 3;

		for (int x = 0; x < IDCARD_PHOTO_W; x++) {
			out[3 * x] = row[3 * x + 2];
			out[3 * x + 1] = row[3 * x + 1];
			out[3 * x + 2] = row[3 * x];
		}
	}
	return KERR_OK;
}

enum kerr idcard_photo_decode(struct idcard_photo_decoder *d, const uint8_t wlt[1024],
			      uint8_t rgb[IDCARD_PHOTO_W * IDCARD_PHOTO_H * 3])
{
	enum kerr e = KERR_CORRUPT;

	memset(d->bmp, 0, sizeof(d->bmp));
	if (d->unpack(wlt, d->bmp, 0) == 1)
		e = idcard_photo_bmp_to_rgb(d->bmp, sizeof(d->bmp), rgb);
	/* A face is personal data too, refused or not. */
	explicit_bzero(d->bmp, sizeof(d->bmp));
	return e;
}
