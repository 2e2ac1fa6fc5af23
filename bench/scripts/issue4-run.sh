#!/bin/bash
# The issue-4 benchmark run recorded in bench/RESULTS.md (2026-11-22, second reading): echo table,
# JMH timers and execute, TLS echo, UDP echo, allocation on the epoll hot path, one after another.
# Run it on an otherwise idle machine, after: . ./jdk.sh && mvn -B -pl bench -am package -DskipTests
# Takes about 70 minutes; writes bench/results/*-issue4-quiet.* and issue4-run.log is its console output.
set -u
cd "$(dirname "$0")/../.."
. ./jdk.sh
J=bench/target/spindle-bench.jar
R=bench/results
log() { echo "== $(date -u +%H:%M:%S) load $(cut -d' ' -f1-3 /proc/loadavg): $*"; }
log "echo start"
java -cp $J dev.spindle.bench.EchoBench --placement separate,same --runs 3 --duration 5 --warmup 3 --out $R/echo-issue4-quiet.md
log "echo done; jmh start"
java -jar $J 'TimerBenchmark|ExecuteBenchmark' -prof gc -rf text -rff $R/jmh-issue4-quiet.txt > $R/jmh-issue4-quiet.log 2>&1
log "jmh done; tls start"
java -cp $J dev.spindle.bench.EchoBench --tls --servers spindle-epoll,spindle-select,netty-epoll,netty-nio --rows 1x64,16x64,16x4096,stream16x65536 --placement separate,same --duration 5 --warmup 2 --runs 3 --out $R/tls-issue4-quiet.md
log "tls done; udp start"
java -cp $J dev.spindle.bench.UdpEchoBench --servers spindle-epoll,spindle-epoll-nobatch,spindle-select,netty-epoll,netty-epoll-nobatch --rows 1x64,1x1024,16x64,16x1024 --runs 3 --duration 5 --warmup 2 --placement separate,same --out $R/udp-issue4-quiet.md
log "udp done; alloc start"
out=$(mktemp)
sleep 32 | taskset -c 0 java --enable-native-access=ALL-UNNAMED -Xmx1g -XX:+UseParallelGC -cp $J \
    dev.spindle.bench.SpindleEchoServer --backend epoll --port 0 --alloc-report --alloc-warm-reads 200000 > $out 2>&1 &
spid=$!
for i in $(seq 100); do grep -q LISTENING $out && break; sleep 0.1; done
port=$(awk '/LISTENING/{print $2}' $out)
taskset -c 1 java -cp $J dev.spindle.bench.LoadGenerator --port $port --connections 16 --size 64 --duration 24 --warmup 2
wait $spid
cat $out
log "all done"
