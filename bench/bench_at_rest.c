/* Benchmarks of personal data at rest: what sealing costs a case commit and a 300 KB scan, with
 * each cipher, against the same work in plaintext on the same disk. Medians of repeated runs;
 * nothing is asserted: numbers are for people. */
#include "offline-queue/queue.h"
#include "offline-queue/queue_impl.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define RUNS	   41
#define SCAN_BYTES (300 * 1024)

static double now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof(*v), cmp_double);
	return v[n / 2];
}

static void fail(const char *what, struct queue *q)
{
	fprintf(stderr, "bench: %s: %s\n", what, q ? queue_errmsg(q) : "");
	exit(1);
}

static struct queue_case sample(void)
{
	return (struct queue_case){
		.impl_code = "11110105000000000X4440117008000",
		.item_name = "城乡居民基本养老保险参保登记",
		.case_kind = 2,
		.applicant_name = "王小英",
		.id_type = "111",
		.id_number = "11010519491231002X",
		.sex = '2',
		.birth = "19491231",
		.address = "北京市东城区景山前街4号",
		.mobile = "13812345678",
		.delivery = "mail",
		.mail_address = "北京市东城区景山前街4号",
		.region_code = "110105",
		.accepted_ms = 1795397400000LL,
		.clock_trusted = true,
		.promised_date = "20261130",
	};
}

/* The sealing a case commit does: its seven personal fields, each bound to its row. */
static double seal_fields_us(struct queue_crypt *c)
{
	static const char *const fields[] = {
		"王小英",      "11010519491231002X",	 "2", "19491231", "北京市东城区景山前街4号",
		"13812345678", "北京市东城区景山前街4号"};
	unsigned char aad[64] = "kiosk-field/v1\0cases\0applicant_name\0\0\0\0\0\0\0\0\1", out[256];
	double t[RUNS];
	size_t n;

	for (int r = 0; r < RUNS; r++) {
		double t0 = now_us();

		for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
			if (queue_crypt_seal(c, aad, 48, (const unsigned char *)fields[i],
					     strlen(fields[i]), out, sizeof(out), &n) != KERR_OK)
				fail("seal", NULL);
		t[r] = now_us() - t0;
	}
	return median(t, RUNS);
}

static double commit_us(struct queue *q)
{
	struct queue_case c = sample();
	char case_no[40], qc[16];
	double t[RUNS];

	for (int r = 0; r < RUNS; r++) {
		double t0 = now_us();

		if (queue_case_add(q, &c, case_no, qc) != KERR_OK)
			fail("case", q);
		t[r] = now_us() - t0;
	}
	return median(t, RUNS);
}

/* A 300 KB scan stored both ways, alternating so both see the same disk: the plaintext path
 * queue_file_put() took before sealing (write, fsync, rename, fsync folder), and the sealed one. */
