/* SPDX-License-Identifier: Apache-2.0 */
/* CRD schemas: value validation, patterns, defaulting, pruning, structural checks. */
#include <jansson.h>

#include "api/schema.h"
#include "api/schema_int.h"
#include "schema_t.h"

/* Validate text against schema text; returns owned causes. */
static json_t *V(const char *schema, const char *obj)
{
	json_t *s = J(schema), *o = J(obj), *c = json_array();
	schema_validate(s, o, "", c);
	json_decref(s);
	json_decref(o);
	return c;
}

static const char *S_SPEC =
	"{'type':'object','properties':{'spec':{'type':'object','required':['replicas'],"
	"'properties':{'replicas':{'type':'integer','minimum':1,'maximum':10},"
	"'name':{'type':'string','minLength':2,'maxLength':5,'pattern':'^[a-z]+$'},"
	"'mode':{'type':'string','enum':['Fast','Slow']},"
	"'ratio':{'type':'number','exclusiveMinimum':true,'minimum':0,'exclusiveMaximum':true,'maximum':1},"
	"'on':{'type':'boolean'},"
	"'items':{'type':'array','minItems':1,'maxItems':3,'items':{'type':'object',"
	"  'required':['name'],'properties':{'name':{'type':'string'}}}},"
	"'labels':{'type':'object','maxProperties':2,'minProperties':1,'additionalProperties':{'type':'string'}}"
	"}}}}";

static void test_types(void)
{
	CLEAN(V(S_SPEC, "{'spec':{'replicas':3,'name':'abc','mode':'Fast','ratio':0.5,'on':true,"
			"'items':[{'name':'x'}],'labels':{'a':'b'}}}"));
	EXPECT(V(S_SPEC, "{'spec':{'replicas':'string'}}"), "FieldValueTypeInvalid", "spec.replicas",
	       "Invalid value: \"string\": spec.replicas in body must be of type integer: \"string\"");
	EXPECT(V(S_SPEC, "{'spec':{'replicas':1.5}}"), "FieldValueTypeInvalid", "spec.replicas", "integer");
	CLEAN(V(S_SPEC, "{'spec':{'replicas':2.0}}"));
	EXPECT(V(S_SPEC, "{'spec':{'replicas':1,'on':'yes'}}"), "FieldValueTypeInvalid", "spec.on", "boolean");
	EXPECT(V(S_SPEC, "{'spec':{'replicas':1,'ratio':'x'}}"), "FieldValueTypeInvalid", "spec.ratio", "number");
	EXPECT(V(S_SPEC, "{'spec':[]}"), "FieldValueTypeInvalid", "spec", "must be of type object: \"array\"");
	EXPECT(V(S_SPEC, "{'spec':{'replicas':1,'items':{}}}"), "FieldValueTypeInvalid", "spec.items", "array");
	EXPECT(V(S_SPEC, "{'spec':{'replicas':1,'name':5}}"), "FieldValueTypeInvalid", "spec.name", "string");
	EXPECT(V(S_SPEC, "{'spec':{'replicas':null}}"), "FieldValueTypeInvalid", "spec.replicas", "\"null\"");
	CLEAN(V("{'type':'object','properties':{'a':{'type':'string','nullable':true}}}", "{'a':null}"));
	EXPECT(V("{'type':'object'}", "[]"), "FieldValueTypeInvalid", NULL,
	       "Invalid value: \"array\": in body must be of type object: \"array\"");
}

