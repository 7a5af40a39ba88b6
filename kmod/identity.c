// SPDX-License-Identifier: GPL-2.0
/*
 * ViNe router: the VR's own X25519 key pair, the identity its peers know
 * it by (issue 16). Set over netlink; the private key never leaves the
 * kernel, and is wiped when replaced or when the namespace goes.
 *
 * Owner: the VR, under vr->lock; readers (the handshake) use RCU. A key
 * pair is made whole first (vine_identity_new()), published in one step
 * (vine_identity_publish()) and freed a grace period after its
 * replacement.
 */
#include <crypto/algapi.h>
#include <linux/slab.h>
#include <net/genetlink.h>

#include "vine.h"

/**
 * vine_identity_new - the key pair of private key @priv, unpublished
 * @priv: VINE_KEY_LEN bytes, clamped here as X25519 does
 * @extack: why it is refused
 *
 * Return: the key pair, or an ERR_PTR(): -EINVAL for all zeros (no key
 * at all), -ENOMEM.
 */
struct vine_identity *vine_identity_new(const u8 *priv,
					struct netlink_ext_ack *extack)
{
	struct vine_identity *id;

	if (!memchr_inv(priv, 0, VINE_KEY_LEN)) {
		NL_SET_ERR_MSG(extack, "a private key of all zeros");
		return ERR_PTR(-EINVAL);
	}
	id = kzalloc(sizeof(*id), GFP_KERNEL);
	if (!id)
		return ERR_PTR(-ENOMEM);
	memcpy(id->s.priv, priv, VINE_KEY_LEN);
	curve25519_clamp_secret(id->s.priv);
	if (!curve25519_generate_public(id->s.pub, id->s.priv)) {
		kfree_sensitive(id);
		NL_SET_ERR_MSG(extack, "not a usable private key");
		return ERR_PTR(-EINVAL);
	}
	vine_hs_keys(id->mac1_key, id->cookie_key, id->s.pub);
	return id;
}

static void vine_identity_free_rcu(struct rcu_head *head)
{
	kfree_sensitive(container_of(head, struct vine_identity, rcu));
}

/*
 * Make @id the VR's key pair; the one it replaces goes after readers.
 * Sessions made with another one end (as WireGuard's do): the next
 * packet to each peer known by public key asks for a handshake, in which
 * the peer must know the new public key.
 */
void vine_identity_publish(struct vine_router *vr, struct vine_identity *id)
{
	struct vine_identity *old;
	struct vine_peer *p;
	unsigned long i;

	old = rcu_replace_pointer(vr->identity, id, lockdep_is_held(&vr->lock));
	if (!old)
		return;
	if (crypto_memneq(old->s.priv, id->s.priv, VINE_KEY_LEN))
		xa_for_each(&vr->peers, i, p)
			if (rcu_access_pointer(p->remote))
				vine_sessions_reset(vr, p);
	call_rcu(&old->rcu, vine_identity_free_rcu);
}

/* The namespace goes: no reader is left (vine_net_exit()). */
void vine_identity_free(struct vine_router *vr)
{
	kfree_sensitive(rcu_dereference_protected(vr->identity, true));
}

/* VINE_A_PUBLIC_KEY, if the VR has a key pair. Under vr->lock. */
int vine_identity_put(struct sk_buff *msg, struct vine_router *vr)
{
	const struct vine_identity *id;

	id = rcu_dereference_protected(vr->identity, lockdep_is_held(&vr->lock));
	if (!id)
		return 0;
	return nla_put(msg, VINE_A_PUBLIC_KEY, VINE_KEY_LEN, id->s.pub);
}
