#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Fuzzers of the ViNe selftests (selftests/fuzz.sh, `make fuzz`).

    vine_fuzz.py netlink [--mode root|unpriv] [--secs S] [--count N]
                         [--seed N] [--json FILE] [--trace]
        generic netlink messages for every command of the "vine" family,
        on a raw NETLINK_GENERIC socket in this network namespace
        (vine_fuzz_nl.py): valid ones, their answers predicted; the same
        mutated; random ones, batches, broken headers. root: after each,
        the generation, the events and the table sizes agree with what was
        accepted, the dumps with the counts. unpriv: everything refused,
        the events group too.
    vine_fuzz.py wire --target NS --self NS --to ADDR --keyed ADDR
                      --unkeyed ADDR --key-file F [--secs S] [--count N]
                      [--seed N] [--json FILE] [--trace]
        mutated ViNe packets of every type to the UDP port of the VR of
        namespace NS at ADDR, and byte streams to its TCP port, from a
        peer holding the key of --key-file and from one unknown
        (vine_fuzz_wire.py); what the VR sends back is checked, and that
        every datagram is counted once.
    vine_fuzz.py sane NS...
        the counters of these VRs agree: drops by reason add up to the
        drops, the VNs' packets to the VR's, the peers' within them
    vine_fuzz.py report JSON...
        the fuzzers' summaries, as lines for KTAP diagnostics
    vine_fuzz.py totals KTAP...
        the sums of the summaries fuzz.sh printed ("# json: ...")
    vine_fuzz.py agree STATUS VNS ROUTES
        the JSON of vinectl -j status, vn list, route list tell the same
        sizes
    vine_fuzz.py nl-send HEX
        send one netlink message (a reproducer; "FAMILY" in HEX stands for
        the family id, 4 hex digits), print the answers
    vine_fuzz.py udp-send --from ADDR --to ADDR [--port P] HEX
        send one datagram (a reproducer)

