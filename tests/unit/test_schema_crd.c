/* SPDX-License-Identifier: Apache-2.0 */
/* CRD objects: defaulting, validation, status, JSONPath and Table columns. */
#include <jansson.h>

#include "api/schema.h"
#include "schema_t.h"

static const char *CRD =
	"{'apiVersion':'apiextensions.k8s.io/v1','kind':'CustomResourceDefinition',"
	"'metadata':{'name':'widgets.example.com'},"
	"'spec':{'group':'example.com','scope':'Namespaced',"
	"'names':{'plural':'widgets','kind':'Widget','shortNames':['wd'],'categories':['all']},"
	"'versions':[{'name':'v1','served':true,'storage':true,"
	"  'schema':{'openAPIV3Schema':{'type':'object','properties':{'spec':{'type':'object',"
	"    'properties':{'replicas':{'type':'integer'}}},'status':{'type':'object',"
	"    'properties':{'replicas':{'type':'integer'},'selector':{'type':'string'}}}}}},"
	"  'subresources':{'status':{},'scale':{'specReplicasPath':'.spec.replicas',"
	"    'statusReplicasPath':'.status.replicas','labelSelectorPath':'.status.selector'}},"
	"  'additionalPrinterColumns':[{'name':'Replicas','type':'integer','jsonPath':'.spec.replicas'},"
	"    {'name':'Age','type':'date','jsonPath':'.metadata.creationTimestamp'}]},"
	" {'name':'v1beta1','schema':{'openAPIV3Schema':{'type':'object','x-kubernetes-preserve-unknown-fields':true}}}]}}";

/* Default and validate CRD plus a JSON merge of `patch` into it. */
static json_t *CV(const char *patch)
{
	json_t *crd = J(CRD), *c = json_array();
	if (patch) {
		json_t *p = J(patch);
		/* Shallow replace of spec/metadata members for the tests. */
		const char *k;
		json_t *v;
		json_object_foreach(p, k, v) {
			json_t *dst = json_object_get(crd, k);
			if (json_is_object(dst) && json_is_object(v))
				json_object_update(dst, v);
			else
				json_object_set(crd, k, v);
		}
		json_decref(p);
	}
	crd_default(crd);
	crd_validate(crd, c);
	json_decref(crd);
	return c;
}

