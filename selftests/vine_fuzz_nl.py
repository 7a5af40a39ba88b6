# SPDX-License-Identifier: GPL-2.0
"""The netlink fuzzer of vine_fuzz.py (`vine_fuzz.py netlink`).

Each case is one datagram on a raw NETLINK_GENERIC socket, followed by a
barrier (a request answered after it) so that every answer is known:
    valid requests of every command, built from a model of the VR's
        tables (VNs, hosts, routes, keys, the VR's parameters) that
        predicts their answers (for SET_VR, which refusal comes first:
        its extack text), with values that collide on purpose;
    the same, mutated in one way (NlFuzz.mutate): wrong lengths, types,
        values out of range, read-only, unknown and missing attributes,
        bad nested arrays, strings, trailing bytes, cuts, flags, commands,
        huge ones; those the policy or the command must refuse are marked;
    batches of several, broken netlink headers, and bulk batches of
        hundreds of hosts and routes (dumps then come in pieces).
After each: the generation grew by the changes accepted, one event each
(never with a secret key: a peer's public key may be in one), the table
sizes are the model's; the dumps agree with the counts, and with the
model, whenever it is read back.
"""
import errno
import random
import struct
import time

from vine_nl import (A, A_MAX, CMD, CMD_NAME, CTRL_ATTR_FAMILY_NAME,
                     CTRL_CMD_GETFAMILY, DROPS, EP_A, GENL_ID_CTRL, Hang,
                     KEY_LEN, NLA_F_NESTED, NLM_F_ACK, NLM_F_DUMP,
                     NLM_F_DUMP_INTR, NLM_F_ECHO, NLM_F_MULTI, NLM_F_REQUEST,
                     NLMSG_DONE, NLMSG_ERROR, NLMSG_MIN_TYPE, PORT, PREFIX_A,
                     U, U32_MAX, Nl, Overrun, Reporter, align4, attr_dict,
                     errname, genlmsg, get_uint, ip4, ip4s, mask, names, nla,
                     parse_attrs, parse_error, stats_problems)
from vine_noise import x25519_base  # noqa: E402

# ------------------------------------------------- attributes and policy


# The channel's intervals: their bounds, from the uapi header.
MS_MIN, MS_MAX = U["VINE_MIN_INTERVAL_MS"], U["VINE_MAX_INTERVAL_MS"]

# The request policy (kmod/netlink.c, as Documentation/netlink.rst states
# it): kind, and for integers the accepted range.
POLICY = {
    "VR_ID": ("u32", 0, U32_MAX),
    "PORT": ("u16", 1, 0xffff),
    "SPACES": ("spaces",),
    "MAC_MODE": ("u8", 0, U["__VINE_MAC_MAX"] - 1),
    "VN_ID": ("u32", 1, U32_MAX),
    "VN_NAME": ("str",),
    "ADDR": ("be32",),
    "PREFIX_LEN": ("u8", 0, 32),
    "VIA": ("be32",),
    "PROTO": ("u8", U["VINE_PROTO_UDP"], U["VINE_PROTO_TCP"]),
    "ROUTE_TYPE": ("u8", 0, U["VINE_ROUTE_QUEUE"]),
    "PEER": ("be32",),
    "KEY": ("key",),
    "REPLACE": ("flag",),
    "LIMITED": ("u8", 0, 1),
    "QUEUE_VRS": ("queue_vrs",),
    "POLL": ("u8", 0, U["__VINE_POLL_MAX"] - 1),
    "POLL_INTERVAL": ("u32", MS_MIN, MS_MAX),
    "KEEPALIVE": ("u32", 0, MS_MAX),
    "QUEUE_SIZE": ("u32", 0, U["VINE_MAX_QUEUE_SIZE"]),
    "QUEUE_BYTES": ("u32", 0, U["VINE_MAX_QUEUE_BYTES"]),
    "ROUTE_VR": ("be32",),
    "PRIVATE_KEY": ("key",),
    "PUBLIC_KEY": ("key",),     # a peer's (SET_KEY); refused by SET_VR
    "ENCRYPT": ("u8", 0, 1),
}
READ_ONLY = [n for n in A if n not in POLICY and n != "UNSPEC"]
# VINE_A_HANDSHAKES of GET_STATS: its u64 counters (and padding).
HS_A = names("VINE_HS_A_")
FIXED_LEN = {"u8": 1, "u16": 2, "u32": 4, "be32": 4, "key": KEY_LEN,
             "flag": 0}

# Each command: what it is (get: doit only, dump: dumpit only, both,
# change: a doit that changes the VR, event: never a request), the
# attributes it needs and those it may have.
COMMANDS = {
    "GET_STATUS": ("get", [], []),
    "GET_VR": ("get", [], []),
    "SET_VR": ("change", [], ["VR_ID", "PORT", "SPACES", "MAC_MODE",
                              "LIMITED", "QUEUE_VRS", "POLL",
                              "POLL_INTERVAL", "KEEPALIVE", "QUEUE_SIZE",
                              "QUEUE_BYTES", "PRIVATE_KEY", "ENCRYPT"]),
    "NEW_VN": ("change", ["VN_ID"], ["VN_NAME"]),
    "DEL_VN": ("change", ["VN_ID"], []),
    "GET_VN": ("both", ["VN_ID"], []),
    "NEW_HOST": ("change", ["VN_ID", "ADDR"], []),
    "DEL_HOST": ("change", ["VN_ID", "ADDR"], []),
    "GET_HOST": ("dump", [], ["VN_ID"]),
    "NEW_ROUTE": ("change", ["VN_ID", "ADDR", "PREFIX_LEN", "VIA"],
                  ["PORT", "PROTO", "ROUTE_TYPE", "ROUTE_VR", "REPLACE"]),
    "DEL_ROUTE": ("change", ["VN_ID", "ADDR", "PREFIX_LEN"], []),
    "GET_ROUTE": ("dump", [], ["VN_ID"]),
    "SET_KEY": ("change", ["PEER"], ["KEY", "PUBLIC_KEY"]),
    "DEL_KEY": ("change", ["PEER"], []),
    "GET_PEER": ("dump", [], []),
    "GET_STATS": ("get", [], []),
    "PEER_SEEN": ("event", [], []),
    "CHANNEL": ("event", [], []),
    "HANDSHAKE": ("event", [], []),
}
assert set(COMMANDS) == set(CMD) - {"UNSPEC"}, \
    "vine_fuzz.py: enum vine_cmd changed; describe the new commands"
assert set(POLICY) | set(READ_ONLY) == set(A) - {"UNSPEC"}
CHANGES = {CMD[c] for c, v in COMMANDS.items() if v[0] == "change"}
HAS_DUMP = {CMD[c] for c, v in COMMANDS.items() if v[0] in ("dump", "both")}


# SET_VR's refusals (kmod/netlink.c, vine_nl_set_vr()), their extack texts.
MSG_PUBLIC_KEY = "a VR's public key follows from its private key"
MSG_ZERO_PRIVATE = "a private key of all zeros"
MSG_ENCRYPT = "encryption needs a MAC mode (sessions authenticate)"
MSG_KEEPALIVE = "keepalive is 0 (none) or %d to %d ms" % (MS_MIN, MS_MAX)
MSG_NO_QUEUE_VR = "a limited VR needs a queue VR (queue-vr ADDRESS)"
MSG_LIMITED_MAC = ("a limited VR needs a MAC mode (its channel must be "
                   "authenticated)")


def required(cmd_name, have):
    """What a request of @cmd_name with the attributes named @have cannot
    do without: SET_KEY needs, beside its peer, a static key (KEY) or a
    public key (PUBLIC_KEY; a KEY with it is a pre-shared key)."""
    req = list(COMMANDS[cmd_name][1])
    if cmd_name == "SET_KEY":
        if "PUBLIC_KEY" not in have:
            req.append("KEY")
        if "KEY" not in have:
            req.append("PUBLIC_KEY")
    return req


class Attr:
    """One attribute of a request being built: type (with flags),
    payload, and the policy kind it was made for."""

    def __init__(self, name, payload, kind=None):
        self.name = name
        self.payload = payload
        self.kind = kind or POLICY[name][0]
        self.type = A[name] | (NLA_F_NESTED if self.kind in ("spaces",
                                                            "queue_vrs")
                               else 0)

    def encode(self):
        return nla(self.type, self.payload)


