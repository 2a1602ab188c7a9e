/* Fontconfig reads the collection's names; cairo-ft loads the face, and owns FreeType from then on,
 * so no FT_Face outlives its library through cairo's font cache. */
#include "drivers/cjkfont.h"

#include <cairo-ft.h>
#include <fontconfig/fontconfig.h>
#include <stdbool.h>
#include <string.h>

/* Noto CJK collections hold 10 faces; a stray file with thousands is not a font we want. */
#define MAX_FACES 64

enum kerr cjkfont_open(const char *path, const char *family, cairo_font_face_t **ret)
{
	int count = 1;

	for (int i = 0; i < count && i < MAX_FACES; i++) {
		FcPattern *p = FcFreeTypeQuery((const FcChar8 *)path, (unsigned)i, NULL, &count);
		FcChar8 *name = NULL;
		cairo_font_face_t *face;
		bool match;

		if (!p)
			return KERR_NOT_FOUND;
		match = FcPatternGetString(p, FC_FAMILY, 0, &name) == FcResultMatch &&
			strcmp((const char *)name, family) == 0;
		if (!match) {
			FcPatternDestroy(p);
			continue;
		}
		face = cairo_ft_font_face_create_for_pattern(p);
		FcPatternDestroy(p);
		if (cairo_font_face_status(face) != CAIRO_STATUS_SUCCESS) {
			cairo_font_face_destroy(face);
			return KERR_NOMEM;
		}
		*ret = face;
		return KERR_OK;
	}
	return KERR_NOT_FOUND;
}