static void test_crd(void)
{
	json_t *crd = J(CRD);
	crd_default(crd);
	json_t *spec = json_object_get(crd, "spec");
	JSON_IS(json_object_get(spec, "conversion"), "{'strategy':'None'}");
	JSON_IS(json_object_get(json_object_get(spec, "names"), "singular"), "'widget'");
	JSON_IS(json_object_get(json_object_get(spec, "names"), "listKind"), "'WidgetList'");
	JSON_IS(json_object_get(json_array_get(json_object_get(spec, "versions"), 1), "served"), "false");
	JSON_IS(json_object_get(json_array_get(json_object_get(spec, "versions"), 1), "storage"), "false");
	CHECK_STR(crd_storage_version(crd), "v1");
	CHECK(crd_version(crd, "v1beta1") == json_array_get(json_object_get(spec, "versions"), 1));
	CHECK(crd_version(crd, "v2") == NULL);
	json_t *c = json_array();
	crd_validate(crd, c);
	CLEAN(c);
	json_decref(crd);

	EXPECT(CV("{'metadata':{'name':'widget.example.com'}}"), "FieldValueInvalid", "metadata.name",
	       "must be spec.names.plural+\".\"+spec.group");
	EXPECT(CV("{'spec':{'group':'example'}}"), "FieldValueInvalid", "spec.group", "at least one dot");
	EXPECT(CV("{'spec':{'group':'Example.com'}}"), "FieldValueInvalid", "spec.group", NULL);
	EXPECT(CV("{'spec':{'scope':'Global'}}"), "FieldValueNotSupported", "spec.scope", NULL);
	EXPECT(CV("{'spec':{'scope':null}}"), "FieldValueRequired", "spec.scope", NULL);
	EXPECT(CV("{'spec':{'names':{'plural':'Widgets','kind':'Widget'}}}"), "FieldValueInvalid", "spec.names.plural", NULL);
	EXPECT(CV("{'spec':{'names':{'plural':'widgets'}}}"), "FieldValueRequired", "spec.names.kind", NULL);
	EXPECT(CV("{'spec':{'names':{'plural':'widgets','kind':'Widget','listKind':'Widget'}}}"),
	       "FieldValueInvalid", "spec.names.listKind", "may not be the same");
	EXPECT(CV("{'spec':{'names':{'plural':'widgets','kind':'Widget','shortNames':['ok','Not_OK']}}}"),
	       "FieldValueInvalid", "spec.names.shortNames[1]", NULL);
	EXPECT(CV("{'spec':{'names':{'plural':'widgets','kind':'Widget','categories':['a b']}}}"),
	       "FieldValueInvalid", "spec.names.categories[0]", NULL);
	EXPECT(CV("{'spec':{'versions':[]}}"), "FieldValueRequired", "spec.versions", NULL);
	EXPECT(CV("{'spec':{'versions':[{'name':'v1','served':true,'storage':true,'schema':{'openAPIV3Schema':{'type':'object'}}},"
		  "{'name':'v1','served':true,'storage':false,'schema':{'openAPIV3Schema':{'type':'object'}}}]}}"),
	       "FieldValueDuplicate", "spec.versions[1].name", NULL);
	EXPECT(CV("{'spec':{'versions':[{'name':'v1','served':true,'storage':true,'schema':{'openAPIV3Schema':{'type':'object'}}},"
		  "{'name':'v2','served':true,'storage':true,'schema':{'openAPIV3Schema':{'type':'object'}}}]}}"),
	       "FieldValueInvalid", "spec.versions", "exactly one version marked as storage");
	EXPECT(CV("{'spec':{'versions':[{'name':'v1','served':true,'storage':false,'schema':{'openAPIV3Schema':{'type':'object'}}}]}}"),
	       "FieldValueInvalid", "spec.versions", "exactly one");
	EXPECT(CV("{'spec':{'versions':[{'name':'v1','served':true,'storage':true}]}}"),
	       "FieldValueRequired", "spec.versions[0].schema.openAPIV3Schema", "schemas are required");
	EXPECT(CV("{'spec':{'versions':[{'name':'V_1','served':true,'storage':true,'schema':{'openAPIV3Schema':{'type':'object'}}}]}}"),
	       "FieldValueInvalid", "spec.versions[0].name", NULL);
	EXPECT(CV("{'spec':{'versions':[{'name':'v1','served':true,'storage':true,'schema':{'openAPIV3Schema':"
		  "{'type':'object','properties':{'a':{}}}}}]}}"),
	       "FieldValueRequired", "spec.versions[0].schema.openAPIV3Schema.properties[a].type", NULL);
	EXPECT(CV("{'spec':{'versions':[{'name':'v1','served':true,'storage':true,'schema':{'openAPIV3Schema':{'type':'object'}},"
		  "'subresources':{'scale':{'specReplicasPath':'.status.replicas','statusReplicasPath':'.status.replicas'}}}]}}"),
	       "FieldValueInvalid", "spec.versions[0].subresources.scale.specReplicasPath", "under .spec");
	EXPECT(CV("{'spec':{'versions':[{'name':'v1','served':true,'storage':true,'schema':{'openAPIV3Schema':{'type':'object'}},"
		  "'subresources':{'scale':{'specReplicasPath':'.spec.replicas'}}}]}}"),
	       "FieldValueRequired", "spec.versions[0].subresources.scale.statusReplicasPath", NULL);
	EXPECT(CV("{'spec':{'versions':[{'name':'v1','served':true,'storage':true,'schema':{'openAPIV3Schema':{'type':'object'}},"
		  "'subresources':{'scale':{'specReplicasPath':'.spec.replicas','statusReplicasPath':'.status.replicas',"
		  "'labelSelectorPath':'.metadata.labels'}}}]}}"),
	       "FieldValueInvalid", "spec.versions[0].subresources.scale.labelSelectorPath", "either .spec or .status");
	EXPECT(CV("{'spec':{'versions':[{'name':'v1','served':true,'storage':true,'schema':{'openAPIV3Schema':{'type':'object'}},"
		  "'subresources':{'status':[]}}]}}"),
	       "FieldValueTypeInvalid", "spec.versions[0].subresources.status", NULL);
	EXPECT(CV("{'spec':{'versions':[{'name':'v1','served':true,'storage':true,'schema':{'openAPIV3Schema':{'type':'object'}},"
		  "'additionalPrinterColumns':[{'name':'X','type':'float','jsonPath':'.spec.x'}]}]}}"),
	       "FieldValueNotSupported", "spec.versions[0].additionalPrinterColumns[0].type", NULL);
	EXPECT(CV("{'spec':{'versions':[{'name':'v1','served':true,'storage':true,'schema':{'openAPIV3Schema':{'type':'object'}},"
		  "'additionalPrinterColumns':[{'type':'string','jsonPath':'.spec.x'}]}]}}"),
	       "FieldValueRequired", "spec.versions[0].additionalPrinterColumns[0].name", NULL);
	EXPECT(CV("{'spec':{'versions':[{'name':'v1','served':true,'storage':true,'schema':{'openAPIV3Schema':{'type':'object'}},"
		  "'additionalPrinterColumns':[{'name':'X','type':'string','jsonPath':'.spec[x'}]}]}}"),
	       "FieldValueInvalid", "spec.versions[0].additionalPrinterColumns[0].jsonPath", NULL);
	EXPECT(CV("{'spec':{'versions':[{'name':'v1','served':true,'storage':true,'schema':{'openAPIV3Schema':{'type':'object'}},"
		  "'additionalPrinterColumns':[{'name':'X','type':'string','format':'weird','jsonPath':'.spec.x'}]}]}}"),
	       "FieldValueNotSupported", "spec.versions[0].additionalPrinterColumns[0].format", NULL);
	EXPECT(CV("{'spec':{'versions':[{'name':'v1','served':true,'storage':true,'schema':{'openAPIV3Schema':"
		  "{'type':'object','anyOf':[{'required':['spec']},{'required':['status']}],"
		  "'properties':{'spec':{'type':'object'},'status':{'type':'object'}}}},"
		  "'subresources':{'status':{}}}]}}"),
	       "FieldValueInvalid", "spec.versions[0].schema.openAPIV3Schema", "status subresource is enabled");
	CLEAN(CV("{'spec':{'versions':[{'name':'v1','served':true,'storage':true,'schema':{'openAPIV3Schema':"
		 "{'type':'object','anyOf':[{'required':['spec']},{'required':['status']}],"
		 "'properties':{'spec':{'type':'object'},'status':{'type':'object'}}}}}]}}"));
	EXPECT(CV("{'spec':{'conversion':{'strategy':'Magic'}}}"), "FieldValueNotSupported", "spec.conversion.strategy", NULL);
	EXPECT(CV("{'spec':{'conversion':{'strategy':'Webhook'}}}"), "FieldValueRequired",
	       "spec.conversion.webhook.clientConfig", NULL);
	EXPECT(CV("{'spec':{'conversion':{'strategy':'None','webhook':{}}}}"), "FieldValueForbidden",
	       "spec.conversion.webhook", NULL);
	EXPECT(CV("{'spec':{'preserveUnknownFields':true}}"), "FieldValueInvalid", "spec.preserveUnknownFields", NULL);
	EXPECT(CV("{'spec':null}"), "FieldValueRequired", "spec", NULL);
}

