/* The two sealing algorithms of queue_crypt.h with OpenSSL 3 EVP, and the one place where OpenSSL's
 * cipher failures become enum kerr. Algorithms are fetched once per handle: an implicit fetch at
 * every value would cost more than the encryption of a short field. */
#include "offline-queue/queue_crypt.h"

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <openssl/params.h>
#include <openssl/rand.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define ALG_AES_GCM  0x01
#define ALG_SM4_HMAC 0x02

#define GCM_NONCE 12
#define GCM_TAG	  16
#define SM4_KEY	  16
#define SM4_IV	  16
#define SM3_TAG	  32
#define MAC_KEY	  32

struct queue_crypt {
	enum queue_cipher cipher;
	EVP_CIPHER *aes_gcm;
	EVP_CIPHER *sm4_ctr;
	EVP_MAC *hmac;
	EVP_CIPHER_CTX *ctx;
	unsigned char aes_key[32];
	unsigned char sm4_key[SM4_KEY];
	unsigned char mac_key[MAC_KEY];
};

static const char *const cipher_names[QUEUE_CIPHER__COUNT] = {
	[QUEUE_CIPHER_AES_256_GCM] = "aes-256-gcm",
	[QUEUE_CIPHER_SM4_CTR_HMAC_SM3] = "sm4-ctr-hmac-sm3",
};

const char *queue_cipher_str(enum queue_cipher c)
{
	if ((unsigned)c >= QUEUE_CIPHER__COUNT)
		return "unknown";
	return cipher_names[c];
}

enum kerr queue_cipher_parse(const char *name, enum queue_cipher *ret)
{
	for (int i = 0; name && i < QUEUE_CIPHER__COUNT; i++) {
		if (strcmp(name, cipher_names[i]) == 0) {
			*ret = (enum queue_cipher)i;
			return KERR_OK;
		}
	}
	return KERR_INVAL;
}

size_t queue_crypt_overhead_of(unsigned char alg)
{
	switch (alg) {
	case ALG_AES_GCM:
		return 1 + GCM_NONCE + GCM_TAG;
	case ALG_SM4_HMAC:
		return 1 + SM4_IV + SM3_TAG;
	default:
		return 0;
	}
}

/* HKDF with a label per purpose: the derived keys of one purpose say nothing of another's. */
static int derive(const unsigned char *ikm, const char *digest, const char *label,
		  unsigned char *out, size_t out_len)
{
	static const char salt[] = "kiosk offline-queue at-rest v1";
	EVP_KDF *kdf = EVP_KDF_fetch(NULL, "HKDF", NULL);
	EVP_KDF_CTX *kctx = kdf ? EVP_KDF_CTX_new(kdf) : NULL;
	OSSL_PARAM params[5];
	int ok = 0;

	if (kctx) {
		params[0] =
			OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST, (char *)digest, 0);
		params[1] = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_KEY, (void *)ikm,
							      QUEUE_KEY_BYTES);
		params[2] = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SALT, (void *)salt,
							      sizeof(salt) - 1);
		params[3] = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_INFO, (void *)label,
							      strlen(label));
		params[4] = OSSL_PARAM_construct_end();
		ok = EVP_KDF_derive(kctx, out, out_len, params) == 1;
	}
	EVP_KDF_CTX_free(kctx);
	EVP_KDF_free(kdf);
	return ok;
}

enum kerr queue_crypt_create(const struct queue_key *key, enum queue_cipher cipher,
			     struct queue_crypt **ret)
{
	const unsigned char *ikm = queue_key_bytes(key);
	struct queue_crypt *c;

	if ((unsigned)cipher >= QUEUE_CIPHER__COUNT)
		return KERR_INVAL;
	c = calloc(1, sizeof(*c));
	if (!c)
		return KERR_NOMEM;
	c->cipher = cipher;
	c->ctx = EVP_CIPHER_CTX_new();
	if (!c->ctx) {
		queue_crypt_destroy(c);
		return KERR_NOMEM;
	}
	c->aes_gcm = EVP_CIPHER_fetch(NULL, "AES-256-GCM", NULL);
	c->sm4_ctr = EVP_CIPHER_fetch(NULL, "SM4-CTR", NULL);
	c->hmac = EVP_MAC_fetch(NULL, "HMAC", NULL);
	if (!c->aes_gcm || !c->sm4_ctr || !c->hmac) {
		queue_crypt_destroy(c);
		return KERR_UNSUPPORTED;
	}
	if (!derive(ikm, "SHA256", "aes-256-gcm", c->aes_key, sizeof(c->aes_key)) ||
	    !derive(ikm, "SM3", "sm4-ctr", c->sm4_key, sizeof(c->sm4_key)) ||
	    !derive(ikm, "SM3", "hmac-sm3", c->mac_key, sizeof(c->mac_key))) {
		queue_crypt_destroy(c);
		return KERR_UNSUPPORTED;
	}
	*ret = c;
	return KERR_OK;
}

