#!/bin/sh
# Counts the system calls an echo server makes per request, with perf's syscall tracepoints:
# where a server's CPU time goes when most of it is the kernel's (see bench/RESULTS.md).
#
#   bench/scripts/syscalls-per-request.sh SERVER [CONNECTIONS] [SIZE] [PLACEMENT] [MODE]
#
# SERVER: spindle-BACKEND, netty-nio, netty-epoll or c-epoll; PLACEMENT: same (both on CPU 0,
# the default) or separate (server CPU 0, load CPU 1); MODE: pingpong (default) or stream
# (then a "request" is one SIZE-byte unit of echoed data). Needs perf and the bench jar
# (mvn -B -pl bench -am package -DskipTests). Prints the load generator's RESULT line and the
# calls per request; counts are taken over 4 s in the middle of an 8 s measured window.
set -eu
server=${1:?usage: $0 SERVER [CONNECTIONS] [SIZE] [same|separate]}
conns=${2:-16}
size=${3:-64}
placement=${4:-same}
mode=${5:-pingpong}
here=$(cd "$(dirname "$0")/../.." && pwd)
jar="$here/bench/target/spindle-bench.jar"
[ -f "$jar" ] || { echo "no $jar: build it first (mvn -B -pl bench -am package -DskipTests)" >&2; exit 2; }
command -v perf >/dev/null || { echo "needs perf (Debian: linux-perf)" >&2; exit 2; }
. "$here/bench/scripts/start-server.sh"
ev=syscalls:sys_enter_read,syscalls:sys_enter_write,syscalls:sys_enter_readv,syscalls:sys_enter_writev
ev=$ev,syscalls:sys_enter_epoll_wait,syscalls:sys_enter_epoll_pwait,syscalls:sys_enter_epoll_pwait2
ev=$ev,syscalls:sys_enter_epoll_ctl,syscalls:sys_enter_recvfrom,syscalls:sys_enter_sendto,syscalls:sys_enter_futex
ev=$ev,context-switches,task-clock
stat=$(mktemp)
(sleep 4; perf stat -x, -e "$ev" -p $spid -o "$stat" -- sleep 4) &
ppid=$!
result=$(taskset -c $loadcpu java -cp "$jar" dev.spindle.bench.LoadGenerator --port "$port" \
    --connections "$conns" --size "$size" --duration 8 --warmup 2 --mode "$mode" | grep RESULT)
wait $ppid
exec 3>&-
wait $spid || true
echo "$server $mode $conns x $size ($placement): $result"
rps=$(echo "$result" | sed -n 's/.* rps=\([0-9.]*\).*/\1/p')
awk -F, -v rps="$rps" '/syscalls|context-switches|task-clock/ { n=$1; name=$3; sub("syscalls:sys_enter_","",name); if (name == "task-clock") { name = "task-clock us"; n = n * 1000 };
    if (n+0 > 0) printf "  %-12s %8.3f per request\n", name, n / (rps * 4) }' "$stat"
rm -f "$out" "$stat" "$fifo"
