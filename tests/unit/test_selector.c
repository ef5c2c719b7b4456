/* SPDX-License-Identifier: Apache-2.0 */
/* Label and field selectors: grammar, validation, LabelSelector objects, matching. */
#include <jansson.h>

#include "api/selector.h"
#include "lib/buf.h"
#include "t.h"

/* 1 match, 0 no match, -1 parse error (err code must be 400). */
static int lmatch(const char *sel, const char *labels_json)
{
	struct atoll_err err = ERR_INIT;
	struct selector *s = selector_parse(sel, &err);
	if (!s) {
		if (err.code != 400 || strcmp(err.reason, "BadRequest") || !err.msg[0])
			return -2;
		return -1;
	}
	json_t *l = labels_json ? json_loads(labels_json, 0, NULL) : NULL;
	int r = selector_matches(s, l);
	json_decref(l);
	selector_free(s);
	return r;
}

static int jmatch(const char *ls_json, const char *labels_json, int *code)
{
	struct atoll_err err = ERR_INIT;
	json_t *ls = ls_json ? json_loads(ls_json, 0, NULL) : NULL;
	struct selector *s = selector_from_json(ls, &err);
	json_decref(ls);
	*code = err.code;
	if (!s)
		return -1;
	json_t *l = labels_json ? json_loads(labels_json, 0, NULL) : NULL;
	int r = selector_matches(s, l);
	json_decref(l);
	selector_free(s);
	return r;
}

