# SPDX-License-Identifier: GPL-2.0
"""The generic netlink family "vine" from Python, for the selftests.

Nl is a raw NETLINK_GENERIC socket (no libnl): requests, dumps, extended
ACKs, multicast groups. The numbers (commands, attributes, drop reasons)
are read from include/uapi/linux/vine.h, so that they are written once.
Also what the fuzzers (vine_fuzz.py) share: a VR's counters, entering a
network namespace, findings and the known defects.
"""
import errno
import os
import re
import select
import socket
import struct
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import vine_pkt  # noqa: E402  (the packets, MACs and helpers of the suite)

UAPI = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..",
                    "include", "uapi", "linux", "vine.h")


def load_uapi(path):
    """Every enum value and numeric #define of the header (a number, or
    (A << B)), by name."""
    with open(path) as f:
        text = re.sub(r"/\*.*?\*/", "", f.read(), flags=re.S)
    vals = {}
    for m in re.finditer(r"^#define\s+(VINE_\w+)\s+(0x[0-9a-fA-F]+|\d+)\s*$",
                         text, re.M):
        vals[m.group(1)] = int(m.group(2), 0)
    for m in re.finditer(r"^#define\s+(VINE_\w+)\s+\((\d+)\s*<<\s*(\d+)\)\s*$",
                         text, re.M):
        vals[m.group(1)] = int(m.group(2)) << int(m.group(3))
    for m in re.finditer(r"enum\s+\w+\s*\{(.*?)\}", text, re.S):
        n = 0
        for item in m.group(1).split(","):
            item = item.strip()
            if not item:
                continue
            if "=" in item:
                item, expr = (s.strip() for s in item.split("=", 1))
                n = int(expr, 0)
            vals[item] = n
            n += 1
    return vals


U = load_uapi(UAPI)


def names(prefix):
    return {k[len(prefix):]: v for k, v in U.items() if k.startswith(prefix)}


A = names("VINE_A_")                    # A["VN_ID"]
CMD = names("VINE_CMD_")                # CMD["NEW_VN"]
CMD_NAME = {v: k for k, v in CMD.items()}
DROPS = {v: k.lower() for k, v in names("VINE_DROP_").items()
         if k != "UNSPEC"}
STATS = names("VINE_STATS_A_")
PREFIX_A = names("VINE_PREFIX_A_")
EP_A = names("VINE_ENDPOINT_A_")
MAC_NAMES = {U["VINE_MAC_HMAC_SHA256"]: "hmac-sha256",
             U["VINE_MAC_NONE"]: "none",
             U["VINE_MAC_BLAKE2S"]: "blake2s",
             U["VINE_MAC_POLY1305"]: "poly1305"}
A_MAX = U["__VINE_A_MAX"] - 1
PORT = U["VINE_DEFAULT_PORT"]
KEY_LEN = U["VINE_KEY_LEN"]
U32_MAX = 0xffffffff


# ------------------------------------------------------------ netlink

NETLINK_GENERIC = 16
SOL_NETLINK = 270
NETLINK_ADD_MEMBERSHIP = 1
NETLINK_CAP_ACK = 10
NETLINK_EXT_ACK = 11
SO_RCVBUFFORCE = 33
NLM_F_REQUEST, NLM_F_MULTI, NLM_F_ACK, NLM_F_ECHO = 1, 2, 4, 8
NLM_F_DUMP_INTR = 0x10
NLM_F_ROOT, NLM_F_MATCH = 0x100, 0x200
NLM_F_DUMP = NLM_F_ROOT | NLM_F_MATCH
NLM_F_CAPPED, NLM_F_ACK_TLVS = 0x100, 0x200
NLMSG_ERROR, NLMSG_DONE, NLMSG_MIN_TYPE = 2, 3, 0x10
NLMSGERR_ATTR_MSG = 1
NLA_F_NESTED = 0x8000
NLA_TYPE_MASK = 0x3fff
GENL_ID_CTRL = 0x10
CTRL_CMD_GETFAMILY = 3
CTRL_ATTR_FAMILY_ID, CTRL_ATTR_FAMILY_NAME, CTRL_ATTR_MCAST_GROUPS = 1, 2, 7
CTRL_ATTR_MCAST_GRP_NAME, CTRL_ATTR_MCAST_GRP_ID = 1, 2
BARRIER_SEQ = 0x80000000        # our own requests; fuzzed ones stay below


def align4(n):
    return (n + 3) & ~3


def nla(atype, payload=b""):
    n = 4 + len(payload)
    return struct.pack("=HH", n, atype) + payload + bytes(align4(n) - n)


def nlmsg(mtype, flags, seq, payload):
    return struct.pack("=IHHII", 16 + len(payload), mtype, flags, seq,
                       0) + payload