static void test_crd_status(void)
{
	json_t *crd = J(CRD), *c = json_array();
	crd_default(crd);
	crd_status_accept(crd, "2024-05-01T10:00:00Z");
	json_t *st = json_object_get(crd, "status");
	JSON_IS(json_object_get(st, "storedVersions"), "['v1']");
	JSON_IS(json_object_get(json_object_get(st, "acceptedNames"), "listKind"), "'WidgetList'");
	JSON_IS(json_object_get(st, "conditions"),
		"[{'type':'NamesAccepted','status':'True','reason':'NoConflicts','message':'no conflicts found',"
		"'lastTransitionTime':'2024-05-01T10:00:00Z'},{'type':'Established','status':'True',"
		"'reason':'InitialNamesAccepted','message':'the initial names have been accepted',"
		"'lastTransitionTime':'2024-05-01T10:00:00Z'}]");
	/* Again later: no duplicates, transition times kept. */
	crd_status_accept(crd, "2024-06-01T00:00:00Z");
	CHECK(json_array_size(json_object_get(st, "conditions")) == 2);
	CHECK_STR(json_string_value(json_object_get(json_array_get(json_object_get(st, "conditions"), 1),
						    "lastTransitionTime")), "2024-05-01T10:00:00Z");
	JSON_IS(json_object_get(st, "storedVersions"), "['v1']");

	/* Updates: scope and group immutable, stored versions must stay. */
	json_t *upd = json_deep_copy(crd);
	crd_validate_update(upd, crd, c);
	CLEAN(c);
	json_object_set_new(json_object_get(upd, "spec"), "scope", json_string("Cluster"));
	c = json_array();
	crd_validate_update(upd, crd, c);
	EXPECT(c, "FieldValueInvalid", "spec.scope", "field is immutable");
	json_decref(upd);
	upd = json_deep_copy(crd);
	json_t *vers = json_object_get(json_object_get(upd, "spec"), "versions");
	json_array_remove(vers, 0);
	json_object_set_new(json_array_get(vers, 0), "storage", json_true());
	c = json_array();
	crd_validate_update(upd, crd, c);
	EXPECT(c, "FieldValueInvalid", "status.storedVersions[0]", "must appear in spec.versions");
	json_decref(upd);
	json_decref(crd);
}

