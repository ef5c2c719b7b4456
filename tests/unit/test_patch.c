/* SPDX-License-Identifier: Apache-2.0 */
/* JSON Patch, JSON Merge Patch, strategic merge patch, pointers and depth. */
#include <jansson.h>

#include "api/patch.h"
#include "t.h"

/* Parse JSON written with single quotes (for readable tests). */
static json_t *J(const char *s)
{
	char *c = strdup(s);
	for (char *p = c; *p; p++)
		if (*p == '\'')
			*p = '"';
	json_error_t e;
	json_t *v = json_loads(c, JSON_DECODE_ANY, &e);
	if (!v)
		fprintf(stderr, "bad test JSON: %s: %s\n", c, e.text);
	free(c);
	return v;
}

/* True when got (taken) equals want; prints both otherwise. */
static bool same(json_t *got, const char *want)
{
	json_t *w = J(want);
	bool ok = got && w && json_equal(got, w);
	if (!ok) {
		char *g = got ? json_dumps(got, JSON_SORT_KEYS | JSON_ENCODE_ANY) : NULL;
		fprintf(stderr, "  got:  %s\n  want: %s\n", g ? g : "(null)", want);
		free(g);
	}
	json_decref(w);
	json_decref(got);
	return ok;
}

/* Apply a patch; the original must stay untouched. */
static json_t *run(enum patch_type t, const char *doc, const char *patch, const char *const *keys,
		   struct atoll_err *err)
{
	json_t *d = J(doc), *p = J(patch);
	char *before = json_dumps(d, JSON_SORT_KEYS | JSON_ENCODE_ANY);
	*err = (struct atoll_err)ERR_INIT;
	json_t *r = patch_apply(t, d, p, keys, err);
	char *after = json_dumps(d, JSON_SORT_KEYS | JSON_ENCODE_ANY);
	if (strcmp(before, after))
		fprintf(stderr, "  input modified: %s -> %s\n", before, after);
	CHECK(!strcmp(before, after));
	CHECK(r || (err->code >= 400 && err->code < 500 && err->msg[0]));
	free(before);
	free(after);
	json_decref(d);
	json_decref(p);
	return r;
}

static bool jp_ok(const char *doc, const char *patch, const char *want)
{
	struct atoll_err err;
	return same(run(PATCH_JSON, doc, patch, NULL, &err), want);
}

/* The error code a JSON Patch fails with (0 if it applies). */
static int jp_code(const char *doc, const char *patch)
{
	struct atoll_err err;
	json_t *r = run(PATCH_JSON, doc, patch, NULL, &err);
	json_decref(r);
	return r ? 0 : err.code;
}

static void test_json_patch_rfc(void)
{
	/* The situations of RFC 6902 appendix A. */
	CHECK(jp_ok("{'foo':'bar'}", "[{'op':'add','path':'/baz','value':'qux'}]",
		    "{'baz':'qux','foo':'bar'}"));
	CHECK(jp_ok("{'foo':['bar','baz']}", "[{'op':'add','path':'/foo/1','value':'qux'}]",
		    "{'foo':['bar','qux','baz']}"));
	CHECK(jp_ok("{'baz':'qux','foo':'bar'}", "[{'op':'remove','path':'/baz'}]", "{'foo':'bar'}"));
	CHECK(jp_ok("{'foo':['bar','qux','baz']}", "[{'op':'remove','path':'/foo/1'}]",
		    "{'foo':['bar','baz']}"));
	CHECK(jp_ok("{'baz':'qux','foo':'bar'}", "[{'op':'replace','path':'/baz','value':'boo'}]",
		    "{'baz':'boo','foo':'bar'}"));
	CHECK(jp_ok("{'foo':{'bar':'baz','waldo':'fred'},'qux':{'corge':'grault'}}",
		    "[{'op':'move','from':'/foo/waldo','path':'/qux/thud'}]",
		    "{'foo':{'bar':'baz'},'qux':{'corge':'grault','thud':'fred'}}"));
	CHECK(jp_ok("{'foo':['all','grass','cows','eat']}", "[{'op':'move','from':'/foo/1','path':'/foo/3'}]",
		    "{'foo':['all','cows','eat','grass']}"));
	CHECK(jp_ok("{'baz':'qux','foo':['a',2,'c']}",
		    "[{'op':'test','path':'/baz','value':'qux'},{'op':'test','path':'/foo/1','value':2}]",
		    "{'baz':'qux','foo':['a',2,'c']}"));
	CHECK(jp_code("{'baz':'qux'}", "[{'op':'test','path':'/baz','value':'bar'}]") == 409);
	CHECK(jp_ok("{'foo':'bar'}", "[{'op':'add','path':'/child','value':{'grandchild':{}}}]",
		    "{'foo':'bar','child':{'grandchild':{}}}"));
	CHECK(jp_ok("{'foo':'bar'}", "[{'op':'add','path':'/baz','value':'qux','xyz':123}]",
		    "{'foo':'bar','baz':'qux'}"));
	CHECK(jp_code("{'foo':'bar'}", "[{'op':'add','path':'/baz/bat','value':'qux'}]") == 422);
	CHECK(jp_ok("{'/':9,'~1':10}", "[{'op':'test','path':'/~01','value':10}]", "{'/':9,'~1':10}"));
	CHECK(jp_ok("{'/':9,'~1':10}", "[{'op':'test','path':'/~1','value':9}]", "{'/':9,'~1':10}"));
	CHECK(jp_code("{'/':9,'~1':10}", "[{'op':'test','path':'/~01','value':'10'}]") == 409);
	CHECK(jp_ok("{'foo':['bar']}", "[{'op':'add','path':'/foo/-','value':['abc','def']}]",
		    "{'foo':['bar',['abc','def']]}"));
}

