/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Pod Security Admission: the privileged, baseline and restricted Pod
 * Security Standards, chosen per namespace by the labels
 * pod-security.kubernetes.io/{enforce,warn,audit}.
 */
#ifndef ATOLL_AUTH_PSA_H
#define ATOLL_AUTH_PSA_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

struct api_req;

enum psa_level { PSA_PRIVILEGED, PSA_BASELINE, PSA_RESTRICTED };

/*
 * The violations of pod (borrowed) against level, comma-separated in
 * Kubernetes' words ("privileged (container \"c\" must not set ...)"),
 * into out; returns false when there are some.
 */
bool psa_check(const json_t *pod, enum psa_level level, char *out, size_t n);

/*
 * Admission of a pod created in ns: false with the 403 message in why when
 * the namespace enforces a level the pod violates; adds Warning headers for
 * the warn level.
 */
bool psa_admit(struct api_req *r, const char *ns, const json_t *pod, char *why, size_t n);

#endif