static void test_keywords(void)
{
	EXPECT(V(S_SPEC, "{'spec':{}}"), "FieldValueRequired", "spec.replicas", "Required value");
	EXPECT(V(S_SPEC, "{'spec':{'replicas':0}}"), "FieldValueInvalid", "spec.replicas",
	       "Invalid value: 0: spec.replicas in body should be greater than or equal to 1");
	EXPECT(V(S_SPEC, "{'spec':{'replicas':11}}"), "FieldValueInvalid", "spec.replicas",
	       "should be less than or equal to 10");
	EXPECT(V(S_SPEC, "{'spec':{'replicas':1,'ratio':0}}"), "FieldValueInvalid", "spec.ratio",
	       "should be greater than 0");
	EXPECT(V(S_SPEC, "{'spec':{'replicas':1,'ratio':1}}"), "FieldValueInvalid", "spec.ratio",
	       "should be less than 1");
	EXPECT(V(S_SPEC, "{'spec':{'replicas':1,'name':'abcdef'}}"), "FieldValueTooLong", "spec.name",
	       "Too long: may not be more than 5");
	EXPECT(V(S_SPEC, "{'spec':{'replicas':1,'name':'a'}}"), "FieldValueInvalid", "spec.name",
	       "should be at least 2 chars long");
	EXPECT(V(S_SPEC, "{'spec':{'replicas':1,'name':'AB'}}"), "FieldValueInvalid", "spec.name",
	       "should match '^[a-z]+$'");
	EXPECT(V(S_SPEC, "{'spec':{'replicas':1,'mode':'Medium'}}"), "FieldValueNotSupported", "spec.mode",
	       "Unsupported value: \"Medium\": supported values: \"Fast\", \"Slow\"");
	EXPECT(V(S_SPEC, "{'spec':{'replicas':1,'items':[]}}"), "FieldValueInvalid", "spec.items",
	       "should have at least 1 items");
	EXPECT(V(S_SPEC, "{'spec':{'replicas':1,'items':[{'name':'a'},{'name':'b'},{'name':'c'},{'name':'d'}]}}"),
	       "FieldValueTooMany", "spec.items", "Too many: 4: must have at most 3 items");
	EXPECT(V(S_SPEC, "{'spec':{'replicas':1,'items':[{'name':'a'},{'name':'b'},{}]}}"),
	       "FieldValueRequired", "spec.items[2].name", NULL);
	EXPECT(V(S_SPEC, "{'spec':{'replicas':1,'items':[{'name':'a'},{'name':7}]}}"),
	       "FieldValueTypeInvalid", "spec.items[1].name", NULL);
	EXPECT(V(S_SPEC, "{'spec':{'replicas':1,'labels':{'a':'1','b':'2','c':'3'}}}"),
	       "FieldValueTooMany", "spec.labels", "must have at most 2");
	EXPECT(V(S_SPEC, "{'spec':{'replicas':1,'labels':{}}}"), "FieldValueInvalid", "spec.labels",
	       "should have at least 1 properties");
	EXPECT(V(S_SPEC, "{'spec':{'replicas':1,'labels':{'a':1}}}"), "FieldValueTypeInvalid", "spec.labels.a", NULL);
	EXPECT(V("{'type':'array','items':{'type':'integer'},'uniqueItems':true}", "[1,2,1]"),
	       "FieldValueDuplicate", "[2]", "Duplicate value: 1");
	CLEAN(V("{'type':'array','items':{'type':'integer'},'uniqueItems':true}", "[1,2,3]"));
	EXPECT(V("{'type':'integer','multipleOf':5}", "12"), "FieldValueInvalid", NULL, "multiple of 5");
	CLEAN(V("{'type':'integer','multipleOf':5}", "15"));
	EXPECT(V("{'type':'number','maximum':0.1}", "0.5"), "FieldValueInvalid", NULL,
	       "Invalid value: 0.5: in body should be less than or equal to 0.1");
	EXPECT(V("{'type':'object','properties':{'a':{'type':'string'}},'additionalProperties':false}",
		 "{'a':'x','b':1,'kind':'K'}"), "FieldValueForbidden", "b", NULL);
	CLEAN(V("{'type':'object','properties':{'a':{'type':'string'}},'additionalProperties':false}",
		"{'a':'x','apiVersion':'v','kind':'K','metadata':{}}"));
	/* maxLength counts characters: four two-byte characters fit in 4. */
	CLEAN(V("{'type':'string','maxLength':4}", "'\u00e9\u00e9\u00e9\u00e9'"));
}

static void test_formats_and_patterns(void)
{
	const char *dt = "{'type':'string','format':'date-time'}";
	CLEAN(V(dt, "'2024-01-31T12:30:00Z'"));
	CLEAN(V(dt, "'2024-01-31T12:30:00.123+02:00'"));
	EXPECT(V(dt, "'2024-13-01T00:00:00Z'"), "FieldValueInvalid", NULL, "must be of type date-time");
	EXPECT(V(dt, "'yesterday'"), "FieldValueInvalid", NULL, "date-time");
	CLEAN(V("{'type':'string','format':'date'}", "'2024-02-03'"));
	EXPECT(V("{'type':'string','format':'date'}", "'2024-02-03T00'"), "FieldValueInvalid", NULL, "date");
	EXPECT(V("{'type':'integer','format':'int32'}", "2147483648"), "FieldValueInvalid", NULL, "int32");
	CLEAN(V("{'type':'integer','format':'int32'}", "-2147483648"));
	CLEAN(V("{'type':'integer','format':'int64'}", "9007199254740993"));
	CLEAN(V("{'type':'string','format':'unknown-format'}", "'anything'"));
	CLEAN(V("{'type':'string','format':'byte'}", "'aGVsbG8='"));
	EXPECT(V("{'type':'string','format':'byte'}", "'not base64!'"), "FieldValueInvalid", NULL, "byte");
	CLEAN(V("{'type':'string','format':'uuid'}", "'123e4567-e89b-12d3-a456-426614174000'"));
	/* ECMA escapes are translated to POSIX classes. */
	const char *p1 = "{'type':'string','pattern':'^\\\\d+\\\\.\\\\d+$'}";
	CLEAN(V(p1, "'1.25'"));
	EXPECT(V(p1, "'1x25'"), "FieldValueInvalid", NULL, "should match");
	const char *p2 = "{'type':'string','pattern':'^[\\\\w-]+(?:\\\\.[a-z]+)*$'}";
	CLEAN(V(p2, "'my-name_1.ab.cd'"));
	EXPECT(V(p2, "'bad name'"), "FieldValueInvalid", NULL, "should match");
	const char *p3 = "{'type':'string','pattern':'^[^\\\\s]+\\\\S$'}";
	CLEAN(V(p3, "'ab'"));
	EXPECT(V(p3, "'a b'"), "FieldValueInvalid", NULL, NULL);
	/* Unanchored: a pattern matches anywhere, as ECMA test() does. */
	CLEAN(V("{'type':'string','pattern':'b+'}", "'abbc'"));
	/* As in Go, ']' first in a class is literal (ECMA would read [] as empty). */
	CLEAN(V("{'type':'string','pattern':'^[]a]$'}", "']'"));
	/* Counted repetition works; blow-ups and ECMA syntax errors are refused. */
	const char *ip = "{'type':'string','pattern':'^(\\\\d{1,3}\\\\.){3}\\\\d{1,3}$'}";
	CLEAN(V(ip, "'10.0.0.1'"));
	EXPECT(V(ip, "'10.0.0'"), "FieldValueInvalid", NULL, "should match");
	CLEAN(V("{'type':'string','pattern':'^a{2,}b{0,1}c{1}x{$'}", "'aaacx{'"));
	static const char *const bad[] = { "a++", "a**", "*a", "(+)", "a{1001}", "((a{100}){100}){100}",
					   "a)", "(a", "[a", "(?=a)", "(?!a)", "(?<=a)", "\\1", "^*", "\\bx+\\b*",
					   "[b-a]", "a{3,2}", "\\q", "[\\B]", "\\x4", "\\u12" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		json_t *bs = json_pack("{s:s,s:s}", "type", "string", "pattern", bad[i]);
		json_t *bc = json_array();
		if (!schema_check_structural(bs, bc)) {
			fprintf(stderr, "pattern %s accepted\n", bad[i]);
			CHECK(0);
		}
		json_decref(bc);
		json_decref(bs);
	}
	const char *p5 = "{'type':'string','pattern':'^[a\\\\]\\\\-^]+$'}";
	CLEAN(V(p5, "'a]-^'"));
	EXPECT(V(p5, "'ab'"), "FieldValueInvalid", NULL, NULL);
}

