/* SPDX-License-Identifier: Apache-2.0 */
/* Pod Security Standards checks: baseline and restricted findings in Kubernetes' words. */
#include <jansson.h>

#include "auth/auth_psa.h"
#include "t.h"

static bool check(const char *pod, enum psa_level l, char *out, size_t n)
{
	json_t *p = json_loads(pod, 0, NULL);
	bool ok = psa_check(p, l, out, n);
	json_decref(p);
	return ok;
}

int main(void)
{
	char m[1024];
	const char *plain = "{\"spec\":{\"containers\":[{\"name\":\"c\",\"image\":\"x\"}]}}";
	const char *tight = "{\"spec\":{\"securityContext\":{\"runAsNonRoot\":true,\"seccompProfile\":{\"type\":"
			    "\"RuntimeDefault\"}},\"containers\":[{\"name\":\"c\",\"securityContext\":{"
			    "\"allowPrivilegeEscalation\":false,\"capabilities\":{\"drop\":[\"ALL\"]}}}],"
			    "\"volumes\":[{\"name\":\"v\",\"emptyDir\":{}}]}}";

	CHECK(check(plain, PSA_PRIVILEGED, m, sizeof(m)));
	CHECK(check(plain, PSA_BASELINE, m, sizeof(m)));
	CHECK(!check(plain, PSA_RESTRICTED, m, sizeof(m)));
	CHECK(strstr(m, "allowPrivilegeEscalation != false (container \"c\" must set") != NULL);
	CHECK(strstr(m, "runAsNonRoot != true") != NULL);
	CHECK(check(tight, PSA_RESTRICTED, m, sizeof(m)));

	CHECK(!check("{\"spec\":{\"hostPID\":true,\"hostIPC\":true,\"containers\":[{\"name\":\"a\",\"securityContext\":"
		     "{\"privileged\":true}},{\"name\":\"b\",\"securityContext\":{\"privileged\":true}}]}}",
		     PSA_BASELINE, m, sizeof(m)));
	CHECK_STR(m, "host namespaces (hostPID=true, hostIPC=true), privileged (containers \"a\", \"b\" must not set "
		     "securityContext.privileged=true)");
	CHECK(!check("{\"spec\":{\"containers\":[{\"name\":\"c\",\"securityContext\":{\"capabilities\":{\"add\":"
		     "[\"SYS_ADMIN\"]}}}]}}", PSA_BASELINE, m, sizeof(m)));
	CHECK(strstr(m, "non-default capabilities (container \"c\"") == m);
	CHECK(check("{\"spec\":{\"containers\":[{\"name\":\"c\",\"securityContext\":{\"capabilities\":{\"add\":"
		    "[\"NET_BIND_SERVICE\",\"CHOWN\"]}}}]}}", PSA_BASELINE, m, sizeof(m)));
	CHECK(!check("{\"spec\":{\"containers\":[{\"name\":\"c\",\"ports\":[{\"containerPort\":80,\"hostPort\":80}]}],"
		     "\"volumes\":[{\"name\":\"h\",\"hostPath\":{\"path\":\"/\"}}]}}", PSA_BASELINE, m, sizeof(m)));
	CHECK_STR(m, "hostPath volumes (volume \"h\"), hostPort (container \"c\" uses hostPort)");
	return T_DONE();
}
