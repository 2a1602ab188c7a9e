/* camframes DIR [N]: writes N (12) document camera frames into DIR, for `make run SCANNER=camera`.
 */
#include "tests/support/camframes.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv)
{
	int n = argc > 2 ? atoi(argv[2]) : 12;

	if (argc < 2 || n <= 0 || n > 99) {
		fprintf(stderr, "usage: camframes DIR [N, 1 to 99]\n");
		return 2;
	}
	if (camframes_write(argv[1], n, 1280, 960) != 0) {
		fprintf(stderr, "camframes: cannot write frames into %s: %s\n", argv[1],
			strerror(errno));
		return 1;
	}
	return 0;
}