static int re_is(const char *pattern, const char *input)
{
	char err[128];
	struct schema_re *re = schema_re_compile(pattern, err, sizeof(err));
	if (!re)
		return -1;
	int m = schema_re_match(re, input);
	schema_re_free(re);
	return m;
}

static void test_regex(void)
{
	static const struct { const char *pat, *in; int want; } cases[] = {
		{ "abc", "xxabcxx", 1 }, { "^abc$", "xxabcxx", 0 }, { "^abc$", "abc", 1 },
		{ "^a*$", "", 1 }, { "^a+$", "", 0 }, { "^a?b$", "b", 1 }, { "^a?b$", "aab", 0 },
		{ "^(ab|cd)+$", "abcdab", 1 }, { "^(ab|cd)+$", "abc", 0 }, { "^a{2,3}$", "a", 0 },
		{ "^a{2,3}$", "aa", 1 }, { "^a{2,3}$", "aaaa", 0 }, { "^a{2,}$", "aaaaaaa", 1 },
		{ "^a{2}$", "aa", 1 }, { "^a{0}b$", "b", 1 }, { "^x{,2}$", "x{,2}", 1 }, { "^a{$", "a{", 1 },
		{ "^[a-c]+$", "abcab", 1 }, { "^[^a-c]+$", "xyz", 1 }, { "^[^a-c]+$", "xaz", 0 },
		{ "^\\d+\\.\\d+$", "1.25", 1 }, { "^\\d+\\.\\d+$", "1x25", 0 }, { "^\\D+$", "ab", 1 },
		{ "^\\w+$", "a_Z9", 1 }, { "^\\w+$", "a-b", 0 }, { "^\\W$", "-", 1 }, { "^\\s$", " ", 1 },
		{ "^\\S+$", "ab c", 0 }, { "^[\\w.-]+$", "a.b-c_d", 1 }, { "^[\\D]$", "5", 0 },
		{ "^[^\\d\\s]+$", "ab", 1 }, { "^[^\\d\\s]+$", "a b", 0 }, { "^.$", "\n", 0 },
		{ "^.$", "\xc3\xa9", 1 }, { "^.{2}$", "\xc3\xa9\xc3\xa9", 1 }, { "^[\\u00e9]$", "\xc3\xa9", 1 },
		{ "^\\x41$", "A", 1 }, { "^\\/\\*$", "/*", 1 }, { "^a.c$", "abc", 1 }, { "^a\\.c$", "abc", 0 },
		{ "\\bfoo\\b", "a foo b", 1 }, { "\\bfoo\\b", "afoob", 0 }, { "\\Boo\\B", "afoob", 1 },
		{ "^(?:a|b)*c$", "ababc", 1 }, { "^(?<n>x)y$", "xy", 1 }, { "a*?b", "aab", 1 }, { "^$", "", 1 },
		{ "^(|a)$", "", 1 }, { "^()*$", "", 1 }, { "^[]a-]+$", "]", 1 }, { "^[a\\]\\-^]+$", "a]-^", 1 },
		{ "^[-a]$", "-", 1 }, { "^[a-]$", "-", 1 }, { "^\\[\\]$", "[]", 1 }, { "x|^y", "zy", 0 },
		{ "^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$", "my-app.example.com", 1 },
		{ "^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$", "-bad.example.com", 0 },
		{ "^([0-9]+(\\.[0-9]+)?(ms|s|m|h))+$", "1h30m", 1 }, { "^([0-9]+(\\.[0-9]+)?(ms|s|m|h))+$", "1d", 0 },
		{ "^(\\*\\.)?[a-z]+$", "*.example", 1 },
		/* Go (RE2) syntax, which Kubernetes accepts. */
		{ "^(?i)(abort|warn)?$", "WARN", 1 }, { "^(?i)(abort|warn)?$", "nope", 0 },
		{ "^(?i:a)b$", "Ab", 1 }, { "^(?i:a)b$", "AB", 0 }, { "^(?i)[^a]$", "A", 0 },
		{ "^(?i)[b-c]$", "C", 1 }, { "(?i)x(?-i)y", "XY", 0 }, { "(?i)x(?-i)y", "Xy", 1 },
		{ "^a.b$", "a\rb", 1 }, { "^a.b$", "a\nb", 0 }, { "(?s)^a.b$", "a\nb", 1 },
		{ "(?m)^b$", "a\nb\nc", 1 }, { "^b$", "a\nb\nc", 0 }, { "\\Aab\\z", "ab", 1 },
		{ "\\Aab\\z", "ab\n", 0 }, { "^(?P<x>a)(?<y>b)$", "ab", 1 }, { "^[[:alpha:]]+$", "abZ", 1 },
		{ "^[[:alpha:]]+$", "ab1", 0 }, { "^[[:^digit:]x]+$", "ab", 1 }, { "^[[:^digit:]]+$", "a1", 0 },
		{ "^[]a]+$", "]a", 1 }, { "^[^]a]$", "b", 1 }, { "^[^]a]$", "]", 0 }, { "^\\Q.*\\E$", ".*", 1 },
		{ "^\\Q.*\\E$", "ab", 0 }, { "^\\x{e9}$", "\xc3\xa9", 1 }, { "(?U)a+?b", "aab", 1 },
		{ "[[:", "a", -1 }, { "[[:^", "a", -1 }, { "[[:^:]]", "a", -1 }, { "[[", "a", -1 },
		{ "\\pL", "a", -1 }, { "[[:nope:]]", "a", -1 }, { "(?x)a", "a", -1 }, { "(?)a", "a", -1 },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int got = re_is(cases[i].pat, cases[i].in);
		if (got != cases[i].want)
			fprintf(stderr, "regex %s on \"%s\": got %d want %d\n", cases[i].pat, cases[i].in, got,
				cases[i].want);
		CHECK(got == cases[i].want);
	}
	/* Linear time: patterns that make backtracking (or glibc) slow are quick here. */
	char big[4001];
	memset(big, 'a', 4000);
	big[4000] = '\0';
	CHECK(re_is("^(a|a)*b$", big) == 0);
	CHECK(re_is("^.{0,1000}.{0,1000}$", big) == 0);
	CHECK(re_is("^(a{1,2}){1,500}$", big) == 0);
	CHECK(re_is("^(a+)+$", big) == 1);
	/* A pathological pattern on a long input gives up instead of running long. */
	size_t hl = 200000;
	char *huge = malloc(hl + 1);
	memset(huge, 'a', hl);
	huge[hl] = '\0';
	CHECK(re_is("(a{1,1000}){1,5}b", huge) == -1);
	json_t *hs = J("{'type':'string','pattern':'(a{1,1000}){1,5}b'}"), *hv = json_string(huge), *hc = json_array();
	schema_validate(hs, hv, "spec.s", hc);
	EXPECT(hc, "FieldValueInvalid", "spec.s", "could not be checked against");
	json_decref(hs);
	json_decref(hv);
	free(huge);
	/* Nesting: 150 groups are fine, 300 are refused. */
	char deep[700];
	for (int d = 150; d <= 300; d += 150) {
		memset(deep, '(', (size_t)d);
		deep[d] = 'a';
		memset(deep + d + 1, ')', (size_t)d);
		deep[2 * d + 1] = '\0';
		char err[128];
		struct schema_re *re = schema_re_compile(deep, err, sizeof(err));
		CHECK((re != NULL) == (d == 150));
		schema_re_free(re);
	}
}