static void test_json_patch_more(void)
{
	/* Whole-document operations. */
	CHECK(jp_ok("{'a':1}", "[{'op':'replace','path':'','value':[1]}]", "[1]"));
	CHECK(jp_ok("{'a':1}", "[{'op':'add','path':'','value':{'b':2}}]", "{'b':2}"));
	CHECK(jp_code("{'a':1}", "[{'op':'remove','path':''}]") == 422);
	CHECK(jp_ok("{'a':1}", "[]", "{'a':1}"));
	CHECK(jp_ok("{'a':1}", "[{'op':'test','path':'','value':{'a':1}}]", "{'a':1}"));

	/* Arrays and bounds. */
	CHECK(jp_ok("{'a':[1,2]}", "[{'op':'add','path':'/a/2','value':3}]", "{'a':[1,2,3]}"));
	CHECK(jp_ok("{'a':[1,2]}", "[{'op':'add','path':'/a/0','value':0}]", "{'a':[0,1,2]}"));
	CHECK(jp_ok("{'a':[]}", "[{'op':'add','path':'/a/-','value':0}]", "{'a':[0]}"));
	CHECK(jp_code("{'a':[1,2]}", "[{'op':'add','path':'/a/3','value':3}]") == 422);
	CHECK(jp_code("{'a':[1,2]}", "[{'op':'add','path':'/a/01','value':3}]") == 422);
	CHECK(jp_code("{'a':[1,2]}", "[{'op':'add','path':'/a/-1','value':3}]") == 422);
	CHECK(jp_code("{'a':[1,2]}", "[{'op':'add','path':'/a/x','value':3}]") == 422);
	CHECK(jp_code("{'a':[1,2]}", "[{'op':'add','path':'/a/99999999999999999999','value':3}]") == 422);
	CHECK(jp_code("{'a':[1,2]}", "[{'op':'remove','path':'/a/2'}]") == 422);
	CHECK(jp_code("{'a':[1,2]}", "[{'op':'remove','path':'/a/-'}]") == 422);
	CHECK(jp_code("{'a':[1,2]}", "[{'op':'replace','path':'/a/2','value':0}]") == 422);
	CHECK(jp_ok("{'a':[1,2]}", "[{'op':'replace','path':'/a/1','value':0}]", "{'a':[1,0]}"));
	CHECK(jp_code("{'a':1}", "[{'op':'replace','path':'/b','value':0}]") == 422);
	CHECK(jp_code("{'a':1}", "[{'op':'remove','path':'/b'}]") == 422);
	CHECK(jp_code("{'a':'s'}", "[{'op':'add','path':'/a/b','value':0}]") == 422);
	CHECK(jp_ok("{'a':1}", "[{'op':'add','path':'/a','value':null}]", "{'a':null}"));
	CHECK(jp_ok("{'':1}", "[{'op':'replace','path':'/','value':2}]", "{'':2}"));

	/* move and copy. */
	CHECK(jp_code("{'a':{'b':1}}", "[{'op':'move','from':'/a','path':'/a/b/c'}]") == 422);
	CHECK(jp_ok("{'a':{'b':1}}", "[{'op':'move','from':'/a','path':'/a'}]", "{'a':{'b':1}}"));
	CHECK(jp_ok("{'a':{'b':1}}", "[{'op':'move','from':'/a','path':'/ab'}]", "{'ab':{'b':1}}"));
	CHECK(jp_code("{'a':1}", "[{'op':'move','from':'/x','path':'/y'}]") == 422);
	CHECK(jp_ok("{'a':{'b':1}}", "[{'op':'copy','from':'/a','path':'/a/c'}]", "{'a':{'b':1,'c':{'b':1}}}"));
	CHECK(jp_ok("{'a':[1]}", "[{'op':'copy','from':'/a/0','path':'/a/-'}]", "{'a':[1,1]}"));
	CHECK(jp_code("{'a':1}", "[{'op':'copy','from':'/x','path':'/y'}]") == 422);
	CHECK(jp_code("{'a':1}", "[{'op':'copy','path':'/y'}]") == 422);

	/* test compares numbers by value, objects regardless of key order. */
	CHECK(jp_ok("{'a':1}", "[{'op':'test','path':'/a','value':1.0}]", "{'a':1}"));
	CHECK(jp_ok("{'a':{'x':1,'y':[true,null]}}", "[{'op':'test','path':'/a','value':{'y':[true,null],'x':1}}]",
		    "{'a':{'x':1,'y':[true,null]}}"));
	CHECK(jp_code("{'a':[1,2]}", "[{'op':'test','path':'/a','value':[2,1]}]") == 409);
	CHECK(jp_code("{'a':null}", "[{'op':'test','path':'/b','value':null}]") == 422);

	/* Malformed documents and operations. */
	CHECK(jp_code("{}", "{'op':'add'}") == 400);
	CHECK(jp_code("{}", "[1]") == 400);
	CHECK(jp_code("{}", "[{'op':'frob','path':'/a'}]") == 422);
	CHECK(jp_code("{}", "[{'path':'/a'}]") == 422);
	CHECK(jp_code("{}", "[{'op':'add','value':1}]") == 422);
	CHECK(jp_code("{}", "[{'op':'add','path':'/a'}]") == 422);
	CHECK(jp_code("{}", "[{'op':'add','path':'a','value':1}]") == 422);
	CHECK(jp_code("{}", "[{'op':'add','path':'/a~2','value':1}]") == 422);
	CHECK(jp_code("{}", "[{'op':'add','path':'/a~','value':1}]") == 422);
	CHECK(jp_code("{}", "[{'op':1,'path':'/a','value':1}]") == 422);
	CHECK(jp_code("{}", "[{'op':'add','path':5,'value':1}]") == 422);

	/* Atomic: a failing later operation leaves nothing applied (checked by run()). */
	CHECK(jp_code("{'a':1}", "[{'op':'remove','path':'/a'},{'op':'remove','path':'/a'}]") == 422);

	/* Copy bombs stop at the copy budget. */
	json_t *bomb = json_array();
	for (int i = 0; i < 40; i++)
		json_array_append_new(bomb, json_pack("{s:s,s:s,s:s}", "op", "copy", "from", "/a", "path", "/a/-"));
	json_t *doc = J("{'a':[1]}");
	struct atoll_err err = ERR_INIT;
	CHECK(patch_json(doc, bomb, &err) == NULL && err.code == 422);
	json_decref(bomb);
	json_decref(doc);

	json_t *many = json_array();
	for (int i = 0; i <= PATCH_MAX_OPS; i++)
		json_array_append_new(many, json_pack("{s:s,s:s}", "op", "test", "path", ""));
	CHECK(patch_json(NULL, many, &err) == NULL && err.code == 422);
	json_decref(many);
}

