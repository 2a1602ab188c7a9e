/* Themes: colours and sizes of every screen. Normal, elder (适老化: larger text and targets) and high contrast.
 * Sizes are for a 1920x1080 panel and scaled to the configured one. */
#ifndef UI_THEME_H
#define UI_THEME_H

#include <stdint.h>

enum ui_theme_id { UI_THEME_NORMAL, UI_THEME_ELDER, UI_THEME_CONTRAST, UI_THEME__COUNT };

struct ui_theme {
	enum ui_theme_id id;
	const char *name;
	/* Colours, 0xRRGGBBAA. Text on bg and on surface keeps at least 4.5:1 (7:1 in high contrast). */
	uint32_t bg, surface, header_bg, header_fg, text, muted, accent, on_accent, accent_soft, border, error,
		error_bg, ok, warn_bg, disabled, on_disabled, pressed, overlay;
	/* Sizes in px at 1920x1080. */
	int small_px, body_px, heading_px, title_px, line_pct; /* line_pct: line spacing in percent of px */
	int target;   /* minimum touch target edge */
	int gap;      /* space between targets */
	int radius;
	int header_h, footer_h, margin;
};

/* The theme with its sizes scaled to a panel of w x h (the shorter edge against 1080). */
void ui_theme_get(enum ui_theme_id id, int w, int h, struct ui_theme *ret);
const char *ui_theme_str(enum ui_theme_id id);

#endif
