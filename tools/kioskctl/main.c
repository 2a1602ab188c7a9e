/* kioskctl's entry point: picks the command group. */
#include "tools/kioskctl/kioskctl.h"

#include <string.h>

static const struct kioskctl_group *const groups[] = {
	&kioskctl_idcard,
	&kioskctl_eval,
	&kioskctl_receipt,
	&kioskctl_provision,
};

static void usage(FILE *f)
{
	fprintf(f, "usage: kioskctl GROUP COMMAND [OPTIONS]\n"
		   "       kioskctl GROUP --help\n\n"
		   "groups:\n");
	for (size_t i = 0; i < sizeof(groups) / sizeof(groups[0]); i++)
		fprintf(f, "  %-10s %s\n", groups[i]->name, groups[i]->summary);
	fprintf(f, "\nExit status: 0 done, 1 failed (the reason is printed), 2 bad arguments.\n");
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return KIOSKCTL_USAGE;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
		usage(stdout);
		return KIOSKCTL_OK;
	}
	for (size_t i = 0; i < sizeof(groups) / sizeof(groups[0]); i++)
		if (!strcmp(argv[1], groups[i]->name))
			return groups[i]->run(argc - 1, argv + 1);
	fprintf(stderr, "kioskctl: unknown command group \"%s\"\n\n", argv[1]);
	usage(stderr);
	return KIOSKCTL_USAGE;
}
