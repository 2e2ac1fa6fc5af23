package dev.spindle.mqtt.testing;

import java.io.IOException;

/**
 * A child JVM for {@link MosquittoBrokerTest}: starts a broker, prints {@code broker pid=<pid> dir=<directory>},
 * then either exits without closing it ({@code exit}: the shutdown hook must stop it) or waits
 * for its standard input to end ({@code wait}: the test kills this JVM with SIGKILL, and the
 * kernel's parent-death signal must take the broker with it).
 */
final class BrokerChildMain {
    private BrokerChildMain() {
    }

    public static void main(String[] args) throws IOException {
        MosquittoBroker broker = MosquittoBroker.startDefault();
        System.out.println("broker pid=" + broker.pid() + " dir=" + broker.directory());
        System.out.flush();
        if (args.length > 0 && args[0].equals("wait")) {
            while (System.in.read() >= 0) {
                // the parent never writes; EOF or SIGKILL ends the wait
            }
        }
        System.exit(0);
    }
}
