// SPDX-License-Identifier: GPL-2.0
/*
 * ViNe router selftest: the ViNe header (include/uapi/linux/vine.h) and
 * its MAC (mac.c), against the test vector of
 * Documentation/wire-format.rst: key 00..1f, the header of a forward
 * packet from VR 10.0.0.1 to VR 10.0.0.2 and a 28-byte ICMP echo request.
 * The MAC is computed over packets built as they reach vine_mac(): whole
 * in the linear area, behind outer headers with their MAC in place, and
 * cut across page fragments; then checked the receiver's way,
 * vine_verify(), with a peer whose key is set by vine_key_set().
 */
#include <linux/skbuff.h>
#include <linux/slab.h>

#include "../vine.h"
#include "selftest.h"

#define HDR_MAC_OFF	offsetof(struct vinehdr, mac)

/* The header's 28 bytes before mac: version 1, type 0, flags 1, size 72,
 * counter 1, vnid 1, src_vr 10.0.0.1, dst_vr 10.0.0.2.
 */
static const u8 vec_hdr[HDR_MAC_OFF] __initconst = {
	0x01, 0x00, 0x01, 0x00, 0x00, 0x48, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01,
	0x00, 0x00, 0x00, 0x01, 0x0a, 0x00, 0x00, 0x01,
	0x0a, 0x00, 0x00, 0x02,
};

/* ICMP echo request 172.16.1.10 -> 172.16.2.10, id 0x1234, seq 1. */
static const u8 vec_inner[28] __initconst = {
	0x45, 0x00, 0x00, 0x1c, 0x00, 0x00, 0x40, 0x00,
	0x40, 0x01, 0xdf, 0xac, 0xac, 0x10, 0x01, 0x0a,
	0xac, 0x10, 0x02, 0x0a, 0x08, 0x00, 0xe5, 0xca,
	0x12, 0x34, 0x00, 0x01,
};

struct hdr_vec_mac {
	u8 mode;
	const char *name;
	u8 mac[VINE_MAC_LEN];
};

static const struct hdr_vec_mac vec_macs[] __initconst = {
	{ VINE_MAC_HMAC_SHA256, "hmac-sha256", {
		0x22, 0x9a, 0xca, 0x14, 0x0d, 0xa4, 0xde, 0xa5,
		0xd9, 0x0c, 0x0a, 0x15, 0x4e, 0xcf, 0x78, 0x88 } },
	{ VINE_MAC_POLY1305, "poly1305", {
		0xfa, 0xa7, 0xfa, 0x25, 0xed, 0x86, 0xa0, 0x58,
		0x5f, 0x7b, 0x7a, 0xdb, 0x11, 0x35, 0x46, 0xec } },
	{ VINE_MAC_BLAKE2S, "blake2s", {
		0x29, 0xcf, 0x2c, 0x62, 0xdd, 0x23, 0x34, 0xee,
		0xa4, 0xc2, 0x10, 0x1e, 0x3a, 0x10, 0x2e, 0x3c } },
};

/*
 * The vector in a session, encrypted (flags 0x0d, reserved2 0x1234):
 * the tag, then the inner packet encrypted (wire-format.rst).
 */
static const u8 vec_sealed[VINE_MAC_LEN + 28] __initconst = {
	0x05, 0x63, 0x0f, 0xc4, 0x86, 0x62, 0x1b, 0x80,
	0xdb, 0x59, 0x96, 0x0d, 0x31, 0xbc, 0x20, 0x7e,
	0xda, 0x57, 0xf3, 0x43, 0xb5, 0x2a, 0xef, 0x18,
	0x69, 0xb7, 0x71, 0xf0, 0xfe, 0x85, 0x98, 0x8d,
	0x69, 0x6d, 0xe9, 0x04, 0x4f, 0x6b, 0x85, 0x67,
	0xd1, 0x50, 0xb5, 0x5a,
};

/*
 * The encrypted vector relayed to a queue VR (wire-format.rst): the
 * outer header's 28 bytes before mac (type 7, flags 0x05, size 116,
 * reserved2 0x5678, counter 2, vnid 0, 10.0.0.1 to 10.0.0.9) and its
 * HMAC-SHA-256 with the vector key, over it and the packet it carries.
 */
static const u8 vec_relay_hdr[HDR_MAC_OFF] __initconst = {
	0x01, 0x07, 0x05, 0x00, 0x00, 0x74, 0x56, 0x78,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02,
	0x00, 0x00, 0x00, 0x00, 0x0a, 0x00, 0x00, 0x01,
	0x0a, 0x00, 0x00, 0x09,
};

