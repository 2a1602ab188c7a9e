/* Input: SDL's events turned into the kiosk's few kinds (tap, press, key, text, wake, expose,
 * quit), and the thread-safe wake-up that workers use to post their results to the UI thread. */
#include "ui/sdl/sdl_private.h"

#include "common/utf8.h"

static int clamp(int v, int lo, int hi)
{
	return v < lo ? lo : v > hi ? hi : v;
}

/* Keypad digits give text only with Num Lock on; without it they are arrows, which we ignore. */
static int keypad_digit(SDL_Keycode sym)
{
	if (sym >= SDLK_KP_1 && sym <= SDLK_KP_9)
		return '1' + (int)(sym - SDLK_KP_1);
	if (sym == SDLK_KP_0)
		return '0';
	return 0;
}

static bool translate_key(const SDL_KeyboardEvent *k, struct ui_input *in)
{
	SDL_Keycode sym = k->keysym.sym;
	/* Ctrl, Alt or Super chords produce no SDL_TEXTINPUT, so they must come through as keys. */
	bool gives_text =
		SDL_IsTextInputActive() && !(k->keysym.mod & (KMOD_CTRL | KMOD_ALT | KMOD_GUI));
	int key = 0;

	if (sym >= SDLK_F1 && sym <= SDLK_F12) {
		key = UI_KEY_F1 + (int)(sym - SDLK_F1);
	} else if ((sym >= 'a' && sym <= 'z') || (sym >= '0' && sym <= '9')) {
		/* It arrives again as SDL_TEXTINPUT, delivered as UI_IN_TEXT: once is enough. */
		if (gives_text)
			return false;
		key = (int)sym;
	} else if (keypad_digit(sym)) {
		if (gives_text && (k->keysym.mod & KMOD_NUM))
			return false;
		key = keypad_digit(sym);
	} else {
		switch (sym) {
		case SDLK_ESCAPE:
			key = UI_KEY_ESCAPE;
			break;
		case SDLK_BACKSPACE:
			key = UI_KEY_BACKSPACE;
			break;
		case SDLK_RETURN:
		case SDLK_KP_ENTER:
			key = UI_KEY_RETURN;
			break;
		case SDLK_UP:
			key = UI_KEY_UP;
			break;
		case SDLK_DOWN:
			key = UI_KEY_DOWN;
			break;
		case SDLK_LEFT:
			key = UI_KEY_LEFT;
			break;
		case SDLK_RIGHT:
			key = UI_KEY_RIGHT;
			break;
		default:
			return false;
		}
	}
	in->type = UI_IN_KEY;
	in->key = key;
	return true;
}

/* Finger positions are fractions of the panel: with a window, SDL's renderer has mapped them into
 * the logical viewport of SDL_RenderSetLogicalSize already; headless there is nothing to map. */
static void finger_at(const struct ui_sdl *u, const SDL_TouchFingerEvent *t, struct ui_input *in)
{
	in->x = clamp((int)(t->x * (float)u->w), 0, u->w - 1);
	in->y = clamp((int)(t->y * (float)u->h), 0, u->h - 1);
}