static void test_label_grammar(void)
{
	const char *L = "{\"app\":\"web\",\"tier\":\"front\",\"env\":\"prod\",\"n\":\"5\",\"e\":\"\"}";

	CHECK(lmatch("", L) == 1);
	CHECK(lmatch("   ", NULL) == 1);
	CHECK(lmatch("app=web", L) == 1);
	CHECK(lmatch("app==web", L) == 1);
	CHECK(lmatch("app=db", L) == 0);
	CHECK(lmatch("app!=db", L) == 1);
	CHECK(lmatch("app!=web", L) == 0);
	CHECK(lmatch("missing!=x", L) == 1);
	CHECK(lmatch("missing=x", L) == 0);
	CHECK(lmatch("app=web,tier=front", L) == 1);
	CHECK(lmatch("app=web,tier=back", L) == 0);
	CHECK(lmatch(" app = web , tier in ( front , back ) ", L) == 1);
	CHECK(lmatch("tier in (back,db)", L) == 0);
	CHECK(lmatch("tier notin (back,db)", L) == 1);
	CHECK(lmatch("tier notin (front)", L) == 0);
	CHECK(lmatch("missing notin (front)", L) == 1);
	CHECK(lmatch("missing in (front)", L) == 0);
	CHECK(lmatch("app", L) == 1);
	CHECK(lmatch("missing", L) == 0);
	CHECK(lmatch("!missing", L) == 1);
	CHECK(lmatch("! app", L) == 0);
	CHECK(lmatch("app,!missing,env in (prod,staging),tier!=back", L) == 1);
	CHECK(lmatch("n>4", L) == 1);
	CHECK(lmatch("n>5", L) == 0);
	CHECK(lmatch("n<6", L) == 1);
	CHECK(lmatch("app>1", L) == 0);     /* not an integer label: no match */
	CHECK(lmatch("e=", L) == 1);        /* empty value */
	CHECK(lmatch("app=", L) == 0);
	CHECK(lmatch("e in ()", L) == 1);   /* "()" is the empty value */
	CHECK(lmatch("e in (,x)", L) == 1);
	CHECK(lmatch("app in (web,)", L) == 1);
	CHECK(lmatch("in=web", "{\"in\":\"web\"}") == 1);   /* keyword as key */
	CHECK(lmatch("a=in", "{\"a\":\"in\"}") == 1);       /* keyword as value */
	CHECK(lmatch("a in (notin,in)", "{\"a\":\"notin\"}") == 1);
	CHECK(lmatch("example.com/app=web", "{\"example.com/app\":\"web\"}") == 1);
	CHECK(lmatch("app=web", NULL) == 0);
	CHECK(lmatch("!app", NULL) == 1);
	CHECK(lmatch("app=web", "{\"app\":5}") == 0);        /* non-string label ignored */

	/* Malformed. */
	CHECK(lmatch(",", L) == -1);
	CHECK(lmatch("app=web,", L) == -1);
	CHECK(lmatch("app=web,,tier", L) == -1);
	CHECK(lmatch("=web", L) == -1);
	CHECK(lmatch("app==", L) == 0);    /* "==" with an empty value parses */
	CHECK(lmatch("app=a=b", L) == -1);
	CHECK(lmatch("app in web", L) == -1);
	CHECK(lmatch("app in (web", L) == -1);
	CHECK(lmatch("app in (a b)", L) == -1);
	CHECK(lmatch("app notin", L) == -1);
	CHECK(lmatch("app web", L) == -1);
	CHECK(lmatch("!app=web", L) == -1);
	CHECK(lmatch("!!app", L) == -1);
	CHECK(lmatch("app=(web)", L) == -1);
	CHECK(lmatch("app=w!b", L) == -1);
	CHECK(lmatch("app>x", L) == -1);
	CHECK(lmatch("app>", L) == -1);
	CHECK(lmatch("app<1.5", L) == -1);
	CHECK(lmatch("-app=web", L) == -1);        /* key must start alphanumeric */
	CHECK(lmatch("app-=web", L) == -1);
	CHECK(lmatch("app=-web", L) == -1);        /* value must start alphanumeric */
	CHECK(lmatch("app=web_", L) == -1);
	CHECK(lmatch("a/b/c=x", L) == -1);
	CHECK(lmatch("/app=x", L) == -1);
	CHECK(lmatch("Example.com/app=x", L) == -1); /* prefix must be lowercase */
	CHECK(lmatch("ex..com/app=x", L) == -1);
	CHECK(lmatch("example.com/=x", L) == -1);
	CHECK(lmatch("a_b.c-d=A_b.c-9", "{\"a_b.c-d\":\"A_b.c-9\"}") == 1);
	CHECK(lmatch("app=(", L) == -1);
	CHECK(lmatch("(", L) == -1);
	CHECK(lmatch(")", L) == -1);
	CHECK(lmatch("app in (x),", L) == -1);

	/* Length limits: 63 characters for names and values. */
	char key[80], sel[300];
	memset(key, 'k', 63);
	key[63] = '\0';
	snprintf(sel, sizeof(sel), "%s=v", key);
	CHECK(lmatch(sel, NULL) == 0);
	snprintf(sel, sizeof(sel), "k=%s", key);
	CHECK(lmatch(sel, NULL) == 0);
	key[63] = 'k';
	key[64] = '\0';
	snprintf(sel, sizeof(sel), "%s=v", key);
	CHECK(lmatch(sel, NULL) == -1);
	snprintf(sel, sizeof(sel), "k=%s", key);
	CHECK(lmatch(sel, NULL) == -1);

	struct atoll_err err = ERR_INIT;
	struct selector *s = selector_parse("app in (web", &err);
	CHECK(!s && err.code == 400 && strstr(err.msg, "unable to parse requirement"));
	s = selector_parse("", &err);
	CHECK(s && selector_empty(s));
	selector_free(s);
	s = selector_parse("a", &err);
	CHECK(s && !selector_empty(s));
	selector_free(s);
	selector_free(NULL);
}

static void test_label_syntax(void)
{
	const char *why = NULL;

	CHECK(selector_label_key_ok("app.kubernetes.io/name", NULL));
	CHECK(selector_label_key_ok("a", NULL));
	CHECK(!selector_label_key_ok("", &why) && why);
	CHECK(!selector_label_key_ok("a b", NULL));
	CHECK(!selector_label_key_ok("-a.io/x", NULL));
	CHECK(selector_label_value_ok("", NULL));
	CHECK(selector_label_value_ok("v1.2_3-x", NULL));
	CHECK(!selector_label_value_ok("v ", &why));
	CHECK(!selector_label_value_ok("é", NULL));
}

