/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Authentication helpers behind api_authenticate (src/api/authn.c) and the
 * authentication/authorization API resources that are not stored objects.
 */
#ifndef ATOLL_AUTH_H
#define ATOLL_AUTH_H

#include <jansson.h>
#include <stdbool.h>

#include "lib/cryptolib.h"
#include "lib/err.h"

struct api_req;
struct api_call;

#define AUTH_AUDIENCE "https://kubernetes.default.svc.cluster.local"
#define AUTH_ISSUER   "https://kubernetes.default.svc.cluster.local"

/* Add a group to r's identity (ignored past the limit or when already there). */
void auth_add_group(struct api_req *r, const char *group);

/* A verified client certificate from the server's CA: CN is the user, O the groups. */
bool auth_from_cert(struct api_req *r);
/* A ServiceAccount JWT: signature, expiry, audience, and the SA (and bound pod) still there. */
bool auth_from_sa_token(struct api_req *r, const char *token);
/* A static token from DATA/pki/tokens.csv (token,user,uid,"group1,group2"), re-read when it changes. */
bool auth_from_token_file(struct api_req *r, const char *token);

/*
 * Apply Impersonate-User/-Group/-Uid headers when the caller may impersonate
 * them. Returns 0 (none asked), 1 (r's identity replaced), or -1 with the
 * 403 message in why.
 */
int auth_impersonate(struct api_req *r, char *why, size_t n);

/*
 * Mint a ServiceAccount token (returns owned JWT, NULL on failure) for
 * ns/sa with its uid, bound to pod/pod_uid when pod is not NULL, for the
 * audiences aud (borrowed array; NULL or empty: the API server), valid
 * from now (Unix seconds) for secs. The agent can use it for a pod's
 * projected token without an HTTP round trip.
 */
char *auth_sa_mint(const char *data_dir, const char *ns, const char *sa, const char *sa_uid, const char *pod,
		   const char *pod_uid, const json_t *aud, long long secs, long long now);

/* The ServiceAccount signing key DATA/pki/sa.key (created when missing); borrowed, process-wide. */
EVP_PKEY *auth_sa_key(const char *data_dir);

/*
 * Is group/resource/sub one of the create-only virtual resources served
 * here (TokenRequest, SelfSubjectReview, *AccessReview, SelfSubjectRulesReview)?
 */
bool auth_virtual(const char *group, const char *resource, const char *sub);
/* Is resource of group a namespaced one of those (LocalSubjectAccessReview)? */
bool auth_virtual_namespaced(const char *group, const char *resource);
/* Serve one (authorizes it first). Answers the request; returns 0 or -1 as the router's handlers do. */
int auth_serve(struct api_call *c);

/*
 * Issue a client certificate for user (CN) and groups (O, NULL-terminated)
 * signed by DATA/pki/ca.{crt,key}. Returns 0 with owned PEMs, or -1 with err.
 */
int auth_issue_cert(const char *data_dir, const char *user, const char *const *groups, int days,
		    char **cert_pem, char **key_pem, struct atoll_err *err);

/* Called by the HTTP layer as it queues each response (quota reservations, audit log). */
void auth_on_response(struct api_req *r, int code);

/* The server URL in DATA/kubeconfig (owned), or NULL. */
char *auth_server_url(const char *data_dir);

/* Subcommands (also listed in src/cmds.h): src/auth/cmd_user.c, src/auth/cmd_namespace.c. */
int cmd_user(int argc, char **argv);
int cmd_namespace(int argc, char **argv);

#endif
