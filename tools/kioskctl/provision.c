/* kioskctl provision: a terminal's first boot. Reads the technician's provisioning file
 * (docs/provisioning.md), makes the terminal's key and certificate request in the data folder, and
 * later installs the certificate the platform signed. Everything goes to the data folder, owned by
 * the kiosk's user; nothing to the image. */
#include "kiosk/config.h"
#include "kiosk/identity.h"
#include "kiosk/provision.h"
#include "tools/kioskctl/kioskctl.h"

#include <errno.h>
#include <glob.h>
#include <libgen.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define DEFAULT_DATA	 "/var/lib/kiosk"
#define DEFAULT_ASSETS	 "/usr/share/kiosk"
#define DEFAULT_ZONEINFO "/usr/share/zoneinfo"
#define CA_MAX_BYTES	 (1 << 20)

static const char *usage_text =
	"usage: kioskctl provision [FILE] [--data DIR] [--assets DIR]\n"
	"        provisions this terminal from FILE (default: the first "
	"/media/*/kiosk-provision.conf or\n"
	"        /media/*/*/kiosk-provision.conf on a USB stick): its identity and platform "
	"settings go to\n"
	"        DIR/provision.conf, its new EC P-256 key and certificate request to "
	"DIR/identity/.\n"
	"        DIR is the kiosk's data folder (default " DEFAULT_DATA
	"), --assets the installed\n"
	"        assets (default " DEFAULT_ASSETS ", for eval.province).\n"
	"       kioskctl provision --cert FILE [--data DIR]\n"
	"        installs the certificate the platform signed for this terminal's request.\n"
	"       kioskctl provision status [--data DIR]\n"
	"        none, pending (the request waits to be signed) or done.\n"
	"Restart the kiosk afterwards: systemctl restart kiosk\n";

/* A whole small file; NULL with errno set when unreadable or larger than max. Caller frees. */
static char *read_all(const char *path, size_t max, size_t *ret_len)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	size_t n;

	if (!f)
		return NULL;
	buf = malloc(max + 1);
	if (!buf) {
		fclose(f);
		errno = ENOMEM;
		return NULL;
	}
	n = fread(buf, 1, max + 1, f);
	fclose(f);
	if (n > max) {
		free(buf);
		errno = EFBIG;
		return NULL;
	}
	buf[n] = 0;
	*ret_len = n;
	return buf;
}

/* Writes text to path with mode through a synced temporary file and a rename. */
static enum kerr write_text(const char *path, const char *text, size_t len, mode_t mode)
{
	char tmp[4200];
	FILE *f;
	bool ok;

	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	f = fopen(tmp, "wb");
	if (!f)
		return KERR_IO;
	ok = fwrite(text, 1, len, f) == len && fflush(f) == 0 && fchmod(fileno(f), mode) == 0 &&
	     fsync(fileno(f)) == 0;
	ok = fclose(f) == 0 && ok;
	if (!ok || rename(tmp, path) != 0) {
		unlink(tmp);
		return KERR_IO;
	}
	return KERR_OK;
}

/* The kiosk runs as the data folder's owner: what root writes here must be that user's, or the
 * kiosk could not read its own key. */
static void give_to_owner(const char *data, const char *path)
{
	struct stat st;

	if (geteuid() == 0 && stat(data, &st) == 0 && chown(path, st.st_uid, st.st_gid) != 0)
		fprintf(stderr, "kioskctl: cannot give %s to the kiosk's user: %s\n", path,
			strerror(errno));
}

static const char *find_on_usb(char *buf, size_t size)
{
	static const char *const patterns[] = {"/media/*/kiosk-provision.conf",
					       "/media/*/*/kiosk-provision.conf"};

	for (size_t i = 0; i < 2; i++) {
		glob_t g;

		if (glob(patterns[i], 0, NULL, &g) == 0 && g.gl_pathc > 0) {
			snprintf(buf, size, "%s", g.gl_pathv[0]);
			globfree(&g);
			return buf;
		}
		globfree(&g);
	}
	return NULL;
}

