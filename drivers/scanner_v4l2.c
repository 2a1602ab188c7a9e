/* Backend "v4l2" of the scanner: capture on touch from a document camera. Frames come from a frame source, the
 * kernel's V4L2 (mmap streaming, read without waiting) or a folder of recorded frames; the class layer sees
 * the same pages either way. */
#include "drivers/scanner_v4l2.h"

#include "drivers/camframe.h"
#include "drivers/scanner.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/videodev2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#define FRAME_MS 5000	      /* a camera that sends no frame for this long is not sending */
#define POLL_MS 10	      /* how often a waiting capture looks for a frame */
#define N_BUFS 4
#define MAX_FILES 256
#define MAX_FRAME (32u << 20) /* bytes of one frame file */
#define A4_LONG_IN 11.69      /* the camera frames an A4 sheet: its long side fills the frame */

/* A frame as a source hands it out: valid until the next grab or the source's end. */
struct frame {
	enum camframe_format fmt;
	const unsigned char *data;
	size_t len;
	int width, height; /* YUYV only */
};

struct frame_source {
	/* KERR_OK with a frame, KERR_BUSY when none is ready yet, or an error. */
	enum kerr (*grab)(struct frame_source *s, struct frame *ret);
	/* Wipes the frame last handed out: it is a picture of someone's papers. */
	void (*forget)(struct frame_source *s);
	void (*destroy)(struct frame_source *s);
};

/* ---- V4L2 ---- */

struct v4l2_source {
	struct frame_source base;
	int fd;
	int n_bufs;
	struct {
		void *start;
		size_t len;
	} bufs[N_BUFS];
	bool streaming;
	struct v4l2_format fmt;
	unsigned char *copy; /* the last frame, out of the kernel's buffer */
	size_t copy_cap;
};

static int xioctl(int fd, unsigned long req, void *arg)
{
	int r;

	do
		r = ioctl(fd, req, arg);
	while (r < 0 && errno == EINTR);
	return r;
}

/* The one place errno from V4L2 becomes ours. */
static enum kerr from_errno(int e)
{
	switch (e) {
	case EAGAIN:
		return KERR_BUSY;
	case ENOMEM:
		return KERR_NOMEM;
	case ENODEV:
	case ENXIO:
	case ENOENT:
	case ENOTTY:
	case EINVAL:
		return KERR_NO_DEVICE;
	case EACCES:
	case EPERM:
		return KERR_PERM;
	case EBUSY:
		return KERR_BUSY;
	default:
		return KERR_IO;
	}
}

static void v4l2_destroy(struct frame_source *fs)
{
	struct v4l2_source *s = (struct v4l2_source *)fs;
	enum v4l2_buf_type type = V4L2_BUF_TYPE_VIDEO_CAPTURE;

	if (s->streaming)
		xioctl(s->fd, VIDIOC_STREAMOFF, &type);
	for (int i = 0; i < s->n_bufs; i++)
		if (s->bufs[i].start && s->bufs[i].start != MAP_FAILED)
			munmap(s->bufs[i].start, s->bufs[i].len);
	if (s->fd >= 0)
		close(s->fd);
	if (s->copy)
		explicit_bzero(s->copy, s->copy_cap); /* a frame is a picture of someone's papers */
	free(s->copy);
	free(s);
}

static void v4l2_forget(struct frame_source *fs)
{
	struct v4l2_source *s = (struct v4l2_source *)fs;

	if (s->copy)
		explicit_bzero(s->copy, s->copy_cap);
}

static enum kerr v4l2_grab(struct frame_source *fs, struct frame *ret)
{
	struct v4l2_source *s = (struct v4l2_source *)fs;
	struct v4l2_buffer b = { .type = V4L2_BUF_TYPE_VIDEO_CAPTURE, .memory = V4L2_MEMORY_MMAP };
	enum kerr e = KERR_OK;

