/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Strategic-merge-patch merge keys of the built-in kinds, written down from
 * the patchStrategy/patchMergeKey tags of the Kubernetes API types, in the
 * form struct api_kind.merge_keys takes.
 */
#include <stddef.h>

#include "api/patch.h"

/* One container list's own merge lists. */
#define CONTAINER_KEYS(p) \
	p ".ports", "containerPort", \
	p ".env", "name", \
	p ".volumeMounts", "mountPath", \
	p ".volumeDevices", "devicePath"

/* A PodSpec at prefix p (ending in "."). */
#define PODSPEC_KEYS(p) \
	p "containers", "name", \
	p "initContainers", "name", \
	p "ephemeralContainers", "name", \
	CONTAINER_KEYS(p "containers"), \
	CONTAINER_KEYS(p "initContainers"), \
	CONTAINER_KEYS(p "ephemeralContainers"), \
	p "volumes", "name", \
	p "imagePullSecrets", "name", \
	p "hostAliases", "ip", \
	p "topologySpreadConstraints", "topologyKey", \
	p "resourceClaims", "name", \
	p "schedulingGates", "name"

const char *const patch_keys_pod[] = {
	PODSPEC_KEYS("spec."),
	"status.conditions", "type",
	"status.podIPs", "ip",
	"status.hostIPs", "ip",
	"status.resourceClaimStatuses", "name",
	NULL,
};

const char *const patch_keys_workload[] = {
	PODSPEC_KEYS("spec.template.spec."),
	"status.conditions", "type",
	NULL,
};

const char *const patch_keys_cronjob[] = {
	PODSPEC_KEYS("spec.jobTemplate.spec.template.spec."),
	NULL,
};

const char *const patch_keys_podtemplate[] = {
	PODSPEC_KEYS("template.spec."),
	NULL,
};

const char *const patch_keys_service[] = {
	"spec.ports", "port",
	"status.conditions", "type",
	NULL,
};

const char *const patch_keys_node[] = {
	"spec.podCIDRs", "",
	"status.conditions", "type",
	"status.addresses", "type",
	NULL,
};

const char *const patch_keys_conditions[] = {
	"status.conditions", "type",
	NULL,
};