static const u8 vec_relay_mac[VINE_MAC_LEN] __initconst = {
	0x66, 0xfd, 0x3c, 0x49, 0x13, 0x41, 0x4e, 0x64,
	0x64, 0x7f, 0x55, 0x7d, 0x8d, 0x41, 0x07, 0x29,
};

#define VEC_LEN		(sizeof(struct vinehdr) + sizeof(vec_inner))
#define VEC_SRC_VR	0x0a000001
#define VEC_DST_VR	0x0a000002
#define OUTER_LEN	(sizeof(struct iphdr) + sizeof(struct udphdr))

static void __init hdr_layout(void)
{
	BUILD_BUG_ON(sizeof(struct vinehdr) != 44);
	BUILD_BUG_ON(offsetof(struct vinehdr, version) != 0);
	BUILD_BUG_ON(offsetof(struct vinehdr, type) != 1);
	BUILD_BUG_ON(offsetof(struct vinehdr, flags) != 2);
	BUILD_BUG_ON(offsetof(struct vinehdr, reserved) != 3);
	BUILD_BUG_ON(offsetof(struct vinehdr, size) != 4);
	BUILD_BUG_ON(offsetof(struct vinehdr, reserved2) != 6);
	BUILD_BUG_ON(offsetof(struct vinehdr, counter) != 8);
	BUILD_BUG_ON(offsetof(struct vinehdr, vnid) != 16);
	BUILD_BUG_ON(offsetof(struct vinehdr, src_vr) != 20);
	BUILD_BUG_ON(offsetof(struct vinehdr, dst_vr) != 24);
	BUILD_BUG_ON(offsetof(struct vinehdr, mac) != 28);
	BUILD_BUG_ON(sizeof(struct vine_chan_body) != 4);
	BUILD_BUG_ON(VINE_OVERHEAD != 72);
}

/* The vector's header, filled in field by field as send.c does. */
static void __init hdr_encode(struct vinehdr *vh)
{
	memset(vh, 0, sizeof(*vh));
	vh->version = VINE_WIRE_VERSION;
	vh->type = VINE_PKT_FORWARD;
	vh->flags = VINE_F_MAC;
	vh->size = htons(VEC_LEN);
	vh->counter = cpu_to_be64(1);
	vh->vnid = htonl(1);
	vh->src_vr = htonl(VEC_SRC_VR);
	vh->dst_vr = htonl(VEC_DST_VR);
}

static void __init hdr_decode(struct vine_test *t, const u8 *mac)
{
	u8 buf[sizeof(struct vinehdr)];
	const struct vinehdr *vh = (void *)buf;

	memcpy(buf, vec_hdr, sizeof(vec_hdr));
	memcpy(buf + HDR_MAC_OFF, mac, VINE_MAC_LEN);
	vine_test(t, vh->version == 1 && vh->type == VINE_PKT_FORWARD &&
		  vh->flags == VINE_F_MAC && !vh->reserved &&
		  ntohs(vh->size) == 72 && !vh->reserved2 &&
		  be64_to_cpu(vh->counter) == 1 && ntohl(vh->vnid) == 1 &&
		  ntohl(vh->src_vr) == VEC_SRC_VR &&
		  ntohl(vh->dst_vr) == VEC_DST_VR &&
		  !memcmp(vh->mac, mac, VINE_MAC_LEN),
		  "decode: version 1, forward, flags mac, size 72, counter 1, vnid 1, 10.0.0.1 to 10.0.0.2, mac");
}

/*
 * The vector as a packet: @off bytes of outer headers, then the header
 * with @mac (NULL: zeros) and the inner packet; with @paged, all but the
 * first 3 inner bytes in two fragments of a page.
 */
static struct sk_buff * __init hdr_skb(unsigned int off, const u8 *mac,
				       bool paged)
{
	unsigned int lin = paged ? 3 : sizeof(vec_inner);
	struct sk_buff *skb;
	struct vinehdr *vh;
	struct page *page;

	skb = alloc_skb(off + VEC_LEN, GFP_KERNEL);
	if (!skb)
		return NULL;
	memset(skb_put(skb, off), 0xee, off);
	vh = skb_put(skb, sizeof(*vh));
	hdr_encode(vh);
	if (mac)
		memcpy(vh->mac, mac, VINE_MAC_LEN);
	skb_put_data(skb, vec_inner, lin);
	if (!paged)
		return skb;

	page = alloc_page(GFP_KERNEL);
	if (!page) {
		kfree_skb(skb);
		return NULL;
	}
	memcpy(page_address(page) + 100, vec_inner + 3, 10);
	memcpy(page_address(page) + 1000, vec_inner + 13, 15);
	skb_add_rx_frag(skb, 0, page, 100, 10, PAGE_SIZE / 2);
	get_page(page);
	skb_add_rx_frag(skb, 1, page, 1000, 15, PAGE_SIZE / 2);
	return skb;
}

