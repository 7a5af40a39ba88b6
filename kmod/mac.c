// SPDX-License-Identifier: GPL-2.0
/*
 * ViNe router: message authentication and replay protection.
 *
 * MAC of the bytes "ViNe header with mac[] zeroed || packet", with the
 * pairwise key: HMAC-SHA-256 truncated to 128 bits, keyed BLAKE2s-128, or
 * the ChaCha20-Poly1305 tag (RFC 8439) with those bytes as additional data
 * and nothing to encrypt, nonce src_vr || counter. Compared in constant
 * time by the caller.
 * Documentation/wire-format.rst has test vectors.
 */
#include <crypto/chacha20poly1305.h>
#include <crypto/hash.h>
#include <crypto/poly1305.h>
#include <crypto/sha2.h>
#include <linux/skbuff.h>

#include "vine.h"

struct vine_key *vine_key_alloc(const u8 *raw)
{
	struct vine_key *key;
	unsigned int i;
	int err;

	key = kzalloc(sizeof(*key), GFP_KERNEL);
	if (!key)
		return ERR_PTR(-ENOMEM);
	key->tfm = crypto_alloc_shash("hmac(sha256)", 0, 0);
	if (IS_ERR(key->tfm)) {
		err = PTR_ERR(key->tfm);
		goto err_free;
	}
	err = crypto_shash_setkey(key->tfm, raw, VINE_KEY_LEN);
	if (err)
		goto err_tfm;
	blake2s_init_key(&key->b2s, VINE_MAC_LEN, raw, VINE_KEY_LEN);
	for (i = 0; i < ARRAY_SIZE(key->chacha); i++)
		key->chacha[i] = get_unaligned_le32(raw + 4 * i);
	memcpy(key->raw, raw, VINE_KEY_LEN);
	return key;

err_tfm:
	crypto_free_shash(key->tfm);
err_free:
	kfree(key);
	return ERR_PTR(err);
}

/* Free @key now: no reader can hold it. */
void vine_key_destroy(struct vine_key *key)
{
	crypto_free_shash(key->tfm);
	kfree_sensitive(key);
}

static void vine_key_free_work(struct work_struct *work)
{
	vine_key_destroy(container_of(to_rcu_work(work), struct vine_key,
				      rwork));
}

/* Free after every reader that might hold @key is gone. */
void vine_key_free(struct vine_key *key)
{
	INIT_RCU_WORK(&key->rwork, vine_key_free_work);
	queue_rcu_work(vine_wq, &key->rwork);
}

/*
 * Feed @fn the bytes the MAC covers, of the ViNe packet at @hdr_off in
 * @skb: the header with its mac[] taken as zero, then everything after
 * the header to the end of @skb, fragments included.
 */
static int vine_mac_feed(struct sk_buff *skb, unsigned int hdr_off,
			 int (*fn)(void *ctx, const u8 *data, unsigned int n),
			 void *ctx)
{
	static const u8 zero[VINE_MAC_LEN];
	struct skb_seq_state st;
	unsigned int n, done = 0;
	const u8 *data;
	int err;

	err = fn(ctx, skb->data + hdr_off, offsetof(struct vinehdr, mac)) ?:
	      fn(ctx, zero, VINE_MAC_LEN);
	if (err)
		return err;
	skb_prepare_seq_read(skb, hdr_off + sizeof(struct vinehdr), skb->len,
			     &st);
	while ((n = skb_seq_read(done, &data, &st)) != 0) {
		err = fn(ctx, data, n);
		if (err)
			break;
		done += n;
	}
	skb_abort_seq_read(&st);
	return err;
}

static int vine_hmac_update(void *desc, const u8 *data, unsigned int n)
{
	return crypto_shash_update(desc, data, n);
}

static int vine_poly1305_update(void *desc, const u8 *data, unsigned int n)
{
	poly1305_update(desc, data, n);
	return 0;
}

static int vine_b2s_update(void *state, const u8 *data, unsigned int n)
{
	blake2s_update(state, data, n);
	return 0;
}

