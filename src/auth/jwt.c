/* SPDX-License-Identifier: Apache-2.0 */
/* JSON Web Tokens signed with ES256: base64url, the raw r||s signature form, verification. */
#include <stdbool.h>
#include <string.h>

#include "lib/cryptolib.h"
#include "auth/jwt.h"
#include "lib/jparse.h"
#include "lib/xalloc.h"

char *jwt_b64url(const unsigned char *data, size_t len)
{
	char *out = xmalloc(4 * ((len + 2) / 3) + 1);
	int n = EVP_EncodeBlock((unsigned char *)out, data, (int)len);

	while (n > 0 && out[n - 1] == '=')
		n--;
	out[n] = '\0';
	for (char *p = out; *p; p++)
		*p = *p == '+' ? '-' : *p == '/' ? '_' : *p;
	return out;
}

unsigned char *jwt_unb64url(const char *s, size_t slen, size_t *len)
{
	if (slen > (1u << 20) || slen % 4 == 1)
		return NULL;
	size_t pad = (4 - slen % 4) % 4;
	_cleanup_free_ char *std = xmalloc(slen + pad + 1);
	for (size_t i = 0; i < slen; i++) {
		char c = s[i];
		if (c == '+' || c == '/' || c == '=')
			return NULL;
		std[i] = c == '-' ? '+' : c == '_' ? '/' : c;
	}
	memset(std + slen, '=', pad);
	std[slen + pad] = '\0';
	unsigned char *out = xmalloc(slen + pad + 1);
	int n = EVP_DecodeBlock(out, (unsigned char *)std, (int)(slen + pad));
	if (n < 0) {
		free(out);
		return NULL;
	}
	*len = (size_t)n - pad;
	out[*len] = '\0';
	return out;
}

static char *b64_json(const json_t *j)
{
	_cleanup_free_ char *s = json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS);
	return jwt_b64url((unsigned char *)s, strlen(s));
}

char *jwt_sign(const json_t *claims, EVP_PKEY *key, const char *kid)
{
	json_t *hdr = json_pack("{s:s,s:s}", "alg", "ES256", "typ", "JWT");
	if (kid)
		json_object_set_new(hdr, "kid", json_string(kid));
	_cleanup_free_ char *h = b64_json(hdr), *c = b64_json(claims);
	json_decref(hdr);
	_cleanup_free_ char *input = xasprintf("%s.%s", h, c);

	EVP_MD_CTX *md = EVP_MD_CTX_new();
	unsigned char der[128], raw[64];
	size_t dlen = sizeof(der);
	int ok = EVP_DigestSignInit(md, NULL, EVP_sha256(), NULL, key) == 1 &&
		 EVP_DigestSign(md, der, &dlen, (unsigned char *)input, strlen(input)) == 1;
	EVP_MD_CTX_free(md);
	if (!ok)
		return NULL;
	/* JWS wants r||s, 32 bytes each, not DER. */
	const unsigned char *p = der;
	ECDSA_SIG *sig = d2i_ECDSA_SIG(NULL, &p, (long)dlen);
	if (!sig)
		return NULL;
	BN_bn2binpad(ECDSA_SIG_get0_r(sig), raw, 32);
	BN_bn2binpad(ECDSA_SIG_get0_s(sig), raw + 32, 32);
	ECDSA_SIG_free(sig);
	_cleanup_free_ char *s = jwt_b64url(raw, sizeof(raw));
	return xasprintf("%s.%s", input, s);
}

json_t *jwt_verify(const char *token, EVP_PKEY *key)
{
	const char *dot1 = strchr(token, '.'), *dot2 = dot1 ? strchr(dot1 + 1, '.') : NULL;
	size_t hl, cl, sl;

	if (!dot1 || !dot2 || strchr(dot2 + 1, '.'))
		return NULL;
	_cleanup_free_ unsigned char *h = jwt_unb64url(token, (size_t)(dot1 - token), &hl);
	_cleanup_free_ unsigned char *sraw = jwt_unb64url(dot2 + 1, strlen(dot2 + 1), &sl);
	if (!h || !sraw || sl != 64)
		return NULL;
	json_t *hdr = jparse_loadb((char *)h, hl, 0, NULL);
	const char *alg = json_string_value(json_object_get(hdr, "alg"));
	bool es256 = alg && !strcmp(alg, "ES256");
	json_decref(hdr);
	if (!es256)
		return NULL;
	ECDSA_SIG *sig = ECDSA_SIG_new();
	ECDSA_SIG_set0(sig, BN_bin2bn(sraw, 32, NULL), BN_bin2bn(sraw + 32, 32, NULL));
	unsigned char *der = NULL;
	int dlen = i2d_ECDSA_SIG(sig, &der);
	ECDSA_SIG_free(sig);
	if (dlen <= 0)
		return NULL;
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	int ok = EVP_DigestVerifyInit(md, NULL, EVP_sha256(), NULL, key) == 1 &&
		 EVP_DigestVerify(md, der, (size_t)dlen, (const unsigned char *)token,
				  (size_t)(dot2 - token)) == 1;
	EVP_MD_CTX_free(md);
	OPENSSL_free(der);
	if (!ok)
		return NULL;
	_cleanup_free_ unsigned char *c = jwt_unb64url(dot1 + 1, (size_t)(dot2 - dot1 - 1), &cl);
	return c ? jparse_loadb((char *)c, cl, 0, NULL) : NULL;
}