/* vine_mac() of the vector in the shape hdr_skb() makes: @want or not. */
static void __init hdr_mac(struct vine_test *t, const struct vine_key *key,
			   unsigned int i, unsigned int off, bool paged,
			   unsigned int flip, const char *what)
{
	const u8 *want = vec_macs[i].mac;
	struct sk_buff *skb = hdr_skb(off, flip ? NULL : want, paged);
	u8 mac[VINE_MAC_LEN] = { };
	int err = -ENOMEM;

	if (skb) {
		if (flip)	/* a bit of the inner packet */
			*(skb->data + off + sizeof(struct vinehdr) + 1) ^= flip;
		err = vine_mac(key, vec_macs[i].mode, skb, off, mac);
		kfree_skb(skb);
	}
	vine_test(t, !err && !memcmp(mac, want, VINE_MAC_LEN) == !flip,
		  "%s, %s: %*phN (want %s%*phN)", vec_macs[i].name, what,
		  VINE_MAC_LEN, mac, flip ? "not " : "", VINE_MAC_LEN, want);
}

/*
 * The vector encrypted by vine_mac() (linear or @paged), as the wire
 * format says; then decrypted by vine_unseal(), or refused with a bit of
 * it flipped at @flip (offset after the header's first 28 bytes).
 */
static void __init hdr_seal(struct vine_test *t, const struct vine_key *key,
			    bool paged, int flip)
{
	struct sk_buff *skb = hdr_skb(0, NULL, paged);
	u8 got[sizeof(vec_sealed)] = { };
	bool sealed = false, opened = false;
	struct vinehdr *vh;

	if (!skb)
		goto out;
	vh = (void *)skb->data;
	vh->flags = VINE_F_MAC | VINE_F_SESSION | VINE_F_ENCRYPTED;
	vh->reserved2 = htons(0x1234);
	if (vine_mac(key, VINE_MAC_HMAC_SHA256, skb, 0, vh->mac) ||
	    skb->len != VEC_LEN ||
	    skb_copy_bits(skb, HDR_MAC_OFF, got, sizeof(got)))
		goto out;
	sealed = !memcmp(got, vec_sealed, sizeof(got));
	if (flip >= 0) {
		got[flip] ^= 1;
		if (skb_store_bits(skb, HDR_MAC_OFF, got, sizeof(got)))
			goto out;
	}
	opened = vine_unseal(key, skb) && skb->len == VEC_LEN &&
		 !skb_copy_bits(skb, sizeof(*vh), got, sizeof(vec_inner)) &&
		 !memcmp(got, vec_inner, sizeof(vec_inner));
out:
	kfree_skb(skb);
	vine_test(t, sealed && opened == (flip < 0),
		  "encrypted%s%s: sealed as the vector %d, opened %d",
		  paged ? ", in page fragments" : "",
		  flip < 0 ? "" : (flip < VINE_MAC_LEN ? ", tag bit flipped" :
				   ", ciphertext bit flipped"), sealed, opened);
}

/*
 * The relay vector: the encrypted vector (its header as send.c fills it,
 * its sealed bytes) behind the outer header, MACed by vine_mac().
 */
static void __init hdr_relay(struct vine_test *t, const struct vine_key *key)
{
	struct sk_buff *skb = alloc_skb(sizeof(struct vinehdr) + VEC_LEN,
					GFP_KERNEL);
	u8 mac[VINE_MAC_LEN] = { };
	struct vinehdr *vh, *in;
	int err = -ENOMEM;

	if (skb) {
		vh = skb_put_zero(skb, sizeof(*vh));
		memcpy(vh, vec_relay_hdr, sizeof(vec_relay_hdr));
		in = skb_put(skb, sizeof(*in));
		hdr_encode(in);
		in->flags = VINE_F_MAC | VINE_F_SESSION | VINE_F_ENCRYPTED;
		in->reserved2 = htons(0x1234);
		/* the tag in mac[], then the ciphertext */
		memcpy(in->mac, vec_sealed, VINE_MAC_LEN);
		skb_put_data(skb, vec_sealed + VINE_MAC_LEN,
			     sizeof(vec_sealed) - VINE_MAC_LEN);
		err = vine_mac(key, VINE_MAC_HMAC_SHA256, skb, 0, mac);
		kfree_skb(skb);
	}
	vine_test(t, !err && !memcmp(mac, vec_relay_mac, VINE_MAC_LEN),
		  "relay of the encrypted vector: %*phN", VINE_MAC_LEN, mac);
}

