# SPDX-License-Identifier: GPL-2.0
# make bench: throughput of each candidate relative to plain routing.
# gnuplot -e "dat='chart.dat'; png='chart.png'; kernel='KVER'" tools/bench.gp
set terminal pngcairo size 1000,520 font ",10"
set output png
set title sprintf("ViNe bench, Linux %s: throughput / plain routing (higher is better)", kernel)
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.8 border -1
set boxwidth 0.9
set yrange [0:*]
set grid ytics
set key outside right top
set xtics rotate by -20
plot dat using 2:xtic(1) title columnheader(2), \
     '' using 3 title columnheader(3), \
     '' using 4 title columnheader(4), \
     '' using 5 title columnheader(5)