static void test_label_json(void)
{
	int code;
	const char *L = "{\"app\":\"web\",\"tier\":\"front\"}";

	CHECK(jmatch("{}", L, &code) == 1);
	CHECK(jmatch("{}", NULL, &code) == 1);
	CHECK(jmatch("null", L, &code) == 0);      /* null selects nothing */
	CHECK(jmatch(NULL, L, &code) == 0);
	CHECK(jmatch("{\"matchLabels\":{\"app\":\"web\"}}", L, &code) == 1);
	CHECK(jmatch("{\"matchLabels\":{\"app\":\"web\",\"tier\":\"back\"}}", L, &code) == 0);
	CHECK(jmatch("{\"matchExpressions\":[{\"key\":\"tier\",\"operator\":\"In\",\"values\":[\"front\",\"x\"]}]}",
		     L, &code) == 1);
	CHECK(jmatch("{\"matchExpressions\":[{\"key\":\"tier\",\"operator\":\"NotIn\",\"values\":[\"front\"]}]}",
		     L, &code) == 0);
	CHECK(jmatch("{\"matchExpressions\":[{\"key\":\"app\",\"operator\":\"Exists\"}]}", L, &code) == 1);
	CHECK(jmatch("{\"matchExpressions\":[{\"key\":\"app\",\"operator\":\"DoesNotExist\"}]}", L, &code) == 0);
	CHECK(jmatch("{\"matchLabels\":{\"app\":\"web\"},"
		     "\"matchExpressions\":[{\"key\":\"x\",\"operator\":\"DoesNotExist\",\"values\":[]}]}",
		     L, &code) == 1);

	CHECK(jmatch("{\"matchExpressions\":[{\"key\":\"a\",\"operator\":\"In\",\"values\":[]}]}", L, &code) == -1
	      && code == 422);
	CHECK(jmatch("{\"matchExpressions\":[{\"key\":\"a\",\"operator\":\"In\"}]}", L, &code) == -1);
	CHECK(jmatch("{\"matchExpressions\":[{\"key\":\"a\",\"operator\":\"Exists\",\"values\":[\"x\"]}]}",
		     L, &code) == -1);
	CHECK(jmatch("{\"matchExpressions\":[{\"key\":\"a\",\"operator\":\"Gt\",\"values\":[\"1\"]}]}",
		     L, &code) == -1);
	CHECK(jmatch("{\"matchExpressions\":[{\"key\":\"a\"}]}", L, &code) == -1);
	CHECK(jmatch("{\"matchExpressions\":[{\"key\":\"a b\",\"operator\":\"Exists\"}]}", L, &code) == -1);
	CHECK(jmatch("{\"matchExpressions\":{}}", L, &code) == -1);
	CHECK(jmatch("{\"matchExpressions\":[{\"key\":\"a\",\"operator\":\"In\",\"values\":[1]}]}", L, &code) == -1);
	CHECK(jmatch("{\"matchLabels\":{\"app\":1}}", L, &code) == -1);
	CHECK(jmatch("{\"matchLabels\":{\"app\":\"bad value\"}}", L, &code) == -1 && code == 422);
	CHECK(jmatch("{\"matchLabels\":[]}", L, &code) == -1);
	CHECK(jmatch("[]", L, &code) == -1);
}

static bool only_some(const char *field, void *ctx)
{
	return !strcmp(field, "metadata.name") || !strcmp(field, "status.phase");
}

static int fmatch(const char *sel, const char *obj_json)
{
	struct atoll_err err = ERR_INIT;
	struct fieldsel *fs = fieldsel_parse(sel, NULL, NULL, &err);
	if (!fs)
		return err.code == 400 ? -1 : -2;
	json_t *o = json_loads(obj_json, 0, NULL);
	int r = fieldsel_matches(fs, o);
	json_decref(o);
	fieldsel_free(fs);
	return r;
}