static void test_special(void)
{
	const char *ios = "{'type':'object','properties':{'port':{'x-kubernetes-int-or-string':true,"
			  "'anyOf':[{'type':'integer'},{'type':'string'}]}}}";
	CLEAN(V(ios, "{'port':80}"));
	CLEAN(V(ios, "{'port':'http'}"));
	EXPECT(V(ios, "{'port':true}"), "FieldValueTypeInvalid", "port", "integer or string");
	EXPECT(V(ios, "{'port':null}"), "FieldValueTypeInvalid", "port", NULL);
	const char *emb = "{'type':'object','properties':{'tpl':{'type':'object',"
			  "'x-kubernetes-embedded-resource':true,'x-kubernetes-preserve-unknown-fields':true}}}";
	CLEAN(V(emb, "{'tpl':{'apiVersion':'v1','kind':'Pod','metadata':{'name':'x'},'spec':{}}}"));
	EXPECT(V(emb, "{'tpl':{'apiVersion':'v1'}}"), "FieldValueRequired", "tpl.kind", NULL);
	EXPECT(V(emb, "{'tpl':{'apiVersion':'','kind':'Pod'}}"), "FieldValueRequired", "tpl.apiVersion", NULL);
	EXPECT(V(emb, "{'tpl':{'apiVersion':'v1','kind':'Pod','metadata':'x'}}"), "FieldValueTypeInvalid",
	       "tpl.metadata", NULL);
	CLEAN(V("{'type':'object','x-kubernetes-preserve-unknown-fields':true}", "{'anything':{'goes':[1]}}"));
	const char *set = "{'type':'array','x-kubernetes-list-type':'set','items':{'type':'string'}}";
	CLEAN(V(set, "['a','b']"));
	EXPECT(V(set, "['a','b','a']"), "FieldValueDuplicate", "[2]", "Duplicate value: \"a\"");
	const char *map = "{'type':'array','x-kubernetes-list-type':'map','x-kubernetes-list-map-keys':['name','proto'],"
			  "'items':{'type':'object','properties':{'name':{'type':'string'},'proto':{'type':'string'},"
			  "'port':{'type':'integer'}}}}";
	CLEAN(V(map, "[{'name':'a','proto':'TCP','port':1},{'name':'a','proto':'UDP','port':1}]"));
	EXPECT(V(map, "[{'name':'a','proto':'TCP','port':1},{'name':'b'},{'name':'a','proto':'TCP','port':2}]"),
	       "FieldValueDuplicate", "[2]", "Duplicate value: {\"name\":\"a\",\"proto\":\"TCP\"}");
	CLEAN(V("{'type':'array','x-kubernetes-list-type':'atomic','items':{'type':'string'}}", "['a','a']"));
}