	if (xioctl(s->fd, VIDIOC_DQBUF, &b) < 0)
		return from_errno(errno);
	if (b.index >= (unsigned)s->n_bufs || b.bytesused > s->bufs[b.index].len || b.bytesused == 0) {
		e = KERR_PROTO;
	} else {
		if (b.bytesused > s->copy_cap) {
			unsigned char *c = realloc(s->copy, b.bytesused);

			if (!c)
				e = KERR_NOMEM;
			else
				s->copy = c, s->copy_cap = b.bytesused;
		}
		if (e == KERR_OK) {
			memcpy(s->copy, s->bufs[b.index].start, b.bytesused);
			*ret = (struct frame){
				.fmt = s->fmt.fmt.pix.pixelformat == V4L2_PIX_FMT_YUYV ? CAMFRAME_YUYV
										       : CAMFRAME_MJPEG,
				.data = s->copy,
				.len = b.bytesused,
				.width = (int)s->fmt.fmt.pix.width,
				.height = (int)s->fmt.fmt.pix.height,
			};
		}
	}
	if (xioctl(s->fd, VIDIOC_QBUF, &b) < 0 && e == KERR_OK)
		e = from_errno(errno);
	return e;
}

/* The largest discrete frame size the camera offers in a format; false when it lists none. */
static bool largest(int fd, uint32_t pixfmt, uint32_t *w, uint32_t *h)
{
	struct v4l2_frmsizeenum fs = { .pixel_format = pixfmt };
	bool any = false;

	for (fs.index = 0; fs.index < 64 && xioctl(fd, VIDIOC_ENUM_FRAMESIZES, &fs) == 0; fs.index++) {
		uint32_t fw = fs.type == V4L2_FRMSIZE_TYPE_DISCRETE ? fs.discrete.width : fs.stepwise.max_width;
		uint32_t fh = fs.type == V4L2_FRMSIZE_TYPE_DISCRETE ? fs.discrete.height : fs.stepwise.max_height;

		if ((uint64_t)fw * fh > (uint64_t)*w * *h) {
			*w = fw;
			*h = fh;
		}
		any = true;
	}
	return any;
}

static enum kerr v4l2_source_open(const char *path, struct frame_source **ret)
{
	struct v4l2_source *s = calloc(1, sizeof(*s));
	struct v4l2_capability cap = { 0 };
	struct v4l2_requestbuffers req = { .count = N_BUFS, .type = V4L2_BUF_TYPE_VIDEO_CAPTURE,
					   .memory = V4L2_MEMORY_MMAP };
	enum v4l2_buf_type type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
	uint32_t w = 0, h = 0, pixfmt = V4L2_PIX_FMT_MJPEG;
	enum kerr e;

	if (!s)
		return KERR_NOMEM;
	s->base.grab = v4l2_grab;
	s->base.forget = v4l2_forget;
	s->base.destroy = v4l2_destroy;
	s->fd = open(path, O_RDWR | O_NONBLOCK | O_CLOEXEC);
	if (s->fd < 0) {
		e = errno == ENOENT ? KERR_NO_DEVICE : from_errno(errno);
		goto fail;
	}
	if (xioctl(s->fd, VIDIOC_QUERYCAP, &cap) < 0 || !(cap.capabilities & V4L2_CAP_VIDEO_CAPTURE) ||
	    !(cap.capabilities & V4L2_CAP_STREAMING)) {
		e = KERR_NO_DEVICE;
		goto fail;
	}
	/* MJPEG where offered: the large frames a document needs at a frame rate USB 2 carries. */
	if (!largest(s->fd, pixfmt, &w, &h)) {
		pixfmt = V4L2_PIX_FMT_YUYV;
		largest(s->fd, pixfmt, &w, &h);
	}
	s->fmt.type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
	s->fmt.fmt.pix.width = w ? w : 1920;
	s->fmt.fmt.pix.height = h ? h : 1080;
	s->fmt.fmt.pix.pixelformat = pixfmt;
	s->fmt.fmt.pix.field = V4L2_FIELD_NONE;
	if (xioctl(s->fd, VIDIOC_S_FMT, &s->fmt) < 0) {
		e = from_errno(errno);
		goto fail;
	}
	/* The driver may have chosen otherwise: what it says now is what comes. */
	if (s->fmt.fmt.pix.pixelformat != V4L2_PIX_FMT_MJPEG && s->fmt.fmt.pix.pixelformat != V4L2_PIX_FMT_YUYV) {
		e = KERR_UNSUPPORTED;
		goto fail;
	}
	if (xioctl(s->fd, VIDIOC_REQBUFS, &req) < 0 || req.count < 1) {
		e = KERR_NO_DEVICE;
		goto fail;
	}
	s->n_bufs = req.count > N_BUFS ? N_BUFS : (int)req.count;
	for (int i = 0; i < s->n_bufs; i++) {
		struct v4l2_buffer b = { .type = V4L2_BUF_TYPE_VIDEO_CAPTURE, .memory = V4L2_MEMORY_MMAP,
					 .index = (unsigned)i };

		if (xioctl(s->fd, VIDIOC_QUERYBUF, &b) < 0) {
			e = from_errno(errno);
			goto fail;
		}
		s->bufs[i].len = b.length;
		s->bufs[i].start = mmap(NULL, b.length, PROT_READ | PROT_WRITE, MAP_SHARED, s->fd, b.m.offset);
		if (s->bufs[i].start == MAP_FAILED || xioctl(s->fd, VIDIOC_QBUF, &b) < 0) {
			e = KERR_IO;
			goto fail;
		}
	}
	/* Streaming from the start: a camera's exposure needs frames to settle before the one that counts. */
	if (xioctl(s->fd, VIDIOC_STREAMON, &type) < 0) {
		e = from_errno(errno);
		goto fail;
	}
	s->streaming = true;
	*ret = &s->base;
	return KERR_OK;
fail:
	v4l2_destroy(&s->base);
	return e;
}

