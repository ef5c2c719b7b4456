/* TEMPORARY until the built-in kinds table lands. */
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"
#include "api/kind.h"
static const struct api_kind ns = { "", "v1", "Namespace", "NamespaceList", "namespaces", "namespace", false, {"ns"}, {NULL}, API_SUB_STATUS, true };
static const struct api_kind cm = { "", "v1", "ConfigMap", "ConfigMapList", "configmaps", "configmap", true, {"cm"}, {NULL}, 0, true };
static const struct api_kind sec = { "", "v1", "Secret", "SecretList", "secrets", "secret", true, {NULL}, {NULL}, 0, true };
static const struct api_kind pod = { "", "v1", "Pod", "PodList", "pods", "pod", true, {"po"}, {"all"}, API_SUB_STATUS, true };
static const struct api_kind dep = { "apps", "v1", "Deployment", "DeploymentList", "deployments", "deployment", true, {"deploy"}, {"all"}, API_SUB_STATUS | API_SUB_SCALE, true };
static const struct api_kind crd = { "apiextensions.k8s.io", "v1", "CustomResourceDefinition", "CustomResourceDefinitionList", "customresourcedefinitions", "customresourcedefinition", false, {"crd", "crds"}, {NULL}, API_SUB_STATUS, true };
const struct api_kind *const kinds_builtin[] = { &ns, &cm, &sec, &pod, &dep, &crd, NULL };
