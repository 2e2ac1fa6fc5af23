#!/bin/sh
# Splits an echo server's CPU time per request into user and system time, from the server
# process's own accounting (/proc/<pid>/stat utime and stime), over 4 s in the middle of an 8 s
# run: where the CPU goes when two servers make the same system calls (see bench/RESULTS.md).
#
#   bench/scripts/cpu-split.sh SERVER [CONNECTIONS] [SIZE] [PLACEMENT]
#
# SERVER: spindle-BACKEND, netty-nio, netty-epoll or c-epoll; PLACEMENT: same (both on CPU 0, the
# default) or separate (server CPU 0, load CPU 1). Needs the bench jar
# (mvn -B -pl bench -am package -DskipTests).
set -eu
server=${1:?usage: $0 SERVER [CONNECTIONS] [SIZE] [same|separate]}
conns=${2:-16}
size=${3:-64}
placement=${4:-same}
here=$(cd "$(dirname "$0")/../.." && pwd)
jar="$here/bench/target/spindle-bench.jar"
[ -f "$jar" ] || { echo "no $jar: build it first (mvn -B -pl bench -am package -DskipTests)" >&2; exit 2; }
. "$here/bench/scripts/start-server.sh"
# utime and stime are fields 14 and 15 of /proc/<pid>/stat, after the command in parentheses.
ticks() { sed 's/.*) //' /proc/$spid/stat | awk '{print $12, $13}'; }
sample=$(mktemp)
(sleep 4; ticks > "$sample"; sleep 4; ticks >> "$sample") &
spl=$!
result=$(taskset -c $loadcpu java -cp "$jar" dev.spindle.bench.LoadGenerator --port "$port" \
    --connections "$conns" --size "$size" --duration 8 --warmup 2 | grep RESULT)
wait $spl
exec 3>&-
wait $spid || true
hz=$(getconf CLK_TCK)
rps=$(echo "$result" | sed -n 's/.* rps=\([0-9.]*\).*/\1/p')
awk -v rps="$rps" -v hz="$hz" -v name="$server $conns x $size ($placement)" 'NR == 1 { u0 = $1; s0 = $2 } NR == 2 {
    u = ($1 - u0) / hz * 1e6 / (rps * 4); s = ($2 - s0) / hz * 1e6 / (rps * 4);
    printf "%-36s rps %9.0f  user %.2f  system %.2f  total %.2f us/req\n", name, rps, u, s, u + s }' "$sample"
rm -f "$out" "$fifo" "$sample"
