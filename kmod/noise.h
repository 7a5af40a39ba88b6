/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ViNe router: the Noise_IKpsk2_25519_ChaChaPoly_BLAKE2s handshake that
 * will make sessions' keys (issue 16; not yet used by the data path).
 * Only the cryptography: how its fields are framed, sent, matched to
 * peers and timed is the sessions' own.
 */
#ifndef _VINE_NOISE_H
#define _VINE_NOISE_H

#include <crypto/blake2s.h>
#include <crypto/chacha20poly1305.h>
#include <crypto/curve25519.h>

#define VINE_NOISE_KEY_LEN	CURVE25519_KEY_SIZE		/* 32 */
#define VINE_NOISE_HASH_LEN	BLAKE2S_HASH_SIZE		/* 32 */
#define VINE_NOISE_TAG_LEN	CHACHA20POLY1305_AUTHTAG_SIZE	/* 16 */
#define VINE_NOISE_TS_LEN	12				/* TAI64N */

/**
 * struct vine_noise - one side of one handshake
 * @ck: chaining key
 * @h: handshake hash
 * @e_priv: our ephemeral private key
 * @e_remote: the other side's ephemeral public key
 * @s_remote: the other side's static public key
 */
struct vine_noise {
	u8 ck[VINE_NOISE_HASH_LEN];
	u8 h[VINE_NOISE_HASH_LEN];
	u8 e_priv[VINE_NOISE_KEY_LEN];
	u8 e_remote[VINE_NOISE_KEY_LEN];
	u8 s_remote[VINE_NOISE_KEY_LEN];
};

/* The initiation's fields: ephemeral, encrypted static, encrypted time. */
struct vine_noise_init {
	u8 ephemeral[VINE_NOISE_KEY_LEN];
	u8 static_enc[VINE_NOISE_KEY_LEN + VINE_NOISE_TAG_LEN];
	u8 ts_enc[VINE_NOISE_TS_LEN + VINE_NOISE_TAG_LEN];
};

/* The response's fields: ephemeral, and nothing, encrypted. */
struct vine_noise_resp {
	u8 ephemeral[VINE_NOISE_KEY_LEN];
	u8 empty_enc[VINE_NOISE_TAG_LEN];
};

/**
 * struct vine_noise_static - a VR's static key pair
 * @priv: private key
 * @pub: public key
 */
struct vine_noise_static {
	u8 priv[VINE_NOISE_KEY_LEN];
	u8 pub[VINE_NOISE_KEY_LEN];
};

int vine_noise_initiation(struct vine_noise *n,
			  const struct vine_noise_static *me,
			  const u8 remote[VINE_NOISE_KEY_LEN],
			  const u8 e_priv[VINE_NOISE_KEY_LEN],
			  const u8 ts[VINE_NOISE_TS_LEN],
			  struct vine_noise_init *m);
int vine_noise_consume_initiation(struct vine_noise *n,
				  const struct vine_noise_static *me,
				  const struct vine_noise_init *m,
				  u8 ts[VINE_NOISE_TS_LEN]);
int vine_noise_response(struct vine_noise *n,
			const u8 e_priv[VINE_NOISE_KEY_LEN],
			const u8 psk[VINE_NOISE_KEY_LEN],
			struct vine_noise_resp *m,
			u8 send[VINE_NOISE_KEY_LEN], u8 recv[VINE_NOISE_KEY_LEN]);
int vine_noise_consume_response(struct vine_noise *n,
				const struct vine_noise_static *me,
				const u8 psk[VINE_NOISE_KEY_LEN],
				const struct vine_noise_resp *m,
				u8 send[VINE_NOISE_KEY_LEN],
				u8 recv[VINE_NOISE_KEY_LEN]);
void vine_noise_clear(struct vine_noise *n);

#endif /* _VINE_NOISE_H */
