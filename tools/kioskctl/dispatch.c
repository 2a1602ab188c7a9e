/* A command group's subcommands, dispatched the same way in every group: the usage lists them all. */
#include "tools/kioskctl/kioskctl.h"

#include <string.h>

static void usage(FILE *f, const char *group, const struct kioskctl_cmd *cmds, size_t n)
{
	fprintf(f, "usage: kioskctl %s COMMAND [OPTIONS]\n", group);
	for (size_t i = 0; i < n; i++)
		fprintf(f, "  %s\n", cmds[i].usage);
}

int kioskctl_dispatch(const char *group, const struct kioskctl_cmd *cmds, size_t n, int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr, group, cmds, n);
		return KIOSKCTL_USAGE;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		usage(stdout, group, cmds, n);
		return KIOSKCTL_OK;
	}
	for (size_t i = 0; i < n; i++)
		if (!strcmp(argv[1], cmds[i].name))
			return cmds[i].run(argc - 1, argv + 1);
	fprintf(stderr, "kioskctl: %s: unknown command \"%s\"\n", group, argv[1]);
	usage(stderr, group, cmds, n);
	return KIOSKCTL_USAGE;
}
