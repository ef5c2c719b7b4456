/* SPDX-License-Identifier: Apache-2.0 */
/* jskim: the wanted paths of an object, as a full parse has them; filters on skimmed objects; reparse. */
#include <stdbool.h>
#include <string.h>

#include "api/selector.h"
#include "lib/jskim.h"
#include "t.h"

/* Single quotes for readability. */
static char *Q(const char *s)
{
	char *c = strdup(s);
	for (char *p = c; *p; p++)
		if (*p == '\'')
			*p = '"';
	return c;
}

/* jskim(s, paths) equals want (NULL: jskim declines). */
static bool skims_to(const char *s, const char *const *paths, size_t n, const char *want)
{
	char *t = Q(s);
	json_t *got = jskim(t, strlen(t), paths, n);
	bool ok;

	if (!want) {
		ok = !got;
	} else {
		char *w = Q(want);
		json_t *wj = json_loads(w, 0, NULL);
		ok = got && wj && json_equal(got, wj);
		json_decref(wj);
		free(w);
	}
	if (!ok) {
		char *g = got ? json_dumps(got, JSON_SORT_KEYS) : NULL;
		fprintf(stderr, "  skim of %s: got %s, want %s\n", t, g ? g : "(null)", want ? want : "(null)");
		free(g);
	}
	json_decref(got);
	free(t);
	return ok;
}

#define POD                                                                                                \
	"{'apiVersion':'v1','kind':'Pod','metadata':{'name':'p','labels':{'app':'a','x.io/y':'b'},"         \
	"'managedFields':[{'manager':'m','fieldsV1':{'f:spec':{'f:x':{}}}}],'annotations':{'q':\"}]\\\\\\\"[\"}},"   \
	"'spec':{'nodeName':'n1','containers':[{'name':'c','args':['{','[',\"\\\\\\\"\"]}],'priority':-1.5e3,"  \
	"'hostNetwork':true,'x':null},'status':{'phase':'Running','conditions':[]}}"

static void test_skim(void)
{
	const char *labels_node[] = { "metadata.labels", "spec.nodeName" };
	const char *deep[] = { "spec.priority", "spec.hostNetwork", "spec.x", "status.conditions", "status.nope",
			       "nope.deeper" };
	const char *through[] = { "metadata.name.more", "kind.x" };
	const char *dotted[] = { "metadata.labels.x.io/y" };

	CHECK(skims_to(POD, labels_node, 2, "{'metadata':{'labels':{'app':'a','x.io/y':'b'}},'spec':{'nodeName':'n1'}}"));
	CHECK(skims_to(POD, deep, 6,
		       "{'spec':{'priority':-1.5e3,'hostNetwork':true,'x':null},'status':{'conditions':[]}}"));
	/* A scalar on the way is kept whole (a lookup through it stops there). */
	CHECK(skims_to(POD, through, 2, "{'kind':'Pod','metadata':{'name':'p'}}"));
	/* Keys with a '.' are on no dotted path. */
	CHECK(skims_to(POD, dotted, 1, "{'metadata':{'labels':{}}}"));
	CHECK(skims_to(POD, NULL, 0, "{}"));
	/* Duplicate keys: the last one, as a full parse. */
	CHECK(skims_to("{'a':{'b':1},'a':{'c':2}}", (const char *[]){ "a.b", "a.c" }, 2, "{'a':{'c':2}}"));
	CHECK(skims_to(" { 'a' : [ 1 , { } ] , 'b' : 'x' } ", (const char *[]){ "a" }, 1, "{'a':[1,{}]}"));
	/* Declined: not an object, escaped keys, broken text. */
	CHECK(skims_to("[1]", labels_node, 2, NULL));
	CHECK(skims_to("{'a\\\\u0041':1}", labels_node, 2, NULL));
	CHECK(skims_to("{'a':{'b':1}", (const char *[]){ "a.b" }, 1, NULL));
	CHECK(skims_to("{'a':'x' 'b':1}", (const char *[]){ "a" }, 1, NULL));
	CHECK(skims_to("{'a':}", (const char *[]){ "a" }, 1, NULL));
	CHECK(skims_to("{'a':1} x", (const char *[]){ "a" }, 1, NULL));
}

/* A field selector gives the same answer on the skimmed object as on the full one. */
static void test_fieldsel_on_skim(void)
{
	struct atoll_err err = ERR_INIT;
	const char *sels[] = { "spec.nodeName=n1", "spec.nodeName!=n1", "spec.nodeName=n2", "status.phase=Running",
			       "spec.priority=-1500", "metadata.name=p,spec.hostNetwork=true", "spec.x=",
			       "kind.x=", "spec.containers=" };
	char *pod = Q(POD);
	json_t *full = json_loads(pod, 0, NULL);

	CHECK(full != NULL);
	for (size_t i = 0; i < sizeof(sels) / sizeof(sels[0]); i++) {
		struct fieldsel *fs = fieldsel_parse(sels[i], NULL, NULL, &err);
		const char *paths[8];
		size_t n = fieldsel_fields(fs, paths, 8);
		json_t *sk = jskim(pod, strlen(pod), paths, n);
		CHECK(fs && sk);
		if (fs && sk && fieldsel_matches(fs, full) != fieldsel_matches(fs, sk))
			fprintf(stderr, "  %s differs\n", sels[i]);
		CHECK(fs && sk && fieldsel_matches(fs, full) == fieldsel_matches(fs, sk));
		json_decref(sk);
		fieldsel_free(fs);
	}
	json_decref(full);
	free(pod);
}

/* jskim_reparse: the same value as a full parse; unchanged members shared with the old parse. */
static void test_reparse(void)
{
	char *a = Q("{'kind':'Pod','spec':{'c':[1,2,{'x':'}'}]},'status':{'phase':'Pending'}}");
	char *b = Q("{'kind':'Pod','spec':{'c':[1,2,{'x':'}'}]},'status':{'phase':'Running'},'new':1}");
	char *c = Q("{'kind':'Pod','spec':{'c':[1,2,{'x':'}'}]},'spec':{}}");
	json_t *ja = json_loads(a, 0, NULL), *fb = json_loads(b, 0, NULL), *fc = json_loads(c, 0, NULL);
	json_t *rb = jskim_reparse(b, strlen(b), a, strlen(a), ja);

	CHECK(rb && json_equal(rb, fb));
	CHECK(rb && json_object_get(rb, "spec") == json_object_get(ja, "spec"));
	CHECK(rb && json_object_get(rb, "status") != json_object_get(ja, "status"));
	/* Duplicate keys, no old text, broken text: as a full parse. */
	json_t *rc = jskim_reparse(c, strlen(c), a, strlen(a), ja);
	CHECK(rc && json_equal(rc, fc) && json_object_size(json_object_get(rc, "spec")) == 0);
	json_t *rn = jskim_reparse(b, strlen(b), NULL, 0, NULL);
	CHECK(rn && json_equal(rn, fb));
	CHECK(jskim_reparse("{\"a\":[1,}", 10, a, strlen(a), ja) == NULL);
	CHECK(jskim_reparse("{\"kind\":tru}", 13, a, strlen(a), ja) == NULL);
	json_decref(rb);
	json_decref(rc);
	json_decref(rn);
	json_decref(ja);
	json_decref(fb);
	json_decref(fc);
	free(a);
	free(b);
	free(c);
}

int main(void)
{
	test_skim();
	test_reparse();
	test_fieldsel_on_skim();
	return T_DONE();
}
