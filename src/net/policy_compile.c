/* SPDX-License-Identifier: Apache-2.0 */
/*
 * NetworkPolicies to nftables, with Kubernetes' semantics: a pod is isolated
 * for ingress (egress) once a policy of that type selects it, and then takes
 * (sends) only what one of those policies allows; replies always pass.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/selector.h"
#include "lib/buf.h"
#include "lib/xalloc.h"
#include "net/policy.h"

struct ppod {
	const char *ns;
	const json_t *labels;
	const json_t *spec;
	uint32_t ip; /* host order */
	bool local;  /* enforced here */
};

struct model {
	struct ppod *pods; /* sorted by ip */
	size_t npods;
	const json_t *ns_labels; /* namespace name -> labels (borrowed from in) */
	json_t *ns_owned;        /* labels we made up for namespaces without any */
};

/* A set of pods as indexes into model.pods, in ip order. */
struct pset {
	size_t *i;
	size_t n;
};

static const char *str(const json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

static int pod_cmp(const void *a, const void *b)
{
	const struct ppod *x = a, *y = b;
	return x->ip < y->ip ? -1 : x->ip > y->ip;
}

static void model_build(struct model *m, const json_t *in)
{
	const char *node = str(in, "node");
	const json_t *pods = json_object_get(in, "pods"), *p;
	size_t i;

	m->pods = xcalloc(json_array_size(pods) + 1, sizeof(*m->pods));
	json_array_foreach(pods, i, p) {
		const json_t *md = json_object_get(p, "metadata"), *spec = json_object_get(p, "spec");
		const json_t *st = json_object_get(p, "status");
		const char *phase = str(st, "phase"), *ip = str(st, "podIP"), *ns = str(md, "namespace");
		struct in_addr a;
		if (!ns || !ip || inet_pton(AF_INET, ip, &a) != 1)
			continue;
		if (phase && (!strcmp(phase, "Succeeded") || !strcmp(phase, "Failed")))
			continue; /* the IP may already be another pod's */
		bool host = json_is_true(json_object_get(spec, "hostNetwork"));
		const char *on = str(spec, "nodeName");
		struct ppod *q = &m->pods[m->npods++];
		q->ns = ns;
		q->labels = json_object_get(md, "labels");
		q->spec = spec;
		q->ip = ntohl(a.s_addr);
		q->local = !host && (!node || (on && !strcmp(on, node)));
	}
	qsort(m->pods, m->npods, sizeof(*m->pods), pod_cmp);
	/* Namespaces carry kubernetes.io/metadata.name (the API sets it; we make sure). */
	json_t *labels = json_object(), *n;
	json_array_foreach(json_object_get(in, "namespaces"), i, n) {
		const json_t *md = json_object_get(n, "metadata");
		const char *name = str(md, "name");
		if (!name)
			continue;
		json_t *l = json_deep_copy(json_object_get(md, "labels"));
		if (!json_is_object(l)) {
			json_decref(l);
			l = json_object();
		}
		json_object_set_new(l, "kubernetes.io/metadata.name", json_string(name));
		json_object_set_new(labels, name, l);
	}
	for (i = 0; i < m->npods; i++)
		if (!json_object_get(labels, m->pods[i].ns))
			json_object_set_new(labels, m->pods[i].ns,
					    json_pack("{s:s}", "kubernetes.io/metadata.name", m->pods[i].ns));
	m->ns_owned = labels;
	m->ns_labels = labels;
}

static void pset_add(struct pset *s, size_t i)
{
	if (s->n && s->i[s->n - 1] == i)
		return;
	s->i = xrealloc(s->i, (s->n + 1) * sizeof(*s->i));
	s->i[s->n++] = i;
}

static int idx_cmp(const void *a, const void *b)
{
	size_t x = *(const size_t *)a, y = *(const size_t *)b;
	return x < y ? -1 : x > y;
}

/* Keep the set sorted and free of repeats after unions. */
static void pset_norm(struct pset *s)
{
	if (!s->n)
		return;
	qsort(s->i, s->n, sizeof(*s->i), idx_cmp);
	size_t o = 1;
	for (size_t k = 1; k < s->n; k++)
		if (s->i[k] != s->i[o - 1])
			s->i[o++] = s->i[k];
	s->n = o;
}

/*
 * Pods matched by a podSelector (NULL: any pod) within namespace ns, or
 * within the namespaces nssel matches when nssel is non-NULL. A selector that
 * does not parse matches nothing (an allow that fails closed).
 */
static void select_pods(const struct model *m, const char *ns, const json_t *podsel, const json_t *nssel,
			bool local_only, struct pset *out)
{
	struct selector *ps = podsel ? selector_from_json(podsel, NULL) : NULL;
	struct selector *nss = nssel ? selector_from_json(nssel, NULL) : NULL;

	if ((podsel && !ps) || (nssel && !nss))
		goto out;
	for (size_t i = 0; i < m->npods; i++) {
		const struct ppod *p = &m->pods[i];
		if (local_only && !p->local)
			continue;
		if (nss ? !selector_matches(nss, json_object_get(m->ns_labels, p->ns)) : strcmp(p->ns, ns))
			continue;
		if (ps && !selector_matches(ps, p->labels))
			continue;
		pset_add(out, i);
	}
out:
	selector_free(ps);
	selector_free(nss);
}

/* The number a named port has in pod p for protocol proto (upper case), or 0. */
static int named_port(const struct ppod *p, const char *name, const char *proto)
{
	const json_t *c, *port;
	size_t i, j;

	json_array_foreach(json_object_get(p->spec, "containers"), i, c) {
		json_array_foreach(json_object_get(c, "ports"), j, port) {
			const char *pn = str(port, "name"), *pr = str(port, "protocol");
			if (pn && !strcmp(pn, name) && !strcmp(pr ? pr : "TCP", proto))
				return (int)json_integer_value(json_object_get(port, "containerPort"));
		}
	}
	return 0;
}

static void put_ip(struct buf *b, uint32_t ip)
{
	buf_addf(b, "%u.%u.%u.%u", ip >> 24, (ip >> 16) & 255, (ip >> 8) & 255, ip & 255);
}

/* "ip saddr 10.0.0.1" or "ip saddr { 10.0.0.1, 10.0.0.2 }". */
static void put_pset(struct buf *b, const char *field, const struct model *m, const struct pset *s)
{
	buf_addf(b, "ip %s ", field);
	if (s->n > 1)
		buf_adds(b, "{ ");
	for (size_t k = 0; k < s->n; k++) {
		if (k)
			buf_adds(b, ", ");
		put_ip(b, m->pods[s->i[k]].ip);
	}
	if (s->n > 1)
		buf_adds(b, " }");
}

/* A CIDR as nft takes it (network address, host bits cleared); false when not IPv4. */
static bool cidr(const char *s, struct buf *b)
{
	char ip[64];
	unsigned len = 32;
	struct in_addr a;
	const char *slash = s ? strchr(s, '/') : NULL;

	if (!s || !slash || (size_t)(slash - s) >= sizeof(ip))
		return false;
	snprintf(ip, sizeof(ip), "%.*s", (int)(slash - s), s);
	char *end;
	unsigned long l = strtoul(slash + 1, &end, 10);
	if (*end || end == slash + 1 || l > 32 || inet_pton(AF_INET, ip, &a) != 1)
		return false;
	len = (unsigned)l;
	uint32_t mask = len ? 0xffffffffu << (32 - len) : 0, v = ntohl(a.s_addr) & mask;
	put_ip(b, v);
	buf_addf(b, "/%u", len);
	return true;
}

/* The protocol of a NetworkPolicyPort in nft's words, or NULL for one we do not know. */
static const char *l4(const json_t *port, const char **upper)
{
	const char *p = str(port, "protocol");
	*upper = p ? p : "TCP";
	if (!p || !strcmp(p, "TCP"))
		return "tcp";
	if (!strcmp(p, "UDP"))
		return "udp";
	return !strcmp(p, "SCTP") ? "sctp" : NULL;
}

struct emit {
	struct buf *out;
	const struct model *m;
	bool ingress;        /* else egress */
	const char *comment; /* "ns/name ingress[2]" */
};

/* One rule: the enforced pods, a peer condition, a port condition, and the verdict. */
static void rule(const struct emit *e, const struct pset *local, const char *peer, const char *port)
{
	if (!local->n)
		return;
	buf_adds(e->out, "\t\t");
	put_pset(e->out, e->ingress ? "daddr" : "saddr", e->m, local);
	buf_addf(e->out, "%s%s %s comment \"%s\"\n", peer, port, e->ingress ? "accept" : "return", e->comment);
}

static void pset_free(struct pset *s)
{
	free(s->i);
	s->i = NULL;
	s->n = 0;
}

struct pair {
	int port;
	size_t i;
};

static int pair_cmp(const void *a, const void *b)
{
	const struct pair *x = a, *y = b;
	if (x->port != y->port)
		return x->port < y->port ? -1 : 1;
	return x->i < y->i ? -1 : x->i > y->i;
}

/*
 * A named port means a number per destination pod: group the pods of among
 * by the number name has in them, and call back once per number.
 */
static void by_named_port(const struct model *m, const struct pset *among, const char *name, const char *proto,
			  void (*fn)(int port, const struct pset *pods, void *ctx), void *ctx)
{
	struct pair *v = xcalloc(among->n + 1, sizeof(*v));
	size_t n = 0;

	for (size_t k = 0; k < among->n; k++) {
		int port = named_port(&m->pods[among->i[k]], name, proto);
		if (port > 0 && port <= 65535)
			v[n++] = (struct pair){ port, among->i[k] };
	}
	qsort(v, n, sizeof(*v), pair_cmp);
	for (size_t a = 0; a < n;) {
		struct pset s = { 0 };
		size_t b = a;
		for (; b < n && v[b].port == v[a].port; b++)
			pset_add(&s, v[b].i);
		fn(v[a].port, &s, ctx);
		pset_free(&s);
		a = b;
	}
	free(v);
}

struct named_ctx {
	const struct emit *e;
	const struct pset *sel;
	const json_t *conds; /* peer conditions (strings) */
	const char *l4;
};

/* Ingress: the number picks the destination pods among the selected ones. */
static void named_ingress(int port, const struct pset *pods, void *ctx)
{
	struct named_ctx *c = ctx;
	char pc[64];
	size_t i;
	json_t *cond;

	snprintf(pc, sizeof(pc), " meta l4proto %s th dport %d", c->l4, port);
	json_array_foreach(c->conds, i, cond)
		rule(c->e, pods, json_string_value(cond), pc);
}

/* Egress: the number picks the peer pods that are destinations. */
static void named_egress(int port, const struct pset *pods, void *ctx)
{
	struct named_ctx *c = ctx;
	struct buf peer = BUF_INIT;
	char pc[64];

	snprintf(pc, sizeof(pc), " meta l4proto %s th dport %d", c->l4, port);
	buf_adds(&peer, " ");
	put_pset(&peer, "daddr", c->e->m, pods);
	rule(c->e, c->sel, peer.p, pc);
	buf_release(&peer);
}

/* An ipBlock as a condition on field: " ip saddr 10.0.0.0/8 ip saddr != { 10.1.0.0/16 }". */
static bool ipblock(const json_t *blk, const char *field, struct buf *b)
{
	const json_t *ex = json_object_get(blk, "except"), *x;
	size_t i, n = 0;

	buf_addf(b, " ip %s ", field);
	if (!cidr(str(blk, "cidr"), b))
		return false;
	json_array_foreach(ex, i, x) {
		struct buf one = BUF_INIT;
		if (cidr(json_string_value(x), &one)) {
			if (n++)
				buf_addf(b, ", %s", one.p);
			else
				buf_addf(b, " ip %s != { %s", field, one.p);
		}
		buf_release(&one);
	}
	if (n)
		buf_adds(b, " }");
	return true;
}

static const char *const L4[] = { "tcp", "udp", "sctp" };

/* One ingress or egress rule of a policy in namespace pns selecting sel. */
static void do_rule(const struct emit *e, const char *pns, const struct pset *sel, const json_t *r)
{
	const json_t *peers = json_object_get(r, e->ingress ? "from" : "to"), *ports = json_object_get(r, "ports");
	const char *pf = e->ingress ? "saddr" : "daddr";
	bool any = json_array_size(peers) == 0;
	struct pset pp = { 0 };
	json_t *conds, *peer, *port;
	size_t i;

	/* Malformed peers or ports (not lists) allow nothing rather than everything. */
	if ((peers && !json_is_null(peers) && !json_is_array(peers)) ||
	    (ports && !json_is_null(ports) && !json_is_array(ports)))
		return;
	conds = json_array();

	if (any)
		json_array_append_new(conds, json_string(""));
	json_array_foreach(peers, i, peer) {
		const json_t *blk = json_object_get(peer, "ipBlock");
		const json_t *ps = json_object_get(peer, "podSelector"), *nss = json_object_get(peer, "namespaceSelector");
		if (blk) {
			struct buf b = BUF_INIT;
			if (ipblock(blk, pf, &b))
				json_array_append_new(conds, json_string(b.p));
			buf_release(&b);
		} else if ((ps && !json_is_null(ps)) || (nss && !json_is_null(nss))) {
			select_pods(e->m, pns, json_is_null(ps) ? NULL : ps, json_is_null(nss) ? NULL : nss, false, &pp);
		}
	}
	pset_norm(&pp);
	if (pp.n) {
		struct buf b = BUF_INIT;
		buf_adds(&b, " ");
		put_pset(&b, pf, e->m, &pp);
		json_array_append_new(conds, json_string(b.p));
		buf_release(&b);
	}
	/* Numbered ports by protocol; a protocol without a port means all of its ports. */
	struct buf num[3] = { BUF_INIT, BUF_INIT, BUF_INIT };
	bool whole[3] = { false, false, false };
	json_array_foreach(ports, i, port) {
		const char *up, *p = l4(port, &up);
		int k = !p ? -1 : !strcmp(p, "tcp") ? 0 : !strcmp(p, "udp") ? 1 : 2;
		const json_t *pv = json_object_get(port, "port");
		if (k < 0)
			continue;
		if (!pv || json_is_null(pv)) {
			whole[k] = true;
		} else if (json_is_integer(pv)) {
			json_int_t lo = json_integer_value(pv), hi = json_integer_value(json_object_get(port, "endPort"));
			if (lo < 1 || lo > 65535)
				continue;
			buf_addf(&num[k], "%s%lld", num[k].len ? ", " : "", (long long)lo);
			if (hi > lo && hi <= 65535)
				buf_addf(&num[k], "-%lld", (long long)hi);
		} else if (json_is_string(pv)) {
			struct named_ctx c = { e, sel, conds, p };
			if (e->ingress) {
				by_named_port(e->m, sel, json_string_value(pv), up, named_ingress, &c);
			} else {
				/* To pods only: the peers (with no peers, every pod) that name the port. */
				struct pset all = { 0 };
				for (size_t q = 0; any && q < e->m->npods; q++)
					pset_add(&all, q);
				by_named_port(e->m, any ? &all : &pp, json_string_value(pv), up, named_egress, &c);
				pset_free(&all);
			}
		}
	}
	json_t *cond;
	json_array_foreach(conds, i, cond) {
		const char *pc = json_string_value(cond);
		if (!json_array_size(ports))
			rule(e, sel, pc, "");
		for (int k = 0; k < 3; k++) {
			char head[48];
			snprintf(head, sizeof(head), " meta l4proto %s", L4[k]);
			if (whole[k]) {
				rule(e, sel, pc, head);
			} else if (num[k].len) {
				bool set = strchr(num[k].p, ',') != NULL;
				_cleanup_free_ char *pt = xasprintf("%s th dport %s%s%s", head, set ? "{ " : "", num[k].p,
								    set ? " }" : "");
				rule(e, sel, pc, pt);
			}
		}
	}
	for (int k = 0; k < 3; k++)
		buf_release(&num[k]);
	pset_free(&pp);
	json_decref(conds);
}

static int policy_cmp(const void *a, const void *b)
{
	const json_t *x = json_object_get(*(json_t *const *)a, "metadata");
	const json_t *y = json_object_get(*(json_t *const *)b, "metadata");
	const char *xn = str(x, "namespace"), *yn = str(y, "namespace");
	int c = strcmp(xn ? xn : "", yn ? yn : "");
	if (c)
		return c;
	xn = str(x, "name");
	yn = str(y, "name");
	return strcmp(xn ? xn : "", yn ? yn : "");
}

static bool has_type(const json_t *spec, const char *type)
{
	const json_t *types = json_object_get(spec, "policyTypes"), *t;
	size_t i;

	if (!json_array_size(types)) /* the API's default */
		return !strcmp(type, "Ingress") || json_array_size(json_object_get(spec, "egress")) > 0;
	json_array_foreach(types, i, t)
		if (json_string_value(t) && !strcmp(json_string_value(t), type))
			return true;
	return false;
}

static void jump(struct buf *b, const char *field, const struct model *m, const struct pset *s, const char *chain)
{
	if (!s->n)
		return;
	buf_adds(b, "\t\t");
	put_pset(b, field, m, s);
	buf_addf(b, " jump %s\n", chain);
}

char *policy_compile(const json_t *in, struct atoll_err *err)
{
	if (!json_is_object(in))
		return err_set(err, 422, "Invalid", "policy input: expected an object"), NULL;
	const json_t *pols = json_object_get(in, "networkPolicies");
	if ((pols && !json_is_array(pols)) || (json_object_get(in, "pods") && !json_is_array(json_object_get(in, "pods"))))
		return err_set(err, 422, "Invalid", "policy input: pods and networkPolicies must be arrays"), NULL;
	struct model m = { 0 };
	model_build(&m, in);
	size_t np = json_array_size(pols), i;
	const json_t **sorted = xcalloc(np + 1, sizeof(*sorted));
	for (i = 0; i < np; i++)
		sorted[i] = json_array_get(pols, i);
	qsort(sorted, np, sizeof(*sorted), policy_cmp);
	struct pset iso_in = { 0 }, iso_eg = { 0 };
	struct buf ing = BUF_INIT, egr = BUF_INIT, out = BUF_INIT;
	json_t *empty = json_object();
	for (i = 0; i < np; i++) {
		const json_t *md = json_object_get(sorted[i], "metadata"), *spec = json_object_get(sorted[i], "spec");
		const char *ns = str(md, "namespace"), *name = str(md, "name");
		const json_t *podsel = json_object_get(spec, "podSelector"), *r;
		struct pset sel = { 0 };
		size_t k;
		if (!ns || !name)
			continue;
		select_pods(&m, ns, podsel ? podsel : empty, NULL, true, &sel);
		for (int dir = 0; dir < 2 && sel.n; dir++) {
			bool in_ = dir == 0;
			if (!has_type(spec, in_ ? "Ingress" : "Egress"))
				continue;
			struct pset *iso = in_ ? &iso_in : &iso_eg;
			for (k = 0; k < sel.n; k++)
				pset_add(iso, sel.i[k]);
			json_array_foreach(json_object_get(spec, in_ ? "ingress" : "egress"), k, r) {
				char comment[160];
				snprintf(comment, sizeof(comment), "%.60s/%.60s %s[%zu]", ns, name, in_ ? "ingress" : "egress", k);
				struct emit e = { in_ ? &ing : &egr, &m, in_, comment };
				do_rule(&e, ns, &sel, r);
			}
		}
		pset_free(&sel);
	}
	pset_norm(&iso_in);
	pset_norm(&iso_eg);
	buf_addf(&out, "table inet %s\ndelete table inet %s\ntable inet %s {\n", POLICY_TABLE, POLICY_TABLE, POLICY_TABLE);
	buf_adds(&out, "\tchain forward {\n\t\ttype filter hook forward priority filter; policy accept;\n"
		       "\t\tct state established,related accept\n");
	jump(&out, "saddr", &m, &iso_eg, "egress");
	jump(&out, "daddr", &m, &iso_in, "ingress");
	/* Pods talking to the node itself (the cluster DNS among others) pass their egress rules too. */
	buf_adds(&out, "\t}\n\tchain input {\n\t\ttype filter hook input priority filter; policy accept;\n"
		       "\t\tct state established,related accept\n");
	jump(&out, "saddr", &m, &iso_eg, "egress");
	buf_addf(&out, "\t}\n\tchain egress {\n%s\t\tcounter drop\n\t}\n", egr.p);
	buf_addf(&out, "\tchain ingress {\n%s\t\tcounter drop\n\t}\n}\n", ing.p);
	policy_antispoof(&out, json_object_get(in, "pods"), str(in, "node"));
	pset_free(&iso_in);
	pset_free(&iso_eg);
	buf_release(&ing);
	buf_release(&egr);
	json_decref(empty);
	json_decref(m.ns_owned);
	free(m.pods);
	free(sorted);
	return buf_detach(&out, NULL);
}