A fuzzer prints every problem as a line "finding: ..." with the message
or packet in hex, a known defect of the module (vine_nl.KNOWN) as
"known: ..." the first time, and a JSON summary last (also to --json);
it exits 1 after a finding. The same --seed and --count send the same
cases; --trace prints each case before it goes (after a crash, the last
one printed is the culprit).
"""
import json
import os
import socket
import struct
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import vine_pkt  # noqa: E402
from vine_nl import (A, DROPS, KNOWN, NLMSG_DONE,  # noqa: E402
                     NLMSG_ERROR, PORT, STATS, Nl, attr_dict, errname,
                     get_uint, parse_attrs, parse_error, vr_counters)
from vine_fuzz_nl import NlFuzz  # noqa: E402
from vine_fuzz_wire import WireFuzz  # noqa: E402


# --------------------------------------------------------- subcommands

def cmd_netlink(a):
    return NlFuzz(a).run()


def cmd_wire(a):
    return WireFuzz(a).run()


def sane_snapshot(nl):
    """A VR's counters, its VNs' and its peers', read while no counter
    moved: packets still in flight (a late echo reply, a queue flushed on
    a slow kernel) would otherwise land between the reads. The last of a
    bounded number of tries counts if the VR never goes still."""
    before = vr_counters(nl)
    for _ in range(20):
        vns = nl.vine("GET_VN", dump=True)[2]
        peers = nl.vine("GET_PEER", dump=True)[2]
        after = vr_counters(nl)
        if after == before:
            break
        before = after
        time.sleep(0.25)
    return after, vns, peers


def cmd_sane(a):
    """The counters of each VR agree with each other."""
    out, problems = {}, []
    for ns in a.names:
        vine_pkt.setns(ns)
        nl = Nl()
        nl.resolve("vine")
        c, vns, peers = sane_snapshot(nl)
        problems += ["%s: %s" % (ns, p) for p in c.pop("_problems")]

        def total(ds, k):
            return sum(get_uint(attr_dict(x.get(A["STATS"], b"")), STATS[k], 0)
                       for x in ds)
        for k in ("RX_PACKETS", "RX_BYTES", "TX_PACKETS", "TX_BYTES"):
            if total(vns, k) != c[k.lower()]:
                problems.append("%s: %s %d, its VNs' add up to %d" %
                                (ns, k.lower(), c[k.lower()], total(vns, k)))
            if total(peers, k) > c[k.lower()]:
                problems.append("%s: %s %d, its peers' add up to %d" %
                                (ns, k.lower(), c[k.lower()], total(peers, k)))
        for what, ds in (("VNs'", vns), ("peers'", peers)):
            if total(ds, "DROPS") > c["drops"]:
                problems.append("%s: drops %d, its %s add up to %d" %
                                (ns, c["drops"], what, total(ds, "DROPS")))
        out[ns] = {k: v for k, v in c.items() if v}
    for p in problems:
        print("finding: counters: " + p)
    out["findings"] = len(problems)
    return out


def cmd_report(a):
    """KTAP diagnostics (without "# ") from fuzzers' JSON summaries."""
    for path in a.files:
        with open(path) as f:
            d = json.loads(f.read())
        if d["fuzzer"] == "netlink":
            print("netlink %s: %d messages in %d datagrams, %.1f s, seed %d"
                  % (d["mode"], d["messages"], d["cases"], d["secs"],
                     d["seed"]))
            print("  answers: " + ", ".join("%s %d" % kv for kv in
                                             d["outcomes"].items()))
            if d["mode"] == "root":
                print("  events: %d, tables read back %d times" %
                      (d["events"], d["resyncs"]))
            if d["mode"] == "root" and d["refusals_without_message"]:
                print("  refused without a message: " + ", ".join(
                    "%s %d" % kv for kv in
                    d["refusals_without_message"].items()))
        else:
            print("wire: %d datagrams (%d GET/NULL), %d TCP streams with %d "
                  "frames (%d bytes), %.1f s, seed %d" % (
                      d["datagrams"], d["control_datagrams"],
                      d["tcp_streams"], d["tcp_frames"], d["tcp_bytes"],
                      d["secs"], d["seed"]))
            print("  the VR sent back %d datagrams and %d TCP frames" %
                  (d["received_udp"], d["received_tcp"]))
            vr = dict(d["vr"])
            top = ["%s +%d" % (k, vr.pop(k)) for k in
                   ("udp_in", "rx_packets", "tx_packets", "drops") if k in vr]
            print("  the VR: " + ", ".join(top))
            print("  its drops: " + ", ".join(
                "%s +%d" % kv for kv in vr.items()
                if kv[0] in DROPS.values()))
            print("  " + ", ".join("%s %d" % kv for kv in
                                   d["outcomes"].items()))
            print("  seconds: " + ", ".join("%s %.1f" % kv for kv in
                                            d["time"].items()))
        for k, n in d.get("known", {}).items():
            print("  known defect %s, %d times: %s" % (k, n, KNOWN[k]))
        print("  findings: %d" % d["findings"])
    return {}


def cmd_totals(a):
    """The sums of the summaries that fuzz.sh printed as "# json: ..."."""
    for path in a.files:
        t = {"messages": 0, "nl_datagrams": 0, "datagrams": 0,
             "tcp_streams": 0, "tcp_frames": 0, "findings": 0, "runs": 0}
        known = {}
        with open(path) as f:
            for line in f:
                if "# json: " not in line:
                    continue
                d = json.loads(line.split("# json: ", 1)[1])
                t["runs"] += 1
                t["findings"] += d["findings"]
                for k, n in d.get("known", {}).items():
                    known[k] = known.get(k, 0) + n
                if d["fuzzer"] == "netlink":
                    t["messages"] += d["messages"]
                    t["nl_datagrams"] += d["cases"]
                else:
                    for k in ("datagrams", "tcp_streams", "tcp_frames"):
                        t[k] += d[k]
        print("netlink %(messages)d messages in %(nl_datagrams)d datagrams; "
              "wire %(datagrams)d datagrams, %(tcp_frames)d TCP frames in "
              "%(tcp_streams)d streams; %(findings)d findings in %(runs)d "
              "runs" % t + "".join("; known %s %d" % kv
                                   for kv in sorted(known.items())))
    return {}


