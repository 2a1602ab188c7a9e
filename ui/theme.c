/* Theme tables. The palette is calm: one accent (government blue) for actions, red only for errors. */
#include "ui/theme.h"

static const struct ui_theme themes[UI_THEME__COUNT] = {
	[UI_THEME_NORMAL] = {
		.id = UI_THEME_NORMAL, .name = "normal",
		.bg = 0xF3F6FAFF, .surface = 0xFFFFFFFF, .header_bg = 0x0B4F9CFF, .header_fg = 0xFFFFFFFF,
		.text = 0x1A1F29FF, .muted = 0x4A5566FF, .accent = 0x0B5CC4FF, .on_accent = 0xFFFFFFFF,
		.accent_soft = 0xE3EEFCFF, .border = 0xC5CFDBFF, .error = 0xB3261EFF, .error_bg = 0xFCE8E6FF,
		.ok = 0x1B6E3AFF, .warn_bg = 0xFFF4D6FF, .disabled = 0xD5DBE3FF, .on_disabled = 0x4F5968FF,
		.pressed = 0x08428FFF, .overlay = 0x000000A0,
		.small_px = 28, .body_px = 34, .heading_px = 48, .title_px = 56, .line_pct = 140,
		.target = 120, .gap = 24, .radius = 16, .header_h = 120, .footer_h = 150, .margin = 48,
	},
	[UI_THEME_ELDER] = {
		.id = UI_THEME_ELDER, .name = "elder",
		.bg = 0xF3F6FAFF, .surface = 0xFFFFFFFF, .header_bg = 0x0B4F9CFF, .header_fg = 0xFFFFFFFF,
		.text = 0x000000FF, .muted = 0x333B47FF, .accent = 0x0B5CC4FF, .on_accent = 0xFFFFFFFF,
		.accent_soft = 0xE3EEFCFF, .border = 0x8C99AAFF, .error = 0xB3261EFF, .error_bg = 0xFCE8E6FF,
		.ok = 0x1B6E3AFF, .warn_bg = 0xFFF4D6FF, .disabled = 0xD5DBE3FF, .on_disabled = 0x3A4350FF,
		.pressed = 0x08428FFF, .overlay = 0x000000B0,
		.small_px = 36, .body_px = 46, .heading_px = 60, .title_px = 64, .line_pct = 140,
		.target = 160, .gap = 28, .radius = 18, .header_h = 130, .footer_h = 180, .margin = 48,
	},
	[UI_THEME_CONTRAST] = {
		.id = UI_THEME_CONTRAST, .name = "contrast",
		.bg = 0x000000FF, .surface = 0x000000FF, .header_bg = 0x000000FF, .header_fg = 0xFFFF00FF,
		.text = 0xFFFFFFFF, .muted = 0xFFFF00FF, .accent = 0xFFFF00FF, .on_accent = 0x000000FF,
		.accent_soft = 0x1A1A1AFF, .border = 0xFFFFFFFF, .error = 0xFF6B6BFF, .error_bg = 0x330000FF,
		.ok = 0x7CFF7CFF, .warn_bg = 0x332B00FF, .disabled = 0x333333FF, .on_disabled = 0xDDDDDDFF,
		.pressed = 0xCCCC00FF, .overlay = 0x000000D0,
		.small_px = 30, .body_px = 38, .heading_px = 52, .title_px = 58, .line_pct = 140,
		.target = 140, .gap = 24, .radius = 8, .header_h = 120, .footer_h = 160, .margin = 48,
	},
};

static int scale(int v, int edge)
{
	return (v * edge + 540) / 1080;
}

void ui_theme_get(enum ui_theme_id id, int w, int h, struct ui_theme *ret)
{
	int edge = w < h ? w : h;

	if ((unsigned)id >= UI_THEME__COUNT)
		id = UI_THEME_NORMAL;
	*ret = themes[id];
	if (edge == 1080)
		return;
	ret->small_px = scale(ret->small_px, edge);
	ret->body_px = scale(ret->body_px, edge);
	ret->heading_px = scale(ret->heading_px, edge);
	ret->title_px = scale(ret->title_px, edge);
	ret->target = scale(ret->target, edge);
	ret->gap = scale(ret->gap, edge);
	ret->radius = scale(ret->radius, edge);
	ret->header_h = scale(ret->header_h, edge);
	ret->footer_h = scale(ret->footer_h, edge);
	ret->margin = scale(ret->margin, edge);
}

const char *ui_theme_str(enum ui_theme_id id)
{
	return (unsigned)id < UI_THEME__COUNT ? themes[id].name : "unknown";
}
