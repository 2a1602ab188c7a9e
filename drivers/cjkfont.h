/* Cairo font faces from the Noto CJK collections, picked by family name inside the .ttc, for the
 * receipt preview and the A4 documents. */
#ifndef DRIVERS_CJKFONT_H
#define DRIVERS_CJKFONT_H

#include "common/kerr.h"

#include <cairo.h>

#define CJKFONT_REGULAR "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"
#define CJKFONT_BOLD "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc"
#define CJKFONT_SANS "Noto Sans CJK SC"
#define CJKFONT_MONO "Noto Sans Mono CJK SC" /* half-width Latin: a thermal printer's cells */

/* Opens the face of family in the font file at path (a collection is searched face by face). The
 * caller owns the face: cairo_font_face_destroy(). Errors: KERR_NOT_FOUND (no file, or no face of
 * that family), KERR_NOMEM. */
enum kerr cjkfont_open(const char *path, const char *family, cairo_font_face_t **ret);

#endif
