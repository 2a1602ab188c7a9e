/* A stand-in for a vendor's WLT decoder, built only for the tests: it "decodes" by painting a BMP
 * whose pixels are derived from the input, and refuses input that does not start with "WLT". Not a
 * decoder of anything real. */
#include <string.h>

int unpack(const unsigned char *wlt, unsigned char *bmp, int flags);

static void put32(unsigned char *p, unsigned v)
{
	p[0] = (unsigned char)v;
	p[1] = (unsigned char)(v >> 8);
	p[2] = (unsigned char)(v >> 16);
	p[3] = (unsigned char)(v >> 24);
}

int unpack(const unsigned char *wlt, unsigned char *bmp, int flags)
{
	(void)flags;
	if (memcmp(wlt, "WLT", 3) != 0)
		return -1;
	memset(bmp, 0, 54);
	bmp[0] = 'B';
	bmp[1] = 'M';
	put32(bmp + 2, 38862);
	put32(bmp + 10, 54);
	put32(bmp + 14, 40);
	put32(bmp + 18, 102);
	put32(bmp + 22, 126); /* bottom-up, as BMP files usually are */
	bmp[26] = 1;
	bmp[28] = 24;
	for (int y = 0; y < 126; y++)
		for (int x = 0; x < 102; x++) {
			unsigned char *px = bmp + 54 + y * 308 + x * 3;

			px[0] = (unsigned char)x;	 /* blue */
			px[1] = (unsigned char)y;	 /* green */
			px[2] = wlt[3 + (x + y) % 1000]; /* red */
		}
	return 1;
}