/* ---- a folder of frames ---- */

struct file_source {
	struct frame_source base;
	char dir[256];
	char *names[MAX_FILES];
	size_t n, next;
	unsigned char *data;
	size_t len;
};

static void files_destroy(struct frame_source *fs)
{
	struct file_source *s = (struct file_source *)fs;

	if (s->data)
		explicit_bzero(s->data, s->len);
	for (size_t i = 0; i < s->n; i++)
		free(s->names[i]);
	free(s->data);
	free(s);
}

static bool ends_with(const char *s, const char *tail)
{
	size_t a = strlen(s), b = strlen(tail);

	return a >= b && strcmp(s + a - b, tail) == 0;
}

/* "page-640x480.yuyv": the size the name carries. */
static bool yuyv_size(const char *name, int *w, int *h)
{
	const char *dash = strrchr(name, '-');

	return dash && sscanf(dash + 1, "%dx%d.yuyv", w, h) == 2 && *w > 0 && *h > 0;
}

static void files_forget(struct frame_source *fs)
{
	struct file_source *s = (struct file_source *)fs;

	if (s->data)
		explicit_bzero(s->data, s->len);
}

static enum kerr files_grab(struct frame_source *fs, struct frame *ret)
{
	struct file_source *s = (struct file_source *)fs;
	const char *name = s->names[s->next];
	char path[600];
	struct stat st;
	FILE *f;
	int w = 0, h = 0;