static int apply(const char *file, const char *data, const char *assets)
{
	char err[512], dir[4096], id_dir[4096], path[4200], ca_src[4200], conf[4096],
		mapping[4200] = "";
	char *text, *ca;
	size_t len, ca_len;
	struct provision p;
	struct identity_subject subj;
	struct stat st;
	int n;

	text = read_all(file, PROVISION_MAX_BYTES, &len);
	if (!text)
		return kioskctl_fail("cannot read %s: %s", file, strerror(errno));
	if (provision_parse(text, len, &p, err, sizeof(err)) != KERR_OK) {
		free(text);
		return kioskctl_fail("%s: %s", file, err);
	}
	free(text);
	if (p.province[0]) {
		snprintf(mapping, sizeof(mapping), "%s/eval/%s.conf", assets, p.province);
		if (access(mapping, R_OK) != 0)
			return kioskctl_fail("eval.province %s: no %s", p.province, mapping);
	}
	snprintf(path, sizeof(path), "%s/%s", DEFAULT_ZONEINFO, p.timezone);
	if (access(DEFAULT_ZONEINFO, F_OK) == 0 && access(path, R_OK) != 0)
		return kioskctl_fail("terminal.timezone %s is not a known zone", p.timezone);
	snprintf(dir, sizeof(dir), "%s", file);
	snprintf(ca_src, sizeof(ca_src), "%s/%s", p.platform_ca[0] == '/' ? "" : dirname(dir),
		 p.platform_ca);
	if (identity_check_ca(ca_src, err, sizeof(err)) != KERR_OK)
		return kioskctl_fail("platform.ca: %s", err);
	if (stat(data, &st) != 0 || !S_ISDIR(st.st_mode))
		return kioskctl_fail(
			"the data folder %s is not there (is the kiosk package installed?)", data);

	snprintf(id_dir, sizeof(id_dir), "%s/%s", data, PROVISION_DIR);
	if (mkdir(id_dir, 0700) != 0 && errno != EEXIST)
		return kioskctl_fail("cannot make %s: %s", id_dir, strerror(errno));
	give_to_owner(data, id_dir);
	ca = read_all(ca_src, CA_MAX_BYTES, &ca_len);
	snprintf(path, sizeof(path), "%s/%s", id_dir, PROVISION_CA);
	if (!ca || write_text(path, ca, ca_len, 0644) != KERR_OK) {
		free(ca);
		return kioskctl_fail("cannot copy %s to %s", ca_src, path);
	}
	free(ca);
	give_to_owner(data, path);

	subj = (struct identity_subject){p.terminal_id, p.site, p.region, p.token};
	if (identity_create(id_dir, PROVISION_KEY, PROVISION_CSR, &subj, err, sizeof(err)) !=
	    KERR_OK)
		return kioskctl_fail("%s", err);
	snprintf(path, sizeof(path), "%s/%s", id_dir, PROVISION_KEY);
	give_to_owner(data, path);
	snprintf(path, sizeof(path), "%s/%s", id_dir, PROVISION_CSR);
	give_to_owner(data, path);

	n = snprintf(conf, sizeof(conf),
		     "# This terminal's provisioning, written by kioskctl provision; the kiosk "
		     "reads it over its\n"
		     "# configuration at start. Provision again rather than editing it.\n"
		     "terminal.id = %s\nterminal.hall = %s\nterminal.region = "
		     "%s\nterminal.timezone = %s\n"
		     "platform.url = %s\nplatform.ca = %s/%s\n%s%s%s%s%s%s%s%s%s",
		     p.terminal_id, p.site, p.region, p.timezone, p.platform_url, id_dir,
		     PROVISION_CA, p.platform_pin[0] ? "platform.pin = " : "", p.platform_pin,
		     p.platform_pin[0] ? "\n" : "", p.phone[0] ? "terminal.phone = " : "", p.phone,
		     p.phone[0] ? "\n" : "", mapping[0] ? "eval.mapping = " : "", mapping,
		     mapping[0] ? "\n" : "");
	if (n < 0 || (size_t)n >= sizeof(conf))
		return kioskctl_fail("the provisioning settings are too long");
	snprintf(path, sizeof(path), "%s/%s", data, PROVISION_CONF);
	if (write_text(path, conf, (size_t)n, 0640) != KERR_OK)
		return kioskctl_fail("cannot write %s: %s", path, strerror(errno));
	give_to_owner(data, path);
	/* A certificate from an earlier provisioning may belong to another terminal id: it goes. */
	snprintf(path, sizeof(path), "%s/%s", id_dir, PROVISION_CERT);
	unlink(path);

	printf("terminal %s provisioned for %s\n", p.terminal_id, p.platform_url);
	printf("certificate request: %s/%s (give it to the platform to sign, then run\n"
	       "  kioskctl provision --cert SIGNED.pem and restart the kiosk)\n",
	       id_dir, PROVISION_CSR);
	return KIOSKCTL_OK;
}

