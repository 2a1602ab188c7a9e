/* The card's photo: 1024 bytes in the proprietary WLT format that no open decoder reads. A vendor's
 * licensed library named in the configuration (idcard.photo_lib) is loaded at run time to decode
 * it; none ships or links with the kiosk, and without one the screen shows a neutral placeholder.
 *
 * The library contract assumed, as the common Linux decoders export it:
 *     int unpack(const unsigned char *wlt, unsigned char *bmp, int flags);
 * wlt is the 1024 bytes, bmp receives a 102 x 126 24-bit BMP file (IDCARD_PHOTO_BMP_LEN bytes),
 * flags is 0 (write no file), and 1 means success. */
#ifndef DRIVERS_IDCARD_PHOTO_H
#define DRIVERS_IDCARD_PHOTO_H

#include "common/kerr.h"

#include <stddef.h>
#include <stdint.h>

#define IDCARD_PHOTO_W 102
#define IDCARD_PHOTO_H 126
/* 54-byte header, rows of 306 bytes padded to 308. */
#define IDCARD_PHOTO_BMP_LEN (54 + 308 * IDCARD_PHOTO_H)

struct idcard_photo_decoder;

/* Loads the library at path and finds its "unpack". The caller owns *ret. Errors: KERR_NOT_FOUND
 * (no such library or no unpack in it; *why says which), KERR_NOMEM. */
enum kerr idcard_photo_decoder_open(const char *path, struct idcard_photo_decoder **ret,
				    const char **why);
/* Unloads (NULL-safe). */
void idcard_photo_decoder_close(struct idcard_photo_decoder *d);
/* Decodes 1024 WLT bytes into rgb, IDCARD_PHOTO_W x IDCARD_PHOTO_H pixels of R, G, B, top row
 * first. Errors: KERR_CORRUPT (the library refused the bytes, or what it returned is not the BMP
 * promised). */
enum kerr idcard_photo_decode(struct idcard_photo_decoder *d, const uint8_t wlt[1024],
			      uint8_t rgb[IDCARD_PHOTO_W * IDCARD_PHOTO_H * 3]);
/* The check and conversion inside idcard_photo_decode(): bmp (len bytes) must be a 102 x 126
 * 24-bit BMP, rows bottom-up or top-down, padded to 308 bytes. Errors: KERR_CORRUPT. */
enum kerr idcard_photo_bmp_to_rgb(const uint8_t *bmp, size_t len,
				  uint8_t rgb[IDCARD_PHOTO_W * IDCARD_PHOTO_H * 3]);

#endif
