// SPDX-License-Identifier: GPL-2.0
/*
 * vinectl key set PEER-ADDRESS FILE|-
 * vinectl key set PEER-ADDRESS public-key KEY [preshared-key FILE|-]
 * vinectl key del PEER-ADDRESS
 * vinectl genkey
 * vinectl pubkey
 *
 * A key is VINE_KEY_LEN bytes shared by two VRs, or a VR's X25519 private
 * or public key, written in base64 (like `wg genkey`): 44 characters, the
 * last one '='. The public key of a private one is computed by libsodium.
 * A peer is known by a static key shared with it, or by its public key
 * (then sessions are made by handshakes), with an optional pre-shared key.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>

#include <sodium.h>

#include "vinectl.h"

static const char b64[] =
	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

void b64_encode(const uint8_t *in, size_t len, char *out)
{
	uint32_t w;
	size_t i;

	for (i = 0; i < len; i += 3, out += 4) {
		w = in[i] << 16 | (i + 1 < len ? in[i + 1] << 8 : 0) |
		    (i + 2 < len ? in[i + 2] : 0);
		out[0] = b64[w >> 18];
		out[1] = b64[w >> 12 & 63];
		out[2] = i + 1 < len ? b64[w >> 6 & 63] : '=';
		out[3] = i + 2 < len ? b64[w & 63] : '=';
	}
	*out = '\0';
}

/* Exactly @len bytes from base64 @s, or false. */
static bool b64_decode(const char *s, uint8_t *out, size_t len)
{
	size_t i, n = 0, slen = strlen(s);
	uint32_t w = 0;
	const char *c;
	int bits = 0;

	if (slen != (len + 2) / 3 * 4)
		return false;
	for (i = 0; i < slen; i++) {
		if (s[i] == '=' && i >= slen - 2 && n == len)
			break;
		c = strchr(b64, s[i]);
		if (!s[i] || !c || n == len)
			return false;
		w = w << 6 | (uint32_t)(c - b64);
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			out[n++] = (uint8_t)(w >> bits);
		}
	}
	for (; i < slen; i++)
		if (s[i] != '=')
			return false;
	return n == len;
}

/* Binary VINE_A_PUBLIC_KEY @a in base64 into @buf, or NULL if malformed. */
char *key_str(char *buf, const struct nlattr *a)
{
	if (nla_len(a) != VINE_KEY_LEN)
		return NULL;
	b64_encode(nla_data(a), VINE_KEY_LEN, buf);
	return buf;
}

/* The key in file @name ("-": standard input). Returns 0 or 1. */
int read_key(const char *name, uint8_t *key)
{
	bool std = !strcmp(name, "-");
	FILE *f = std ? stdin : fopen(name, "r");
	char text[B64_LEN + 64], *s = text;
	size_t n = 0;
	bool ok;

	if (std)
		name = "standard input";
	if (f) {
		n = fread(text, 1, sizeof(text) - 1, f);
		ok = !ferror(f);
		if (!std)
			fclose(f);
	}
	if (!f || !ok)
		return fail("cannot read %s: %s", name, strerror(errno));
	text[n] = '\0';
	while (n && strchr(" \t\r\n", text[n - 1]))
		text[--n] = '\0';
	s += strspn(s, " \t\r\n");
	ok = n < sizeof(text) - 1 && b64_decode(s, key, VINE_KEY_LEN);
	explicit_bzero(text, sizeof(text));
	if (!ok)
		return fail("invalid key in %s: not the base64 of %d bytes",
			    name, VINE_KEY_LEN);
	return 0;
}

/* The static pairwise key of @peer, in file @name. */
static int key_set_static(uint32_t peer, const char *name)
{
	uint8_t key[VINE_KEY_LEN];
	struct nl_msg *msg;

	if (read_key(name, key))
		return 1;
	msg = vnl_msg_u32(VINE_CMD_SET_KEY, 0, VINE_A_PEER, peer);
	vnl_put(msg, VINE_A_KEY, sizeof(key), key);
	explicit_bzero(key, sizeof(key));
	return vnl_change(msg, NULL);
}

enum key_kw { KW_PUBLIC_KEY, KW_PRESHARED_KEY };

static const char *const key_kws[] = { "public-key", "preshared-key", NULL };

/*
 * public-key KEY [preshared-key FILE|-]: the peer's public key, given on
 * the command line in base64 (as pubkey prints it), and the key to mix
 * into its sessions, read as a static key is.
 */