static int vine_hmac(const struct vine_key *key, struct sk_buff *skb,
		     unsigned int hdr_off, u8 *mac)
{
	SHASH_DESC_ON_STACK(desc, key->tfm);
	u8 digest[SHA256_DIGEST_SIZE];
	int err;

	desc->tfm = key->tfm;
	err = crypto_shash_init(desc) ?:
	      vine_mac_feed(skb, hdr_off, vine_hmac_update, desc) ?:
	      crypto_shash_final(desc, digest);
	shash_desc_zero(desc);
	if (!err)
		memcpy(mac, digest, VINE_MAC_LEN);
	memzero_explicit(digest, sizeof(digest));
	return err;
}

static void vine_b2s(const struct vine_key *key, struct sk_buff *skb,
		     unsigned int hdr_off, u8 *mac)
{
	struct blake2s_state st = key->b2s;

	vine_mac_feed(skb, hdr_off, vine_b2s_update, &st);
	blake2s_final(&st, mac);	/* also wipes st */
}

/* The one-time Poly1305 key: ChaCha20 block 0 for nonce src_vr || counter. */
static void vine_poly1305(const struct vine_key *key, struct sk_buff *skb,
			  unsigned int hdr_off, u8 *mac)
{
	const struct vinehdr *vh = (void *)(skb->data + hdr_off);
	static const u8 pad[POLY1305_BLOCK_SIZE];
	u32 state[CHACHA_STATE_WORDS];
	struct poly1305_desc_ctx desc;
	u8 iv[CHACHA_IV_SIZE] = { };	/* block counter 0, then the nonce */
	u8 block[CHACHA_BLOCK_SIZE];
	unsigned int len = skb->len - hdr_off;
	__le64 lens[2];

	memcpy(iv + 4, &vh->src_vr, sizeof(vh->src_vr));
	memcpy(iv + 8, &vh->counter, sizeof(vh->counter));
	chacha_init_generic(state, key->chacha, iv);
	chacha20_block(state, block);
	poly1305_init(&desc, block);

	vine_mac_feed(skb, hdr_off, vine_poly1305_update, &desc);
	poly1305_update(&desc, pad, -len & (POLY1305_BLOCK_SIZE - 1));
	lens[0] = cpu_to_le64(len);
	lens[1] = 0;		/* nothing encrypted */
	poly1305_update(&desc, (const u8 *)lens, sizeof(lens));
	poly1305_final(&desc, mac);

	memzero_explicit(state, sizeof(state));
	memzero_explicit(block, sizeof(block));
}

/*
 * The additional data of an encrypted packet, its header with mac[]
 * zero; and the scatterlist of what follows the header in @skb, with
 * room for the tag after it (added to @skb here). Number of entries,
 * or < 0.
 */
static int vine_aead_prep(struct sk_buff *skb, unsigned int hdr_off,
			  u8 ad[sizeof(struct vinehdr)],
			  struct scatterlist *sg, unsigned int nsg)
{
	unsigned int off = hdr_off + sizeof(struct vinehdr);
	unsigned int len = skb->len - off;
	struct sk_buff *trailer;
	int n;

	n = skb_cow_data(skb, VINE_MAC_LEN, &trailer);
	if (n < 0 || n > nsg)
		return -ENOMEM;
	memcpy(ad, skb->data + hdr_off, offsetof(struct vinehdr, mac));
	memset(ad + offsetof(struct vinehdr, mac), 0, VINE_MAC_LEN);
	pskb_put(skb, trailer, VINE_MAC_LEN);
	sg_init_table(sg, n);
	n = skb_to_sgvec(skb, sg, off, len + VINE_MAC_LEN);
	return n > 0 ? n : -ENOMEM;
}

/*
 * Encrypt what follows the header at @hdr_off in place; the tag goes to
 * the header's mac[]. The header may move: callers read it again.
 */