static bool mp_ok(const char *doc, const char *patch, const char *want)
{
	struct atoll_err err;
	return same(run(PATCH_MERGE, doc, patch, NULL, &err), want);
}

static void test_merge_patch(void)
{
	/* The cases of RFC 7386 appendix A. */
	CHECK(mp_ok("{'a':'b'}", "{'a':'c'}", "{'a':'c'}"));
	CHECK(mp_ok("{'a':'b'}", "{'b':'c'}", "{'a':'b','b':'c'}"));
	CHECK(mp_ok("{'a':'b'}", "{'a':null}", "{}"));
	CHECK(mp_ok("{'a':'b','b':'c'}", "{'a':null}", "{'b':'c'}"));
	CHECK(mp_ok("{'a':['b']}", "{'a':'c'}", "{'a':'c'}"));
	CHECK(mp_ok("{'a':'c'}", "{'a':['b']}", "{'a':['b']}"));
	CHECK(mp_ok("{'a':{'b':'c'}}", "{'a':{'b':'d','c':null}}", "{'a':{'b':'d'}}"));
	CHECK(mp_ok("{'a':[{'b':'c'}]}", "{'a':[1]}", "{'a':[1]}"));
	CHECK(mp_ok("['a','b']", "['c','d']", "['c','d']"));
	CHECK(mp_ok("{'a':'b'}", "['c']", "['c']"));
	CHECK(mp_ok("{'a':'foo'}", "null", "null"));
	CHECK(mp_ok("{'a':'foo'}", "'bar'", "'bar'"));
	CHECK(mp_ok("{'e':null}", "{'a':1}", "{'e':null,'a':1}"));
	CHECK(mp_ok("[1,2]", "{'a':'b','c':null}", "{'a':'b'}"));
	CHECK(mp_ok("{}", "{'a':{'bb':{'ccc':null}}}", "{'a':{'bb':{}}}"));
	/* Arrays replace, nulls inside them stay. */
	CHECK(mp_ok("{'a':[1,2]}", "{'a':[null]}", "{'a':[null]}"));
	CHECK(mp_ok("{'metadata':{'labels':{'a':'1','b':'2'}}}", "{'metadata':{'labels':{'a':null,'c':'3'}}}",
		    "{'metadata':{'labels':{'b':'2','c':'3'}}}"));
	json_t *r = patch_merge(NULL, json_null(), NULL);
	CHECK(json_is_null(r));
	json_decref(r);
}

