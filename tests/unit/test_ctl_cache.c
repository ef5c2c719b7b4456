/* SPDX-License-Identifier: Apache-2.0 */
/* ctl_list_cached: unchanged objects are not parsed again, changed and deleted ones are noticed; ctl_list_skim. */
#include "controllers/ctl.h"
#include "t.h"
#include "test_store_util.h"

static const json_t *find(const struct ctl_list *l, const char *key)
{
	for (size_t i = 0; i < l->n; i++)
		if (!strcmp(l->v[i].key, key))
			return l->v[i].obj;
	return NULL;
}

int main(void)
{
	struct tdir t;
	struct atoll_err err = ERR_INIT;
	struct ctl_cache c = { 0 };
	struct ctl_list a, b, plain;

	tdir_make(&t);
	struct store *s = topen(&t, NULL);
	CHECK(tput(s, "core/pods/ns/a", "{\"v\":1}", STORE_ABSENT) > 0);
	CHECK(tput(s, "core/pods/ns/b", "{\"v\":2}", STORE_ABSENT) > 0);
	CHECK(tput(s, "core/pods/ns/c", "not json", STORE_ABSENT) > 0);
	CHECK(tput(s, "core/nodes/n1", "{\"v\":3}", STORE_ABSENT) > 0);

	CHECK(ctl_list_cached(s, "core/pods/", &c, &a) == 0);
	CHECK(a.n == 2); /* what does not parse is left out */
	CHECK(json_integer_value(json_object_get(find(&a, "core/pods/ns/a"), "v")) == 1);

	/* b changes, c goes, d comes: a is the very same object, b a new one. */
	CHECK(tput(s, "core/pods/ns/b", "{\"v\":20}", STORE_ANY) > 0);
	CHECK(store_delete(s, "core/pods/ns/c", STORE_ANY, NULL, &err) == 0);
	CHECK(tput(s, "core/pods/ns/d", "{\"v\":4}", STORE_ABSENT) > 0);
	CHECK(ctl_list_cached(s, "core/pods/", &c, &b) == 0);
	CHECK(b.n == 3);
	CHECK(find(&b, "core/pods/ns/a") == find(&a, "core/pods/ns/a"));
	CHECK(find(&b, "core/pods/ns/b") != find(&a, "core/pods/ns/b"));
	CHECK(json_integer_value(json_object_get(find(&b, "core/pods/ns/b"), "v")) == 20);
	CHECK(json_integer_value(json_object_get(find(&b, "core/pods/ns/d"), "v")) == 4);
	CHECK(json_object_size(c.map) == 3); /* nothing kept of what is gone */

	/* A changed object shares with its previous parse the members whose text did not change. */
	CHECK(tput(s, "core/pods/ns/e", "{\"spec\":{\"x\":[1]},\"status\":1}", STORE_ABSENT) > 0);
	struct ctl_list e1, e2;
	CHECK(ctl_list_cached(s, "core/pods/", &c, &e1) == 0);
	CHECK(tput(s, "core/pods/ns/e", "{\"spec\":{\"x\":[1]},\"status\":2}", STORE_ANY) > 0);
	CHECK(ctl_list_cached(s, "core/pods/", &c, &e2) == 0);
	CHECK(json_integer_value(json_object_get(find(&e2, "core/pods/ns/e"), "status")) == 2);
	CHECK(json_object_get(find(&e2, "core/pods/ns/e"), "spec") == json_object_get(find(&e1, "core/pods/ns/e"), "spec"));
	ctl_list_free(&e1);
	ctl_list_free(&e2);
	CHECK(store_delete(s, "core/pods/ns/e", STORE_ANY, NULL, &err) == 0);

	/* The old listing still holds its own references, whatever the cache did since. */
	CHECK(json_integer_value(json_object_get(find(&a, "core/pods/ns/b"), "v")) == 2);
	ctl_list_free(&a);
	ctl_list_free(&b);

	/* Without a cache (ctl_list): fresh objects every time. */
	CHECK(ctl_list(s, "core/pods/", &plain) == 0 && plain.n == 3);
	CHECK(ctl_list_cached(s, "core/pods/", &c, &a) == 0);
	CHECK(find(&plain, "core/pods/ns/a") != find(&a, "core/pods/ns/a"));
	ctl_list_free(&plain);
	ctl_list_free(&a);
	ctl_cache_clear(&c);
	CHECK(c.map == NULL);

	/* ctl_list_skim: only the asked paths (what is not JSON is left out, as ever). */
	static const char *const v_only[] = { "v" };
	CHECK(tput(s, "core/pods/ns/e", "{\"v\":5,\"w\":{\"x\":1}}", STORE_ABSENT) > 0);
	CHECK(ctl_list_skim(s, "core/pods/", v_only, 1, &a) == 0 && a.n == 4);
	CHECK(json_integer_value(json_object_get(find(&a, "core/pods/ns/e"), "v")) == 5);
	CHECK(json_object_size(find(&a, "core/pods/ns/e")) == 1);
	ctl_list_free(&a);

	store_close(s);
	tdir_remove(&t);
	return T_DONE();
}
