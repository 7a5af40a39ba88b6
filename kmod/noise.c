// SPDX-License-Identifier: GPL-2.0
/*
 * ViNe router: Noise_IKpsk2_25519_ChaChaPoly_BLAKE2s, the handshake of
 * WireGuard (its whitepaper, section 5.4) with an identifier of ViNe's
 * own, so that neither protocol's messages are ever taken for the
 * other's. selftests/vine_noise.py is the same, written apart in Python
 * and checked against WireGuard itself; kmod/selftest/noise.c checks
 * this file against its vector.
 *
 * Every function either completes its step or returns an error with the
 * state of no further use: the caller then clears it (vine_noise_clear())
 * and starts again. Secrets on the stack are wiped before returning.
 */
#include <linux/string.h>

#include "noise.h"

static const u8 vine_noise_construction[] =
	"Noise_IKpsk2_25519_ChaChaPoly_BLAKE2s";
static const u8 vine_noise_identifier[] = "ViNe v1 sessions";

/* @out = BLAKE2s(@a || @b). */
static void vine_hash2(u8 out[VINE_NOISE_HASH_LEN], const u8 *a, size_t alen,
		       const u8 *b, size_t blen)
{
	struct blake2s_state st;

	blake2s_init(&st, VINE_NOISE_HASH_LEN);
	blake2s_update(&st, a, alen);
	blake2s_update(&st, b, blen);
	blake2s_final(&st, out);
}

/* HMAC-BLAKE2s (RFC 2104) of @in under a key of at most a block. */
static void vine_hmac(u8 out[VINE_NOISE_HASH_LEN], const u8 *key, size_t klen,
		      const u8 *in, size_t inlen)
{
	u8 pad[BLAKE2S_BLOCK_SIZE] = { };
	u8 inner[VINE_NOISE_HASH_LEN];
	int i;

	memcpy(pad, key, klen);
	for (i = 0; i < BLAKE2S_BLOCK_SIZE; i++)
		pad[i] ^= 0x36;
	vine_hash2(inner, pad, sizeof(pad), in, inlen);
	for (i = 0; i < BLAKE2S_BLOCK_SIZE; i++)
		pad[i] ^= 0x36 ^ 0x5c;
	vine_hash2(out, pad, sizeof(pad), inner, sizeof(inner));
	memzero_explicit(pad, sizeof(pad));
	memzero_explicit(inner, sizeof(inner));
}

/*
 * HKDF with HMAC-BLAKE2s, as Noise has it: the new chaining key in @ck,
 * then @n - 1 more keys in @out (n is 1 to 3).
 */
static void vine_kdf(u8 ck[VINE_NOISE_HASH_LEN], u8 (*out)[VINE_NOISE_HASH_LEN],
		     int n, const u8 *data, size_t len)
{
	u8 secret[VINE_NOISE_HASH_LEN];
	u8 t[VINE_NOISE_HASH_LEN + 1];
	int i;

	vine_hmac(secret, ck, VINE_NOISE_HASH_LEN, data, len);
	t[0] = 1;
	vine_hmac(t, secret, sizeof(secret), t, 1);
	memcpy(ck, t, VINE_NOISE_HASH_LEN);
	for (i = 1; i < n; i++) {
		t[VINE_NOISE_HASH_LEN] = i + 1;
		vine_hmac(t, secret, sizeof(secret), t, sizeof(t));
		memcpy(out[i - 1], t, VINE_NOISE_HASH_LEN);
	}
	memzero_explicit(secret, sizeof(secret));
	memzero_explicit(t, sizeof(t));
}

static void vine_mix_hash(struct vine_noise *n, const u8 *data, size_t len)
{
	vine_hash2(n->h, n->h, sizeof(n->h), data, len);
}

/* Mix DH(@priv, @pub) into the chaining key; a second key in @k if asked. */
static int vine_mix_dh(struct vine_noise *n, const u8 priv[VINE_NOISE_KEY_LEN],
		       const u8 pub[VINE_NOISE_KEY_LEN],
		       u8 (*k)[VINE_NOISE_HASH_LEN])
{
	u8 dh[VINE_NOISE_KEY_LEN];
	int err = 0;

	if (!curve25519(dh, priv, pub))
		err = -EKEYREJECTED;	/* a low-order point */
	else
		vine_kdf(n->ck, k, k ? 2 : 1, dh, sizeof(dh));
	memzero_explicit(dh, sizeof(dh));
	return err;
}