static void test_field(void)
{
	const char *P = "{\"metadata\":{\"name\":\"p1\",\"namespace\":\"default\"},"
			"\"spec\":{\"nodeName\":\"n1\",\"hostNetwork\":true,\"prio\":7},"
			"\"status\":{\"phase\":\"Running\"}}";
	const char *Q = "{\"metadata\":{\"name\":\"a,b=c\\\\\"},\"spec\":{}}";

	CHECK(fmatch("", P) == 1);
	CHECK(fmatch("metadata.name=p1", P) == 1);
	CHECK(fmatch("metadata.name==p1", P) == 1);
	CHECK(fmatch("metadata.name!=p1", P) == 0);
	CHECK(fmatch("metadata.name=p2", P) == 0);
	CHECK(fmatch("metadata.namespace=default,status.phase=Running", P) == 1);
	CHECK(fmatch("metadata.namespace=default,status.phase!=Running", P) == 0);
	CHECK(fmatch("spec.nodeName=", P) == 0);
	CHECK(fmatch("spec.nodeName=", Q) == 1);          /* absent reads as "" */
	CHECK(fmatch("spec.nodeName!=", P) == 1);
	CHECK(fmatch("spec.hostNetwork=true", P) == 1);
	CHECK(fmatch("spec.prio=7", P) == 1);
	CHECK(fmatch("spec=", P) == 1);                   /* objects read as "" */
	CHECK(fmatch("metadata.name=a\\,b\\=c\\\\", Q) == 1);
	CHECK(fmatch("metadata.name=p1,", P) == 1);       /* empty terms skipped */
	CHECK(fmatch(",,metadata.name=p1", P) == 1);

	CHECK(fmatch("metadata.name", P) == -1);
	CHECK(fmatch("metadata.name=a,b", P) == -1);      /* "b" has no operator */
	CHECK(fmatch("metadata.name=a=b", P) == -1);
	CHECK(fmatch("metadata.name=a\\x", P) == -1);
	CHECK(fmatch("metadata.name=a\\", P) == -1);
	CHECK(fmatch("=x", P) == -1);

	struct atoll_err err = ERR_INIT;
	struct fieldsel *fs = fieldsel_parse("spec.nodeName=x", only_some, NULL, &err);
	CHECK(!fs && err.code == 400 && strstr(err.msg, "field label not supported: spec.nodeName"));
	fs = fieldsel_parse("metadata.name=p1,status.phase!=Failed", only_some, NULL, &err);
	CHECK(fs && !fieldsel_empty(fs));
	CHECK_STR(fieldsel_exact(fs, "metadata.name"), "p1");
	CHECK(fieldsel_exact(fs, "status.phase") == NULL);
	fieldsel_free(fs);

	struct buf b = BUF_INIT;
	json_t *o = json_loads(P, 0, NULL);
	fieldsel_default_get(o, "status.phase", &b, NULL);
	CHECK_STR(b.p, "Running");
	buf_reset(&b);
	fieldsel_default_get(o, "status.phase.x", &b, NULL);
	CHECK_STR(b.p, "");
	buf_release(&b);
	json_decref(o);
}

static int fmt_ok(const char *in, bool json, const char *want)
{
	struct atoll_err err = ERR_INIT;
	struct selector *s;

	if (json) {
		char *c = strdup(in);
		for (char *p = c; *p; p++)
			if (*p == '\'')
				*p = '"';
		json_t *j = json_loads(c, JSON_DECODE_ANY, NULL);
		free(c);
		s = selector_from_json(j, &err);
		json_decref(j);
	} else {
		s = selector_parse(in, &err);
	}
	char *got = selector_format(s);
	int ok = s && !strcmp(got, want);
	if (!ok)
		fprintf(stderr, "  format %s: got \"%s\" want \"%s\"\n", in, got, want);
	free(got);
	selector_free(s);
	return ok;
}

static void test_format(void)
{
	CHECK(fmt_ok("", false, ""));
	CHECK(fmt_ok("b=1, a==2,c!=3", false, "a==2,b=1,c!=3"));
	CHECK(fmt_ok("x in (z, y,z), !w, v, n>4, m<2, k notin ()", false,
		     "k notin (),m<2,n>4,v,!w,x in (y,z)"));
	CHECK(fmt_ok("{'matchLabels':{'app':'web','tier':'fe'}}", true, "app=web,tier=fe"));
	CHECK(fmt_ok("{'matchLabels':{'b':'1'},'matchExpressions':[{'key':'a','operator':'In','values':['y','x']},"
		     "{'key':'c','operator':'DoesNotExist'},{'key':'d','operator':'Exists'},"
		     "{'key':'e','operator':'NotIn','values':['q']}]}", true,
		     "a in (x,y),b=1,!c,d,e notin (q)"));
	CHECK(fmt_ok("{}", true, ""));
	CHECK(fmt_ok("null", true, ""));
	char *f = selector_format(NULL);
	CHECK_STR(f, "");
	free(f);

	/* The string form parses back to the same selector. */
	struct selector *s = selector_parse("x in (b,a),!y,z=1", NULL);
	char *a = selector_format(s);
	struct selector *s2 = selector_parse(a, NULL);
	char *b = selector_format(s2);
	CHECK(s2 && !strcmp(a, b));
	free(a);
	free(b);
	selector_free(s);
	selector_free(s2);
}

int main(void)
{
	test_format();
	test_label_grammar();
	test_label_syntax();
	test_label_json();
	test_field();
	return T_DONE();
}