void queue_crypt_destroy(struct queue_crypt *c)
{
	if (!c)
		return;
	EVP_CIPHER_CTX_free(c->ctx);
	EVP_CIPHER_free(c->aes_gcm);
	EVP_CIPHER_free(c->sm4_ctr);
	EVP_MAC_free(c->hmac);
	OPENSSL_cleanse(c, sizeof(*c));
	free(c);
}

enum queue_cipher queue_crypt_cipher(const struct queue_crypt *c)
{
	return c->cipher;
}

unsigned char queue_crypt_alg(const struct queue_crypt *c)
{
	return c->cipher == QUEUE_CIPHER_AES_256_GCM ? ALG_AES_GCM : ALG_SM4_HMAC;
}

size_t queue_crypt_overhead(const struct queue_crypt *c)
{
	return queue_crypt_overhead_of(queue_crypt_alg(c));
}

enum kerr queue_crypt_plain_len(const unsigned char *in, size_t in_len, size_t *ret)
{
	size_t ovh;

	if (in_len < 1)
		return KERR_CORRUPT;
	ovh = queue_crypt_overhead_of(in[0]);
	if (ovh == 0 || in_len < ovh)
		return KERR_CORRUPT;
	*ret = in_len - ovh;
	return KERR_OK;
}

/* One pass of a stream cipher or GCM over len bytes; OpenSSL takes int lengths. */
static int crypt_update(EVP_CIPHER_CTX *ctx, unsigned char *out, const unsigned char *in,
			size_t len)
{
	while (len > 0) {
		int step = len > (1u << 30) ? 1 << 30 : (int)len, n = 0;

		if (EVP_CipherUpdate(ctx, out, &n, in, step) != 1 || n != step)
			return 0;
		in += step;
		out += step;
		len -= (size_t)step;
	}
	return 1;
}

static int gcm_aad(EVP_CIPHER_CTX *ctx, unsigned char alg, const unsigned char *aad, size_t aad_len)
{
	int n;

	if (EVP_CipherUpdate(ctx, NULL, &n, &alg, 1) != 1)
		return 0;
	while (aad_len > 0) {
		int step = aad_len > (1u << 30) ? 1 << 30 : (int)aad_len;

		if (EVP_CipherUpdate(ctx, NULL, &n, aad, step) != 1)
			return 0;
		aad += step;
		aad_len -= (size_t)step;
	}
	return 1;
}

static int gcm_seal(struct queue_crypt *c, const unsigned char *aad, size_t aad_len,
		    const unsigned char *pt, size_t pt_len, unsigned char *out)
{
	unsigned char *nonce = out + 1, *ct = nonce + GCM_NONCE, *tag = ct + pt_len;
	int n;

	out[0] = ALG_AES_GCM;
	if (RAND_bytes(nonce, GCM_NONCE) != 1)
		return 0;
	return EVP_CipherInit_ex2(c->ctx, c->aes_gcm, c->aes_key, nonce, 1, NULL) == 1 &&
	       gcm_aad(c->ctx, out[0], aad, aad_len) && crypt_update(c->ctx, ct, pt, pt_len) &&
	       EVP_CipherFinal_ex(c->ctx, ct + pt_len, &n) == 1 &&
	       EVP_CIPHER_CTX_ctrl(c->ctx, EVP_CTRL_AEAD_GET_TAG, GCM_TAG, tag) == 1;
}

/* 1 when the tag matches, 0 when it does not, -1 when OpenSSL failed otherwise. */
static int gcm_open(struct queue_crypt *c, const unsigned char *aad, size_t aad_len,
		    const unsigned char *in, size_t pt_len, unsigned char *out)
{
	const unsigned char *nonce = in + 1, *ct = nonce + GCM_NONCE, *tag = ct + pt_len;
	unsigned char last[16];
	int n;

	if (EVP_CipherInit_ex2(c->ctx, c->aes_gcm, c->aes_key, nonce, 0, NULL) != 1 ||
	    !gcm_aad(c->ctx, in[0], aad, aad_len) || !crypt_update(c->ctx, out, ct, pt_len) ||
	    EVP_CIPHER_CTX_ctrl(c->ctx, EVP_CTRL_AEAD_SET_TAG, GCM_TAG, (void *)tag) != 1)
		return -1;
	return EVP_CipherFinal_ex(c->ctx, last, &n) == 1 ? 1 : 0;
}

