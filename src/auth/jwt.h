/* SPDX-License-Identifier: Apache-2.0 */
/* Compact JWS with ES256 (ECDSA P-256, SHA-256) on libcrypto. */
#ifndef ATOLL_JWT_H
#define ATOLL_JWT_H

#include <jansson.h>

#include "lib/cryptolib.h"

/* Sign claims (borrowed) with key (borrowed); kid may be NULL. Returns owned token or NULL. */
char *jwt_sign(const json_t *claims, EVP_PKEY *key, const char *kid);
/* Check the signature with key; returns the owned claims, or NULL when the token is not ours. */
json_t *jwt_verify(const char *token, EVP_PKEY *key);

/* Base64url without padding; returns owned. */
char *jwt_b64url(const unsigned char *data, size_t len);
/* Decode base64url; returns owned bytes (*len set) or NULL. */
unsigned char *jwt_unb64url(const char *s, size_t slen, size_t *len);

#endif