static const char *const keys[] = {
	"spec.containers", "name",
	"spec.initContainers", "name",
	"spec.template.spec.containers", "name",
	"spec.containers.ports", "containerPort",
	"spec.containers.env", "name",
	"spec.containers.volumeMounts", "mountPath",
	"spec.volumes", "name",
	"spec.ports", "port",
	"status.conditions", "type",
	"spec.bad", "",
	NULL,
};

static bool smp_ok(const char *doc, const char *patch, const char *want)
{
	struct atoll_err err;
	json_t *r = run(PATCH_STRATEGIC, doc, patch, keys, &err);
	if (!r)
		fprintf(stderr, "  error %d %s: %s\n", err.code, err.reason, err.msg);
	return same(r, want);
}

static int smp_code(const char *doc, const char *patch)
{
	struct atoll_err err;
	json_t *r = run(PATCH_STRATEGIC, doc, patch, keys, &err);
	json_decref(r);
	return r ? 0 : err.code;
}

#define POD "{'metadata':{'name':'p','labels':{'a':'1','b':'2'},'finalizers':['f1','f2']}," \
	    "'spec':{'containers':[{'name':'c1','image':'i1','args':['x','y']," \
	    "'env':[{'name':'A','value':'1'},{'name':'B','value':'2'}]," \
	    "'ports':[{'containerPort':80,'protocol':'TCP'}]}," \
	    "{'name':'c2','image':'i2'}]}}"