static int hmac_sm3(struct queue_crypt *c, unsigned char alg, const unsigned char *aad,
		    size_t aad_len, const unsigned char *iv, const unsigned char *ct, size_t ct_len,
		    unsigned char tag[SM3_TAG])
{
	EVP_MAC_CTX *m = EVP_MAC_CTX_new(c->hmac);
	OSSL_PARAM params[2];
	unsigned char len_be[8];
	size_t out_len = 0;
	int ok;

	if (!m)
		return 0;
	for (int i = 0; i < 8; i++)
		len_be[i] = (unsigned char)((uint64_t)aad_len >> (56 - 8 * i));
	params[0] = OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, "SM3", 0);
	params[1] = OSSL_PARAM_construct_end();
	/* The length in front keeps aad and IV apart: no aad can pass for another aad plus IV. */
	ok = EVP_MAC_init(m, c->mac_key, sizeof(c->mac_key), params) == 1 &&
	     EVP_MAC_update(m, &alg, 1) == 1 && EVP_MAC_update(m, len_be, sizeof(len_be)) == 1 &&
	     EVP_MAC_update(m, aad, aad_len) == 1 && EVP_MAC_update(m, iv, SM4_IV) == 1 &&
	     EVP_MAC_update(m, ct, ct_len) == 1 && EVP_MAC_final(m, tag, &out_len, SM3_TAG) == 1 &&
	     out_len == SM3_TAG;
	EVP_MAC_CTX_free(m);
	return ok;
}

static int sm4_seal(struct queue_crypt *c, const unsigned char *aad, size_t aad_len,
		    const unsigned char *pt, size_t pt_len, unsigned char *out)
{
	unsigned char *iv = out + 1, *ct = iv + SM4_IV, *tag = ct + pt_len;

	out[0] = ALG_SM4_HMAC;
	if (RAND_bytes(iv, SM4_IV) != 1)
		return 0;
	return EVP_CipherInit_ex2(c->ctx, c->sm4_ctr, c->sm4_key, iv, 1, NULL) == 1 &&
	       crypt_update(c->ctx, ct, pt, pt_len) &&
	       hmac_sm3(c, out[0], aad, aad_len, iv, ct, pt_len, tag);
}

/* Encrypt-then-MAC: the tag is checked before a byte is decrypted. */
static int sm4_open(struct queue_crypt *c, const unsigned char *aad, size_t aad_len,
		    const unsigned char *in, size_t pt_len, unsigned char *out)
{
	const unsigned char *iv = in + 1, *ct = iv + SM4_IV, *tag = ct + pt_len;
	unsigned char want[SM3_TAG];
	int same;

	if (!hmac_sm3(c, in[0], aad, aad_len, iv, ct, pt_len, want))
		return -1;
	same = CRYPTO_memcmp(want, tag, SM3_TAG) == 0;
	OPENSSL_cleanse(want, sizeof(want));
	if (!same)
		return 0;
	return EVP_CipherInit_ex2(c->ctx, c->sm4_ctr, c->sm4_key, iv, 0, NULL) == 1 &&
			       crypt_update(c->ctx, out, ct, pt_len)
		       ? 1
		       : -1;
}

enum kerr queue_crypt_seal(struct queue_crypt *c, const unsigned char *aad, size_t aad_len,
			   const unsigned char *pt, size_t pt_len, unsigned char *out,
			   size_t out_size, size_t *ret_len)
{
	size_t ovh = queue_crypt_overhead(c);
	int ok;

	if (out_size < ovh || out_size - ovh < pt_len)
		return KERR_INVAL;
	if (c->cipher == QUEUE_CIPHER_AES_256_GCM)
		ok = gcm_seal(c, aad, aad_len, pt, pt_len, out);
	else
		ok = sm4_seal(c, aad, aad_len, pt, pt_len, out);
	if (!ok) {
		OPENSSL_cleanse(out, pt_len + ovh);
		return KERR_IO;
	}
	*ret_len = pt_len + ovh;
	return KERR_OK;
}

enum kerr queue_crypt_open(struct queue_crypt *c, const unsigned char *aad, size_t aad_len,
			   const unsigned char *in, size_t in_len, unsigned char *out,
			   size_t out_size, size_t *ret_len)
{
	size_t pt_len;
	int ok;

	if (queue_crypt_plain_len(in, in_len, &pt_len) != KERR_OK)
		return KERR_CORRUPT;
	if (out_size < pt_len)
		return KERR_INVAL;
	if (in[0] == ALG_AES_GCM)
		ok = gcm_open(c, aad, aad_len, in, pt_len, out);
	else
		ok = sm4_open(c, aad, aad_len, in, pt_len, out);
	if (ok != 1) {
		/* GCM decrypts before it can check: what it wrote must not be used. */
		OPENSSL_cleanse(out, pt_len);
		return ok == 0 ? KERR_CORRUPT : KERR_IO;
	}
	*ret_len = pt_len;
	return KERR_OK;
}
