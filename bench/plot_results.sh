#!/usr/bin/env bash
# Renders bench/results.dat (copied from the tables in docs/benchmarks.md) into
# docs/benchmarks.svg for the README: CPU and peak memory of logship and its peers side by side.
# Needs gnuplot (Debian: gnuplot-nox).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
gnuplot <<GP
set terminal svg size 900,560 font "sans,11"
set output "$root/docs/benchmarks.svg"
set style fill solid 0.8 border -1
set boxwidth 0.6
set yrange [0:*]
set grid ytics
set xtics nomirror
unset key
set multiplot layout 2,1
set title "CPU-seconds per million events (lower is better)"
plot "$root/bench/results.dat" using 0:2:xtic(1) with boxes lc rgb "#3b7dd8", \
     "" using 0:2:(sprintf("%.2f", \$2)) with labels offset 0,0.8
set title "Peak resident memory, MiB (lower is better)"
plot "$root/bench/results.dat" using 0:3:xtic(1) with boxes lc rgb "#d8893b", \
     "" using 0:3:(sprintf("%.0f", \$3)) with labels offset 0,0.8
unset multiplot
GP
echo "wrote docs/benchmarks.svg"