static void test_strategic(void)
{
	/* Containers merge by name; fields merge inside. */
	CHECK(smp_ok(POD, "{'spec':{'containers':[{'name':'c2','image':'new'}]}}",
		     "{'metadata':{'name':'p','labels':{'a':'1','b':'2'},'finalizers':['f1','f2']},"
		     "'spec':{'containers':[{'name':'c1','image':'i1','args':['x','y'],"
		     "'env':[{'name':'A','value':'1'},{'name':'B','value':'2'}],"
		     "'ports':[{'containerPort':80,'protocol':'TCP'}]},{'name':'c2','image':'new'}]}}"));
	/*
	 * A new container goes in front of the live ones (Kubernetes' order
	 * without $setElementOrder); nulls in new values are dropped.
	 */
	CHECK(smp_ok("{'spec':{'containers':[{'name':'c1'}]}}",
		     "{'spec':{'containers':[{'name':'c3','image':'i3','command':null}]}}",
		     "{'spec':{'containers':[{'name':'c3','image':'i3'},{'name':'c1'}]}}"));
	/* env merges by name, ports by containerPort, args (no key) are replaced. */
	CHECK(smp_ok("{'spec':{'containers':[{'name':'c1','args':['x','y'],"
		     "'env':[{'name':'A','value':'1'},{'name':'B','value':'2'}],"
		     "'ports':[{'containerPort':80,'protocol':'TCP'}]}]}}",
		     "{'spec':{'containers':[{'name':'c1','args':['z'],"
		     "'env':[{'name':'B','value':'3'},{'name':'C','value':'4'}],"
		     "'ports':[{'containerPort':80,'name':'http'},{'containerPort':443}]}]}}",
		     "{'spec':{'containers':[{'name':'c1','args':['z'],"
		     "'env':[{'name':'A','value':'1'},{'name':'B','value':'3'},{'name':'C','value':'4'}],"
		     "'ports':[{'containerPort':80,'protocol':'TCP','name':'http'},{'containerPort':443}]}]}}"));
	/* env entry removed with null on a field, and with $patch: delete. */
	CHECK(smp_ok("{'spec':{'containers':[{'name':'c1','env':[{'name':'A','value':'1'},{'name':'B','value':'2'}]}]}}",
		     "{'spec':{'containers':[{'name':'c1','env':[{'name':'A','$patch':'delete'},{'name':'B','value':null}]}]}}",
		     "{'spec':{'containers':[{'name':'c1','env':[{'name':'B'}]}]}}"));
	/* $patch: delete on a container. */
	CHECK(smp_ok("{'spec':{'containers':[{'name':'c1'},{'name':'c2'}]}}",
		     "{'spec':{'containers':[{'name':'c1','$patch':'delete'}]}}",
		     "{'spec':{'containers':[{'name':'c2'}]}}"));
	/* $patch: replace in a list. */
	CHECK(smp_ok("{'spec':{'containers':[{'name':'c1','image':'a'},{'name':'c2'}]}}",
		     "{'spec':{'containers':[{'name':'c9','image':'z'},{'$patch':'replace'}]}}",
		     "{'spec':{'containers':[{'name':'c9','image':'z'}]}}"));
	/* $patch: replace in a map. */
	CHECK(smp_ok("{'metadata':{'labels':{'a':'1','b':'2'}}}",
		     "{'metadata':{'labels':{'$patch':'replace','c':'3'}}}",
		     "{'metadata':{'labels':{'c':'3'}}}"));
	/* $patch: delete in a map empties it. */
	CHECK(smp_ok("{'metadata':{'labels':{'a':'1'}},'spec':{'x':1}}",
		     "{'metadata':{'labels':{'$patch':'delete'}}}",
		     "{'metadata':{'labels':{}},'spec':{'x':1}}"));
	/* Maps merge, null deletes. */
	CHECK(smp_ok("{'metadata':{'labels':{'a':'1','b':'2'}}}", "{'metadata':{'labels':{'a':null,'c':'3'}}}",
		     "{'metadata':{'labels':{'b':'2','c':'3'}}}"));
	CHECK(smp_ok("{'a':1}", "{'b':null}", "{'a':1}"));
	/* Finalizers merge as a set, for every kind. */
	CHECK(smp_ok("{'metadata':{'finalizers':['a','b']}}", "{'metadata':{'finalizers':['b','c']}}",
		     "{'metadata':{'finalizers':['a','b','c']}}"));
	CHECK(smp_ok("{'metadata':{'finalizers':['a','b']}}", "{'metadata':{'$deleteFromPrimitiveList/finalizers':['a']}}",
		     "{'metadata':{'finalizers':['b']}}"));
	CHECK(smp_ok("{'metadata':{'finalizers':['a','b']}}",
		     "{'metadata':{'$deleteFromPrimitiveList/finalizers':['a','z'],'finalizers':['c']}}",
		     "{'metadata':{'finalizers':['c','b']}}"));
	CHECK(smp_ok("{'metadata':{'finalizers':['a','b']}}", "{'metadata':{'finalizers':['c']}}",
		     "{'metadata':{'finalizers':['c','a','b']}}"));
	CHECK(smp_ok("{'metadata':{'finalizers':['a','b','c']}}", "{'metadata':{'finalizers':['c','a']}}",
		     "{'metadata':{'finalizers':['b','c','a']}}"));
	CHECK(smp_ok("{'metadata':{}}", "{'metadata':{'$deleteFromPrimitiveList/finalizers':['a']}}",
		     "{'metadata':{}}"));
	CHECK(smp_ok("{'metadata':{'finalizers':['a']}}", "{'metadata':{'finalizers':null}}", "{'metadata':{}}"));
	/* ownerReferences merge by uid even without a table. */
	struct atoll_err err = ERR_INIT;
	json_t *o = J("{'metadata':{'ownerReferences':[{'uid':'1','name':'a'},{'uid':'2','name':'b'}]}}");
	json_t *p = J("{'metadata':{'ownerReferences':[{'uid':'2','controller':true}]}}");
	CHECK(same(patch_strategic(o, p, NULL, &err),
		   "{'metadata':{'ownerReferences':[{'uid':'1','name':'a'},{'uid':'2','name':'b','controller':true}]}}"));
	json_decref(o);
	json_decref(p);
	/* Lists without a merge key are replaced. */
	CHECK(smp_ok("{'spec':{'tolerations':[{'key':'a'}]}}", "{'spec':{'tolerations':[{'key':'b'}]}}",
		     "{'spec':{'tolerations':[{'key':'b'}]}}"));
	/* Deployment template containers, service ports, conditions. */
	CHECK(smp_ok("{'spec':{'replicas':1,'template':{'spec':{'containers':[{'name':'a','image':'1'},{'name':'b'}]}}}}",
		     "{'spec':{'replicas':3,'template':{'spec':{'containers':[{'name':'a','image':'2'}]}}}}",
		     "{'spec':{'replicas':3,'template':{'spec':{'containers':[{'name':'a','image':'2'},{'name':'b'}]}}}}"));
	CHECK(smp_ok("{'spec':{'ports':[{'port':80,'targetPort':8080},{'port':443}]}}",
		     "{'spec':{'ports':[{'port':80,'targetPort':9090}]}}",
		     "{'spec':{'ports':[{'port':80,'targetPort':9090},{'port':443}]}}"));
	CHECK(smp_ok("{'status':{'conditions':[{'type':'Ready','status':'False'}]}}",
		     "{'status':{'conditions':[{'type':'Ready','status':'True'},{'type':'Scheduled','status':'True'}]}}",
		     "{'status':{'conditions':[{'type':'Ready','status':'True'},{'type':'Scheduled','status':'True'}]}}"));
	/* volumes and volumeMounts. */
	CHECK(smp_ok("{'spec':{'volumes':[{'name':'v','emptyDir':{}}],'containers':[{'name':'c',"
		     "'volumeMounts':[{'mountPath':'/a','name':'v'}]}]}}",
		     "{'spec':{'volumes':[{'name':'w','configMap':{'name':'cm'}}],'containers':[{'name':'c',"
		     "'volumeMounts':[{'mountPath':'/a','readOnly':true},{'mountPath':'/b','name':'w'}]}]}}",
		     "{'spec':{'volumes':[{'name':'w','configMap':{'name':'cm'}},{'name':'v','emptyDir':{}}],"
		     "'containers':[{'name':'c','volumeMounts':[{'mountPath':'/a','name':'v','readOnly':true},"
		     "{'mountPath':'/b','name':'w'}]}]}}"));
	/* $retainKeys drops the keys not named. */
	CHECK(smp_ok("{'spec':{'strategy':{'type':'RollingUpdate','rollingUpdate':{'maxSurge':1}}}}",
		     "{'spec':{'strategy':{'$retainKeys':['type'],'type':'Recreate'}}}",
		     "{'spec':{'strategy':{'type':'Recreate'}}}"));
	/* $setElementOrder. */
	CHECK(smp_ok("{'spec':{'containers':[{'name':'a'},{'name':'b'},{'name':'c'}]}}",
		     "{'spec':{'$setElementOrder/containers':[{'name':'c'},{'name':'a'},{'name':'b'}]}}",
		     "{'spec':{'containers':[{'name':'c'},{'name':'a'},{'name':'b'}]}}"));
	CHECK(smp_ok("{'spec':{'containers':[{'name':'a'},{'name':'b'}]}}",
		     "{'spec':{'$setElementOrder/containers':[{'name':'n'},{'name':'a'},{'name':'b'}],"
		     "'containers':[{'name':'n','image':'x'}]}}",
		     "{'spec':{'containers':[{'name':'n','image':'x'},{'name':'a'},{'name':'b'}]}}"));
	CHECK(smp_ok("{'spec':{'containers':[{'name':'a'},{'name':'b'},{'name':'c'}]}}",
		     "{'spec':{'$setElementOrder/containers':[{'name':'c'},{'name':'a'}],"
		     "'containers':[{'name':'a','image':'x'}]}}",
		     "{'spec':{'containers':[{'name':'b'},{'name':'c'},{'name':'a','image':'x'}]}}"));
	CHECK(smp_ok("{'metadata':{'finalizers':['a','b']}}",
		     "{'metadata':{'$setElementOrder/finalizers':['c','b','a'],'finalizers':['c']}}",
		     "{'metadata':{'finalizers':['c','b','a']}}"));
	/* Type changes replace; values new to the object have directives processed. */
	CHECK(smp_ok("{'spec':{'x':'s'}}", "{'spec':{'x':{'a':1,'b':null}}}", "{'spec':{'x':{'a':1}}}"));
	CHECK(smp_ok("{'spec':{'x':{'a':1}}}", "{'spec':{'x':[1]}}", "{'spec':{'x':[1]}}"));
	CHECK(smp_ok("{}", "{'spec':{'containers':[{'name':'a','env':[{'name':'E','$patch':'delete'}]}]}}",
		     "{'spec':{'containers':[{'name':'a','env':[]}]}}"));
	CHECK(smp_ok("{'spec':{}}", "{'spec':{'$patch':'replace'}}", "{'spec':{}}"));
	CHECK(smp_ok("{'a':1}", "{'$patch':'delete'}", "{}"));
	CHECK(smp_ok("{'a':1}", "{}", "{'a':1}"));

	/* Errors. */
	CHECK(smp_code("{}", "[]") == 400);
	CHECK(smp_code("[]", "{}") == 422);
	CHECK(smp_code(POD, "{'spec':{'containers':[{'image':'x'}]}}") == 422);       /* no merge key */
	CHECK(smp_code(POD, "{'spec':{'containers':[{'$patch':'delete'}]}}") == 422);
	CHECK(smp_code(POD, "{'spec':{'containers':[{'name':'c1','$patch':'merge'}]}}") == 422);
	CHECK(smp_code(POD, "{'spec':{'containers':[{'name':'c1','$patch':'frob'}]}}") == 400);
	CHECK(smp_code(POD, "{'spec':{'$patch':'frob'}}") == 400);
	CHECK(smp_code(POD, "{'spec':{'$patch':1}}") == 400);
	CHECK(smp_code(POD, "{'spec':{'containers':[['x']]}}") == 422);                /* list of lists */
	CHECK(smp_code(POD, "{'spec':{'containers':['x']}}") == 422);                  /* mismatched */
	CHECK(smp_code("{}", "{'spec':{'containers':['x']}}") == 422);                 /* keyed list of strings */
	CHECK(smp_ok("{'spec':{'containers':[]}}", "{'spec':{'containers':[]}}", "{'spec':{'containers':[]}}"));
	CHECK(smp_code("{'spec':{'bad':[{'a':1}]}}", "{'spec':{'bad':[{'a':2}]}}") == 422);
	CHECK(smp_code(POD, "{'spec':{'$retainKeys':'x'}}") == 400);
	CHECK(smp_code(POD, "{'spec':{'$retainKeys':[1]}}") == 400);
	CHECK(smp_code(POD, "{'spec':{'$retainKeys':['a'],'b':1}}") == 400);   /* b not retained */
	CHECK(smp_code(POD, "{'spec':{'$setElementOrder/containers':[{'name':'c1'},{'name':'c2'}],"
			    "'containers':[{'name':'c2'},{'name':'c1'}]}}") == 400);  /* order mismatch */
	CHECK(smp_code(POD, "{'spec':{'$setElementOrder/containers':{}}}") == 400);
	CHECK(smp_code(POD, "{'spec':{'$setElementOrder/containers':[{'x':1}]}}") == 400);
	CHECK(smp_code(POD, "{'metadata':{'$setElementOrder/name':['a']}}") == 422);
}