static int key_set_public(uint32_t peer, int argc, char **argv)
{
	const char *val, *arg[ARRAY_SIZE(key_kws) - 1] = { NULL };
	uint8_t pub[VINE_KEY_LEN], psk[VINE_KEY_LEN];
	unsigned int seen = 0;
	struct nl_msg *msg;
	int k;

	while ((k = next_kw(&argc, &argv, key_kws, &seen, &val)) >= 0)
		arg[k] = val;
	if (k == -2)
		return EXIT_USAGE;
	if (!arg[KW_PUBLIC_KEY])
		return usage_error("preshared-key needs a public-key KEY");
	if (!b64_decode(arg[KW_PUBLIC_KEY], pub, sizeof(pub)))
		return usage_error("invalid public-key '%s' (base64 of %d bytes, %d characters)",
				   arg[KW_PUBLIC_KEY], VINE_KEY_LEN, B64_LEN);
	if (arg[KW_PRESHARED_KEY] && read_key(arg[KW_PRESHARED_KEY], psk)) {
		explicit_bzero(psk, sizeof(psk));
		return 1;
	}
	msg = vnl_msg_u32(VINE_CMD_SET_KEY, 0, VINE_A_PEER, peer);
	vnl_put(msg, VINE_A_PUBLIC_KEY, sizeof(pub), pub);
	if (arg[KW_PRESHARED_KEY]) {
		vnl_put(msg, VINE_A_KEY, sizeof(psk), psk);
		explicit_bzero(psk, sizeof(psk));
	}
	return vnl_change(msg, NULL);
}

static bool is_key_kw(const char *s)
{
	size_t i;

	for (i = 0; key_kws[i]; i++)
		if (!strcmp(s, key_kws[i]))
			return true;
	return false;
}

static int cmd_key_set(int argc, char **argv)
{
	uint32_t peer;

	if (argc < 2 || (argc > 2 && !is_key_kw(argv[1])))
		return usage();
	if (!parse_addr(argv[0], &peer))
		return EXIT_USAGE;
	if (!is_key_kw(argv[1]))
		return key_set_static(peer, argv[1]);
	return key_set_public(peer, argc - 1, argv + 1);
}

static int cmd_key_del(int argc, char **argv)
{
	uint32_t peer;

	if (argc != 1)
		return usage();
	if (!parse_addr(argv[0], &peer))
		return EXIT_USAGE;
	return vnl_change(vnl_msg_u32(VINE_CMD_DEL_KEY, 0, VINE_A_PEER, peer),
			  NULL);
}

static int cmd_genkey(int argc, char **argv)
{
	uint8_t key[VINE_KEY_LEN];
	char text[B64_LEN + 1];

	if (argc)
		return usage();
	if (getrandom(key, sizeof(key), 0) != sizeof(key))
		return fail("getrandom: %s", strerror(errno));
	b64_encode(key, sizeof(key), text);
	explicit_bzero(key, sizeof(key));
	printf("%s\n", text);
	explicit_bzero(text, sizeof(text));
	if (fflush(stdout))
		return fail("cannot write the key: %s", strerror(errno));
	return 0;
}

/* The public key of the private key on standard input, as wg pubkey. */
static int cmd_pubkey(int argc, char **argv)
{
	uint8_t priv[VINE_KEY_LEN], pub[VINE_KEY_LEN];
	char text[B64_LEN + 1];
	int err;

	if (argc)
		return usage();
	if (read_key("-", priv))
		return 1;
	/* X25519 clamps the scalar itself; a result of zero: no key. */
	err = sodium_init() < 0 || crypto_scalarmult_curve25519_base(pub, priv);
	explicit_bzero(priv, sizeof(priv));
	if (err)
		return fail("not a usable private key");
	b64_encode(pub, sizeof(pub), text);
	printf("%s\n", text);
	if (fflush(stdout))
		return fail("cannot write the key: %s", strerror(errno));
	return 0;
}

const struct vcmd key_cmds[] = {
	{ "key", "set", cmd_key_set,
	  "key set PEER-ADDRESS FILE|-\n"
	  "  vinectl key set PEER-ADDRESS public-key KEY [preshared-key FILE|-]" },
	{ "key", "del", cmd_key_del, "key del PEER-ADDRESS" },
	{ NULL, "genkey", cmd_genkey, "genkey" },
	{ NULL, "pubkey", cmd_pubkey, "pubkey  (private key on stdin)" },
	{ }
};