/* vine_verify() of the vector with @mac and @flags, in @mode. */
static void __init hdr_verify(struct vine_test *t, struct vine_router *vr,
			      struct vine_peer *p, unsigned int i, u8 mode,
			      const u8 *mac, u8 flags, enum vine_drop want,
			      const char *what)
{
	struct sk_buff *skb = hdr_skb(0, mac, false);
	enum vine_drop got = VINE_DROP_TX_ERROR;
	struct vine_cfg cfg = { .mac_mode = mode };

	if (skb) {
		((struct vinehdr *)skb->data)->flags = flags;
		rcu_read_lock();
		got = vine_verify(vr, p, &cfg, skb);
		rcu_read_unlock();
		kfree_skb(skb);
	}
	vine_test(t, got == want, "verify %s, %s: drop reason %d (want %d)",
		  mode == VINE_MAC_NONE ? "none" : vec_macs[i].name, what, got,
		  want);
}

void __init vine_test_hdr(struct vine_test *t)
{
	const unsigned int n = ARRAY_SIZE(vec_macs);
	u8 key_raw[VINE_KEY_LEN], bad[VINE_MAC_LEN];
	const u8 *hmac = vec_macs[0].mac;
	struct vine_key *key;
	struct vinehdr vh;
	struct vine_router *vr;
	struct vine_peer *p;
	unsigned int i;
	int err;

	hdr_layout();
	hdr_encode(&vh);
	vine_test(t, !memcmp(&vh, vec_hdr, sizeof(vec_hdr)) &&
		  !memchr_inv(vh.mac, 0, VINE_MAC_LEN),
		  "encode: %*phN", (int)sizeof(vec_hdr), &vh);
	hdr_decode(t, hmac);

	vr = vine_test_router();
	if (!vine_test(t, vr, "tables set up"))
		return;
	for (i = 0; i < VINE_KEY_LEN; i++)
		key_raw[i] = i;
	key = vine_key_alloc(key_raw);
	if (!vine_test(t, !IS_ERR(key), "key 00..1f set up"))
		goto out;
	for (i = 0; i < n; i++) {
		hdr_mac(t, key, i, 0, false, 0, "linear");
		hdr_mac(t, key, i, OUTER_LEN, false, 0,
			"behind outer headers, MAC in place");
		hdr_mac(t, key, i, OUTER_LEN, true, 0,
			"behind outer headers, in page fragments");
		hdr_mac(t, key, i, 0, false, 0x80, "an inner bit flipped");
	}
	hdr_seal(t, key, false, -1);
	hdr_seal(t, key, true, -1);
	hdr_seal(t, key, false, 3);
	hdr_seal(t, key, true, VINE_MAC_LEN + 20);
	hdr_relay(t, key);
	vine_key_free(key);

	/* The receiver's check, with the key set as netlink sets it. */
	mutex_lock(&vr->lock);
	err = vine_key_set(vr, VEC_SRC_VR, key_raw, NULL, NULL);
	mutex_unlock(&vr->lock);
	p = xa_load(&vr->peers, VEC_SRC_VR);
	if (!vine_test(t, !err && p, "key of peer 10.0.0.1 set: %d", err))
		goto out;
	for (i = 0; i < n; i++) {
		u8 mode = vec_macs[i].mode;
		const u8 *mac = vec_macs[i].mac;

		memcpy(bad, mac, VINE_MAC_LEN);
		bad[VINE_MAC_LEN - 1] ^= 1;
		vine_replay_reset(&p->replay);
		hdr_verify(t, vr, p, i, mode, bad, VINE_F_MAC, VINE_DROP_BAD_MAC,
			   "last MAC bit flipped");
		hdr_verify(t, vr, p, i, mode, mac, VINE_F_MAC, VINE_DROP_UNSPEC,
			   "first");
		hdr_verify(t, vr, p, i, mode, mac, VINE_F_MAC, VINE_DROP_REPLAY,
			   "again");
		hdr_verify(t, vr, p, i, mode, vec_macs[(i + 1) % n].mac,
			   VINE_F_MAC, VINE_DROP_BAD_MAC,
			   vec_macs[(i + 1) % n].name);
	}
	vine_replay_reset(&p->replay);
	hdr_verify(t, vr, p, 0, VINE_MAC_HMAC_SHA256, hmac, 0, VINE_DROP_BAD_MAC,
		   "without the mac flag");
	hdr_verify(t, vr, p, 0, VINE_MAC_NONE, NULL, 0, VINE_DROP_UNSPEC,
		   "no MAC");
	hdr_verify(t, vr, NULL, 0, VINE_MAC_HMAC_SHA256, hmac, VINE_F_MAC,
		   VINE_DROP_UNKNOWN_PEER, "no key");
	hdr_verify(t, vr, p, 0, VINE_MAC_HMAC_SHA256, hmac, VINE_F_MAC,
		   VINE_DROP_UNSPEC, "first after those");
out:
	vine_test_router_free(vr);
}
