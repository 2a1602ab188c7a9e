/* Session memory: explicit zeroing, because a public terminal's next user must find nothing of the last. */
#include "kiosk/session.h"

#include <stdlib.h>
#include <string.h>

void session_init(struct session *s)
{
	memset(s, 0, sizeof(*s));
	s->retake = -1;
	s->eval_level = -1;
}

static void page_free(struct session_page *p)
{
	if (p->jpeg) {
		explicit_bzero(p->jpeg, p->jpeg_len);
		free(p->jpeg);
	}
	if (p->thumb) {
		explicit_bzero(p->thumb, (size_t)p->image.w * (size_t)p->image.h * 4);
		free(p->thumb);
	}
	memset(p, 0, sizeof(*p));
}

void session_material_clear(struct session_material *m)
{
	for (size_t i = 0; i < m->n_pages; i++)
		page_free(&m->pages[i]);
	m->n_pages = 0;
}

void session_preview_clear(struct session *s)
{
	if (s->preview) {
		explicit_bzero(s->preview, (size_t)s->preview_image.w * (size_t)s->preview_image.h * 4);
		free(s->preview);
	}
	s->preview = NULL;
	s->preview_image = (struct ui_image){ 0 };
}

void session_preview_set(struct session *s, unsigned char *rgba, int w, int h, uint64_t key)
{
	session_preview_clear(s);
	s->preview = rgba;
	s->preview_image = (struct ui_image){ .w = w, .h = h, .rgba = rgba, .key = key };
}

void session_clear(struct session *s)
{
	session_preview_clear(s);
	for (size_t i = 0; i < SESSION_MAX_MATERIALS; i++)
		session_material_clear(&s->mats[i]);
	explicit_bzero(s, sizeof(*s));
	session_init(s);
}

static void page_set(struct session_page *p, unsigned char *jpeg, size_t jpeg_len, unsigned char *thumb, int tw,
		     int th, uint64_t key)
{
	p->jpeg = jpeg;
	p->jpeg_len = jpeg_len;
	p->thumb = thumb;
	p->image = (struct ui_image){ .w = tw, .h = th, .rgba = thumb, .key = key };
}

enum kerr session_page_add(struct session_material *m, unsigned char *jpeg, size_t jpeg_len, unsigned char *thumb,
			   int tw, int th, uint64_t key)
{
	if (m->n_pages >= SESSION_MAX_PAGES)
		return KERR_FULL;
	page_set(&m->pages[m->n_pages++], jpeg, jpeg_len, thumb, tw, th, key);
	return KERR_OK;
}

enum kerr session_page_replace(struct session_material *m, size_t i, unsigned char *jpeg, size_t jpeg_len,
			       unsigned char *thumb, int tw, int th, uint64_t key)
{
	if (i >= m->n_pages)
		return KERR_INVAL;
	page_free(&m->pages[i]);
	page_set(&m->pages[i], jpeg, jpeg_len, thumb, tw, th, key);
	return KERR_OK;
}

void session_page_remove(struct session_material *m, size_t i)
{
	if (i >= m->n_pages)
		return;
	page_free(&m->pages[i]);
	memmove(&m->pages[i], &m->pages[i + 1], (m->n_pages - i - 1) * sizeof(m->pages[0]));
	m->n_pages--;
	memset(&m->pages[m->n_pages], 0, sizeof(m->pages[0]));
}
