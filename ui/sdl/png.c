/* RGBA PNG files for screenshots and golden screens, through libpng's simplified png_image API. */
#include "ui/sdl/ui_sdl.h"

#include <SDL.h>
#include <png.h>

#include <stdlib.h>

/* Larger than any panel, small enough that w * h * 4 fits libpng's 32-bit size macros. */
#define PNG_SIDE_MAX 16384

enum kerr ui_png_write(const char *path, const unsigned char *rgba, int w, int h)
{
	png_image img = { .version = PNG_IMAGE_VERSION };
	int ok;

	if (!path || !rgba || w <= 0 || h <= 0 || w > PNG_SIDE_MAX || h > PNG_SIDE_MAX)
		return KERR_INVAL;
	img.width = (png_uint_32)w;
	img.height = (png_uint_32)h;
	img.format = PNG_FORMAT_RGBA;
	/* libpng removes a half-written file itself when writing fails. */
	ok = png_image_write_to_file(&img, path, 0, rgba, w * 4, NULL);
	/* libpng's words go where ui_sdl_last_error() finds them. */
	if (!ok)
		SDL_SetError("%s: %s", path, img.message);
	png_image_free(&img);
	return ok ? KERR_OK : KERR_IO;
}

enum kerr ui_png_read(const char *path, unsigned char **ret_rgba, int *ret_w, int *ret_h)
{
	png_image img = { .version = PNG_IMAGE_VERSION };
	unsigned char *buf = NULL;
	enum kerr e = KERR_IO;

	if (!path)
		return KERR_INVAL;
	if (!png_image_begin_read_from_file(&img, path))
		goto out;
	if (img.width == 0 || img.height == 0 || img.width > PNG_SIDE_MAX ||
	    img.height > PNG_SIDE_MAX)
		goto out;
	img.format = PNG_FORMAT_RGBA;
	buf = malloc((size_t)img.width * img.height * 4);
	if (!buf) {
		e = KERR_NOMEM;
		goto out;
	}
	if (!png_image_finish_read(&img, NULL, buf, 0, NULL))
		goto out;
	*ret_rgba = buf;
	*ret_w = (int)img.width;
	*ret_h = (int)img.height;
	buf = NULL;
	e = KERR_OK;
out:
	if (e == KERR_IO)
		SDL_SetError("%s: %s", path,
			     img.message[0] ? img.message : "not a PNG the kiosk reads");
	png_image_free(&img);
	free(buf);
	return e;
}