static int install_cert(const char *cert, const char *data)
{
	char err[512], path[4200], id_dir[4096];
	struct config c;

	config_defaults(&c);
	snprintf(path, sizeof(path), "%s/%s", data, PROVISION_CONF);
	if (config_load(&c, path, err, sizeof(err)) != KERR_OK)
		return kioskctl_fail("this terminal is not provisioned (%s)", err);
	snprintf(id_dir, sizeof(id_dir), "%s/%s", data, PROVISION_DIR);
	if (identity_install_cert(id_dir, PROVISION_KEY, PROVISION_CERT, cert, c.terminal_id, err,
				  sizeof(err)) != KERR_OK)
		return kioskctl_fail("%s: %s", cert, err);
	snprintf(path, sizeof(path), "%s/%s", id_dir, PROVISION_CERT);
	give_to_owner(data, path);
	printf("certificate for terminal %s installed: %s\n", c.terminal_id, path);
	return KIOSKCTL_OK;
}

static int status(const char *data)
{
	char path[4200], err[512];
	struct config c;

	config_defaults(&c);
	snprintf(path, sizeof(path), "%s/%s", data, PROVISION_CONF);
	if (access(path, F_OK) != 0) {
		printf("none\n");
		return KIOSKCTL_OK;
	}
	if (config_load(&c, path, err, sizeof(err)) != KERR_OK)
		return kioskctl_fail("%s", err);
	snprintf(path, sizeof(path), "%s/%s/%s", data, PROVISION_DIR, PROVISION_CERT);
	printf("%s terminal %s platform %s\n", access(path, R_OK) == 0 ? "done" : "pending",
	       c.terminal_id, c.platform.url);
	return KIOSKCTL_OK;
}

static int run(int argc, char **argv)
{
	const char *data = DEFAULT_DATA, *assets = DEFAULT_ASSETS, *file = NULL, *cert = NULL;
	bool want_status = false;
	char usb[4096];

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];

		if ((!strcmp(a, "--data") || !strcmp(a, "--assets") || !strcmp(a, "--cert")) &&
		    i + 1 < argc) {
			if (!strcmp(a, "--data"))
				data = argv[++i];
			else if (!strcmp(a, "--assets"))
				assets = argv[++i];
			else
				cert = argv[++i];
		} else if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			fputs(usage_text, stdout);
			return KIOSKCTL_OK;
		} else if (!strcmp(a, "status") && !file) {
			want_status = true;
		} else if (a[0] != '-' && !file && !want_status) {
			file = a;
		} else {
			fputs(usage_text, stderr);
			return KIOSKCTL_USAGE;
		}
	}
	if (want_status + (cert != NULL) + (file != NULL) > 1) {
		fputs(usage_text, stderr);
		return KIOSKCTL_USAGE;
	}
	if (want_status)
		return status(data);
	if (cert)
		return install_cert(cert, data);
	if (!file && !(file = find_on_usb(usb, sizeof(usb))))
		return kioskctl_fail("no provisioning file given and none on a USB stick "
				     "(/media/*/kiosk-provision.conf)");
	return apply(file, data, assets);
}

const struct kioskctl_group kioskctl_provision = {
	.name = "provision",
	.summary = "first boot: identity and platform settings, key and certificate request, "
		   "certificate",
	.run = run,
};