static void test_junctors(void)
{
	const char *all = "{'type':'integer','allOf':[{'minimum':1},{'maximum':5}]}";
	CLEAN(V(all, "3"));
	EXPECT(V(all, "7"), "FieldValueInvalid", NULL, "less than or equal to 5");
	const char *any = "{'type':'string','anyOf':[{'pattern':'^a'},{'pattern':'^b'}]}";
	CLEAN(V(any, "'apple'"));
	CLEAN(V(any, "'banana'"));
	EXPECT(V(any, "'cherry'"), "FieldValueInvalid", NULL, "must validate at least one schema (anyOf)");
	const char *one = "{'type':'integer','oneOf':[{'minimum':5},{'maximum':10}]}";
	CLEAN(V(one, "3"));
	CLEAN(V(one, "12"));
	EXPECT(V(one, "7"), "FieldValueInvalid", NULL, "one and only one schema (oneOf)");
	const char *not = "{'type':'string','not':{'enum':['forbidden']}}";
	CLEAN(V(not, "'fine'"));
	EXPECT(V(not, "'forbidden'"), "FieldValueInvalid", NULL, "must not validate the schema (not)");
	/* Junctors over object fields: exactly one of a or b. */
	const char *obj = "{'type':'object','properties':{'a':{'type':'string'},'b':{'type':'string'}},"
			  "'oneOf':[{'required':['a']},{'required':['b']}]}";
	CLEAN(V(obj, "{'a':'x'}"));
	EXPECT(V(obj, "{'a':'x','b':'y'}"), "FieldValueInvalid", NULL, "oneOf");
	EXPECT(V(obj, "{}"), "FieldValueInvalid", NULL, "oneOf");
}

static void test_default(void)
{
	json_t *s = J("{'type':'object','properties':{'spec':{'type':'object','properties':{"
		      "'replicas':{'type':'integer','default':1},"
		      "'mode':{'type':'string','default':'Fast'},"
		      "'opt':{'type':'string','nullable':true,'default':'d'},"
		      "'nodef':{'type':'string'},"
		      "'tpl':{'type':'object','default':{},'properties':{'size':{'type':'integer','default':10},"
		      "   'inner':{'type':'object','default':{'x':1},'properties':{'x':{'type':'integer'},"
		      "   'y':{'type':'integer','default':2}}}}},"
		      "'list':{'type':'array','items':{'type':'object','properties':{"
		      "   'port':{'type':'integer','default':80}}}},"
		      "'map':{'type':'object','additionalProperties':{'type':'object','properties':{"
		      "   'on':{'type':'boolean','default':true}}}}"
		      "}},'status':{'type':'object','properties':{'phase':{'type':'string','default':'New'}}}}}");
	json_t *o = J("{'apiVersion':'a/v1','kind':'K','spec':{'mode':'Slow','opt':null,'nodef':null,"
		      "'list':[{},{'port':8080}],'map':{'a':{},'b':{'on':false}}}}");
	schema_default(s, o);
	JSON_IS(o, "{'apiVersion':'a/v1','kind':'K','spec':{'replicas':1,'mode':'Slow','opt':null,"
		   "'tpl':{'size':10,'inner':{'x':1,'y':2}},"
		   "'list':[{'port':80},{'port':8080}],'map':{'a':{'on':true},'b':{'on':false}}}}");
	json_decref(o);
	/* Map values: a non-nullable null takes the default or goes. */
	json_t *ms = J("{'type':'object','properties':{'m':{'type':'object','additionalProperties':"
		       "{'type':'string','default':'d'}},'n':{'type':'object','additionalProperties':{'type':'string'}}}}");
	o = J("{'m':{'a':null,'b':'x'},'n':{'a':null,'b':'y'}}");
	schema_default(ms, o);
	JSON_IS(o, "{'m':{'a':'d','b':'x'},'n':{'b':'y'}}");
	json_decref(o);
	json_decref(ms);
	/* A non-nullable null takes the default; absent parents are not created. */
	o = J("{'spec':{'replicas':null}}");
	schema_default(s, o);
	JSON_IS(json_object_get(json_object_get(o, "spec"), "replicas"), "1");
	CHECK(json_object_get(o, "status") == NULL);
	json_decref(o);
	json_decref(s);
}