/* Encrypt @len bytes under @k into @out (len + tag), then hash @out in. */
static void vine_seal(struct vine_noise *n, u8 *out, const u8 *in, size_t len,
		      const u8 k[VINE_NOISE_HASH_LEN])
{
	chacha20poly1305_encrypt(out, in, len, n->h, sizeof(n->h), 0, k);
	vine_mix_hash(n, out, len + VINE_NOISE_TAG_LEN);
}

static int vine_open(struct vine_noise *n, u8 *out, const u8 *in, size_t len,
		     const u8 k[VINE_NOISE_HASH_LEN])
{
	if (!chacha20poly1305_decrypt(out, in, len + VINE_NOISE_TAG_LEN, n->h,
				      sizeof(n->h), 0, k))
		return -EBADMSG;
	vine_mix_hash(n, in, len + VINE_NOISE_TAG_LEN);
	return 0;
}

/* The state both sides start from, given the responder's static key. */
static void vine_noise_start(struct vine_noise *n,
			     const u8 responder[VINE_NOISE_KEY_LEN])
{
	blake2s(n->ck, vine_noise_construction, NULL, sizeof(n->ck),
		sizeof(vine_noise_construction) - 1, 0);
	vine_hash2(n->h, n->ck, sizeof(n->ck), vine_noise_identifier,
		   sizeof(vine_noise_identifier) - 1);
	vine_mix_hash(n, responder, VINE_NOISE_KEY_LEN);
}

/* Take ephemeral public key @e (ours or theirs) in. */
static void vine_mix_ephemeral(struct vine_noise *n,
			       const u8 e[VINE_NOISE_KEY_LEN])
{
	vine_kdf(n->ck, NULL, 1, e, VINE_NOISE_KEY_LEN);
	vine_mix_hash(n, e, VINE_NOISE_KEY_LEN);
}

/* The psk2 step and the empty payload's key; then the session's keys. */
static void vine_mix_psk(struct vine_noise *n, const u8 psk[VINE_NOISE_KEY_LEN],
			 u8 k[VINE_NOISE_HASH_LEN])
{
	u8 out[2][VINE_NOISE_HASH_LEN];

	vine_kdf(n->ck, out, 3, psk, VINE_NOISE_KEY_LEN);
	vine_mix_hash(n, out[0], sizeof(out[0]));
	memcpy(k, out[1], VINE_NOISE_HASH_LEN);
	memzero_explicit(out, sizeof(out));
}

static void vine_split(struct vine_noise *n, u8 first[VINE_NOISE_KEY_LEN],
		       u8 second[VINE_NOISE_KEY_LEN])
{
	u8 out[1][VINE_NOISE_HASH_LEN];

	vine_kdf(n->ck, out, 2, NULL, 0);
	memcpy(first, n->ck, VINE_NOISE_KEY_LEN);
	memcpy(second, out[0], VINE_NOISE_KEY_LEN);
	memzero_explicit(out, sizeof(out));
}

/**
 * vine_noise_initiation - the initiator's first message
 * @n: the handshake's state, set here
 * @me: our static key pair
 * @remote: the responder's static public key
 * @e_priv: a fresh ephemeral private key
 * @ts: the time (TAI64N), for the responder's replay check
 * @m: the message's fields
 *
 * Return: 0, or -EKEYREJECTED for a public key of low order.
 */
int vine_noise_initiation(struct vine_noise *n,
			  const struct vine_noise_static *me,
			  const u8 remote[VINE_NOISE_KEY_LEN],
			  const u8 e_priv[VINE_NOISE_KEY_LEN],
			  const u8 ts[VINE_NOISE_TS_LEN],
			  struct vine_noise_init *m)
{
	u8 k[1][VINE_NOISE_HASH_LEN];
	int err;

	vine_noise_start(n, remote);
	memcpy(n->s_remote, remote, VINE_NOISE_KEY_LEN);
	memcpy(n->e_priv, e_priv, VINE_NOISE_KEY_LEN);
	if (!curve25519_generate_public(m->ephemeral, e_priv))
		return -EKEYREJECTED;
	vine_mix_ephemeral(n, m->ephemeral);
	err = vine_mix_dh(n, e_priv, remote, k);
	if (err)
		goto out;
	vine_seal(n, m->static_enc, me->pub, VINE_NOISE_KEY_LEN, k[0]);
	err = vine_mix_dh(n, me->priv, remote, k);
	if (err)
		goto out;
	vine_seal(n, m->ts_enc, ts, VINE_NOISE_TS_LEN, k[0]);
out:
	memzero_explicit(k, sizeof(k));
	return err;
}