	s->next = (s->next + 1) % s->n;
	snprintf(path, sizeof(path), "%s/%s", s->dir, name);
	f = fopen(path, "rb");
	if (!f)
		return KERR_IO;
	if (fstat(fileno(f), &st) != 0 || st.st_size <= 0 || (size_t)st.st_size > MAX_FRAME) {
		fclose(f);
		return KERR_IO;
	}
	if (s->data)
		explicit_bzero(s->data, s->len);
	free(s->data);
	s->len = (size_t)st.st_size;
	s->data = malloc(s->len);
	if (!s->data || fread(s->data, 1, s->len, f) != s->len) {
		fclose(f);
		return s->data ? KERR_IO : KERR_NOMEM;
	}
	fclose(f);
	if (ends_with(name, ".yuyv") && !yuyv_size(name, &w, &h))
		return KERR_INVAL;
	*ret = (struct frame){ .fmt = ends_with(name, ".yuyv") ? CAMFRAME_YUYV : CAMFRAME_MJPEG,
			       .data = s->data, .len = s->len, .width = w, .height = h };
	return KERR_OK;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static enum kerr files_open(const char *dir, struct frame_source **ret)
{
	struct file_source *s = calloc(1, sizeof(*s));
	struct dirent *de;
	DIR *d;

	if (!s)
		return KERR_NOMEM;
	s->base.grab = files_grab;
	s->base.forget = files_forget;
	s->base.destroy = files_destroy;
	snprintf(s->dir, sizeof(s->dir), "%s", dir);
	d = opendir(dir);
	if (!d) {
		free(s);
		return KERR_NO_DEVICE;
	}
	while ((de = readdir(d)) != NULL && s->n < MAX_FILES)
		if (ends_with(de->d_name, ".jpg") || ends_with(de->d_name, ".yuyv")) {
			s->names[s->n] = strdup(de->d_name);
			if (!s->names[s->n])
				break;
			s->n++;
		}
	closedir(d);
	if (s->n == 0) {
		files_destroy(&s->base);
		return KERR_NO_DEVICE;
	}
	qsort(s->names, s->n, sizeof(s->names[0]), by_name);
	*ret = &s->base;
	return KERR_OK;
}

/* ---- the device ---- */

struct scanner_v4l2 {
	struct dev dev; /* first: the class layer casts */
	struct frame_source *src;
	int frame_ms;
	bool busy;
	struct scan_params params;
	int64_t until;	 /* the job's deadline */
	int64_t next_at; /* the next look for a frame */
	bool damaged;	 /* a frame of this job could not be decoded */
	/* the live picture */
	bool previewing;
	struct scan_preview preview;
	int64_t preview_at; /* when the next picture is due */
	int64_t preview_silent_since; /* the first failed look since the last picture, -1: none */
};

static void finish(struct scanner_v4l2 *s, enum kerr e, int pages)
{
	s->busy = false;
	dev_set_status(&s->dev, DEV_STATE_READY, KERR_OK, "ready");
	dev_post(&s->dev, DEV_EV_SCAN_DONE, e, pages, NULL, NULL);
}

static enum kerr v4l2_start(struct dev *d, const struct scan_params *p)
{
	struct scanner_v4l2 *s = (struct scanner_v4l2 *)d;
	int64_t now = clock_now_ms(d->clock);

	if (s->busy)
		return KERR_BUSY;
	s->busy = true;
	s->params = *p;
	s->until = now + s->frame_ms;
	s->next_at = now;
	s->damaged = false;
	dev_set_status(d, DEV_STATE_BUSY, KERR_OK, "capturing");
	return KERR_OK;
}

static void capture_poll(struct scanner_v4l2 *s, int64_t now)
{
	struct dev *d = &s->dev;
	struct scan_page *page = NULL;
	struct frame f;
	enum kerr e;

	if (!s->busy || now < s->next_at)
		return;
	e = s->src->grab(s->src, &f);
	if (e == KERR_OK) {
		int longest;

		e = camframe_decode(f.fmt, f.data, f.len, f.width, f.height, s->params.color, s->params.dpi, &page);
		s->src->forget(s->src);
		/* The camera frames an A4 sheet, so its long side gives the page's resolution. */
		if (e == KERR_OK) {
			longest = page->width > page->height ? page->width : page->height;
			page->dpi = (int)(longest / A4_LONG_IN + 0.5);
		}
	}
	/* No frame yet, or a damaged one (a stream drops bytes now and then): the next may do, until the deadline. */
	if (e == KERR_BUSY || e == KERR_PROTO) {
		if (e == KERR_PROTO)
			s->damaged = true;
		if (now >= s->until)
			finish(s, s->damaged ? KERR_PROTO : KERR_TIMEOUT, 0);
		else
			s->next_at = now + POLL_MS;
		return;
	}
	if (e != KERR_OK) {
		finish(s, e, 0);
		return;
	}
	dev_post(d, DEV_EV_PAGE, KERR_OK, 0, page, scan_page_free);
	finish(s, KERR_OK, 1);
}

/* The live picture keeps its rhythm: the next is due one interval after the last was due, and when the loop
 * fell behind (a slow decode, a busy kiosk) the missed ones are skipped, never delivered in a burst. */
static void preview_poll(struct scanner_v4l2 *s, int64_t now)
{
	struct scan_page *page = NULL;
	struct frame f;
	enum kerr e;

	if (!s->previewing || s->busy || now < s->preview_at)
		return;
	e = s->src->grab(s->src, &f);
	if (e == KERR_OK) {
		e = camframe_preview(f.fmt, f.data, f.len, f.width, f.height, s->preview.max_w, &page);
		s->src->forget(s->src);
	}
	if (e == KERR_OK) {
		s->preview_silent_since = -1;
		dev_post(&s->dev, DEV_EV_PREVIEW, KERR_OK, 0, page, scan_page_free);
		s->preview_at += s->preview.interval_ms;
		if (s->preview_at <= now)
			s->preview_at = now + s->preview.interval_ms;
		return;
	}
	/* No frame yet, or a damaged one: look again soon; a camera silent for frame_ms has stopped. */
	if (s->preview_silent_since < 0)
		s->preview_silent_since = now;
	if ((e == KERR_BUSY || e == KERR_PROTO) && now - s->preview_silent_since < s->frame_ms) {
		s->preview_at = now + POLL_MS;
		return;
	}
	s->previewing = false;
	dev_set_status(&s->dev, DEV_STATE_FAULT, e == KERR_BUSY || e == KERR_PROTO ? KERR_TIMEOUT : e,
		       "no picture from the camera");
	dev_post(&s->dev, DEV_EV_PREVIEW, e == KERR_BUSY || e == KERR_PROTO ? KERR_TIMEOUT : e, 0, NULL, NULL);
}

static void v4l2_poll(struct dev *d, int64_t now)
{
	struct scanner_v4l2 *s = (struct scanner_v4l2 *)d;

	capture_poll(s, now);
	preview_poll(s, now);
}

static int64_t v4l2_next_deadline(struct dev *d)
{
	struct scanner_v4l2 *s = (struct scanner_v4l2 *)d;
	int64_t t = s->busy ? s->next_at : INT64_MAX;

	if (s->previewing && !s->busy && s->preview_at < t)
		t = s->preview_at;
	return t;
}

static enum kerr v4l2_preview(struct dev *d, const struct scan_preview *p)
{
	struct scanner_v4l2 *s = (struct scanner_v4l2 *)d;