static void test_prune(void)
{
	json_t *s = J("{'type':'object','properties':{'spec':{'type':'object','properties':{"
		      "'a':{'type':'string'},"
		      "'free':{'type':'object','x-kubernetes-preserve-unknown-fields':true,"
		      "   'properties':{'known':{'type':'object','properties':{'k':{'type':'integer'}}}}},"
		      "'list':{'type':'array','items':{'type':'object','properties':{'n':{'type':'string'}}}},"
		      "'map':{'type':'object','additionalProperties':{'type':'object','properties':{'v':{'type':'string'}}}},"
		      "'open':{'type':'object','additionalProperties':true},"
		      "'emb':{'type':'object','x-kubernetes-embedded-resource':true,'properties':{'spec':{'type':'object'}}}"
		      "}}}}");
	const char *in = "{'apiVersion':'g/v1','kind':'K','metadata':{'name':'n','labels':{'a':'b'}},"
			 "'extra':1,'spec':{'a':'x','b':2,"
			 "'free':{'anything':{'deep':[1]},'known':{'k':1,'junk':2}},"
			 "'list':[{'n':'a','m':1},{'n':'b'}],"
			 "'map':{'x':{'v':'1','w':2}},"
			 "'open':{'q':{'r':1}},"
			 "'emb':{'apiVersion':'v1','kind':'Pod','metadata':{'name':'p'},'spec':{'c':1},'junk':true}}}";
	json_t *o = J(in), *paths = json_array();
	schema_unknown_fields(s, o, "", paths);
	JSON_IS(paths, "['extra','spec.b','spec.free.known.junk','spec.list[0].m','spec.map.x.w','spec.emb.spec.c','spec.emb.junk']");
	json_decref(paths);
	schema_prune(s, o);
	JSON_IS(o, "{'apiVersion':'g/v1','kind':'K','metadata':{'name':'n','labels':{'a':'b'}},"
		   "'spec':{'a':'x','free':{'anything':{'deep':[1]},'known':{'k':1}},"
		   "'list':[{'n':'a'},{'n':'b'}],'map':{'x':{'v':'1'}},'open':{'q':{'r':1}},"
		   "'emb':{'apiVersion':'v1','kind':'Pod','metadata':{'name':'p'},'spec':{}}}}");
	json_decref(o);
	/* With a path prefix, paths are reported under it; pruning below root keeps nothing special. */
	o = J("{'a':'x','kind':'K'}");
	paths = json_array();
	schema_unknown_fields(json_object_get(json_object_get(s, "properties"), "spec"), o, "spec", paths);
	JSON_IS(paths, "['spec.kind']");
	json_decref(paths);
	json_decref(o);
	json_decref(s);
}

/* Run the structural check; returns owned causes. */
static json_t *ST(const char *schema)
{
	json_t *s = J(schema), *c = json_array();
	int n = schema_check_structural(s, c);
	if (n != (int)json_array_size(c))
		fprintf(stderr, "count mismatch %d\n", n);
	json_decref(s);
	return c;
}

