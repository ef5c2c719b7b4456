/* SPDX-License-Identifier: Apache-2.0 */
/* managedFields tracking: the changed leaves of an update, against the field-set definition. */
#include <stdbool.h>
#include <string.h>

#include "api/apply_int.h"
#include "api/kinds_common.h"
#include "t.h"

/* Parse JSON written with single quotes (for readable tests). */
static json_t *J(const char *s)
{
	char *c = strdup(s);
	for (char *p = c; *p; p++)
		if (*p == '\'')
			*p = '"';
	json_error_t e;
	json_t *v = json_loads(c, 0, &e);
	if (!v)
		fprintf(stderr, "bad test JSON: %s: %s\n", c, e.text);
	free(c);
	return v;
}

/* The definition: every leaf of b's field set, looked up in both objects from the root. */
static json_t *reference(const struct api_kind *k, const json_t *a, const json_t *b)
{
	json_t *set = apply_fields_of(k, b, ""), *ls = json_array(), *out = json_array();
	size_t i;
	json_t *l;

	apply_leaves(set, "", ls);
	json_array_foreach(ls, i, l)
		if (!json_equal(apply_value_at(k, a, json_string_value(l)), apply_value_at(k, b, json_string_value(l))))
			json_array_append(out, l);
	json_decref(set);
	json_decref(ls);
	return out;
}

/* The walk gives the reference's leaves in its order; *n is how many there are. */
static bool agrees(const struct api_kind *k, const char *a, const char *b, size_t *n)
{
	json_t *ja = a ? J(a) : NULL, *jb = J(b);
	json_t *want = reference(k, ja, jb), *got = json_array();

	apply_changed_leaves(k, ja, jb, got);
	bool ok = json_equal(want, got) || (!json_array_size(want) && !json_array_size(got));
	if (!ok) {
		char *w = json_dumps(want, 0), *g = json_dumps(got, 0);
		fprintf(stderr, "  want: %s\n  got:  %s\n", w, g);
		free(w);
		free(g);
	}
	*n = json_array_size(got);
	json_decref(ja);
	json_decref(jb);
	json_decref(want);
	json_decref(got);
	return ok;
}

#define POD_A                                                                                              \
	"{'apiVersion':'v1','kind':'Pod','metadata':{'name':'p','uid':'u','labels':{'app':'x',"           \
	"'a.io/b':'c'},'finalizers':['x.io/f','g'],'ownerReferences':[{'uid':'1','name':'o'}]},"           \
	"'spec':{'nodeName':'n1','containers':[{'name':'main','image':'i','ports':[{'containerPort':80,"   \
	"'protocol':'TCP'}],'env':[{'name':'A','value':'1'},{'name':'A','value':'2'}]},{'name':'side'}],"  \
	"'volumes':[],'tolerations':[{'key':'k'}]},"                                                       \
	"'status':{'phase':'Pending','conditions':[{'type':'Ready','status':'False'}],'podIPs':[{'ip':'1'}]}}"

static void test_changed_leaves(void)
{
	const struct api_kind *k = kinds_builtin_find("", "v1", "pods");
	size_t n;

	CHECK(k != NULL);
	/* Create: every leaf, metadata's own fields excluded. */
	CHECK(agrees(k, NULL, POD_A, &n));
	CHECK(n > 10);
	/* No change: nothing (keys with a "/" are whole in a leaf path). */
	CHECK(agrees(k, POD_A, POD_A, &n));
	CHECK(n == 0);
	/* A status update: the keyed condition, the phase, a new list item. */
	CHECK(agrees(k, POD_A,
		     "{'metadata':{'name':'p','labels':{'app':'y','a.io/b':'d'},'finalizers':['x.io/f','h']},"
		     "'spec':{'nodeName':'n1','containers':[{'name':'main','image':'j','ports':[{'containerPort':80,"
		     "'protocol':'UDP'},{'containerPort':81}],'env':[{'name':'A','value':'3'},{'name':'A'}]},"
		     "{'name':'side'},{'noname':1},{}],'volumes':{},'tolerations':[{'key':'k'},{'key':'l'}]},"
		     "'status':{'phase':'Running','conditions':[{'type':'Ready','status':'True'},"
		     "{'type':'PodScheduled','status':'True'}],'podIPs':[{'ip':'1'}],'hostIP':'h'}}",
		     &n));
	CHECK(n > 5);
	/* Types that change under a path: object to scalar, list to object, missing old parts. */
	CHECK(agrees(k, "{'metadata':{},'spec':'x','status':{'conditions':{'type':'Ready'}}}", POD_A, &n));
	CHECK(agrees(k, "[1,2]", "{'metadata':{'labels':{}},'spec':{'containers':[{'name':'a','x':{}}]}}", &n));
	CHECK(n == 4);
	/* Item keys with a "/" (volumeMounts by mountPath): unchanged, they are not counted. */
	CHECK(agrees(k, "{'spec':{'containers':[{'name':'a','volumeMounts':[{'mountPath':'/x/y','name':'v'}]}]}}",
		     "{'spec':{'containers':[{'name':'a','volumeMounts':[{'mountPath':'/x/y','name':'v'}]}]}}", &n));
	CHECK(n == 0);
	/* Field keys with a "/": the changed label is one leaf, its neighbour 'a.io' none. */
	CHECK(agrees(k, "{'metadata':{'labels':{'a.io':'1','a.io/b':'2'}}}",
		     "{'metadata':{'labels':{'a.io':'1','a.io/b':'3'}}}", &n));
	CHECK(n == 1);
	json_t *got = json_array();
	json_t *a = J("{'metadata':{'labels':{'a.io/b':'2'}}}"), *b = J("{'metadata':{'labels':{'a.io/b':'3'}}}");
	apply_changed_leaves(k, a, b, got);
	CHECK_STR(json_string_value(json_array_get(got, 0)),
		  APPLY_SEP_S "f:metadata" APPLY_SEP_S "f:labels" APPLY_SEP_S "f:a.io/b");
	json_decref(a);
	json_decref(b);
	json_decref(got);
}

/* Leaf paths in messages, as kube-apiserver writes them. */
static void test_display(void)
{
	char out[256];

	apply_leaf_display(APPLY_SEP_S "f:spec" APPLY_SEP_S "f:replicas", out, sizeof(out));
	CHECK_STR(out, ".spec.replicas");
	apply_leaf_display(APPLY_SEP_S "f:spec" APPLY_SEP_S "f:containers" APPLY_SEP_S "k:{\"name\":\"a\"}"
			   APPLY_SEP_S "f:ports" APPLY_SEP_S "k:{\"containerPort\":80,\"protocol\":\"TCP\"}"
			   APPLY_SEP_S "f:name", out, sizeof(out));
	CHECK_STR(out, ".spec.containers[name=\"a\"].ports[containerPort=80,protocol=\"TCP\"].name");
	apply_leaf_display(APPLY_SEP_S "f:metadata" APPLY_SEP_S "f:finalizers" APPLY_SEP_S "v:\"x.io/f\"", out,
			   sizeof(out));
	CHECK_STR(out, ".metadata.finalizers[=\"x.io/f\"]");
	apply_leaf_display(APPLY_SEP_S "f:metadata" APPLY_SEP_S "f:annotations" APPLY_SEP_S "f:a.io/b", out,
			   sizeof(out));
	CHECK_STR(out, ".metadata.annotations.a.io/b");
}

int main(void)
{
	test_changed_leaves();
	test_display();
	return T_DONE();
}
