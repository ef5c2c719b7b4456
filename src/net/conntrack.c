/* SPDX-License-Identifier: Apache-2.0 */
/* Dumping and deleting UDP conntrack entries over ctnetlink (libmnl). */
#include <arpa/inet.h>
#include <errno.h>
#include <libmnl/libmnl.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nfnetlink_conntrack.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lib/xalloc.h"
#include "net/conntrack.h"
#include "net/nl.h"

#define MAX_STALE 4096 /* per call; the next sync takes the rest */

struct dump {
	bool (*stale)(const struct net_ct_flow *f, void *ctx);
	void *ctx;
	struct net_ct_flow *v;
	size_t n;
};

static int attr_cb(const struct nlattr *a, void *data)
{
	const struct nlattr **tb = data;
	int type = mnl_attr_get_type(a);

	if (type <= CTA_MAX)
		tb[type] = a;
	return MNL_CB_OK;
}

/* A tuple: addresses and ports (host order) and protocol. 0, or -1 when incomplete. */
static int tuple(const struct nlattr *nest, uint32_t *src, uint32_t *dst, uint16_t *sport, uint16_t *dport,
		 uint8_t *proto)
{
	const struct nlattr *tb[CTA_MAX + 1] = { 0 }, *ip[CTA_MAX + 1] = { 0 }, *pr[CTA_MAX + 1] = { 0 };

	if (!nest || mnl_attr_parse_nested(nest, attr_cb, tb) < 0 || !tb[CTA_TUPLE_IP] || !tb[CTA_TUPLE_PROTO])
		return -1;
	if (mnl_attr_parse_nested(tb[CTA_TUPLE_IP], attr_cb, ip) < 0 ||
	    mnl_attr_parse_nested(tb[CTA_TUPLE_PROTO], attr_cb, pr) < 0)
		return -1;
	if (!ip[CTA_IP_V4_SRC] || !ip[CTA_IP_V4_DST] || !pr[CTA_PROTO_NUM])
		return -1;
	*src = ntohl(mnl_attr_get_u32(ip[CTA_IP_V4_SRC]));
	*dst = ntohl(mnl_attr_get_u32(ip[CTA_IP_V4_DST]));
	*proto = mnl_attr_get_u8(pr[CTA_PROTO_NUM]);
	*sport = pr[CTA_PROTO_SRC_PORT] ? ntohs(mnl_attr_get_u16(pr[CTA_PROTO_SRC_PORT])) : 0;
	*dport = pr[CTA_PROTO_DST_PORT] ? ntohs(mnl_attr_get_u16(pr[CTA_PROTO_DST_PORT])) : 0;
	return 0;
}

static int ct_cb(const struct nlmsghdr *nlh, void *data)
{
	struct dump *d = data;
	const struct nlattr *tb[CTA_MAX + 1] = { 0 };
	struct net_ct_flow f;
	uint32_t rdst;
	uint16_t rdport;
	uint8_t proto, rproto;

	mnl_attr_parse(nlh, sizeof(struct nfgenmsg), attr_cb, tb);
	if (tuple(tb[CTA_TUPLE_ORIG], &f.src, &f.dst, &f.sport, &f.dport, &proto) < 0 ||
	    tuple(tb[CTA_TUPLE_REPLY], &f.rsrc, &rdst, &f.rsport, &rdport, &rproto) < 0 || proto != IPPROTO_UDP)
		return MNL_CB_OK;
	if (d->n < MAX_STALE && d->stale(&f, d->ctx))
		d->v[d->n++] = f;
	return MNL_CB_OK;
}

static struct nlmsghdr *ct_msg(char *buf, uint8_t type, uint16_t flags, unsigned seq)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct nfgenmsg *nf;

	nlh->nlmsg_type = (NFNL_SUBSYS_CTNETLINK << 8) | type;
	nlh->nlmsg_flags = NLM_F_REQUEST | flags;
	nlh->nlmsg_seq = seq;
	nf = mnl_nlmsg_put_extra_header(nlh, sizeof(*nf));
	nf->nfgen_family = AF_INET;
	nf->version = NFNETLINK_V0;
	nf->res_id = 0;
	return nlh;
}

static void put_tuple(struct nlmsghdr *nlh, const struct net_ct_flow *f)
{
	struct nlattr *t = mnl_attr_nest_start(nlh, CTA_TUPLE_ORIG);
	struct nlattr *ip = mnl_attr_nest_start(nlh, CTA_TUPLE_IP);
	mnl_attr_put_u32(nlh, CTA_IP_V4_SRC, htonl(f->src));
	mnl_attr_put_u32(nlh, CTA_IP_V4_DST, htonl(f->dst));
	mnl_attr_nest_end(nlh, ip);
	struct nlattr *pr = mnl_attr_nest_start(nlh, CTA_TUPLE_PROTO);
	mnl_attr_put_u8(nlh, CTA_PROTO_NUM, IPPROTO_UDP);
	mnl_attr_put_u16(nlh, CTA_PROTO_SRC_PORT, htons(f->sport));
	mnl_attr_put_u16(nlh, CTA_PROTO_DST_PORT, htons(f->dport));
	mnl_attr_nest_end(nlh, pr);
	mnl_attr_nest_end(nlh, t);
}

int net_ct_flush_udp(bool (*stale)(const struct net_ct_flow *f, void *ctx), void *ctx)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct mnl_socket *nl = mnl_socket_open2(NETLINK_NETFILTER, SOCK_CLOEXEC);
	struct dump d = { stale, ctx, NULL, 0 };
	unsigned seq = (unsigned)time(NULL);
	int rc, deleted = 0;

	if (!nl)
		return -errno;
	if (mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		rc = -errno;
		mnl_socket_close(nl);
		return rc;
	}
	d.v = xcalloc(MAX_STALE, sizeof(*d.v));
	/* Collect first: deleting while the dump is being read would disturb it. */
	rc = nl_talk(nl, ct_msg(buf, IPCTNL_MSG_CT_GET, NLM_F_DUMP, seq++), ct_cb, &d);
	for (size_t i = 0; rc == 0 && i < d.n; i++) {
		struct nlmsghdr *nlh = ct_msg(buf, IPCTNL_MSG_CT_DELETE, NLM_F_ACK, seq++);
		put_tuple(nlh, &d.v[i]);
		int r = nl_talk(nl, nlh, NULL, NULL);
		if (r == 0)
			deleted++;
		else if (r != -ENOENT)
			rc = r;
	}
	free(d.v);
	mnl_socket_close(nl);
	return rc < 0 ? rc : deleted;
}