/**
 * vine_noise_consume_initiation - the responder reads an initiation
 * @n: the handshake's state, set here; @n->s_remote: who sent it
 * @me: our static key pair
 * @m: the message's fields
 * @ts: its time, for the caller to compare with the last one
 *
 * Return: 0, -EBADMSG if it does not decrypt (not for us, or altered),
 * -EKEYREJECTED for a public key of low order.
 */
int vine_noise_consume_initiation(struct vine_noise *n,
				  const struct vine_noise_static *me,
				  const struct vine_noise_init *m,
				  u8 ts[VINE_NOISE_TS_LEN])
{
	u8 k[1][VINE_NOISE_HASH_LEN];
	int err;

	vine_noise_start(n, me->pub);
	memcpy(n->e_remote, m->ephemeral, VINE_NOISE_KEY_LEN);
	vine_mix_ephemeral(n, m->ephemeral);
	err = vine_mix_dh(n, me->priv, m->ephemeral, k);
	if (err)
		goto out;
	err = vine_open(n, n->s_remote, m->static_enc, VINE_NOISE_KEY_LEN,
			k[0]);
	if (err)
		goto out;
	err = vine_mix_dh(n, me->priv, n->s_remote, k);
	if (err)
		goto out;
	err = vine_open(n, ts, m->ts_enc, VINE_NOISE_TS_LEN, k[0]);
out:
	memzero_explicit(k, sizeof(k));
	return err;
}

/**
 * vine_noise_response - the responder's answer, and the session's keys
 * @n: the state vine_noise_consume_initiation() left
 * @e_priv: a fresh ephemeral private key
 * @psk: the pre-shared key of the two VRs (zeros if none)
 * @m: the message's fields
 * @send: the key we send with
 * @recv: the key we receive with
 *
 * Return: 0, or -EKEYREJECTED for a public key of low order.
 */
int vine_noise_response(struct vine_noise *n,
			const u8 e_priv[VINE_NOISE_KEY_LEN],
			const u8 psk[VINE_NOISE_KEY_LEN],
			struct vine_noise_resp *m,
			u8 send[VINE_NOISE_KEY_LEN], u8 recv[VINE_NOISE_KEY_LEN])
{
	u8 k[VINE_NOISE_HASH_LEN];
	int err;

	if (!curve25519_generate_public(m->ephemeral, e_priv))
		return -EKEYREJECTED;
	vine_mix_ephemeral(n, m->ephemeral);
	err = vine_mix_dh(n, e_priv, n->e_remote, NULL);
	if (!err)
		err = vine_mix_dh(n, e_priv, n->s_remote, NULL);
	if (err)
		return err;
	vine_mix_psk(n, psk, k);
	vine_seal(n, m->empty_enc, NULL, 0, k);
	memzero_explicit(k, sizeof(k));
	vine_split(n, recv, send);
	return 0;
}

/**
 * vine_noise_consume_response - the initiator reads the response
 * @n: the state vine_noise_initiation() left
 * @me: our static key pair
 * @psk: the pre-shared key of the two VRs (zeros if none)
 * @m: the message's fields
 * @send: the key we send with
 * @recv: the key we receive with
 *
 * Return: 0, -EBADMSG if it does not authenticate, -EKEYREJECTED for a
 * public key of low order.
 */
int vine_noise_consume_response(struct vine_noise *n,
				const struct vine_noise_static *me,
				const u8 psk[VINE_NOISE_KEY_LEN],
				const struct vine_noise_resp *m,
				u8 send[VINE_NOISE_KEY_LEN],
				u8 recv[VINE_NOISE_KEY_LEN])
{
	u8 k[VINE_NOISE_HASH_LEN];
	int err;

	vine_mix_ephemeral(n, m->ephemeral);
	err = vine_mix_dh(n, n->e_priv, m->ephemeral, NULL);
	if (!err)
		err = vine_mix_dh(n, me->priv, m->ephemeral, NULL);
	if (err)
		return err;
	vine_mix_psk(n, psk, k);
	err = vine_open(n, NULL, m->empty_enc, 0, k);
	memzero_explicit(k, sizeof(k));
	if (!err)
		vine_split(n, send, recv);
	return err;
}

/* Forget a handshake's secrets. */
void vine_noise_clear(struct vine_noise *n)
{
	memzero_explicit(n, sizeof(*n));
}
