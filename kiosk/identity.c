/* The terminal's key, certificate request and certificate through OpenSSL 3. OpenSSL's errors are
 * turned into kerr here and nowhere else, its reason kept in err. */
#include "kiosk/identity.h"

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* The one translation of an OpenSSL failure: its first queued reason, and KERR_IO. */
static enum kerr ssl_fail(char *err, size_t errlen, const char *what)
{
	unsigned long e = ERR_get_error();
	char reason[160] = "no reason given";

	if (e)
		ERR_error_string_n(e, reason, sizeof(reason));
	ERR_clear_error();
	snprintf(err, errlen, "%s: %s", what, reason);
	return KERR_IO;
}

/* Writes len bytes to dir/name with mode through a synced temporary file and a rename, then syncs
 * dir. */
static enum kerr write_file(const char *dir, const char *name, const void *data, size_t len,
			    mode_t mode, char *err, size_t errlen)
{
	char path[4096], tmp[4200];
	const char *p = data;
	int fd, dfd;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	unlink(tmp);
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
	if (fd < 0)
		goto fail;
	/* The umask must not widen or narrow what was asked for. */
	if (fchmod(fd, mode) != 0)
		goto fail_fd;
	while (len) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			goto fail_fd;
		p += n, len -= (size_t)n;
	}
	if (fsync(fd) != 0)
		goto fail_fd;
	close(fd);
	if (rename(tmp, path) != 0)
		goto fail;
	dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd >= 0) {
		fsync(dfd);
		close(dfd);
	}
	return KERR_OK;
fail_fd:
	close(fd);
fail:
	snprintf(err, errlen, "cannot write %s: %s", path, strerror(errno));
	unlink(tmp);
	return KERR_IO;
}

/* A BIO's contents to dir/name. */
static enum kerr write_bio(const char *dir, const char *name, BIO *b, mode_t mode, char *err,
			   size_t errlen)
{
	char *data;
	long n = BIO_get_mem_data(b, &data);

	return write_file(dir, name, data, n > 0 ? (size_t)n : 0, mode, err, errlen);
}

static EVP_PKEY *read_key(const char *path)
{
	FILE *f = fopen(path, "r");
	EVP_PKEY *k;

	if (!f)
		return NULL;
	k = PEM_read_PrivateKey(f, NULL, NULL, NULL);
	fclose(f);
	return k;
}

static enum kerr make_key(const char *dir, const char *key_name, EVP_PKEY **ret, char *err,
			  size_t errlen)
{
	EVP_PKEY *k = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
	BIO *b = NULL;
	enum kerr e;

	if (!k)
		return ssl_fail(err, errlen, "cannot make an EC P-256 key");
	b = BIO_new(BIO_s_mem());
	if (!b || !PEM_write_bio_PrivateKey(b, k, NULL, NULL, 0, NULL, NULL)) {
		e = ssl_fail(err, errlen, "cannot encode the key");
		goto out;
	}
	e = write_bio(dir, key_name, b, 0600, err, errlen);
out:
	BIO_free_all(b);
	if (e == KERR_OK)
		*ret = k;
	else
		EVP_PKEY_free(k);
	return e;
}

static int add_name(X509_NAME *n, const char *field, const char *value)
{
	return X509_NAME_add_entry_by_txt(n, field, MBSTRING_UTF8, (const unsigned char *)value, -1,
					  -1, 0);
}