static void test_structural(void)
{
	CLEAN(ST(S_SPEC));
	CLEAN(ST("{'type':'object','properties':{'spec':{'type':'object','x-kubernetes-preserve-unknown-fields':true},"
		 "'port':{'x-kubernetes-int-or-string':true,'anyOf':[{'type':'integer'},{'type':'string'}]},"
		 "'tpl':{'type':'object','x-kubernetes-embedded-resource':true,'x-kubernetes-preserve-unknown-fields':true},"
		 "'metadata':{'type':'object','properties':{'name':{'type':'string','maxLength':20}}},"
		 "'ports':{'type':'array','x-kubernetes-list-type':'map','x-kubernetes-list-map-keys':['port'],"
		 "  'items':{'type':'object','required':['port'],'properties':{'port':{'type':'integer'}}}},"
		 "'tags':{'type':'array','x-kubernetes-list-type':'set','items':{'type':'string'}},"
		 "'sel':{'type':'object','x-kubernetes-map-type':'atomic','additionalProperties':{'type':'string'}},"
		 "'rules':{'type':'object','x-kubernetes-validations':[{'rule':'self.a > 0'}]},"
		 "'ab':{'type':'object','properties':{'a':{'type':'string'},'b':{'type':'string'}},"
		 "  'oneOf':[{'required':['a']},{'required':['b']}],'not':{'properties':{'a':{'enum':['z']}}}},"
		 "'d':{'type':'string','default':'x','pattern':'^x'}}}"));
	EXPECT(ST("{'type':'string'}"), "FieldValueInvalid", "type", "must be object at the root");
	EXPECT(ST("{'type':'object','properties':{'a':{'description':'no type'}}}"),
	       "FieldValueRequired", "properties[a].type", NULL);
	EXPECT(ST("{'type':'object','properties':{'a':{'type':'strin'}}}"),
	       "FieldValueNotSupported", "properties[a].type", NULL);
	EXPECT(ST("{'type':'object','properties':{'a':{'$ref':'#/x'}}}"),
	       "FieldValueForbidden", "properties[a].$ref", "$ref is not supported");
	EXPECT(ST("{'type':'object','patternProperties':{}}"), "FieldValueForbidden", "patternProperties", NULL);
	EXPECT(ST("{'type':'object','frobnicate':1}"), "FieldValueForbidden", "frobnicate", "unknown");
	EXPECT(ST("{'type':'object','properties':{'l':{'type':'array'}}}"),
	       "FieldValueRequired", "properties[l].items", NULL);
	EXPECT(ST("{'type':'object','properties':{'l':{'type':'array','items':[{'type':'string'}]}}}"),
	       "FieldValueForbidden", "properties[l].items", "not an array");
	EXPECT(ST("{'type':'object','properties':{'l':{'type':'array','uniqueItems':true,'items':{'type':'string'}}}}"),
	       "FieldValueForbidden", "properties[l].uniqueItems", "quadratic");
	EXPECT(ST("{'type':'object','properties':{'a':{'type':'object','properties':{'b':{'type':'string'}},'additionalProperties':false}}}"),
	       "FieldValueForbidden", "properties[a].additionalProperties", "mutual exclusive");
	EXPECT(ST("{'type':'object','properties':{'a':{'type':'string','pattern':'(?<=x)y'}}}"),
	       "FieldValueInvalid", "properties[a].pattern", "must be a valid regular expression");
	EXPECT(ST("{'type':'object','properties':{'a':{'type':'string','pattern':'a(b'}}}"),
	       "FieldValueInvalid", "properties[a].pattern", NULL);
	EXPECT(ST("{'type':'object','properties':{'a':{'type':'integer','default':'x'}}}"),
	       "FieldValueTypeInvalid", "properties[a].default", NULL);
	EXPECT(ST("{'type':'object','properties':{'a':{'type':'object','default':{'z':1},'properties':{'y':{'type':'integer'}}}}}"),
	       "FieldValueForbidden", "properties[a].default.z", "unknown fields");
	EXPECT(ST("{'type':'object','properties':{'metadata':{'type':'object','properties':{'name':{'type':'string','default':'x'}}}}}"),
	       "FieldValueForbidden", "properties[metadata].properties[name].default", "in top-level metadata");
	EXPECT(ST("{'type':'object','additionalProperties':{'type':'string'}}"), "FieldValueForbidden",
	       "additionalProperties", "at the root");
	EXPECT(ST("{'type':'object','nullable':true}"), "FieldValueForbidden", "nullable", NULL);
	EXPECT(ST("{'type':'object','properties':{'kind':{'type':'integer'}}}"), "FieldValueInvalid",
	       "properties[kind].type", "must be string");
	EXPECT(ST("{'type':'object','properties':{'e':{'type':'object','x-kubernetes-embedded-resource':true,"
		  "'properties':{'metadata':{'type':'string'}}}}}"), "FieldValueInvalid",
	       "properties[e].properties[metadata].type", "must be object");
	EXPECT(ST("{'type':'object','properties':{'a':{'x-kubernetes-int-or-string':true,'x-kubernetes-preserve-unknown-fields':true}}}"),
	       "FieldValueInvalid", "properties[a].x-kubernetes-preserve-unknown-fields", NULL);
	EXPECT(ST("{'type':'object','properties':{'a':{'type':'integer','oneOf':[{'description':'x'}]}}}"),
	       "FieldValueForbidden", "properties[a].oneOf[0].description", "must be empty to be structural");
	EXPECT(ST("{'type':'object','properties':{'a':{'type':'object','not':{'properties':{'metadata':{}}}}}}"),
	       "FieldValueForbidden", "properties[a].not.properties[metadata]", "nested context");
	EXPECT(ST("{'type':'object','properties':{'l':{'type':'array','x-kubernetes-list-type':'set',"
		  "'items':{'type':'object'}}}}"), "FieldValueInvalid", "properties[l].items.x-kubernetes-map-type", NULL);
	EXPECT(ST("{'type':'object','properties':{'l':{'type':'array','x-kubernetes-list-type':'map',"
		  "'x-kubernetes-list-map-keys':['o'],'items':{'type':'object','required':['o'],"
		  "'properties':{'o':{'type':'object'}}}}}}"), "FieldValueInvalid", "properties[l].items.properties[o].type",
	       "scalar type");
	EXPECT(ST("{'type':'object','properties':{'l':{'type':'array','x-kubernetes-list-map-keys':['k'],"
		  "'items':{'type':'object'}}}}"), "FieldValueRequired", "properties[l].x-kubernetes-list-type", NULL);
	/* The int-or-string idioms may name types inside anyOf. */
	CLEAN(ST("{'type':'object','properties':{'a':{'x-kubernetes-int-or-string':true,"
		 "'allOf':[{'anyOf':[{'type':'integer'},{'type':'string'}]},{'pattern':'^[0-9]+%?$'}]}}}"));
	CLEAN(ST("{'type':'object','default':{}}"));
	EXPECT(ST("{'type':'object','properties':{'a':{'type':'string','x-kubernetes-int-or-string':true}}}"),
	       "FieldValueForbidden", "properties[a].type", NULL);
	EXPECT(ST("{'type':'object','properties':{'a':{'type':'string','x-kubernetes-embedded-resource':true}}}"),
	       "FieldValueInvalid", "properties[a].type", "embedded");
	EXPECT(ST("{'type':'object','properties':{'a':{'type':'object','x-kubernetes-embedded-resource':true}}}"),
	       "FieldValueRequired", "properties[a].properties", NULL);
	EXPECT(ST("{'type':'object','properties':{'a':{'type':'object','x-kubernetes-preserve-unknown-fields':false}}}"),
	       "FieldValueInvalid", "properties[a].x-kubernetes-preserve-unknown-fields", NULL);
	EXPECT(ST("{'type':'object','properties':{'a':{'type':'object','x-kubernetes-preserve-unknown-fields':true,"
		  "'additionalProperties':{'type':'string'}}}}"), "FieldValueForbidden", "properties[a].additionalProperties", NULL);
	EXPECT(ST("{'type':'object','properties':{'a':{'type':'string','anyOf':[{'type':'string'}]}}}"),
	       "FieldValueForbidden", "properties[a].anyOf[0].type", "must be empty to be structural");
	EXPECT(ST("{'type':'object','properties':{'a':{'type':'object','allOf':[{'properties':{'b':{'minimum':1}}}]}}}"),
	       "FieldValueRequired", "properties[a].allOf[0].properties[b]", "outside of allOf");
	EXPECT(ST("{'type':'object','properties':{'a':{'type':'string','x-kubernetes-list-type':'set'}}}"),
	       "FieldValueInvalid", "properties[a].type", "must be array if x-kubernetes-list-type is specified");
	EXPECT(ST("{'type':'object','properties':{'a':{'type':'array','x-kubernetes-list-type':'map','items':{'type':'object'}}}}"),
	       "FieldValueRequired", "properties[a].x-kubernetes-list-map-keys", NULL);
	EXPECT(ST("{'type':'object','properties':{'a':{'type':'array','x-kubernetes-list-type':'map',"
		  "'x-kubernetes-list-map-keys':['k'],'items':{'type':'object','properties':{'k':{'type':'string'}}}}}}"),
	       "FieldValueRequired", "properties[a].items.properties[k]", "have a default or be a required property");
	EXPECT(ST("{'type':'object','properties':{'a':{'type':'array','x-kubernetes-list-type':'list','items':{'type':'string'}}}}"),
	       "FieldValueNotSupported", "properties[a].x-kubernetes-list-type", NULL);
	EXPECT(ST("{'type':'object','properties':{'a':{'type':'string','x-kubernetes-map-type':'atomic'}}}"),
	       "FieldValueInvalid", "properties[a].type", "must be object if x-kubernetes-map-type");
	EXPECT(ST("{'type':'object','properties':{'metadata':{'type':'object','properties':{'labels':{'type':'object'}}}}}"),
	       "FieldValueForbidden", "properties[metadata]", "name and generateName");
	EXPECT(ST("{'type':'object','properties':{'a':{'type':'integer','minimum':'1'}}}"),
	       "FieldValueInvalid", "properties[a].minimum", "must be a number");
	EXPECT(ST("{'type':'object','properties':{'a':'notaschema'}}"), "FieldValueInvalid", "properties", NULL);
	/* With a prefix, as crd_validate reports it. */
	json_t *s = J("{'type':'object','properties':{'a':{}}}"), *c = json_array();
	CHECK(schema_check_structural_at(s, "spec.versions[0].schema.openAPIV3Schema", c) == 1);
	EXPECT(c, "FieldValueRequired", "spec.versions[0].schema.openAPIV3Schema.properties[a].type", NULL);
	json_decref(s);
}

int main(void)
{
	test_types();
	test_keywords();
	test_formats_and_patterns();
	test_regex();
	test_special();
	test_junctors();
	test_default();
	test_prune();
	test_structural();
	return T_DONE();
}