def enc(kind, v):
    if kind == "u8":
        return struct.pack("=B", v)
    if kind == "u16":
        return struct.pack("=H", v)
    if kind == "u32":
        return struct.pack("=I", v)
    if kind == "be32":
        return struct.pack("!I", v)
    if kind == "str":
        return v.encode() + b"\0"
    if kind == "flag":
        return b""
    return v


def prefix_entry(i, addr, plen):
    return nla((i + 1) | NLA_F_NESTED,
               nla(PREFIX_A["ADDR"], struct.pack("!I", addr)) +
               nla(PREFIX_A["LEN"], struct.pack("=B", plen)))


def endpoint_entry(i, addr, port=None):
    body = nla(EP_A["ADDR"], struct.pack("!I", addr))
    if port is not None:
        body += nla(EP_A["PORT"], struct.pack("=H", port))
    return nla((i + 1) | NLA_F_NESTED, body)


# ------------------------------------------------------------ the model

class Model:
    """What the VR's tables hold, from the requests it accepted."""

    def __init__(self):
        self.vns = {}           # id -> name
        self.lndt = {}          # host -> VN id
        # (vn, prefix, plen) -> (via, port, proto, type, vr)
        self.routes = {}
        self.keys = set()       # peers with a key, static or public
        self.pubs = {}          # peer -> its public key (those of keys)
        self.cfg = {"VR_ID": 0, "PORT": PORT, "MAC_MODE": 0, "ENCRYPT": 0,
                    "LIMITED": 0, "POLL": 0,
                    "POLL_INTERVAL": U["VINE_DEFAULT_POLL_MS"],
                    "KEEPALIVE": 0, "QUEUE_SIZE": U["VINE_DEFAULT_QUEUE_SIZE"],
                    "QUEUE_BYTES": U["VINE_DEFAULT_QUEUE_BYTES"],
                    "SPACES": [], "QUEUE_VRS": [], "PUBLIC_KEY": None}
        self.dirty = True       # unknown until read from the VR

    def counts(self):
        return len(self.vns), len(self.lndt), len(self.routes)

    def del_vn(self, v):
        del self.vns[v]
        self.lndt = {h: x for h, x in self.lndt.items() if x != v}
        self.routes = {k: r for k, r in self.routes.items() if k[0] != v}


# ---------------------------------------------------------- a test case

class Sub:
    """One netlink message of a case, with what the generator knows."""

    def __init__(self, cmd, seq, attrs, flags=NLM_F_REQUEST | NLM_F_ACK):
        self.cmd = cmd                  # number
        self.seq = seq
        self.attrs = attrs              # [Attr]
        self.flags = flags
        self.version = 1
        self.reserved = 0
        self.predict = None             # set of errnos (0: accepted)
        self.want_text = None           # the extack text of the refusal
        self.must_fail = False
        self.apply = None               # model update once accepted
        self.check = None               # check of the answers: -> [problems]
        self.what = "valid"
        self.raw = None                 # bytes that replace the attributes

    def encode(self, family):
        body = self.raw if self.raw is not None else \
            b"".join(a.encode() for a in self.attrs)
        return genlmsg(family, self.cmd, body, self.flags, self.seq,
                       self.version, self.reserved)


class Result:
    def __init__(self):
        self.err = None
        self.text = None
        self.acked = False
        self.replies = []
        self.done = False
        self.multi = False
        self.intr = False               # NLM_F_DUMP_INTR: tables changed


# ---------------------------------------------------------- the fuzzer

