# Sourced by the bench scripts: starts echo server $server pinned to CPU 0, its standard input a
# fifo (it stops when the fifo closes: exec 3>&- in the caller), and waits until it listens.
# Needs: $server (spindle-BACKEND, netty-nio, netty-epoll or c-epoll), $jar, $placement.
# Sets: $spid, $port, $loadcpu (the load generator's CPU), $out and $fifo (to remove at the end).
loadcpu=0; [ "$placement" = separate ] && loadcpu=1
jvm="-Xmx1g -XX:+UseParallelGC --enable-native-access=ALL-UNNAMED"
case "$server" in
  c-epoll) cmd="$(java -cp "$jar" dev.spindle.bench.NativeEchoServer) --port 0" ;;
  netty-*) cmd="java $jvm -cp $jar dev.spindle.bench.NettyEchoServer --transport ${server#netty-} --port 0" ;;
  spindle-*) cmd="java $jvm -cp $jar dev.spindle.bench.SpindleEchoServer --backend ${server#spindle-} --port 0" ;;
  *) echo "unknown server: $server" >&2; exit 2 ;;
esac
out=$(mktemp); fifo=$(mktemp -u); mkfifo "$fifo"
taskset -c 0 $cmd < "$fifo" > "$out" 2>&1 &
spid=$!
exec 3> "$fifo"
i=0; while ! grep -q LISTENING "$out" && [ $i -lt 300 ]; do sleep 0.1; i=$((i+1)); done
port=$(awk '/LISTENING/{print $2}' "$out")
[ -n "$port" ] || { echo "server did not start:"; cat "$out"; kill $spid; exit 1; } >&2