static void store_scans(struct queue *q, int dfd, const unsigned char *data, char (*names)[40],
			double *ret_plain, double *ret_sealed)
{
	double tp[RUNS], ts[RUNS];

	for (int r = 0; r < RUNS; r++) {
		char plain[40];
		double t0 = now_us();
		int fd;

		snprintf(plain, sizeof(plain), "plain-%d.jpg", r);
		fd = openat(dfd, "plain.tmp", O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
		if (fd < 0 || write(fd, data, SCAN_BYTES) != SCAN_BYTES || fsync(fd) != 0 ||
		    close(fd) != 0 || renameat(dfd, "plain.tmp", dfd, plain) != 0 ||
		    fsync(dfd) != 0)
			fail("plain scan", NULL);
		tp[r] = now_us() - t0;
		if (queue_id_scan_name(q, names[r]) != KERR_OK)
			fail("name", q);
		t0 = now_us();
		if (queue_file_put(q, names[r], data, SCAN_BYTES) != KERR_OK ||
		    queue_file_sync_scans(q) != KERR_OK)
			fail("sealed scan", q);
		ts[r] = now_us() - t0;
	}
	*ret_plain = median(tp, RUNS);
	*ret_sealed = median(ts, RUNS);
}

/* Reading a scan back for the uplink, in 64 KiB reads: the plain file, and through the store. */
static void read_back(struct queue *q, int dfd, const char *name, double *plain, double *sealed)
{
	unsigned char *buf = malloc(SCAN_BYTES);
	double tp[RUNS], ts[RUNS];

	for (int r = 0; r < RUNS; r++) {
		struct queue_scan *s = NULL;
		size_t got, total = 0;
		double t0 = now_us();
		int fd = openat(dfd, "plain-0.jpg", O_RDONLY | O_CLOEXEC);

		while (fd >= 0 && pread(fd, buf + total, 65536, (off_t)total) > 0 &&
		       (total += 65536) < SCAN_BYTES)
			;
		close(fd);
		tp[r] = now_us() - t0;
		t0 = now_us();
		total = 0;
		if (queue_file_open_read(q, name, &s) != KERR_OK)
			fail("open scan", q);
		do {
			if (queue_scan_read(s, (int64_t)total, buf + total,
					    SCAN_BYTES - total < 65536 ? SCAN_BYTES - total : 65536,
					    &got) != KERR_OK)
				fail("read scan", q);
			total += got;
		} while (got > 0 && total < SCAN_BYTES);
		queue_scan_close(s);
		ts[r] = now_us() - t0;
	}
	*plain = median(tp, RUNS);
	*sealed = median(ts, RUNS);
	free(buf);
}

static void bench_cipher(const char *dir, enum queue_cipher cipher, const unsigned char *scan)
{
	struct queue_options o = {.cipher = cipher};
	char path[512], why[QUEUE_ERRMSG_SIZE], (*names)[40] = calloc(RUNS, 40);
	double fields, commit, plain, sealed, rp, rs;
	struct queue *q = NULL;
	int dfd;

	snprintf(path, sizeof(path), "%s/%s", dir, queue_cipher_str(cipher));
	if (queue_open_with(path, "BENCH", &o, why, &q) != KERR_OK) {
		fprintf(stderr, "bench: %s\n", why);
		exit(1);
	}
	dfd = q->scans_fd;
	fields = seal_fields_us(q->crypt);
	commit = commit_us(q);
	store_scans(q, dfd, scan, names, &plain, &sealed);
	read_back(q, dfd, names[0], &rp, &rs);
	printf("%s:\n", queue_cipher_str(cipher));
	printf("  case commit (WAL, synchronous=FULL, no scans): %.0f us; sealing its 7 fields "
	       "%.1f us "
	       "(%.2f%% of the commit)\n",
	       commit, fields, 100.0 * fields / commit);
	printf("  300 KB scan stored (write, fsync, rename, fsync folder): plaintext %.0f us, "
	       "sealed "
	       "%.0f us, ratio %.2f\n",
	       plain, sealed, sealed / plain);
	printf("  300 KB scan read back for upload: plaintext %.0f us, decrypted %.0f us, ratio "
	       "%.2f\n",
	       rp, rs, rs / rp);
	free(names);
	queue_close(q);
}

int main(void)
{
	char dir[] = "/tmp/bench_at_rest.XXXXXX", cmd[128];
	unsigned char *scan = malloc(SCAN_BYTES);

	if (!mkdtemp(dir) || !scan)
		return 1;
	for (size_t i = 0; i < SCAN_BYTES; i++)
		scan[i] = (unsigned char)(i * 131 + 17);
	printf("personal data at rest, medians of %d runs, on %s's disk:\n", RUNS, dir);
	bench_cipher(dir, QUEUE_CIPHER_AES_256_GCM, scan);
	bench_cipher(dir, QUEUE_CIPHER_SM4_CTR_HMAC_SM3, scan);
	free(scan);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : 1;
}