static void test_helpers(void)
{
	json_t *d = J("{'a':{'b':[10,{'c/d':1,'e~f':2}]},'':3}");

	CHECK(patch_pointer_get(d, "") == d);
	CHECK(json_integer_value(patch_pointer_get(d, "/a/b/0")) == 10);
	CHECK(json_integer_value(patch_pointer_get(d, "/a/b/1/c~1d")) == 1);
	CHECK(json_integer_value(patch_pointer_get(d, "/a/b/1/e~0f")) == 2);
	CHECK(json_integer_value(patch_pointer_get(d, "/")) == 3);
	CHECK(patch_pointer_get(d, "/a/b/2") == NULL);
	CHECK(patch_pointer_get(d, "/a/b/-") == NULL);
	CHECK(patch_pointer_get(d, "a") == NULL);
	CHECK(patch_pointer_get(d, "/a/x~") == NULL);
	json_decref(d);

	CHECK(json_depth_ok(json_null(), 0));
	json_t *v = J("{'a':[{'b':1}]}");
	CHECK(json_depth_ok(v, 3));
	CHECK(!json_depth_ok(v, 2));
	json_decref(v);
	json_t *deep = json_array(), *cur = deep;
	for (int i = 0; i < 1000; i++) {
		json_t *n = json_array();
		json_array_append_new(cur, n);
		cur = n;
	}
	CHECK(json_depth_ok(deep, 1001));
	CHECK(!json_depth_ok(deep, 100));
	json_decref(deep);

	CHECK(patch_type_from_content_type("application/json-patch+json") == PATCH_JSON);
	CHECK(patch_type_from_content_type("application/merge-patch+json; charset=utf-8") == PATCH_MERGE);
	CHECK(patch_type_from_content_type("Application/Strategic-Merge-Patch+JSON") == PATCH_STRATEGIC);
	CHECK(patch_type_from_content_type("application/apply-patch+yaml") == PATCH_APPLY);
	CHECK(patch_type_from_content_type("application/json") == PATCH_NONE);
	CHECK(patch_type_from_content_type(NULL) == PATCH_NONE);
	struct atoll_err err = ERR_INIT;
	CHECK(patch_apply(PATCH_APPLY, NULL, NULL, NULL, &err) == NULL && err.code == 415);

	json_t *a = J("{'x':[1,2.5,'s',true,null]}"), *b = J("{'x':[1.0,2.5,'s',true,null]}");
	CHECK(patch_json_equal(a, b));
	json_array_set_new(json_object_get(b, "x"), 3, json_false());
	CHECK(!patch_json_equal(a, b));
	json_decref(a);
	json_decref(b);
}