enum kerr identity_create(const char *dir, const char *key_name, const char *csr_name,
			  const struct identity_subject *s, char *err, size_t errlen)
{
	char path[4096];
	EVP_PKEY *key = NULL;
	X509_REQ *req = NULL;
	X509_NAME *name;
	BIO *b = NULL;
	enum kerr e = KERR_OK;

	if (!s->terminal_id || !s->terminal_id[0]) {
		snprintf(err, errlen, "no terminal id");
		return KERR_INVAL;
	}
	snprintf(path, sizeof(path), "%s/%s", dir, key_name);
	if (access(path, F_OK) == 0) {
		key = read_key(path);
		if (!key)
			return ssl_fail(err, errlen,
					"the terminal's key is there but cannot be read");
	} else {
		e = make_key(dir, key_name, &key, err, errlen);
		if (e != KERR_OK)
			return e;
	}
	req = X509_REQ_new();
	name = req ? X509_REQ_get_subject_name(req) : NULL;
	if (!name || !X509_REQ_set_version(req, 0) || !add_name(name, "C", "CN") ||
	    (s->site && s->site[0] && !add_name(name, "O", s->site)) ||
	    (s->region && s->region[0] && !add_name(name, "OU", s->region)) ||
	    !add_name(name, "CN", s->terminal_id) || !X509_REQ_set_pubkey(req, key)) {
		e = ssl_fail(err, errlen, "cannot fill the certificate request");
		goto out;
	}
	/* The platform signs only a request carrying the token it handed the technician. */
	if (s->token && s->token[0] &&
	    !X509_REQ_add1_attr_by_NID(req, NID_pkcs9_challengePassword, MBSTRING_UTF8,
				       (const unsigned char *)s->token, -1)) {
		e = ssl_fail(err, errlen, "cannot add the enrolment token");
		goto out;
	}
	b = BIO_new(BIO_s_mem());
	if (!X509_REQ_sign(req, key, EVP_sha256()) || !b || !PEM_write_bio_X509_REQ(b, req)) {
		e = ssl_fail(err, errlen, "cannot sign the certificate request");
		goto out;
	}
	e = write_bio(dir, csr_name, b, 0644, err, errlen);
out:
	BIO_free_all(b);
	X509_REQ_free(req);
	EVP_PKEY_free(key);
	return e;
}

static X509 *read_cert(const char *path)
{
	FILE *f = fopen(path, "r");
	X509 *c;

	if (!f)
		return NULL;
	c = PEM_read_X509(f, NULL, NULL, NULL);
	fclose(f);
	return c;
}

enum kerr identity_install_cert(const char *dir, const char *key_name, const char *cert_name,
				const char *cert_path, const char *terminal_id, char *err,
				size_t errlen)
{
	char path[4096], cn[64] = "";
	EVP_PKEY *key;
	X509 *cert;
	BIO *b = NULL;
	enum kerr e;

	snprintf(path, sizeof(path), "%s/%s", dir, key_name);
	key = read_key(path);
	if (!key) {
		ERR_clear_error();
		snprintf(err, errlen, "no key in %s: provision the terminal first", path);
		return KERR_INVAL;
	}
	cert = read_cert(cert_path);
	if (!cert) {
		EVP_PKEY_free(key);
		ERR_clear_error();
		snprintf(err, errlen, "%s holds no PEM certificate", cert_path);
		return KERR_INVAL;
	}
	X509_NAME_get_text_by_NID(X509_get_subject_name(cert), NID_commonName, cn, sizeof(cn));
	if (!X509_check_private_key(cert, key)) {
		ERR_clear_error();
		snprintf(err, errlen,
			 "the certificate is not for this terminal's key (made from another "
			 "request?)");
		e = KERR_INVAL;
	} else if (strcmp(cn, terminal_id) != 0) {
		snprintf(err, errlen, "the certificate names terminal %s, this terminal is %s", cn,
			 terminal_id);
		e = KERR_INVAL;
	} else {
		b = BIO_new(BIO_s_mem());
		if (!b || !PEM_write_bio_X509(b, cert))
			e = ssl_fail(err, errlen, "cannot encode the certificate");
		else
			e = write_bio(dir, cert_name, b, 0644, err, errlen);
	}
	BIO_free_all(b);
	X509_free(cert);
	EVP_PKEY_free(key);
	return e;
}

enum kerr identity_check_ca(const char *path, char *err, size_t errlen)
{
	X509 *c;

	if (access(path, R_OK) != 0) {
		snprintf(err, errlen, "cannot read %s: %s", path, strerror(errno));
		return KERR_IO;
	}
	c = read_cert(path);
	if (!c) {
		ERR_clear_error();
		snprintf(err, errlen, "%s holds no PEM certificate", path);
		return KERR_INVAL;
	}
	X509_free(c);
	return KERR_OK;
}