class NlFuzz(Reporter):
    def __init__(self, a):
        Reporter.__init__(self, a.seed, "msg")
        self.a = a
        self.rng = random.Random(a.seed)
        self.check_rng = random.Random(a.seed ^ 0x5a5a)
        self.root = a.mode == "root"
        self.nl = Nl()
        self.family = self.nl.resolve("vine")
        self.groups = self.nl.groups
        self.model = Model()
        self.outcomes = {}              # errno name -> count
        self.silent = {}                # "cmd:errno" refused, no message
        self.sent = 0
        self.cases = 0
        self.events = None
        self.ev_count = 0
        self.resyncs = 0
        self.seq = 1
        if self.root:
            self.events = Nl()
            self.events.family = self.family
            self.events.groups = self.groups
            self.events.join("events")
            self.resync()
        else:
            try:
                probe = Nl()
                probe.groups = self.groups
                probe.join("events")
                self.finding("an unprivileged socket joined the events group")
            except OSError as e:
                self.count("join events: " + errname(e.errno))
        self.gen = self.status()[0] if self.root else None

    def count(self, key):
        self.outcomes[key] = self.outcomes.get(key, 0) + 1

    # ----------------------------------------------------------- queries

    def status(self):
        err, text, rep = self.nl.vine("GET_STATUS")
        if err:
            raise Hang("GET_STATUS refused: %s %s" % (errname(err), text))
        d = rep[0]
        return tuple(get_uint(d, A[n]) for n in (
            "GENERATION", "COUNT_VNS", "COUNT_HOSTS", "COUNT_ROUTES",
            "COUNT_PEERS"))

    def dump(self, cmd, attrs=b""):
        for _ in range(5):
            err, text, rep = self.nl.transact(self.family, CMD[cmd], attrs,
                                              dump=True)
            if err:
                self.finding("dump %s refused: %s %s" % (cmd, errname(err),
                                                         text))
                return []
            if not any(fl & NLM_F_DUMP_INTR for fl, _ in rep):
                return [attr_dict(b) for _, b in rep]
        self.finding("dump %s interrupted five times running" % cmd)
        return [attr_dict(b) for _, b in rep]

    def read_tables(self, full):
        """The VR's tables from its dumps, checked against its counts
        (@full: and the dumps filtered by VN)."""
        problems = []
        for _ in range(3):
            st = self.status()
            vns = self.dump("GET_VN")
            hosts = self.dump("GET_HOST")
            routes = self.dump("GET_ROUTE")
            peers = self.dump("GET_PEER")
            err, text, vr = self.nl.vine("GET_VR")
            st2 = self.status()
            if st[:4] == st2[:4]:
                break
        else:
            problems.append("the tables kept changing with nothing sent")
        gen, nvns, nhosts, nroutes, npeers = st2
        t = Model()
        for d in vns:
            v = get_uint(d, A["VN_ID"])
            if v in t.vns:
                problems.append("VN %d twice in the dump" % v)
            t.vns[v] = d.get(A["VN_NAME"], b"").rstrip(b"\0").decode(
                errors="replace")
        for d in hosts:
            h, v = get_uint(d, A["ADDR"]), get_uint(d, A["VN_ID"])
            if h in t.lndt:
                problems.append("host %s twice in the dump" % ip4s(h))
            if v not in t.vns:
                problems.append("host %s in VN %d, which is not listed" %
                                (ip4s(h), v))
            t.lndt[h] = v
        for d in routes:
            k = (get_uint(d, A["VN_ID"]), get_uint(d, A["ADDR"]),
                 get_uint(d, A["PREFIX_LEN"]))
            rtype = get_uint(d, A["ROUTE_TYPE"])
            r = (get_uint(d, A["VIA"]), get_uint(d, A["PORT"]),
                 get_uint(d, A["PROTO"]), rtype,
                 get_uint(d, A["ROUTE_VR"]) if rtype == U["VINE_ROUTE_QUEUE"]
                 else None)
            if k in t.routes:
                problems.append("route %s twice in the dump" % (k,))
            if k[0] not in t.vns:
                problems.append("route %s in a VN not listed" % (k,))
            t.routes[k] = r
        peer_ids = set()
        for d in peers:
            p = get_uint(d, A["PEER"])
            if p in peer_ids:
                problems.append("peer %s twice in the dump" % ip4s(p))
            peer_ids.add(p)
            if A["HAS_KEY"] in d:
                t.keys.add(p)
            if A["PUBLIC_KEY"] in d:
                t.pubs[p] = d[A["PUBLIC_KEY"]]
            problems += self.peer_problems(d)
        for k, r in t.routes.items():
            if r[0] not in peer_ids:
                problems.append("route %s via %s: no such peer" %
                                (k, ip4s(r[0])))
        if (nvns, nhosts, nroutes) != t.counts():
            problems.append("status counts VNs %d hosts %d routes %d, the "
                            "dumps %d %d %d" % ((nvns, nhosts, nroutes) +
                                                t.counts()))
        if npeers != len(peer_ids) and st[4] == st2[4]:
            problems.append("status counts %d peers, the dump %d" %
                            (npeers, len(peer_ids)))
        for d in vns:
            v = get_uint(d, A["VN_ID"])
            nh = sum(1 for x in t.lndt.values() if x == v)
            nr = sum(1 for k in t.routes if k[0] == v)
            if (get_uint(d, A["COUNT_HOSTS"]),
                    get_uint(d, A["COUNT_ROUTES"])) != (nh, nr):
                problems.append("VN %d counts %d hosts %d routes, the dumps "
                                "%d %d" % (v, get_uint(d, A["COUNT_HOSTS"]),
                                           get_uint(d, A["COUNT_ROUTES"]),
                                           nh, nr))
        # Filtered dumps: only that VN's entries, all of them.
        for v in self.check_rng.sample(sorted(t.vns),
                                       min(3, len(t.vns)) if full else 0):
            f = nla(A["VN_ID"], struct.pack("=I", v))
            fh = {get_uint(d, A["ADDR"]) for d in self.dump("GET_HOST", f)
                  if get_uint(d, A["VN_ID"]) == v}
            fr = {(v, get_uint(d, A["ADDR"]), get_uint(d, A["PREFIX_LEN"]))
                  for d in self.dump("GET_ROUTE", f)
                  if get_uint(d, A["VN_ID"]) == v}
            want_h = {h for h, x in t.lndt.items() if x == v}
            want_r = {k for k in t.routes if k[0] == v}
            if fh != want_h or fr != want_r:
                problems.append("dumps filtered by VN %d: %d hosts %d routes, "
                                "want %d %d" % (v, len(fh), len(fr),
                                                len(want_h), len(want_r)))
        if not err and vr:
            t.cfg = self.vr_cfg(vr[0])
        return t, problems

    @staticmethod
    def vr_cfg(d):
        cfg = {n: get_uint(d, A[n]) for n in (
            "VR_ID", "PORT", "MAC_MODE", "ENCRYPT", "LIMITED", "POLL",
            "POLL_INTERVAL", "KEEPALIVE", "QUEUE_SIZE", "QUEUE_BYTES")}
        cfg["SPACES"] = []
        for _, e in parse_attrs(d.get(A["SPACES"], b"")):
            e = attr_dict(e)
            cfg["SPACES"].append((struct.unpack("!I", e[PREFIX_A["ADDR"]])[0],
                                  e[PREFIX_A["LEN"]][0]))
        cfg["QUEUE_VRS"] = []
        for _, e in parse_attrs(d.get(A["QUEUE_VRS"], b"")):
            e = attr_dict(e)
            cfg["QUEUE_VRS"].append((struct.unpack("!I", e[EP_A["ADDR"]])[0],
                                     struct.unpack("=H", e[EP_A["PORT"]])[0]))
        cfg["PUBLIC_KEY"] = d.get(A["PUBLIC_KEY"])
        return cfg

    @staticmethod
    def pub_set(pubs):
        return {(ip4s(p), k.hex()) for p, k in pubs.items()}

    @staticmethod
    def peer_problems(d):
        """What a GET_PEER answer @d must be whatever the traffic: a
        public key whole, not zeros, with HAS_KEY; handshake times only
        with a public key (LAST_SEEN, channels and handshakes follow
        packets, which the fuzzer does not control)."""
        p = ip4s(get_uint(d, A["PEER"], 0))
        k = d.get(A["PUBLIC_KEY"])
        out = []
        if k is not None and (len(k) != KEY_LEN or not any(k)):
            out.append("peer %s: public key %s" % (p, k.hex()))
        if k is not None and A["HAS_KEY"] not in d:
            out.append("peer %s: a public key, no HAS_KEY" % p)
        for n in ("LAST_HANDSHAKE", "SESSION_AGE"):
            if A[n] in d and k is None:
                out.append("peer %s: %s without a public key" % (p, n))
            elif A[n] in d and len(d[A[n]]) != 8:
                out.append("peer %s: %s of %d bytes" % (p, n,
                                                        len(d[A[n]])))
        return out

    def resync(self, full=False):
        """Read the tables; with a model we trusted, they must match it."""
        self.resyncs += 1
        t, problems = self.read_tables(full)
        for p in problems:
            self.finding("tables: " + p)
        m = self.model
        if not m.dirty:
            for what, mine, theirs in (("VNs", m.vns, t.vns),
                                       ("hosts", m.lndt, t.lndt),
                                       ("routes", m.routes, t.routes),
                                       ("keys", m.keys, t.keys),
                                       ("public keys", self.pub_set(m.pubs),
                                        self.pub_set(t.pubs))):
                if mine != theirs:
                    self.finding("the VR's %s differ from what it accepted: "
                                 "missing %s, extra %s" % (
                                     what, sorted(set(mine) - set(theirs))[:5],
                                     sorted(set(theirs) - set(mine))[:5]))
            cfg = {k: v for k, v in t.cfg.items()}
            if cfg != m.cfg:
                self.finding("GET_VR %s, want %s" % (cfg, m.cfg))
        t.dirty = False
        self.model = t

    # -------------------------------------------------- value generators

    def vn_id(self):
        r = self.rng
        if self.model.vns and r.random() < 0.7:
            return r.choice(sorted(self.model.vns))
        return r.choice([1, 2, 3, 4, 5, 6, 7, 1000000, U32_MAX])

    def host(self):
        r = self.rng
        if self.model.lndt and r.random() < 0.4:
            return r.choice(sorted(self.model.lndt))
        return ip4("172.16.%d.%d" % (r.randint(1, 4), r.randint(1, 16)))

    def route_key(self):
        r = self.rng
        if self.model.routes and r.random() < 0.4:
            return r.choice(sorted(self.model.routes))
        plen = r.choice([0, 8, 12, 16, 20, 24, 24, 24, 28, 30, 31, 32, 32])
        base = r.choice(["172.16.%d.%d" % (r.randint(0, 7), r.randint(0, 255)),
                         "10.%d.0.0" % r.randint(0, 3), "192.168.1.0"])
        return (self.vn_id(), ip4(base) & mask(plen), plen)

    def via(self):
        return ip4(self.rng.choice(["10.0.0.1", "10.0.0.2", "10.0.0.3",
                                    "127.0.0.1", "127.0.0.1", "192.0.2.1"]))

    def peer(self):
        r = self.rng
        if self.model.keys and r.random() < 0.4:
            return r.choice(sorted(self.model.keys))
        return ip4(r.choice(["10.0.0.1", "10.0.0.2", "10.0.0.9", "127.0.0.1",
                             "192.0.2.1"]))

    # ------------------------------------------------- valid messages

    def valid(self, cmd_name):
        """A valid request of @cmd_name, its answer predicted."""
        r, m = self.rng, self.model
        cmd = CMD[cmd_name]
        sub = Sub(cmd, 0, [])
        kind = COMMANDS[cmd_name][0]
        add = sub.attrs.append

        def attr(n, v):
            add(Attr(n, enc(POLICY[n][0], v)))

        if cmd_name in ("NEW_VN", "DEL_VN", "GET_VN"):
            v = self.vn_id()
            if cmd_name == "GET_VN" and r.random() < 0.3:
                sub.flags = NLM_F_REQUEST | NLM_F_DUMP
                sub.predict = {0}
                sub.check = self.check_vn_dump
                return sub
            attr("VN_ID", v)
            name = None
            if cmd_name == "NEW_VN" and r.random() < 0.6:
                name = r.choice(["", "vn%d" % v, "x" * 31, "réseau"])
                attr("VN_NAME", name)
            exists = v in m.vns
            if cmd_name == "NEW_VN":
                sub.predict = {errno.EEXIST} if exists else {0}
                sub.apply = lambda: m.vns.__setitem__(v, name or "")
            elif cmd_name == "DEL_VN":
                sub.predict = {0} if exists else {errno.ENOENT}
                sub.apply = lambda: m.del_vn(v)
            else:
                sub.predict = {0} if exists else {errno.ENOENT}
                sub.check = lambda res: self.check_vn(v, res)
        elif cmd_name in ("NEW_HOST", "DEL_HOST"):
            v, h = self.vn_id(), self.host()
            attr("VN_ID", v)
            attr("ADDR", h)
            if v not in m.vns:
                sub.predict = {errno.ENOENT}
            elif cmd_name == "NEW_HOST":
                sub.predict = {errno.EEXIST} if h in m.lndt else {0}
                sub.apply = lambda: m.lndt.__setitem__(h, v)
            else:
                sub.predict = {0} if m.lndt.get(h) == v else {errno.ENOENT}
                sub.apply = lambda: m.lndt.pop(h)
        elif cmd_name in ("NEW_ROUTE", "DEL_ROUTE"):
            k = self.route_key()
            v, prefix, plen = k
            attr("VN_ID", v)
            attr("ADDR", prefix)
            attr("PREFIX_LEN", plen)
            if cmd_name == "DEL_ROUTE":
                sub.predict = ({errno.EINVAL, errno.ENOENT} if v not in m.vns
                               else {0} if k in m.routes else {errno.ENOENT})
                sub.apply = lambda: m.routes.pop(k)
                return sub
            via = self.via()
            attr("VIA", via)
            port, proto, rtype, rvr = PORT, U["VINE_PROTO_UDP"], \
                U["VINE_ROUTE_REGULAR"], None
            if r.random() < 0.4:
                port = r.choice([PORT, PORT + 1, 1, 65535])
                attr("PORT", port)
            if r.random() < 0.4:
                proto = r.choice([U["VINE_PROTO_UDP"], U["VINE_PROTO_TCP"]])
                attr("PROTO", proto)
            if r.random() < 0.5:
                rtype = r.choice([U["VINE_ROUTE_DISABLED"],
                                  U["VINE_ROUTE_REGULAR"],
                                  U["VINE_ROUTE_QUEUE"],
                                  U["VINE_ROUTE_QUEUE"]])
                attr("ROUTE_TYPE", rtype)
            if rtype == U["VINE_ROUTE_QUEUE"]:
                rvr = ip4(r.choice(["10.0.0.7", "10.0.0.9", "192.168.100.2"]))
                attr("ROUTE_VR", rvr)
            replace = r.random() < 0.3
            if replace:
                attr("REPLACE", None)
            route = (via, port, proto, rtype, rvr)
            if v not in m.vns:
                sub.predict = {errno.EINVAL, errno.ENOENT}
            elif k in m.routes and not replace:
                sub.predict = {errno.EEXIST}
            else:
                sub.predict = {0}
            sub.apply = lambda: m.routes.__setitem__(k, route)
        elif cmd_name in ("SET_KEY", "DEL_KEY"):
            p = self.peer()
            attr("PEER", p)
            if cmd_name == "SET_KEY":
                self.valid_set_key(sub, p)
            else:
                # Whichever key the peer has, static or public.
                sub.predict = {0} if p in m.keys else {errno.ENOENT}

                def apply():
                    m.keys.discard(p)
                    m.pubs.pop(p, None)
                sub.apply = apply
        elif cmd_name == "SET_VR":
            self.valid_set_vr(sub)
        elif kind == "dump":
            sub.flags = NLM_F_REQUEST | NLM_F_DUMP
            sub.predict = {0}
            if cmd_name in ("GET_HOST", "GET_ROUTE") and r.random() < 0.5:
                v = self.vn_id()
                attr("VN_ID", v)
            else:
                v = None
            if cmd_name == "GET_HOST":
                sub.check = lambda res: self.check_host_dump(v, res)
            elif cmd_name == "GET_ROUTE":
                sub.check = lambda res: self.check_route_dump(v, res)
            else:
                sub.check = self.check_peer_dump
        else:
            sub.predict = {0}
            if cmd_name == "GET_VR":
                sub.check = self.check_vr
            elif cmd_name == "GET_STATS":
                sub.check = self.check_stats
        return sub

    def pub_key(self):
        """A peer's public key: random, another peer's, this VR's own;
        all zeros now and then (refused)."""
        r, m = self.rng, self.model
        x = r.random()
        if x < 0.1:
            return bytes(KEY_LEN)
        if x < 0.25 and m.pubs:
            return m.pubs[r.choice(sorted(m.pubs))]
        if x < 0.3 and m.cfg["PUBLIC_KEY"]:
            return m.cfg["PUBLIC_KEY"]
        return bytes(r.getrandbits(8) for _ in range(KEY_LEN))

    def valid_set_key(self, sub, p):
        """SET_KEY of peer @p: a static key, or a public key with or
        without a pre-shared key. Either replaces what the peer had."""
        r, m = self.rng, self.model
        pub = self.pub_key() if r.random() < 0.5 else None
        if pub is not None:
            sub.attrs.append(Attr("PUBLIC_KEY", pub))
        if pub is None or r.random() < 0.5:
            # KEY after PUBLIC_KEY or before it: the order is no matter.
            sub.attrs.insert(r.randint(0, len(sub.attrs)), Attr(
                "KEY", bytes(r.getrandbits(8) for _ in range(KEY_LEN))))
        if pub is not None and not any(pub):
            sub.predict = {errno.EINVAL}        # "a public key of all zeros"
            return
        sub.predict = {0}

        def apply():
            m.keys.add(p)
            if pub is None:
                m.pubs.pop(p, None)
            else:
                m.pubs[p] = pub
        sub.apply = apply

    def valid_set_vr(self, sub):
        r, m = self.rng, self.model
        cfg = dict(m.cfg)
        chosen = r.sample(COMMANDS["SET_VR"][2], r.randint(1, 4))
        x = r.random()
        if x < 0.2:
            chosen = ["LIMITED", "QUEUE_VRS", "POLL", "POLL_INTERVAL",
                      "MAC_MODE"]
        elif x < 0.3:
            # Encryption needs a MAC mode: the two together, or either
            # alone against what the VR has.
            chosen = r.choice([["MAC_MODE", "ENCRYPT"],
                               ["ENCRYPT", "MAC_MODE"], ["ENCRYPT"],
                               ["MAC_MODE"]])
        for n in chosen:
            if n == "SPACES":
                sp = []
                for _ in range(r.choice([0, 1, 1, 2, 3, 16])):
                    plen = r.choice([8, 12, 16, 24, 32])
                    sp.append((ip4(r.choice(["172.16.0.0", "10.0.0.0",
                                             "192.168.7.0"])) & mask(plen),
                               plen))
                sub.attrs.append(Attr(n, b"".join(
                    prefix_entry(i, a, ln) for i, (a, ln) in enumerate(sp))))
                cfg[n] = sp
                continue
            if n == "PRIVATE_KEY":
                # All zeros now and then: refused (no key at all).
                k = bytes(KEY_LEN) if r.random() < 0.1 else \
                    bytes(r.getrandbits(8) for _ in range(KEY_LEN))
                sub.attrs.append(Attr(n, k))
                cfg["PUBLIC_KEY"] = x25519_base(k) if any(k) else None
                continue
            if n == "QUEUE_VRS":
                qs = []
                for _ in range(r.choice([0, 1, 1, 2, 4])):
                    qs.append((ip4(r.choice(["127.0.0.1", "10.0.0.1",
                                             "192.0.2.1"])),
                               r.choice([None, PORT, cfg["PORT"], 2248])))
                sub.attrs.append(Attr(n, b"".join(
                    endpoint_entry(i, a, p) for i, (a, p) in enumerate(qs))))
                cfg[n] = [(a, p or PORT) for a, p in qs]
                continue
            v = {
                "VR_ID": lambda: ip4(r.choice(["0.0.0.0", "127.0.0.1",
                                               "10.0.0.1", "10.9.9.9"])),
                "PORT": lambda: r.choice([PORT, PORT + 1, PORT + 2, 40000]),
                "MAC_MODE": lambda: r.randint(0, U["__VINE_MAC_MAX"] - 1),
                "ENCRYPT": lambda: r.choice([0, 1]),
                "LIMITED": lambda: r.choice([0, 1, 1]),
                "POLL": lambda: r.randint(0, U["__VINE_POLL_MAX"] - 1),
                "POLL_INTERVAL": lambda: r.choice([MS_MIN, 200, 1000,
                                                   MS_MAX]),
                "KEEPALIVE": lambda: r.choice([0, MS_MIN, 500, MS_MAX]),
                "QUEUE_SIZE": lambda: r.choice([0, 1, 1024,
                                                U["VINE_MAX_QUEUE_SIZE"]]),
                "QUEUE_BYTES": lambda: r.choice([0, 1500, 4 << 20,
                                                 U["VINE_MAX_QUEUE_BYTES"]]),
            }[n]()
            sub.attrs.append(Attr(n, enc(POLICY[n][0], v)))
            cfg[n] = v
        if r.random() < 0.05:
            # A VR's public key follows from its private key: refused
            # first, whatever else the request has (its own one too).
            k = m.cfg["PUBLIC_KEY"] if m.cfg["PUBLIC_KEY"] and \
                r.random() < 0.5 else \
                bytes(r.getrandbits(8) for _ in range(KEY_LEN))
            sub.attrs.insert(r.randint(0, len(sub.attrs)),
                             Attr("PUBLIC_KEY", k))
            sub.predict = {errno.EINVAL}
            sub.want_text = MSG_PUBLIC_KEY
            sub.apply = None
            return
        # What the VR refuses, in the order it checks: the first wins.
        # The check of encryption is on the configuration the request
        # makes (a MAC mode none with encryption the VR has, or the
        # other way round), after the private key, before the rest.
        mac_none = cfg["MAC_MODE"] == U["VINE_MAC_NONE"]
        bad = [msg for cond, msg in (
            ("PRIVATE_KEY" in chosen and cfg["PUBLIC_KEY"] is None,
             MSG_ZERO_PRIVATE),
            (cfg["ENCRYPT"] and mac_none, MSG_ENCRYPT),
            (cfg["KEEPALIVE"] and cfg["KEEPALIVE"] < MS_MIN, MSG_KEEPALIVE),
            (cfg["LIMITED"] and not cfg["QUEUE_VRS"], MSG_NO_QUEUE_VR),
            (cfg["LIMITED"] and mac_none, MSG_LIMITED_MAC)) if cond]
        if bad:
            sub.predict = {errno.EINVAL}
            sub.want_text = bad[0]
        elif cfg["PORT"] != m.cfg["PORT"]:
            sub.predict = {0, errno.EADDRINUSE}
        else:
            sub.predict = {0}
        sub.apply = lambda: m.cfg.update(cfg)

    # ------------------------------------------------ answer checks

    def check_vn(self, v, res):
        if not res.replies:
            return ["no answer"]
        d = res.replies[0]
        got = (get_uint(d, A["VN_ID"]),
               d.get(A["VN_NAME"], b"").rstrip(b"\0").decode(errors="replace"),
               get_uint(d, A["COUNT_HOSTS"]), get_uint(d, A["COUNT_ROUTES"]))
        m = self.model
        want = (v, m.vns.get(v), sum(1 for x in m.lndt.values() if x == v),
                sum(1 for k in m.routes if k[0] == v))
        return [] if got == want else ["GET_VN %s, want %s" % (got, want)]

    def check_vn_dump(self, res):
        got = sorted(get_uint(d, A["VN_ID"]) for d in res.replies)
        want = sorted(self.model.vns)
        return [] if got == want else ["VN dump %s, want %s" % (got, want)]

    def check_host_dump(self, v, res):
        got = sorted((get_uint(d, A["ADDR"]), get_uint(d, A["VN_ID"]))
                     for d in res.replies)
        want = sorted((h, x) for h, x in self.model.lndt.items()
                      if v is None or x == v)
        return [] if got == want else ["host dump (VN %s): %d entries, want "
                                       "%d" % (v, len(got), len(want))]

    def check_route_dump(self, v, res):
        got = sorted((get_uint(d, A["VN_ID"]), get_uint(d, A["ADDR"]),
                      get_uint(d, A["PREFIX_LEN"])) for d in res.replies)
        want = sorted(k for k in self.model.routes if v is None or k[0] == v)
        return [] if got == want else ["route dump (VN %s): %d entries, want "
                                       "%d" % (v, len(got), len(want))]

    def check_peer_dump(self, res):
        keys = {get_uint(d, A["PEER"]) for d in res.replies
                if A["HAS_KEY"] in d}
        pubs = {get_uint(d, A["PEER"]): d[A["PUBLIC_KEY"]]
                for d in res.replies if A["PUBLIC_KEY"] in d}
        out = [p for d in res.replies for p in self.peer_problems(d)]
        if keys != self.model.keys:
            out.append("peers with a key %s, want %s" % (
                sorted(map(ip4s, keys)), sorted(map(ip4s, self.model.keys))))
        if pubs != self.model.pubs:
            out.append("public keys %s, want %s" % (
                sorted(self.pub_set(pubs)),
                sorted(self.pub_set(self.model.pubs))))
        return out

    def check_vr(self, res):
        if not res.replies:
            return ["no answer"]
        got = self.vr_cfg(res.replies[0])
        if get_uint(res.replies[0], A["OVERHEAD"]) != 72:
            return ["overhead %s" % get_uint(res.replies[0], A["OVERHEAD"])]
        return [] if got == self.model.cfg else ["GET_VR %s, want %s" %
                                                 (got, self.model.cfg)]

    def check_stats(self, res):
        """Drops by reason add up; every reason of the uapi header is
        there, and the handshake counters (their values follow traffic,
        which the fuzzer does not control), each a u64."""
        if not res.replies:
            return ["no answer"]
        d = res.replies[0]
        out = stats_problems(d)
        for what, nest, want, pad in (
                ("DROPS", A["DROPS"], set(DROPS), 0),
                ("HANDSHAKES", A["HANDSHAKES"],
                 {v for k, v in HS_A.items() if k not in ("UNSPEC", "PAD")},
                 HS_A["PAD"])):
            if nest not in d:
                out.append("no %s" % what)
                continue
            got = [(t, len(v)) for t, v in parse_attrs(d[nest]) if t != pad]
            types = [t for t, _ in got]
            if sorted(types) != sorted(want):
                out.append("%s: missing %s, extra %s, twice %s" % (
                    what, sorted(want - set(types)),
                    sorted(set(types) - want),
                    sorted({t for t in types if types.count(t) > 1})))
            out += ["%s %d of %d bytes" % (what, t, n) for t, n in got
                    if n != 8]
        return out

    # ----------------------------------------------------- mutations

    def mutate(self, sub, cmd_name):
        """Break @sub in one way. Returns a description; sets must_fail
        when the policy or the command must refuse it, else clears the
        prediction (the answer is not known)."""
        r = self.rng
        kind = COMMANDS[cmd_name][0]
        attrs = sub.attrs
        req = required(cmd_name, {a.name for a in attrs})
        scalars = [a for a in attrs if a.kind in FIXED_LEN]
        ranged = [a for a in attrs if len(POLICY.get(a.name, ())) == 3 and
                  (POLICY[a.name][1] > 0 or POLICY[a.name][2] <
                   (1 << (8 * FIXED_LEN[a.kind])) - 1)]
        arrays = [a for a in attrs if a.kind in ("spaces", "queue_vrs")]
        choices = ["ro", "unknown", "trailing", "truncate", "genl_reserved",
                   "flags", "cmd", "dup", "soup", "huge", "version"]
        if scalars:
            choices += ["len", "len", "nested_flag"]
        if ranged:
            choices += ["range", "range"]
        if arrays or cmd_name == "SET_VR":
            choices += ["array", "array", "array"]
        if arrays:
            choices.append("unnest")
        present_req = [a for a in attrs if a.name in req]
        if present_req and kind != "dump" and sub.flags & NLM_F_DUMP != \
                NLM_F_DUMP:
            choices += ["missing", "missing"]
        if cmd_name in ("NEW_VN",):
            choices += ["string", "string"]
        if cmd_name in ("NEW_HOST", "NEW_ROUTE", "DEL_ROUTE", "SET_VR"):
            choices += ["semantic", "semantic"]
        how = r.choice(choices)
        keep = False            # the prediction still holds
        fail = True
        if how == "len":
            a = r.choice(scalars)
            n = FIXED_LEN[a.kind]
            ln = r.choice([x for x in (0, 1, 2, 3, 4, 5, 8, 16, 31, 33, 64)
                           if x != n])
            a.payload = (a.payload + bytes(ln))[:ln] if ln > len(a.payload) \
                else a.payload[:ln]
            if a.kind == "flag":
                a.payload = bytes(max(ln, 1))
            how = "%s %d bytes" % (a.name, len(a.payload))
        elif how == "range":
            a = r.choice(ranged)
            _, lo, hi = POLICY[a.name]
            top = (1 << (8 * FIXED_LEN[a.kind])) - 1
            outs = ([r.randint(0, lo - 1)] if lo > 0 else []) + \
                ([hi + 1, top, r.randint(hi + 1, top)] if hi < top else [])
            v = r.choice(outs)
            a.payload = enc(a.kind, v)
            how = "%s = %d" % (a.name, v)
        elif how == "ro":
            n = r.choice(READ_ONLY)
            attrs.insert(r.randint(0, len(attrs)),
                         Attr(n, bytes(r.choice([0, 1, 4, 8, 12])), "ro"))
            how = "read-only " + n
        elif how == "unknown":
            t = r.choice([0, A_MAX + 1, A_MAX + 2, 100, 0x3fff])
            a = Attr("VN_ID", bytes(r.choice([0, 4, 8])), "x")
            a.type, a.name = t, "type %d" % t
            attrs.insert(r.randint(0, len(attrs)), a)
            how = "unknown attribute %d" % t
        elif how == "nested_flag":
            a = r.choice(scalars)
            a.type |= NLA_F_NESTED
            how = "NLA_F_NESTED on " + a.name
        elif how == "unnest":
            a = r.choice(arrays)
            a.type &= ~NLA_F_NESTED
            how = "no NLA_F_NESTED on " + a.name
        elif how == "missing":
            a = r.choice(present_req)
            attrs.remove(a)
            how = "no " + a.name
        elif how == "dup":
            if not attrs:
                return None
            a = r.choice(attrs)
            attrs.insert(r.randint(0, len(attrs)), a)
            keep, fail = True, False    # the last one counts: the same
            how = a.name + " twice"
        elif how == "array":
            how = self.mutate_array(sub, arrays)
            fail = not how.startswith("~")
            how = how.lstrip("~")
        elif how == "string":
            a = next((x for x in attrs if x.name == "VN_NAME"), None)
            if a is None:
                a = Attr("VN_NAME", b"")
                attrs.append(a)
            v = r.choice(["nonul", "long", "embedded", "empty"])
            a.payload = {"nonul": b"vn", "long": b"v" * r.choice([32, 33, 200])
                         + b"\0", "embedded": b"ab\0cd\0",
                         "empty": b""}[v]
            fail = v != "embedded"
            how = "VN_NAME " + v
        elif how == "semantic":
            how = self.mutate_semantic(sub, cmd_name)
        elif how == "trailing":
            sub.raw = b"".join(a.encode() for a in attrs) + \
                bytes(r.randint(1, 3))
            how = "trailing bytes"
        elif how == "truncate":
            body = b"".join(a.encode() for a in attrs)
            if not body:
                return None
            # Cut inside an attribute, or at the end of one (then a valid
            # request may lack something: the answer is not known).
            ends = {0}
            off = 0
            for a in attrs:
                n = 4 + len(a.payload)          # its end, then its padding
                ends.update(range(off + n, off + align4(n) + 1))
                off += align4(n)
            cut = r.randint(1, len(body) - 1) if len(body) > 1 else 0
            sub.raw = body[:cut]
            fail = cut not in ends
            how = "attributes cut at %d of %d" % (cut, len(body))
        elif how == "genl_reserved":
            sub.reserved = r.randint(1, 0xffff)
            how = "genlmsghdr.reserved %d" % sub.reserved
        elif how == "version":
            sub.version = r.choice([0, 2, 255])
            keep, fail = True, False
            how = "genl version %d" % sub.version
        elif how == "flags":
            extra = r.choice([NLM_F_ECHO, 0x400, 0x200, 0x100, 0x800,
                              NLM_F_DUMP, 0x1000, 0x10, 0, -NLM_F_ACK])
            fail = False
            if extra <= 0:
                sub.flags &= ~NLM_F_ACK
                keep = True
            else:
                sub.flags |= extra
            dump = sub.flags & NLM_F_DUMP == NLM_F_DUMP
            rest = sub.flags & ~(NLM_F_REQUEST | NLM_F_ACK | NLM_F_ECHO |
                                 (NLM_F_DUMP if dump else 0))
            if rest:
                # Legacy bits (CREATE 0x400, EXCL 0x200, REPLACE 0x100,
                # APPEND 0x800) and others: refused by the family's
                # header check ("ambiguous or reserved bits").
                fail = True
            elif dump and sub.cmd not in HAS_DUMP:
                fail = True
            elif extra == NLM_F_ECHO:
                keep = True
            how = "nlmsg_flags 0x%x" % sub.flags
        elif how == "cmd":
            sub.cmd = r.choice([0, CMD["PEER_SEEN"], CMD["CHANNEL"],
                                CMD["HANDSHAKE"],
                                U["__VINE_CMD_MAX"], r.randint(20, 255)])
            how = "command %d" % sub.cmd
        elif how == "soup":
            sub.raw = b"".join(nla(r.choice([r.randint(0, A_MAX + 2),
                                             r.getrandbits(16)]),
                                   bytes(r.getrandbits(8) for _ in
                                         range(r.choice([0, 1, 2, 4, 8,
                                                         r.randint(0, 40)]))))
                               for _ in range(r.randint(1, 8)))
            fail = False
            how = "random attributes"
        elif how == "huge":
            v = r.choice(["name", "spaces", "many"])
            if v == "name":
                attrs.append(Attr("VN_NAME", b"n" * r.randint(1000, 65000) +
                                  b"\0"))
            elif v == "spaces":
                attrs.append(Attr("SPACES", b"".join(
                    prefix_entry(i, 0, 0)
                    for i in range(r.randint(17, 3200)))))
                fail = cmd_name == "SET_VR"     # others ignore it
            else:
                if not attrs:
                    return None
                attrs.extend([r.choice(attrs)] * r.randint(100, 3000))
                keep, fail = True, False
            how = "huge: " + v
        else:
            raise AssertionError(how)
        sub.what = how
        if fail:
            sub.must_fail = True
            sub.predict = None
        elif not keep:
            sub.predict = None
        if not keep:
            sub.want_text = None
        sub.apply = sub.apply if keep else None
        if not keep:
            sub.check = None
        return how

    def mutate_array(self, sub, arrays):
        """A bad (or, with a leading "~", a questionable) nested array."""
        r = self.rng
        a = r.choice(arrays) if arrays else \
            Attr(r.choice(["SPACES", "QUEUE_VRS"]), b"")
        spaces = a.name == "SPACES"
        n_max = U["VINE_MAX_SPACES"] if spaces else U["VINE_MAX_QUEUE_VRS"]

        def good(i):
            if spaces:
                return prefix_entry(i, ip4("172.16.0.0"), 12)
            return endpoint_entry(i, ip4("127.0.0.1"), PORT)
        v = r.choice(["many", "noaddr", "range", "inner_unknown", "empty",
                      "short", "dups", "junk", "scalar"] +
                     (["nolen", "hostbits"] if spaces else ["zero"]))
        if not arrays:
            sub.attrs.append(a)
        if v == "many":
            a.payload = b"".join(good(i) for i in
                                 range(n_max + r.randint(1, 9)))
        elif v == "noaddr":
            inner = nla(PREFIX_A["LEN"], b"\x10") if spaces else \
                nla(EP_A["PORT"], struct.pack("=H", PORT))
            a.payload += nla(9 | NLA_F_NESTED, inner)
        elif v == "nolen":
            a.payload += nla(9 | NLA_F_NESTED, nla(PREFIX_A["ADDR"], bytes(4)))
        elif v == "range":
            inner = (nla(PREFIX_A["ADDR"], bytes(4)) +
                     nla(PREFIX_A["LEN"], bytes([r.randint(33, 255)]))) \
                if spaces else (nla(EP_A["ADDR"], struct.pack("!I", 1)) +
                                nla(EP_A["PORT"], bytes(2)))
            a.payload += nla(9 | NLA_F_NESTED, inner)
        elif v == "inner_unknown":
            a.payload += nla(9 | NLA_F_NESTED, good(0)[4:] +
                             nla(r.choice([0, 3, 99]), bytes(4)))
        elif v == "hostbits":
            a.payload += prefix_entry(9, ip4("172.16.1.1"), 12)
        elif v == "zero":
            a.payload += endpoint_entry(9, 0, PORT)
        elif v == "empty":
            a.payload += nla(9 | NLA_F_NESTED)
        elif v == "short":
            a.payload += nla(9 | NLA_F_NESTED, bytes(r.randint(1, 3)))
        elif v == "dups":
            e = good(0)
            a.payload = e * r.randint(2, n_max)
            return "~%s: duplicate entries" % a.name
        elif v == "junk":
            a.payload += bytes(r.randint(1, 3))
            return "~%s: junk after the entries" % a.name
        elif v == "scalar":
            a.payload = struct.pack("=I", r.getrandbits(32))
            return "~%s: a u32" % a.name
        return "%s: %s" % (a.name, v)

    def mutate_semantic(self, sub, cmd_name):
        """A value every policy lets through but the command must refuse."""
        r = self.rng

        def setv(n, v):
            for a in sub.attrs:
                if a.name == n:
                    a.payload = enc(POLICY[n][0], v)
                    return
            sub.attrs.append(Attr(n, enc(POLICY[n][0], v)))

        bad_addr = r.choice(["0.0.0.0", "0.1.2.3", "224.0.0.1",
                             "239.255.255.255", "255.255.255.255"])
        if cmd_name == "NEW_HOST":
            bad_addr = r.choice([bad_addr, "127.0.0.1", "127.9.9.9"])
            setv("ADDR", ip4(bad_addr))
            return "host " + bad_addr
        if cmd_name == "SET_VR":
            v = r.randint(1, 99)
            setv("KEEPALIVE", v)
            return "keepalive %d" % v
        if cmd_name == "DEL_ROUTE" or r.random() < 0.4:
            plen = r.randint(0, 31)
            setv("PREFIX_LEN", plen)
            setv("ADDR", mask(plen) ^ U32_MAX | ip4("172.16.0.0"))
            return "prefix with host bits /%d" % plen
        v = r.choice(["via", "vr_regular", "vr_is_via", "queue_no_vr"])
        if v == "via":
            setv("VIA", ip4(bad_addr))
            return "via " + bad_addr
        if v == "vr_regular":
            setv("ROUTE_TYPE", r.choice([U["VINE_ROUTE_DISABLED"],
                                         U["VINE_ROUTE_REGULAR"]]))
            setv("ROUTE_VR", ip4("10.0.0.7"))
            return "route VR with a route not of type queue"
        if v == "vr_is_via":
            setv("VIA", ip4("10.0.0.3"))
            setv("ROUTE_TYPE", U["VINE_ROUTE_QUEUE"])
            setv("ROUTE_VR", ip4("10.0.0.3"))
            return "route VR = via"
        setv("ROUTE_TYPE", U["VINE_ROUTE_QUEUE"])
        sub.attrs = [a for a in sub.attrs if a.name != "ROUTE_VR"]
        return "type queue without a route VR"

    # ---------------------------------------------------------- cases

    VALID_WEIGHTS = [("NEW_VN", 6), ("DEL_VN", 2), ("GET_VN", 3),
                     ("NEW_HOST", 10), ("DEL_HOST", 4), ("GET_HOST", 2),
                     ("NEW_ROUTE", 10), ("DEL_ROUTE", 4), ("GET_ROUTE", 2),
                     ("SET_KEY", 4), ("DEL_KEY", 2), ("GET_PEER", 2),
                     ("GET_STATUS", 1), ("GET_VR", 2), ("GET_STATS", 1),
                     ("SET_VR", 5)]

    def pick_cmd(self):
        names_, weights = zip(*self.VALID_WEIGHTS)
        return self.rng.choices(names_, weights)[0]

    def next_seq(self):
        self.seq = (self.seq + 1) & 0x7fffffff or 1
        return self.seq

    def make_case(self):
        """(bytes, [Sub]): one datagram and what each message of it is."""
        r = self.rng
        x = r.random()
        if x < 0.03:
            return self.batch()
        if x < 0.05:
            return self.header_case()
        if x < 0.052:
            return self.bulk()
        cmd_name = self.pick_cmd()
        sub = self.valid(cmd_name)
        if x > 0.5:
            self.mutate(sub, cmd_name)
        elif r.random() < 0.2:
            sub.flags &= ~NLM_F_ACK     # a success then says nothing
        sub.seq = self.next_seq()
        return sub.encode(self.family), [sub]

    def batch(self):
        """Several messages in one datagram; only the first predicted."""
        r = self.rng
        subs = []
        for i in range(r.randint(2, 6)):
            cmd_name = self.pick_cmd()
            sub = self.valid(cmd_name)
            if r.random() < 0.5:
                self.mutate(sub, cmd_name)
            if i:
                sub.predict = None
                sub.apply = None
                sub.check = None
            sub.seq = self.next_seq()
            subs.append(sub)
        data = b"".join(s.encode(self.family) +
                        bytes(align4(len(s.encode(self.family))) -
                              len(s.encode(self.family))) for s in subs)
        if r.random() < 0.3:
            data = data[:r.randint(len(data) - 30, len(data) - 1)]
        return data, subs

    def header_case(self):
        """A broken netlink or genetlink header."""
        r = self.rng
        sub = self.valid(self.pick_cmd())
        sub.seq = self.next_seq()
        sub.predict = sub.apply = sub.check = None
        m = bytearray(sub.encode(self.family))
        v = r.choice(["short_len", "genl_short", "long_len", "no_request",
                      "family", "ctrl_type", "tiny"])
        if v == "short_len":
            m[0:4] = struct.pack("=I", r.randint(0, 15))
        elif v == "genl_short":
            m = m[:r.randint(16, 19)]
            m[0:4] = struct.pack("=I", len(m))
            sub.must_fail = True
        elif v == "long_len":
            m[0:4] = struct.pack("=I", len(m) + r.randint(1, 1000))
        elif v == "no_request":
            m[6:8] = struct.pack("=H", sub.flags & ~NLM_F_REQUEST)
        elif v == "family":
            m[4:6] = struct.pack("=H", r.choice([0x7ff0, 0xffff]))
        elif v == "ctrl_type":
            m[4:6] = struct.pack("=H", r.choice([1, 2, 3, 4, 15]))
        else:
            m = m[:r.randint(0, 15)]
        sub.what = "header: " + v
        return bytes(m), [sub]

    def bulk(self):
        """Hundreds of hosts and routes in one VN, in one datagram: the
        dumps of them then come in pieces."""
        r = self.rng
        v = r.choice([4, 5])
        subs = [self.valid("NEW_VN")]
        subs[0].attrs = [Attr("VN_ID", enc("u32", v))]
        b = r.randint(20, 200)
        # Each answer takes about a kilobyte of our receive buffer, which
        # an unprivileged socket cannot raise beyond rmem_max.
        room = max(self.nl.rcvbuf // 1024 - 10, 20)
        hosts = min(r.randint(100, 400), room * 2 // 3)
        for i in range(hosts):
            s = Sub(CMD["NEW_HOST"], 0, [Attr("VN_ID", enc("u32", v)),
                                         Attr("ADDR", enc("be32", ip4(
                                             "172.20.%d.%d" % (b, i % 250 + 1))
                                             + (i // 250 << 8)))])
            subs.append(s)
        for i in range(min(r.randint(50, 300), room - hosts)):
            subs.append(Sub(CMD["NEW_ROUTE"], 0, [
                Attr("VN_ID", enc("u32", v)),
                Attr("ADDR", enc("be32", ip4("172.21.%d.0" % b) + i)),
                Attr("PREFIX_LEN", enc("u8", 32)),
                Attr("VIA", enc("be32", self.via()))]))
        for s in subs:
            s.seq = self.next_seq()
            s.predict = s.apply = s.check = None
            s.what = "bulk"
        return b"".join(s.encode(self.family) for s in subs), subs

    # --------------------------------------------------------- running

    def kernel_view(self, data):
        """What netlink_rcv_skb() makes of @data: [(seq, handled, ack,
        type, flags)] for each message it reaches."""
        out, off = [], 0
        while len(data) - off >= 16:
            n, t, flags, seq, _ = struct.unpack_from("=IHHII", data, off)
            if n < 16 or len(data) - off < n:
                break
            handled = bool(flags & NLM_F_REQUEST) and t >= NLMSG_MIN_TYPE
            cmd = data[off + 16] if n >= 17 else None
            out.append((seq, handled, bool(flags & NLM_F_ACK), t, flags, cmd))
            off += min(align4(n), len(data) - off)
        return out

    def barrier(self):
        """A request answered after everything sent before it."""
        seq = self.nl.next_seq()
        if self.root:
            return seq, genlmsg(self.family, CMD["GET_STATUS"],
                                flags=NLM_F_REQUEST | NLM_F_ACK, seq=seq)
        return seq, genlmsg(GENL_ID_CTRL, CTRL_CMD_GETFAMILY,
                            nla(CTRL_ATTR_FAMILY_NAME, b"vine\0"),
                            NLM_F_REQUEST | NLM_F_ACK, seq)

    def exchange(self, data):
        """Send @data then a barrier; the answers by sequence number, and
        the barrier's reply."""
        self.nl.s.send(data)
        bseq, bmsg = self.barrier()
        self.nl.s.send(bmsg)
        results, breply, bdone = {}, None, False
        while True:
            busy = any(x.multi and not x.done and x.err is None
                       for x in results.values())
            if bdone and not busy:
                return results, breply
            msgs = self.nl.recv(10)
            if msgs is None:
                raise Hang("no answer within 10 s (barrier %s, dump %s)" %
                           ("seen" if bdone else "not seen",
                            "running" if busy else "none"))
            for t, fl, seq, body in msgs:
                if seq == bseq:
                    if t == NLMSG_ERROR:
                        err, text = parse_error(fl, body)
                        if err:
                            raise Hang("barrier refused: %s %s" %
                                       (errname(err), text))
                        bdone = True
                    else:
                        breply = attr_dict(body[4:])
                    continue
                x = results.setdefault(seq, Result())
                if t == NLMSG_ERROR:
                    x.err, x.text = parse_error(fl, body)
                    if x.err == 0:
                        x.acked = True
                        x.err = None
                elif t == NLMSG_DONE:
                    x.done = True
                    e = -struct.unpack_from("=i", body)[0] if body else 0
                    if e:
                        x.err = e
                else:
                    if fl & NLM_F_MULTI:
                        x.multi = True
                    if fl & NLM_F_DUMP_INTR:
                        x.intr = True
                    x.replies.append(attr_dict(body[4:]))

    def run_case(self, data, subs):
        self.cases += 1
        self.case = self.cases
        if self.a.trace:
            print("trace %d %s" % (self.cases, data.hex()), flush=True)
        try:
            results, breply = self.exchange(data)
        except Overrun:
            self.overrun()
            return
        except OSError as e:
            self.count("sendmsg: " + errname(e.errno))
            return
        self.sent += len(self.kernel_view(data)) or 1
        if self.a.trace:
            print("trace %d -> %s" % (self.cases, " ".join(
                "%d:%s" % (seq, errname(x.err) if x.err else
                           "ok" if x.acked or x.done or x.replies else "-")
                for seq, x in sorted(results.items()))), flush=True)
        by_seq = {s.seq: s for s in subs}
        changes = 0
        unknown_change = False
        for seq, handled, ack, mtype, flags, cmd in self.kernel_view(data):
            x = results.get(seq, Result())
            sub = by_seq.get(seq)
            ours = handled and mtype == self.family
            if x.err:
                self.count(errname(x.err))
                if not x.text and ours:
                    key = "%s:%s" % (CMD_NAME.get(cmd, cmd), errname(x.err))
                    self.silent[key] = self.silent.get(key, 0) + 1
            elif handled:
                self.count("ok" if ours else "other-ok")
            if not handled:
                if x.err:
                    self.finding("an error for a message the kernel does "
                                 "not handle: %s" % errname(x.err), data)
                continue
            ok = x.err is None
            if ok and ack and not (x.acked or x.done or x.replies):
                self.finding("no ack for a request with NLM_F_ACK", data)
            if not self.root:
                if ours and ok:
                    self.finding("unprivileged request accepted (%s, %s)" %
                                 (CMD_NAME.get(cmd, cmd),
                                  sub.what if sub else "?"), data)
                elif ours and x.err not in (errno.EPERM, errno.EOPNOTSUPP,
                                            errno.EINVAL):
                    self.finding("unprivileged request refused with %s" %
                                 errname(x.err), data)
                continue
            if ours and ok and cmd in CHANGES:
                changes += 1
                if not (sub and sub.apply):
                    unknown_change = True
            if sub is None:
                continue
            got = 0 if ok else x.err
            if sub.must_fail and ok:
                self.finding("accepted an invalid request: %s %s" %
                             (CMD_NAME.get(cmd, cmd), sub.what), data)
            if sub.predict is not None and got not in sub.predict:
                self.finding("%s (%s) answered %s (%s), want %s" % (
                    CMD_NAME.get(cmd, cmd), sub.what, errname(got), x.text,
                    "/".join(errname(e) for e in sorted(sub.predict))), data)
                self.model.dirty = True
            elif not ok and sub.predict is not None and \
                    sub.want_text is not None and x.text != sub.want_text:
                self.finding("%s (%s) refused with [%s], want [%s]" % (
                    CMD_NAME.get(cmd, cmd), sub.what, x.text, sub.want_text),
                    data)
            elif ok and sub.check and not self.model.dirty and not x.intr:
                for p in sub.check(x):
                    self.finding("%s: %s" % (CMD_NAME.get(cmd, cmd), p), data)
                    self.model.dirty = True
            if ok and sub.apply:
                try:
                    sub.apply()
                except KeyError:
                    self.model.dirty = True
        if self.root:
            self.after(data, breply, changes, unknown_change)

    def overrun(self):
        """Answers were lost: nothing of this case can be checked. Read
        what is left, then start again from what the VR says."""
        self.count("answers lost (receive buffer full)")
        self.nl.drain()
        if self.root:
            self.events.drain()
            self.model.dirty = True
            self.resync()
            self.gen = self.status()[0]

    def after(self, data, breply, changes, unknown_change):
        """The generation, the events and the counts after a case."""
        gen = get_uint(breply or {}, A["GENERATION"])
        if gen is None:
            raise Hang("no GET_STATUS reply to the barrier")
        delta = (gen - self.gen) & U32_MAX
        if delta != changes:
            self.finding("generation +%d after %d accepted changes" %
                         (delta, changes), data)
        self.gen = gen
        msgs, lost = self.events.drain()
        evs = [(body[0], attr_dict(body[4:])) for _, _, _, body in msgs
               if len(body) >= 4]
        if lost:
            self.count("events lost (receive buffer full)")
        else:
            ch = [d for c, d in evs if c in CHANGES]
            self.ev_count += len(ch)
            if len(ch) != changes:
                self.finding("%d events after %d accepted changes" %
                             (len(ch), changes), data)
                ch = []                 # their generations tell nothing
            for d in ch:
                # A peer's public key (SET_KEY) may be in one; a static
                # or pre-shared key, or a private key, never.
                if A["KEY"] in d or A["PRIVATE_KEY"] in d:
                    self.finding("an event carries a key", data)
            gens = [get_uint(d, A["GENERATION"]) for d in ch]
            if ch and gens != [(gen - len(ch) + 1 + i) & U32_MAX
                               for i in range(len(ch))]:
                self.finding("events with generations %s, now %d" %
                             (gens, gen), data)
        if unknown_change:
            self.model.dirty = True
        if self.model.dirty:
            self.resync()
        counts = tuple(get_uint(breply, A[n]) for n in (
            "COUNT_VNS", "COUNT_HOSTS", "COUNT_ROUTES"))
        if not self.model.dirty and counts != self.model.counts():
            self.finding("status counts %s, the accepted requests make %s" %
                         (counts, self.model.counts()), data)
            self.model.dirty = True

    def run(self):
        a = self.a
        end = time.monotonic() + a.secs if a.secs else None
        start = time.monotonic()
        try:
            while (not a.count or self.cases < a.count) and \
                    (end is None or time.monotonic() < end):
                data, subs = self.make_case()
                try:
                    self.run_case(data, subs)
                    if self.root and self.cases % 500 == 0:
                        self.resync(True)
                except Overrun:         # while reading the tables back
                    self.overrun()
                if len(self.findings) >= 200:
                    break
            if self.root:
                self.resync(True)
        except Hang as e:
            self.finding("hang: %s" % e)
        return {"fuzzer": "netlink", "mode": a.mode, "seed": a.seed,
                "cases": self.cases, "messages": self.sent,
                "secs": round(time.monotonic() - start, 1),
                "outcomes": dict(sorted(self.outcomes.items())),
                "events": self.ev_count, "resyncs": self.resyncs,
                "refusals_without_message": dict(sorted(self.silent.items())),
                "known": self.known, "findings": len(self.findings)}