static void test_jsonpath(void)
{
	json_t *o = J("{'spec':{'replicas':3,'list':[{'name':'a'},{'name':'b'},{'x':1}]},"
		      "'metadata':{'labels':{'app':'web'},'annotations':{'example.com/k':'v','a.b':'dot'}},"
		      "'status':{'conditions':[{'type':'Ready'},{'type':'Synced'}]}}");
	json_t *v;

	v = schema_jsonpath_get(o, ".spec.replicas");
	JSON_IS(v, "3");
	json_decref(v);
	v = schema_jsonpath_get(o, "{.metadata.labels.app}");
	JSON_IS(v, "'web'");
	json_decref(v);
	v = schema_jsonpath_get(o, ".status.conditions[0].type");
	JSON_IS(v, "'Ready'");
	json_decref(v);
	v = schema_jsonpath_get(o, ".status.conditions[-1].type");
	JSON_IS(v, "'Synced'");
	json_decref(v);
	v = schema_jsonpath_get(o, ".spec.list[*].name");
	JSON_IS(v, "['a','b']");
	json_decref(v);
	v = schema_jsonpath_get(o, ".metadata.annotations['example.com/k']");
	JSON_IS(v, "'v'");
	json_decref(v);
	v = schema_jsonpath_get(o, ".metadata.annotations.a\\.b");
	JSON_IS(v, "'dot'");
	json_decref(v);
	v = schema_jsonpath_get(o, "spec.replicas");
	JSON_IS(v, "3");
	json_decref(v);
	CHECK(schema_jsonpath_get(o, ".spec.missing") == NULL);
	CHECK(schema_jsonpath_get(o, ".status.conditions[5].type") == NULL);
	CHECK(schema_jsonpath_get(o, ".spec.replicas.deeper") == NULL);
	CHECK(schema_jsonpath_get(o, ".spec.nothing[*]") == NULL);
	CHECK(schema_jsonpath_get(o, ".spec[") == NULL);
	CHECK(schema_jsonpath_get(o, "") == NULL);
	CHECK(schema_jsonpath_get(o, ".spec..x") == NULL);

	v = schema_jsonpath_get(o, ".status.conditions[?(@.type==\"Synced\")].type");
	JSON_IS(v, "['Synced']");
	json_decref(v);
	v = schema_jsonpath_get(o, ".status.conditions[?(@.type != 'Synced')]");
	JSON_IS(v, "[{'type':'Ready'}]");
	json_decref(v);
	v = schema_jsonpath_get(o, ".spec.list[?(@.name)].name");
	JSON_IS(v, "['a','b']");
	json_decref(v);
	v = schema_jsonpath_get(o, ".spec.list[?(@.x>=1)]");
	JSON_IS(v, "[{'x':1}]");
	json_decref(v);
	v = schema_jsonpath_get(o, ".spec.list[?(@['name']=='b')].name");
	JSON_IS(v, "['b']");
	json_decref(v);
	CHECK(schema_jsonpath_get(o, ".spec.list[?(@.name=='zzz')]") == NULL);
	CHECK(schema_jsonpath_check(".status.conditions[?(@.type==\"Ready\")].status", 1) == 0);
	CHECK(schema_jsonpath_check(".status.conditions[?(@.type==\"Ready\")].status", 0) < 0);
	CHECK(schema_jsonpath_check(".a[?(@.type==)]", 1) < 0);
	CHECK(schema_jsonpath_check(".a[?(type=='x')]", 1) < 0);
	CHECK(schema_jsonpath_check(".a[?(@.x=='y'", 1) < 0);
	CHECK(schema_jsonpath_check(".spec.a[*].b", 1) == 0);
	CHECK(schema_jsonpath_check(".spec.a[*].b", 0) < 0);
	CHECK(schema_jsonpath_check(".spec.a[x]", 1) < 0);
	CHECK(schema_jsonpath_check(".spec.a['x'", 1) < 0);

	json_t *n = json_integer(5);
	CHECK(schema_jsonpath_set(o, ".spec.replicas", n) == 0);
	CHECK(schema_jsonpath_set(o, ".status.scale.replicas", n) == 0);
	CHECK(schema_jsonpath_set(o, ".spec.list[1].name", n) == 0);
	CHECK(schema_jsonpath_set(o, ".spec.list[9].name", n) < 0);
	CHECK(schema_jsonpath_set(o, ".spec.replicas.x", n) < 0);
	CHECK(schema_jsonpath_set(o, ".spec.list[*].name", n) < 0);
	/* A key that is not UTF-8 is refused, not half-created (found by the fuzzer). */
	CHECK(schema_jsonpath_set(o, ".new\xda\xda.x", n) < 0);
	CHECK(schema_jsonpath_set(o, ".spec.x\xda", n) < 0);
	json_decref(n);
	v = schema_jsonpath_get(o, ".spec.replicas");
	JSON_IS(v, "5");
	json_decref(v);
	v = schema_jsonpath_get(o, ".status.scale");
	JSON_IS(v, "{'replicas':5}");
	json_decref(v);
	v = schema_jsonpath_get(o, ".spec.list[1].name");
	JSON_IS(v, "5");
	json_decref(v);
	json_decref(o);
}