/* Fills in and returns true for the events the kiosk cares about. */
static bool translate(struct ui_sdl *u, const SDL_Event *ev, struct ui_input *in)
{
	*in = (struct ui_input){ .type = UI_IN_NONE };
	switch (ev->type) {
	case SDL_QUIT:
		in->type = UI_IN_QUIT;
		return true;
	case SDL_MOUSEBUTTONDOWN:
	case SDL_MOUSEBUTTONUP:
		/* SDL copies every touch into a mouse click; the finger already counted. */
		if (ev->button.button != SDL_BUTTON_LEFT || ev->button.which == SDL_TOUCH_MOUSEID)
			return false;
		in->type = ev->type == SDL_MOUSEBUTTONDOWN ? UI_IN_PRESS : UI_IN_TAP;
		in->x = ev->button.x;
		in->y = ev->button.y;
		return true;
	case SDL_FINGERDOWN:
		/* One finger at a time: a palm or a second finger must not tap elsewhere. */
		if (ev->tfinger.touchId == SDL_MOUSE_TOUCHID || u->finger_down)
			return false;
		u->finger_down = true;
		u->finger_id = ev->tfinger.fingerId;
		in->type = UI_IN_PRESS;
		finger_at(u, &ev->tfinger, in);
		return true;
	case SDL_FINGERUP:
		if (!u->finger_down || ev->tfinger.fingerId != u->finger_id)
			return false;
		u->finger_down = false;
		in->type = UI_IN_TAP;
		finger_at(u, &ev->tfinger, in);
		return true;
	case SDL_KEYDOWN:
		return translate_key(&ev->key, in);
	case SDL_TEXTINPUT:
		in->type = UI_IN_TEXT;
		utf8_copy(in->text, sizeof(in->text), ev->text.text);
		return true;
	case SDL_WINDOWEVENT:
		if (ev->window.event != SDL_WINDOWEVENT_EXPOSED &&
		    ev->window.event != SDL_WINDOWEVENT_SIZE_CHANGED)
			return false;
		in->type = UI_IN_EXPOSE;
		return true;
	default:
		if (ev->type != u->wake_type)
			return false;
		in->type = UI_IN_WAKE;
		in->data = ev->user.data1;
		return true;
	}
}

/* The offscreen and dummy drivers cannot block in SDL_WaitEventTimeout: SDL falls back to polling
 * every millisecond, which costs CPU on an idle kiosk. Headless, the only inputs are our wake-ups
 * and SDL_QUIT (from a signal), so block on the wake-up semaphore instead, waking once a second at
 * most to notice a quit. */
static void headless_wait(struct ui_sdl *u, int timeout_ms)
{
	SDL_PumpEvents();
	if (SDL_PeepEvents(NULL, 0, SDL_PEEKEVENT, SDL_FIRSTEVENT, SDL_LASTEVENT) > 0)
		return;
	SDL_SemWaitTimeout(u->wake_sem, timeout_ms < 0 || timeout_ms > 1000 ? 1000 : (uint32_t)timeout_ms);
}

void ui_sdl_wait(struct ui_sdl *u, int timeout_ms, struct ui_input *ret)
{
	if (u->wake_sem && timeout_ms != 0) {
		uint64_t end = SDL_GetTicks64() + (uint64_t)(timeout_ms > 0 ? timeout_ms : 0);

		for (;;) {
			uint64_t now;

			ui_sdl_wait(u, 0, ret);
			if (ret->type != UI_IN_NONE)
				return;
			now = SDL_GetTicks64();
			if (timeout_ms > 0 && now >= end)
				return;
			headless_wait(u, timeout_ms < 0 ? -1 : (int)(end - now));
		}
	}

	uint64_t deadline = SDL_GetTicks64() + (uint64_t)(timeout_ms > 0 ? timeout_ms : 0);
	struct ui_input in;
	SDL_Event ev;

	for (;;) {
		int got;

		if (timeout_ms < 0) {
			got = SDL_WaitEvent(&ev);
		} else {
			/* Skipped events (motion, focus ...) must not restart the wait: it ends at
			 * the deadline. */
			uint64_t now = SDL_GetTicks64();

			if (now < deadline) {
				got = SDL_WaitEventTimeout(&ev, (int)(deadline - now));
			} else {
				/* Not SDL_PollEvent: it stops at the marker ending its last poll
				 * cycle, reporting nothing while events wait behind it. */
				SDL_PumpEvents();
				got = SDL_PeepEvents(&ev, 1, SDL_GETEVENT, SDL_FIRSTEVENT,
						     SDL_LASTEVENT) > 0;
			}
		}
		if (!got)
			break;
		if (translate(u, &ev, &in)) {
			*ret = in;
			return;
		}
	}
	*ret = (struct ui_input){ .type = UI_IN_NONE };
}

enum kerr ui_sdl_wake(struct ui_sdl *u, void *data)
{
	SDL_Event ev = { .type = u->wake_type };

	ev.user.data1 = data;
	/* 0: an event filter dropped it, as undelivered to the caller as with a full queue. */
	if (SDL_PushEvent(&ev) <= 0)
		return KERR_FULL;
	if (u->wake_sem)
		SDL_SemPost(u->wake_sem);
	return KERR_OK;
}