	s->previewing = p != NULL;
	if (p) {
		s->preview = *p;
		s->preview_at = clock_now_ms(d->clock);
		s->preview_silent_since = -1;
		if (d->status.state == DEV_STATE_FAULT)
			dev_set_status(d, DEV_STATE_READY, KERR_OK, "ready");
	}
	return KERR_OK;
}

static void v4l2_cancel(struct dev *d)
{
	struct scanner_v4l2 *s = (struct scanner_v4l2 *)d;

	if (s->busy)
		finish(s, KERR_CANCELLED, 0);
}

static enum kerr v4l2_control(struct dev *d, const char *cmd)
{
	(void)d;
	(void)cmd;
	return KERR_UNSUPPORTED;
}

static void v4l2_dev_destroy(struct dev *d)
{
	struct scanner_v4l2 *s = (struct scanner_v4l2 *)d;

	if (s->src)
		s->src->destroy(s->src);
	free(s);
}

static const struct scanner_ops v4l2_ops = {
	.base = {
		.name = "scanner-v4l2",
		.cls = DEV_SCANNER,
		.destroy = v4l2_dev_destroy,
		.poll = v4l2_poll,
		.next_deadline = v4l2_next_deadline,
		.control = v4l2_control,
	},
	.start = v4l2_start,
	.cancel = v4l2_cancel,
	.preview = v4l2_preview,
};

enum kerr scanner_v4l2_open(const struct dev_config *cfg, const struct dev_sink *sink, struct clock *clock,
			    struct dev **ret)
{
	struct scanner_v4l2 *s;
	struct stat st;
	enum kerr e;

	if (!cfg->path[0])
		return KERR_INVAL;
	s = calloc(1, sizeof(*s));
	if (!s)
		return KERR_NOMEM;
	dev_init(&s->dev, &v4l2_ops.base, sink, clock);
	s->frame_ms = cfg->latency_ms > 0 ? cfg->latency_ms : FRAME_MS;
	if (stat(cfg->path, &st) == 0 && S_ISDIR(st.st_mode))
		e = files_open(cfg->path, &s->src);
	else
		e = v4l2_source_open(cfg->path, &s->src);
	if (e != KERR_OK) {
		free(s);
		return e;
	}
	snprintf(s->dev.status.detail, sizeof(s->dev.status.detail), "ready");
	s->dev.status.state = DEV_STATE_READY;
	*ret = &s->dev;
	return KERR_OK;
}