static void test_columns(void)
{
	json_t *crd = J(CRD);
	const json_t *v1 = crd_version(crd, "v1"), *v1b = crd_version(crd, "v1beta1");
	json_t *cols = crd_table_columns(v1);
	CHECK(json_array_size(cols) == 3);
	CHECK_STR(json_string_value(json_object_get(json_array_get(cols, 0), "format")), "name");
	CHECK_STR(json_string_value(json_object_get(json_array_get(cols, 1), "name")), "Replicas");
	CHECK_STR(json_string_value(json_object_get(json_array_get(cols, 2), "type")), "date");
	json_decref(cols);
	json_t *obj = J("{'metadata':{'name':'w1','creationTimestamp':'2024-01-01T00:00:00Z'},'spec':{'replicas':3}}");
	json_t *row = crd_table_row(v1, obj);
	JSON_IS(row, "['w1',3,'2024-01-01T00:00:00Z']");
	json_decref(row);
	json_decref(obj);
	obj = J("{'metadata':{'name':'w2'},'spec':{'replicas':'many'}}");
	row = crd_table_row(v1, obj);
	JSON_IS(row, "['w2',null,null]");
	json_decref(row);
	json_decref(obj);
	/* Filters as cert-manager-style columns use them. */
	json_t *rc = J("{'additionalPrinterColumns':[{'name':'Ready','type':'string',"
		       "'jsonPath':'.status.conditions[?(@.type==\\'Ready\\')].status'}]}");
	obj = J("{'metadata':{'name':'c'},'status':{'conditions':[{'type':'Issuing','status':'False'},"
		"{'type':'Ready','status':'True'}]}}");
	row = crd_table_row(rc, obj);
	JSON_IS(row, "['c','True']");
	json_decref(row);
	json_decref(obj);
	json_decref(rc);
	/* No additionalPrinterColumns: Name and Age. */
	cols = crd_table_columns(v1b);
	CHECK(json_array_size(cols) == 2);
	CHECK_STR(json_string_value(json_object_get(json_array_get(cols, 1), "name")), "Age");
	json_decref(cols);
	/* Types shape cells; wildcards take the first match; strings print JSON. */
	json_t *ver = J("{'additionalPrinterColumns':["
			"{'name':'S','type':'string','jsonPath':'.spec.list[*].name'},"
			"{'name':'O','type':'string','jsonPath':'.spec.obj'},"
			"{'name':'N','type':'number','jsonPath':'.spec.ratio'},"
			"{'name':'I','type':'integer','jsonPath':'.spec.ratio'},"
			"{'name':'B','type':'boolean','jsonPath':'.spec.on'},"
			"{'name':'P','type':'string','priority':1,'jsonPath':'.spec.missing'}]}");
	obj = J("{'metadata':{'name':'x'},'spec':{'list':[{'name':'a'},{'name':'b'}],'obj':{'k':1},"
		"'ratio':2.5,'on':true}}");
	row = crd_table_row(ver, obj);
	JSON_IS(row, "['x','a','{\\'k\\':1}',2.5,2,true,null]");
	json_decref(row);
	cols = crd_table_columns(ver);
	CHECK(json_integer_value(json_object_get(json_array_get(cols, 6), "priority")) == 1);
	json_decref(cols);
	json_decref(obj);
	json_decref(ver);
	json_decref(crd);
}