def cmd_agree(a):
    """vinectl -j status, vn list and route list tell the same sizes."""
    with open(a.status) as f:
        st = json.load(f)
    with open(a.vns) as f:
        vns = json.load(f)
    with open(a.routes) as f:
        routes = json.load(f)
    got = (len(vns), sum(v["hosts"] for v in vns),
           sum(v["routes"] for v in vns), len(routes))
    want = (st["vns"], st["hosts"], st["routes"], st["routes"])
    print("status: %d VNs, %d hosts, %d routes; vn list: %d VNs, %d hosts, "
          "%d routes; route list: %d routes" % (want[:3] + got))
    return {"findings": int(got != want)}


def cmd_nl_send(a):
    nl = Nl()
    fam = nl.resolve("vine")
    data = bytes.fromhex(a.hex.replace("FAMILY", struct.pack("=H", fam).hex()))
    nl.s.send(data)
    while True:
        msgs = nl.recv(2)
        if msgs is None:
            break
        for t, fl, seq, body in msgs:
            if t == NLMSG_ERROR:
                err, text = parse_error(fl, body)
                print("seq %d: %s %s" % (seq, errname(err), text or ""))
            elif t == NLMSG_DONE:
                print("seq %d: done" % seq)
            else:
                print("seq %d: cmd %d %s" % (seq, body[0], {
                    t: v.hex() for t, v in parse_attrs(body[4:])}))
    return {}


def cmd_udp_send(a):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind((getattr(a, "from"), a.sport))
    s.sendto(bytes.fromhex(a.hex), (a.to, a.port))
    return {}


def main():
    import argparse
    p = argparse.ArgumentParser(prog="vine_fuzz.py")
    sub = p.add_subparsers(dest="cmd", required=True)

    def bounds(s):
        s.add_argument("--secs", type=float, default=0)
        s.add_argument("--count", type=int, default=0)
        s.add_argument("--seed", type=int, default=1)
        s.add_argument("--json")
        s.add_argument("--trace", action="store_true")

    s = sub.add_parser("netlink")
    s.set_defaults(fn=cmd_netlink)
    s.add_argument("--mode", choices=["root", "unpriv"], default="root")
    bounds(s)

    s = sub.add_parser("wire")
    s.set_defaults(fn=cmd_wire)
    s.add_argument("--target", required=True, help="the VR's namespace")
    s.add_argument("--self", required=True, help="this namespace")
    s.add_argument("--to", required=True, help="the VR's address")
    s.add_argument("--dst-id", help="the VR's id (default: --to)")
    s.add_argument("--port", type=int, default=PORT)
    s.add_argument("--keyed", required=True)
    s.add_argument("--unkeyed", required=True)
    s.add_argument("--key-file", required=True)
    bounds(s)

    s = sub.add_parser("sane")
    s.set_defaults(fn=cmd_sane)
    s.add_argument("names", nargs="+")

    s = sub.add_parser("report")
    s.set_defaults(fn=cmd_report)
    s.add_argument("files", nargs="+")

    s = sub.add_parser("totals")
    s.set_defaults(fn=cmd_totals)
    s.add_argument("files", nargs="+")

    s = sub.add_parser("agree")
    s.set_defaults(fn=cmd_agree)
    s.add_argument("status")
    s.add_argument("vns")
    s.add_argument("routes")

    s = sub.add_parser("nl-send")
    s.set_defaults(fn=cmd_nl_send)
    s.add_argument("hex")

    s = sub.add_parser("udp-send")
    s.set_defaults(fn=cmd_udp_send)
    s.add_argument("--from", required=True)
    s.add_argument("--sport", type=int, default=0)
    s.add_argument("--to", required=True)
    s.add_argument("--port", type=int, default=PORT)
    s.add_argument("hex")

    a = p.parse_args()
    if getattr(a, "secs", 0) == 0 and getattr(a, "count", 1) == 0:
        a.count = 1000
    summary = a.fn(a)
    if not summary:
        return
    if a.cmd in ("agree",):
        sys.exit(1 if summary["findings"] else 0)
    line = json.dumps(summary, separators=(",", ":"))
    print(line, flush=True)
    if getattr(a, "json", None):
        with open(a.json, "w") as f:
            f.write(line + "\n")
    sys.exit(1 if summary.get("findings") else 0)


if __name__ == "__main__":
    main()