static bool keyed_ok(const char *const *table, const char *doc, const char *patch, const char *want)
{
	struct atoll_err err;
	return same(run(PATCH_STRATEGIC, doc, patch, table, &err), want);
}

static void test_builtin_keys(void)
{
	/* Deployment: template containers by name, their env by name. */
	CHECK(keyed_ok(patch_keys_workload,
		       "{'spec':{'template':{'spec':{'containers':[{'name':'a','env':[{'name':'X','value':'1'}]}]}}}}",
		       "{'spec':{'template':{'spec':{'containers':[{'name':'a','env':[{'name':'X','value':'2'}]}]}}}}",
		       "{'spec':{'template':{'spec':{'containers':[{'name':'a','env':[{'name':'X','value':'2'}]}]}}}}"));
	/* Pod: initContainers' volumeMounts by mountPath, conditions by type. */
	CHECK(keyed_ok(patch_keys_pod,
		       "{'spec':{'initContainers':[{'name':'i','volumeMounts':[{'mountPath':'/a','name':'v'}]}]},"
		       "'status':{'conditions':[{'type':'Ready','status':'False'}]}}",
		       "{'spec':{'initContainers':[{'name':'i','volumeMounts':[{'mountPath':'/a','readOnly':true}]}]},"
		       "'status':{'conditions':[{'type':'Ready','status':'True'}]}}",
		       "{'spec':{'initContainers':[{'name':'i','volumeMounts':[{'mountPath':'/a','name':'v','readOnly':true}]}]},"
		       "'status':{'conditions':[{'type':'Ready','status':'True'}]}}"));
	CHECK(keyed_ok(patch_keys_cronjob,
		       "{'spec':{'jobTemplate':{'spec':{'template':{'spec':{'containers':[{'name':'a'},{'name':'b'}]}}}}}}",
		       "{'spec':{'jobTemplate':{'spec':{'template':{'spec':{'containers':[{'name':'b','image':'x'}]}}}}}}",
		       "{'spec':{'jobTemplate':{'spec':{'template':{'spec':{'containers':[{'name':'a'},{'name':'b','image':'x'}]}}}}}}"));
	CHECK(keyed_ok(patch_keys_node, "{'spec':{'podCIDRs':['10.0.0.0/24']}}", "{'spec':{'podCIDRs':['10.0.0.0/24']}}",
		       "{'spec':{'podCIDRs':['10.0.0.0/24']}}"));
	CHECK(keyed_ok(patch_keys_service, "{'spec':{'ports':[{'port':80,'name':'a'}]}}",
		       "{'spec':{'ports':[{'port':80,'name':'b'}]}}", "{'spec':{'ports':[{'port':80,'name':'b'}]}}"));
	/* Tolerations are atomic. */
	CHECK(keyed_ok(patch_keys_pod, "{'spec':{'tolerations':[{'key':'a'}]}}", "{'spec':{'tolerations':[{'key':'b'}]}}",
		       "{'spec':{'tolerations':[{'key':'b'}]}}"));
}

int main(void)
{
	test_builtin_keys();
	test_json_patch_rfc();
	test_json_patch_more();
	test_merge_patch();
	test_strategic();
	test_helpers();
	return T_DONE();
}