/* The whole path of a custom resource, with the CronTab CRD of the Kubernetes docs. */
static void test_crontab_flow(void)
{
	json_t *crd = J("{'apiVersion':'apiextensions.k8s.io/v1','kind':'CustomResourceDefinition',"
		"'metadata':{'name':'crontabs.stable.example.com'},'spec':{'group':'stable.example.com',"
		"'scope':'Namespaced','names':{'plural':'crontabs','singular':'crontab','kind':'CronTab',"
		"'shortNames':['ct']},'versions':[{'name':'v1','served':true,'storage':true,"
		"'schema':{'openAPIV3Schema':{'type':'object','properties':{'spec':{'type':'object',"
		"'properties':{'cronSpec':{'type':'string',"
		"'pattern':'^(\\\\d+|\\\\*)(/\\\\d+)?(\\\\s+(\\\\d+|\\\\*)(/\\\\d+)?){4}$'},"
		"'image':{'type':'string'},'replicas':{'type':'integer','minimum':1,'maximum':10,'default':1}}}}}},"
		"'additionalPrinterColumns':[{'name':'Spec','type':'string','jsonPath':'.spec.cronSpec'},"
		"{'name':'Replicas','type':'integer','jsonPath':'.spec.replicas'}]}]}}");
	json_t *c = json_array();
	crd_default(crd);
	crd_validate(crd, c);
	CLEAN(c);
	const json_t *schema = json_object_get(json_object_get(crd_version(crd, "v1"), "schema"), "openAPIV3Schema");

	json_t *cr = J("{'apiVersion':'stable.example.com/v1','kind':'CronTab','metadata':{'name':'my-cron'},"
		       "'spec':{'cronSpec':'* * * * */5','image':'my-awesome-cron-image','someRandomField':42}}");
	json_t *unknown = json_array();
	schema_unknown_fields(schema, cr, "", unknown);
	JSON_IS(unknown, "['spec.someRandomField']");
	json_decref(unknown);
	schema_prune(schema, cr);
	schema_default(schema, cr);
	c = json_array();
	schema_validate(schema, cr, "", c);
	CLEAN(c);
	JSON_IS(json_object_get(cr, "spec"), "{'cronSpec':'* * * * */5','image':'my-awesome-cron-image','replicas':1}");
	json_t *row = crd_table_row(crd_version(crd, "v1"), cr);
	JSON_IS(row, "['my-cron','* * * * */5',1]");
	json_decref(row);

	json_object_set_new(json_object_get(cr, "spec"), "cronSpec", json_string("* * * *"));
	json_object_set_new(json_object_get(cr, "spec"), "replicas", json_integer(15));
	c = json_array();
	schema_validate(schema, cr, "", c);
	CHECK(json_array_size(c) == 2);
	EXPECT(json_incref(c), "FieldValueInvalid", "spec.cronSpec", "should match");
	EXPECT(c, "FieldValueInvalid", "spec.replicas", "should be less than or equal to 10");
	json_decref(cr);
	json_decref(crd);
}

int main(void)
{
	test_crontab_flow();
	test_crd();
	test_crd_status();
	test_jsonpath();
	test_columns();
	return T_DONE();
}