def genlmsg(family, cmd, attrs=b"", flags=NLM_F_REQUEST | NLM_F_ACK, seq=0,
            version=1, reserved=0):
    return nlmsg(family, flags, seq,
                 struct.pack("=BBH", cmd, version, reserved) + attrs)


def parse_attrs(buf):
    """(type, payload) of each attribute, as the kernel walks them."""
    out, off = [], 0
    while len(buf) - off >= 4:
        n, t = struct.unpack_from("=HH", buf, off)
        if n < 4 or off + n > len(buf):
            break
        out.append((t & NLA_TYPE_MASK, buf[off + 4:off + n]))
        off += align4(n)
    return out


def attr_dict(buf):
    return dict(parse_attrs(buf))


# Attributes of type be32 (NLA_BE32): addresses.
BE32_ATTRS = {A[n] for n in ("ADDR", "VIA", "PEER", "ROUTE_VR")}


def get_uint(d, t, default=None):
    v = d.get(t)
    if v is None:
        return default
    return int.from_bytes(v, "big" if len(v) == 4 and t in BE32_ATTRS
                          else sys.byteorder)


def parse_msgs(data):
    """(type, flags, seq, body) of each netlink message in @data."""
    out, off = [], 0
    while len(data) - off >= 16:
        n, t, flags, seq, _ = struct.unpack_from("=IHHII", data, off)
        if n < 16 or off + n > len(data):
            break
        out.append((t, flags, seq, data[off + 16:off + n]))
        off += align4(n)
    return out


def parse_error(flags, body):
    """(errno, extack message) of an NLMSG_ERROR; errno 0: an ack."""
    err = -struct.unpack_from("=i", body)[0] if len(body) >= 4 else 0
    off = 4 + (16 if flags & NLM_F_CAPPED else
               align4(struct.unpack_from("=I", body, 4)[0])
               if len(body) >= 8 else 16)
    text = None
    if flags & NLM_F_ACK_TLVS:
        for t, d in parse_attrs(body[off:]):
            if t == NLMSGERR_ATTR_MSG:
                text = d.rstrip(b"\0").decode(errors="replace")
    return err, text


def errname(e):
    if e == errno.EOPNOTSUPP:
        return "EOPNOTSUPP"         # not its alias ENOTSUP
    return "ok" if e == 0 else errno.errorcode.get(e, "E%d" % e)


class Hang(Exception):
    """No answer in time: the kernel is stuck, or ignored a request."""


class Overrun(Exception):
    """Our socket's receive buffer overflowed: answers were lost."""


class Nl:
    """A NETLINK_GENERIC socket in the current network namespace."""

    def __init__(self, rcvbuf=1 << 22):
        s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, NETLINK_GENERIC)
        try:
            s.setsockopt(socket.SOL_SOCKET, SO_RCVBUFFORCE, rcvbuf)
        except OSError:
            s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
        s.setsockopt(SOL_NETLINK, NETLINK_EXT_ACK, 1)
        s.setsockopt(SOL_NETLINK, NETLINK_CAP_ACK, 1)
        s.bind((0, 0))
        self.s = s
        self.rcvbuf = s.getsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF)
        self.seq = BARRIER_SEQ
        self.family = None
        self.groups = {}

    def next_seq(self):
        self.seq = BARRIER_SEQ | ((self.seq + 1) & 0x7fffffff)
        return self.seq

    def recv(self, timeout):
        """The messages of one datagram; None after @timeout seconds."""
        r, _, _ = select.select([self.s], [], [], timeout)
        if not r:
            return None
        try:
            return parse_msgs(self.s.recv(1 << 20))
        except OSError as e:
            if e.errno == errno.ENOBUFS:
                raise Overrun() from e
            raise

    def drain(self):
        """Everything waiting: (messages, whether some were lost). Reading
        until the queue is empty also ends the congestion that an overrun
        left, during which the kernel drops whatever it sends us."""
        msgs, lost = [], False
        self.s.setblocking(False)
        try:
            while True:
                try:
                    msgs += parse_msgs(self.s.recv(1 << 20))
                except BlockingIOError:
                    return msgs, lost
                except OSError as e:
                    if e.errno != errno.ENOBUFS:
                        raise
                    lost = True
        finally:
            self.s.setblocking(True)

    def transact(self, mtype, cmd, attrs=b"", dump=False, timeout=10):
        """Send one request, return (errno, extack, [reply bodies])."""
        seq = self.next_seq()
        flags = NLM_F_REQUEST | (NLM_F_DUMP if dump else NLM_F_ACK)
        self.s.send(genlmsg(mtype, cmd, attrs, flags, seq))
        replies = []
        while True:
            msgs = self.recv(timeout)
            if msgs is None:
                raise Hang("no answer to %s %d" %
                           ("dump" if dump else "request", cmd))
            for t, fl, sq, body in msgs:
                if sq != seq:
                    continue
                if t == NLMSG_ERROR:
                    err, text = parse_error(fl, body)
                    return err, text, replies
                if t == NLMSG_DONE:
                    err = -struct.unpack_from("=i", body)[0] if body else 0
                    return err, None, replies
                replies.append((fl, body[4:]))

    def resolve(self, name="vine"):
        err, text, rep = self.transact(GENL_ID_CTRL, CTRL_CMD_GETFAMILY,
                                       nla(CTRL_ATTR_FAMILY_NAME,
                                           name.encode() + b"\0"))
        if err or not rep:
            raise OSError(err, "family %s: %s" % (name, os.strerror(err)))
        d = attr_dict(rep[0][1])
        self.family = struct.unpack("=H", d[CTRL_ATTR_FAMILY_ID])[0]
        for _, g in parse_attrs(d.get(CTRL_ATTR_MCAST_GROUPS, b"")):
            gd = attr_dict(g)
            name = gd[CTRL_ATTR_MCAST_GRP_NAME].rstrip(b"\0").decode()
            self.groups[name] = struct.unpack(
                "=I", gd[CTRL_ATTR_MCAST_GRP_ID])[0]
        return self.family

    def vine(self, cmd, attrs=b"", dump=False):
        """A request of the vine family: (errno, extack, [attr dicts])."""
        err, text, rep = self.transact(self.family, CMD[cmd], attrs, dump)
        return err, text, [attr_dict(b) for _, b in rep]

    def join(self, group):
        self.s.setsockopt(SOL_NETLINK, NETLINK_ADD_MEMBERSHIP,
                          self.groups[group])