static int vine_seal(const struct vine_key *key, struct sk_buff *skb,
		     unsigned int hdr_off)
{
	struct scatterlist sg[MAX_SKB_FRAGS + 8];
	u8 ad[sizeof(struct vinehdr)];
	struct vinehdr *vh;
	unsigned int len;
	bool ok;

	if (vine_aead_prep(skb, hdr_off, ad, sg, ARRAY_SIZE(sg)) < 0)
		return -ENOMEM;
	len = skb->len - hdr_off - sizeof(*vh) - VINE_MAC_LEN;
	vh = (void *)ad;
	ok = chacha20poly1305_encrypt_sg_inplace(sg, len, ad, sizeof(ad),
						 be64_to_cpu(vh->counter),
						 key->raw);
	vh = (void *)(skb->data + hdr_off);
	if (ok)
		ok = !skb_copy_bits(skb, skb->len - VINE_MAC_LEN, vh->mac,
				    VINE_MAC_LEN);
	return pskb_trim(skb, skb->len - VINE_MAC_LEN) || !ok ? -EINVAL : 0;
}

/*
 * Decrypt in place what follows the ViNe header at @skb->data, if its
 * tag (in mac[]) verifies; false if not. The header may move.
 */
bool vine_unseal(const struct vine_key *key, struct sk_buff *skb)
{
	struct scatterlist sg[MAX_SKB_FRAGS + 8];
	u8 ad[sizeof(struct vinehdr)];
	const struct vinehdr *vh;
	unsigned int len;
	bool ok;

	if (vine_aead_prep(skb, 0, ad, sg, ARRAY_SIZE(sg)) < 0)
		return false;
	vh = (void *)skb->data;
	len = skb->len - sizeof(*vh);
	if (skb_store_bits(skb, len + sizeof(*vh) - VINE_MAC_LEN, vh->mac,
			   VINE_MAC_LEN))
		ok = false;
	else
		ok = chacha20poly1305_decrypt_sg_inplace(sg, len, ad,
							 sizeof(ad),
							 be64_to_cpu(vh->counter),
							 key->raw);
	return !pskb_trim(skb, skb->len - VINE_MAC_LEN) && ok;
}

/*
 * The MAC (@mode: enum vine_mac_mode, not none) of the ViNe packet
 * starting at @hdr_off in @skb: the header with its mac[] taken as zero,
 * then everything after the header, to the end of @skb. A header with
 * VINE_F_ENCRYPTED: what follows it is encrypted in place instead, and
 * the tag written to its mac[] (@mode and @mac unused; the header may
 * move).
 */
int vine_mac(const struct vine_key *key, u8 mode, struct sk_buff *skb,
	     unsigned int hdr_off, u8 *mac)
{
	const struct vinehdr *vh = (void *)(skb->data + hdr_off);

	if (vh->flags & VINE_F_ENCRYPTED)
		return vine_seal(key, skb, hdr_off);
	switch (mode) {
	case VINE_MAC_BLAKE2S:
		vine_b2s(key, skb, hdr_off, mac);
		return 0;
	case VINE_MAC_POLY1305:
		vine_poly1305(key, skb, hdr_off, mac);
		return 0;
	default:
		return vine_hmac(key, skb, hdr_off, mac);
	}
}

/*
 * True the first time @counter is seen within the window; false for a
 * repeat or a counter older than the window. Call only for packets whose
 * MAC was verified.
 */
bool vine_replay_check(struct vine_replay *r, u64 counter)
{
	unsigned long index, index_top, i, n;
	bool fresh = false;

	spin_lock_bh(&r->lock);
	if (counter > U64_MAX - VINE_REPLAY_WINDOW ||
	    counter + VINE_REPLAY_WINDOW <= r->top)
		goto out;
	index = counter / BITS_PER_LONG;
	if (counter > r->top) {
		index_top = r->top / BITS_PER_LONG;
		n = min_t(u64, index - index_top, VINE_REPLAY_LONGS);
		for (i = 1; i <= n; i++)
			r->bitmap[(i + index_top) % VINE_REPLAY_LONGS] = 0;
		r->top = counter;
	}
	fresh = !test_and_set_bit(counter % BITS_PER_LONG,
				  &r->bitmap[index % VINE_REPLAY_LONGS]);
out:
	spin_unlock_bh(&r->lock);
	return fresh;
}

void vine_replay_reset(struct vine_replay *r)
{
	spin_lock_bh(&r->lock);
	r->top = 0;
	memset(r->bitmap, 0, sizeof(r->bitmap));
	spin_unlock_bh(&r->lock);
}
