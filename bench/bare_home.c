/* Baseline for the benchmarks: a bare SDL2 + SDL2_ttf program that draws the home screen's boxes and text once,
 * with none of the kiosk around it. Its time and memory are the floor the kiosk is compared with. */
#include <SDL.h>
#include <SDL_ttf.h>

static void text(SDL_Renderer *r, TTF_Font *f, const char *s, int x, int y, SDL_Color c)
{
	SDL_Surface *sf = TTF_RenderUTF8_Blended(f, s, c);
	SDL_Texture *t;
	SDL_Rect d;

	if (!sf)
		return;
	t = SDL_CreateTextureFromSurface(r, sf);
	d = (SDL_Rect){ x, y, sf->w, sf->h };
	SDL_RenderCopy(r, t, NULL, &d);
	SDL_DestroyTexture(t);
	SDL_FreeSurface(sf);
}

int main(int argc, char **argv)
{
	const char *font = argc > 1 ? argv[1] : "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc";
	SDL_Surface *s;
	SDL_Renderer *r;
	TTF_Font *f56, *f34;
	SDL_Color white = { 255, 255, 255, 255 }, ink = { 26, 31, 41, 255 };

	if (SDL_Init(SDL_INIT_EVENTS) != 0 || TTF_Init() != 0)
		return 1;
	s = SDL_CreateRGBSurfaceWithFormat(0, 1920, 1080, 32, SDL_PIXELFORMAT_RGBA32);
	r = SDL_CreateSoftwareRenderer(s);
	f56 = TTF_OpenFont(font, 56);
	f34 = TTF_OpenFont(font, 34);
	if (!r || !f56 || !f34)
		return 1;
	SDL_SetRenderDrawColor(r, 243, 246, 250, 255);
	SDL_RenderClear(r);
	SDL_SetRenderDrawColor(r, 11, 79, 156, 255);
	SDL_RenderFillRect(r, &(SDL_Rect){ 0, 0, 1920, 120 });
	text(r, f34, "政务服务自助终端 · 花木街道便民服务中心", 48, 36, white);
	text(r, f56, "您好，请选择要办理的业务", 72, 150, ink);
	SDL_SetRenderDrawColor(r, 11, 92, 196, 255);
	SDL_RenderFillRect(r, &(SDL_Rect){ 96, 290, 840, 500 });
	SDL_SetRenderDrawColor(r, 255, 255, 255, 255);
	SDL_RenderFillRect(r, &(SDL_Rect){ 984, 290, 840, 500 });
	text(r, f56, "我要办理", 130, 330, white);
	text(r, f34, "刷身份证，在线申请，扫描材料，打印受理回执", 130, 560, white);
	text(r, f56, "办事指南", 1018, 330, ink);
	text(r, f34, "查看办理条件、所需材料、时限、收费和依据", 1018, 560, ink);
	text(r, f34, "长辈模式 · 大字", 1300, 860, ink);
	text(r, f34, "高对比度", 1650, 860, ink);
	SDL_RenderPresent(r);
	TTF_CloseFont(f34);
	TTF_CloseFont(f56);
	SDL_DestroyRenderer(r);
	SDL_FreeSurface(s);
	TTF_Quit();
	SDL_Quit();
	return 0;
}