def ip4(s):
    return vine_pkt.ip4(s)


def ip4s(n):
    return vine_pkt.ip4s(n)


def mask(plen):
    return (U32_MAX << (32 - plen)) & U32_MAX if plen else 0


def stats_problems(d):
    """Drops by reason must add up to the drops."""
    st = attr_dict(d.get(A["STATS"], b""))
    total = get_uint(st, STATS["DROPS"], 0)
    reasons = attr_dict(d.get(A["DROPS"], b""))
    s = sum(int.from_bytes(v, sys.byteorder) for t, v in reasons.items()
            if t in DROPS)
    return [] if s == total else ["drops by reason add up to %d, drops %d" %
                                  (s, total)]


def vr_counters(nl):
    """A VR's counters and drops by reason, from GET_STATS."""
    err, text, rep = nl.vine("GET_STATS")
    if err:
        raise Hang("GET_STATS refused: %s %s" % (errname(err), text))
    d = rep[0]
    st = attr_dict(d.get(A["STATS"], b""))
    c = {k.lower(): get_uint(st, v, 0) for k, v in STATS.items()
         if k not in ("UNSPEC", "PAD")}
    reasons = attr_dict(d.get(A["DROPS"], b""))
    c.update({DROPS[t]: int.from_bytes(v, sys.byteorder)
              for t, v in reasons.items() if t in DROPS})
    c["_problems"] = stats_problems(d)
    return c


class Netns:
    """with Netns(NAME, BACK): in namespace NAME, then back in BACK."""

    def __init__(self, name, back):
        self.name, self.back = name, back

    def __enter__(self):
        vine_pkt.setns(self.name)

    def __exit__(self, *exc):
        vine_pkt.setns(self.back)


# Defects of the module the fuzzers find today: reported ("known: ...",
# the first time, with the message) and counted, but not failed on, since
# kmod/ is fixed apart. Remove an entry once its defect is fixed: from then
# on the fuzzer fails wherever it happens again.
KNOWN = {}


class Reporter:
    """Findings, and the known defects met, of one fuzzer run."""

    def __init__(self, seed, data_name):
        self.seed = seed
        self.data_name = data_name      # "msg", "pkt": what data is
        self.findings = []
        self.known = {}
        self.case = 0

    def finding(self, text, data=None, known=None):
        line = text
        if data is not None:
            line += " | %s %s" % (self.data_name, data[:300].hex())
            if len(data) > 300:
                line += "... (%d bytes)" % len(data)
        line += " | seed %d case %d" % (self.seed, self.case)
        if known:
            assert known in KNOWN
            if known not in self.known:
                print("known: %s: %s" % (known, line), flush=True)
            self.known[known] = self.known.get(known, 0) + 1
            return
        if len(self.findings) < 50:
            print("finding: " + line, flush=True)
        self.findings.append(line)
