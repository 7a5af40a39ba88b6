#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""make bench helpers.

In the guest (tools/bench-guest.sh):
  bench.py iperf tcp|udp FILE [JIFFIES HZ]   one figure from iperf3 -J
  bench.py ping < ping-output                 p50 and p99 round trip (us)
  bench.py echo                               answer UDP requests on port
                                              5300 (until killed)
  bench.py rr ADDR SECONDS                    UDP round trips to ADDR's
                                              echo, one every 20 ms: p50, p99
  bench.py drops NAME < vinectl-j-stats      nonzero drops, as BENCH lines

On the host (tools/bench.sh):
  bench.py report OUTPUT DIR   the guest's BENCH lines into DIR/results.json,
                               DIR/results.txt (the ratio table) and
                               DIR/chart.dat (for gnuplot)
"""
import json
import statistics
import sys

CANDIDATES = ["plain", "vxlan", "wg", "vine0", "vine", "vinep", "vineb",
              "vineq", "vinet", "vinee"]
LABELS = {
    "plain": "plain routing",
    "vxlan": "VXLAN",
    "wg": "WireGuard",
    "vine0": "ViNe mac none",
    "vine": "ViNe HMAC-SHA-256",
    "vinep": "ViNe Poly1305",
    "vineb": "ViNe BLAKE2s",
    "vineq": "ViNe via queue VR",
    "vinet": "ViNe over TCP",
    "vinee": "ViNe sessions, encrypted",
}
# metric: (label, unit, scale, higher is better)
METRICS = {
    "tcp1": ("TCP 1 stream", "Mbit/s", 1e-6, True),
    "tcp4": ("TCP 4 streams", "Mbit/s", 1e-6, True),
    "udp64": ("UDP 64 B", "kpps", 1e-3, True),
    "udp1400": ("UDP 1400 B", "kpps", 1e-3, True),
    "rtt_p50_us": ("RTT p50", "us", 1, False),
    "rtt_p99_us": ("RTT p99", "us", 1, False),
    "rtt_load_p50_us": ("RTT p50 under TCP 4", "us", 1, False),
    "rtt_load_p99_us": ("RTT p99 under TCP 4", "us", 1, False),
    "cpu_s_per_gb": ("CPU per GB (TCP 1)", "s", 1, False),
    "first_ping_us": ("first ping, handshake included", "us", 1, False),
    "hs_per_s": ("handshakes a second, one CPU", "/s", 1, True),
    "hs_resp_per_s": ("responder's part a second, one CPU", "/s", 1, True),
}


def iperf(kind, path, jiffies=None, hz=None):
    with open(path) as f:
        d = json.load(f)
    end = d["end"]
    if kind == "tcp":
        s = end["sum_received"]
        out = ["%.0f" % s["bits_per_second"]]
        if jiffies is not None:
            gb = s["bytes"] / 1e9
            out.append("%.3f" % (int(jiffies) / int(hz) / gb if gb else 0))
        print(" ".join(out))
        return
    # UDP: datagrams that reached the server, per second.
    s = end.get("sum_received", end["sum"])
    got = s["packets"] - s["lost_packets"]
    print("%.0f" % (got / s["seconds"]))


def ping():
    rtts = []
    for line in sys.stdin:
        i = line.find("time=")
        if i >= 0:
            rtts.append(float(line[i + 5:].split()[0]) * 1000)
    p50_p99(rtts, "ping replies")


def p50_p99(rtts, what):
    """Print the median and 99th percentile of round trips (us)."""
    if not rtts:
        sys.exit("bench: no " + what)
    rtts.sort()
    p = lambda q: rtts[min(len(rtts) - 1, int(q * len(rtts)))]
    print("%.0f %.0f" % (p(0.50), p(0.99)))


ECHO_PORT = 5300


def echo():
    import socket
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("0.0.0.0", ECHO_PORT))
    while True:
        data, addr = s.recvfrom(64)
        s.sendto(data, addr)


def rr(addr, seconds):
    """Round trips of 32-byte UDP requests, one at a time every 20 ms."""
    import socket
    import time
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.settimeout(1)
    rtts, seq = [], 0
    end = time.monotonic() + float(seconds)
    while time.monotonic() < end:
        seq += 1
        req = seq.to_bytes(32, "big")
        t0 = time.perf_counter()
        s.sendto(req, (addr, ECHO_PORT))
        try:
            while s.recv(64) != req:	# a late answer to a lost one
                pass
            rtts.append((time.perf_counter() - t0) * 1e6)
        except socket.timeout:
            pass
        time.sleep(0.02)
    p50_p99(rtts, "UDP echo answered")


def find(obj, key):
    if isinstance(obj, dict):
        if key in obj and isinstance(obj[key], dict):
            return obj[key]
        for v in obj.values():
            r = find(v, key)
            if r is not None:
                return r
    return None


def drops(name):
    d = find(json.load(sys.stdin), "drops") or {}
    for reason, n in sorted(d.items()):
        if n:
            print("BENCH %s drop_%s %d" % (name.replace(" ", "_"), reason, n))


def spread(v):
    return (max(v) - min(v)) / statistics.median(v) * 100 if len(v) > 1 and statistics.median(v) else 0


def report(output, outdir):
    samples, info, extra = {}, {}, {}
    for line in open(output, errors="replace"):
        f = line.split()
        if len(f) != 4 or f[0] != "BENCH":
            continue
        c, m, v = f[1], f[2], f[3]
        if c == "-":
            info[m] = v
            continue
        try:
            val = float(v)
        except ValueError:
            continue
        if c in CANDIDATES and m in METRICS:
            samples.setdefault(c, {}).setdefault(m, []).append(val)
        else:
            extra.setdefault(c, {}).setdefault(m, []).append(val)
    # Figures sampled more than once: their median (and the samples).
    for c, ms in extra.items():
        for m, v in ms.items():
            ms[m] = statistics.median(v) if len(v) == 1 else {
                "median": statistics.median(v), "samples": v}
    big = extra.get("vine", {})
    med_of = lambda x: x["median"] if isinstance(x, dict) else x
    for m in ("tcp1", "udp64"):
        s, l = big.get("scale_%s_small" % m), big.get("scale_%s_large" % m)
        if s and l:
            big["scale_%s_large_over_small" % m] = round(med_of(l) / med_of(s), 3)
    res = {"kernel": info.get("kernel"), "seconds": info.get("seconds"),
           "reps": info.get("reps"), "candidates": {}, "ratios": {},
           "other": extra}
    for c, ms in samples.items():
        res["candidates"][c] = {
            m: {"median": statistics.median(v), "min": min(v), "max": max(v),
                "spread_pct": round(spread(v), 1), "samples": v}
            for m, v in ms.items()}

    def med(c, m):
        try:
            return res["candidates"][c][m]["median"]
        except KeyError:
            return None

    pairs = [(c, "plain") for c in CANDIDATES if c != "plain"]
    pairs += [("vine0", "vxlan"), ("vine", "wg"), ("vinep", "wg"),
              ("vineb", "wg"), ("vineq", "vine"), ("vinet", "vine"),
              ("vinee", "wg")]
    for a, b in pairs:
        r = {}
        for m in METRICS:
            x, y = med(a, m), med(b, m)
            if x is not None and y:
                r[m] = round(x / y, 3)
        if r:
            res["ratios"]["%s/%s" % (a, b)] = r

    with open(outdir + "/results.json", "w") as f:
        json.dump(res, f, indent=1, sort_keys=True)

    lines = ["ViNe bench: Linux %s, %s s a run, %s repetitions (medians; "
             "spread = (max-min)/median)" % (res["kernel"], res["seconds"],
                                             res["reps"]), ""]
    cols = [c for c in CANDIDATES if c in res["candidates"]]
    w = max(len(LABELS[c]) for c in cols) if cols else 10
    head = "%-24s" % "" + "".join("%*s" % (w + 2, LABELS[c]) for c in cols)
    lines.append(head)
    for m, (label, unit, scale, _) in METRICS.items():
        row = "%-24s" % ("%s (%s)" % (label, unit))
        for c in cols:
            x = med(c, m)
            s = res["candidates"][c].get(m, {}).get("spread_pct", 0)
            cell = "-" if x is None else "%.4g ±%.0f%%" % (x * scale, s)
            row += "%*s" % (w + 2, cell)
        lines.append(row)
    lines += ["", "ratios (higher is better for throughput, lower for RTT and CPU):"]
    pw = max(len(p) for p in res["ratios"]) if res["ratios"] else 10
    lines.append("%-*s" % (pw + 2, "") + "".join(
        "%10s" % m.replace("rtt_load_", "load_").replace("_us", "")[:9]
        for m in METRICS))
    for p, r in res["ratios"].items():
        lines.append("%-*s" % (pw + 2, p) +
                     "".join("%10s" % ("%.3f" % r[m] if m in r else "-") for m in METRICS))
    if extra:
        lines += ["", "other figures:"]
        for c, ms in sorted(extra.items()):
            for m, v in sorted(ms.items()):
                if isinstance(v, dict):
                    lines.append("  %s %s %g (median of %s)" % (
                        c, m, v["median"], " ".join("%g" % x for x in v["samples"])))
                else:
                    lines.append("  %s %s %g" % (c, m, v))
    with open(outdir + "/results.txt", "w") as f:
        f.write("\n".join(lines) + "\n")

    # chart.dat: one row per candidate, throughput ratios to plain routing
    # (none when plain routing was not measured).
    with open(outdir + "/chart.dat", "w") as f:
        f.write("candidate tcp1 tcp4 udp64 udp1400\n")
        for c in cols if "plain" in res["candidates"] else []:
            r = [med(c, m) for m in ("tcp1", "tcp4", "udp64", "udp1400")]
            p = [med("plain", m) for m in ("tcp1", "tcp4", "udp64", "udp1400")]
            f.write('"%s" %s\n' % (LABELS[c], " ".join(
                "%.3f" % (x / y) if x is not None and y else "0" for x, y in zip(r, p))))
    print("\n".join(lines))
    return 0 if res["candidates"] else 1


def main(argv):
    if len(argv) >= 3 and argv[1] == "iperf":
        iperf(*argv[2:6])
    elif len(argv) == 2 and argv[1] == "ping":
        ping()
    elif len(argv) == 2 and argv[1] == "echo":
        echo()
    elif len(argv) == 4 and argv[1] == "rr":
        rr(argv[2], argv[3])
    elif len(argv) == 3 and argv[1] == "drops":
        drops(argv[2])
    elif len(argv) == 4 and argv[1] == "report":
        return report(argv[2], argv[3])
    else:
        sys.exit(__doc__)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
