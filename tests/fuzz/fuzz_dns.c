/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libFuzzer target: DNS queries from the network against a small cluster
 * zone. Answers must fit the buffer and, over UDP, the requester's size.
 */
#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "net/dns.h"
#include "net/dns_wire.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *objs =
	"{\"s\":[{\"metadata\":{\"name\":\"web\",\"namespace\":\"a\"},\"spec\":{\"clusterIP\":\"10.96.0.20\","
	"\"ports\":[{\"name\":\"http\",\"port\":80}]}},"
	"{\"metadata\":{\"name\":\"db\",\"namespace\":\"a\"},\"spec\":{\"clusterIP\":\"None\"}},"
	"{\"metadata\":{\"name\":\"x\",\"namespace\":\"a\"},\"spec\":{\"type\":\"ExternalName\","
	"\"externalName\":\"web.a.svc.cluster.local\"}}],"
	"\"e\":[{\"metadata\":{\"name\":\"db-1\",\"namespace\":\"a\",\"labels\":{\"kubernetes.io/service-name\":\"db\"}},"
	"\"ports\":[{\"name\":\"pg\",\"port\":5432}],\"endpoints\":[{\"addresses\":[\"10.244.0.5\"],\"hostname\":\"db-0\"},"
	"{\"addresses\":[\"10.244.0.6\"]}]}],"
	"\"p\":[{\"metadata\":{\"namespace\":\"a\"},\"status\":{\"podIP\":\"10.244.0.5\"}}]}";

static struct dns_zone *z;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t out[65536];
	size_t len;
	struct dns_query q;

	if (!z) {
		json_t *in = json_loads(objs, 0, NULL);
		z = dns_zone_build("cluster.local", json_object_get(in, "s"), json_object_get(in, "e"),
				   json_object_get(in, "p"));
		json_decref(in);
	}
	int rc = dns_parse_query(data, size, &q);
	for (int udp = 0; udp < 2; udp++) {
		enum dns_verdict v = dns_answer(z, data, size, udp, out, sizeof(out), &len);
		if (v == DNS_REPLY) {
			if (len < DNS_HDR_LEN || len > sizeof(out))
				abort();
			if (udp && rc == DNS_R_NOERROR && len > (q.edns ? q.udp_size : 512u) && len > 512)
				abort();
			if (out[0] != data[0] || out[1] != data[1] || !(out[2] & 0x80))
				abort();
		} else if (v == DNS_FORWARD && rc != DNS_R_NOERROR) {
			abort();
		}
	}
	/* A small buffer must be refused cleanly, never overrun. */
	dns_answer(z, data, size, true, out, 40, &len);
	if (len > 40)
		abort();
	dns_error_reply(data, size, DNS_R_REFUSED, out, 30);
	return 0;
}
