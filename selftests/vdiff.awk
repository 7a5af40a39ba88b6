# SPDX-License-Identifier: GPL-2.0
#
# Differences between counter snapshots ("path value" lines, see vsnap in
# lib.sh), for vdiff and vdiffs. Files come in pairs: before, after.
# Prints the changed paths as sorted "path +delta" words joined by ", ";
# with -v names="A B ...", one "A: ... | B: ..." line for all pairs.
#
# mode "": all but the per-peer and per-VN drops; "top": VR-wide counters
# only; "drops": VR-wide drops by reason only; "all": everything.
# excl: a regex of paths to leave out. A snapshot that could not be read
# (path "error") always shows, so that "nothing changed" cannot pass on
# missing counters.

FNR == 1 { file++ }
{ val[file, $1] = $2; key[file, $1] = 1 }

function skip(k) {
	if (k == "error") return 0
	if (mode == "top" && k ~ /\[/) return 1
	if (mode == "drops" && k !~ /^drops\./) return 1
	if (mode == "" && k ~ /\]\.drops$/) return 1
	if (excl != "" && k ~ excl) return 1
	return 0
}

function pair(f1, f2,    k, fk, parts, n, i, j, t, out, va, vb, d, w) {
	n = 0
	for (fk in key) {
		split(fk, parts, SUBSEP)
		if (parts[1] != f1 && parts[1] != f2) continue
		k = parts[2]
		if (k in done || skip(k)) continue
		done[k] = 1
		va = ((f1, k) in val) ? val[f1, k] : 0
		vb = ((f2, k) in val) ? val[f2, k] : 0
		if (va ~ /^-?[0-9]+$/ && vb ~ /^-?[0-9]+$/) {
			d = vb - va
			if (d == 0) continue
			w = k " " (d > 0 ? "+" : "") sprintf("%.0f", d)
		} else if (va != vb || k == "error") {
			# a snapshot that failed ("error ...") always shows
			w = k "=" (((f2, k) in val) ? vb : va)
		} else {
			continue
		}
		list[++n] = w
	}
	for (k in done) delete done[k]
	for (i = 2; i <= n; i++) {
		t = list[i]
		for (j = i - 1; j >= 1 && list[j] > t; j--) list[j + 1] = list[j]
		list[j + 1] = t
	}
	out = ""
	for (i = 1; i <= n; i++) out = out (i > 1 ? ", " : "") list[i]
	return out
}

END {
	if (names == "") {
		print pair(1, 2)
		exit
	}
	split(names, nm, " ")
	line = ""
	for (i = 1; 2 * i <= file; i++)
		line = line (i > 1 ? " | " : "") nm[i] ": " pair(2 * i - 1, 2 * i)
	print line
}
