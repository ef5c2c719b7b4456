/* SPDX-License-Identifier: Apache-2.0 */
/* Docker config credentials for image pulls. */
#include "agent/pull_auth.h"
#include "t.h"

int main(void)
{
	char *u = NULL, *p = NULL;
	/* "alice:s3cr:et" in base64: the password may hold colons. */
	json_t *cfg = json_loads("{\"auths\":{\"https://reg.example:5000/v1/\":{\"auth\":\"YWxpY2U6czNjcjpldA==\"},"
				 "\"other.example\":{\"username\":\"bob\",\"password\":\"pw\"}}}", 0, NULL);

	CHECK(pull_auth_from_dockercfg(cfg, "reg.example:5000", &u, &p) == 0);
	CHECK_STR(u, "alice");
	CHECK_STR(p, "s3cr:et");
	free(u), free(p), u = p = NULL;
	CHECK(pull_auth_from_dockercfg(cfg, "other.example", &u, &p) == 0);
	CHECK_STR(u, "bob");
	CHECK_STR(p, "pw");
	free(u), free(p), u = p = NULL;
	CHECK(pull_auth_from_dockercfg(cfg, "reg.example", &u, &p) < 0); /* the port is part of the name */
	CHECK(pull_auth_from_dockercfg(cfg, "nope.example", &u, &p) < 0);
	json_decref(cfg);

	/* The old .dockercfg form, and garbage that must not crash. */
	cfg = json_loads("{\"old.example\":{\"auth\":\"eDp5\"},\"bad.example\":{\"auth\":\"!!!\"}}", 0, NULL);
	CHECK(pull_auth_from_dockercfg(cfg, "old.example", &u, &p) == 0);
	CHECK_STR(u, "x");
	CHECK_STR(p, "y");
	free(u), free(p), u = p = NULL;
	CHECK(pull_auth_from_dockercfg(cfg, "bad.example", &u, &p) < 0);
	json_decref(cfg);
	return T_DONE();
}
