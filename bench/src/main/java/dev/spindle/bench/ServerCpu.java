package dev.spindle.bench;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * CPU time of a process (all its threads, user plus system) read from Linux's
 * {@code /proc/<pid>/stat}.
 *
 * <p>The kernel counts in clock ticks of {@code 1/CLK_TCK} s; {@code CLK_TCK} is read once by
 * running {@code getconf CLK_TCK}, and taken as 100 (the value on every usual Linux build) if
 * that fails. The resolution is therefore one tick, 10 ms at 100 Hz: over a 10 s window of a
 * busy server that is 0.1 %.
 */
public final class ServerCpu {

    private static final long TICKS_PER_SECOND = readClockTicks();

    private ServerCpu() {}

    /** Clock ticks per second used to convert {@code /proc} figures. */
    public static long ticksPerSecond() {
        return TICKS_PER_SECOND;
    }

    /**
     * CPU time in milliseconds that process {@code pid} has used so far (utime + stime of all
     * its threads, live or ended; children not included).
     *
     * @throws IOException if the process is gone or {@code /proc} cannot be read
     */
    public static double cpuMillis(long pid) throws IOException {
        return cpuTicks(pid) * 1000.0 / TICKS_PER_SECOND;
    }

    /** {@code utime + stime} of process {@code pid}, in clock ticks. */
    public static long cpuTicks(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"), StandardCharsets.US_ASCII);
        // Field 2, the command name, is in parentheses and may hold spaces or ')': skip past the last ')'.
        int close = stat.lastIndexOf(')');
        if (close < 0) {
            throw new IOException("unexpected /proc/" + pid + "/stat, found: " + stat);
        }
        String[] fields = stat.substring(close + 2).split(" ");
        // fields[0] is field 3 (state); utime is field 14, stime field 15 (proc(5)).
        if (fields.length < 13) {
            throw new IOException("too few fields in /proc/" + pid + "/stat, found: " + stat);
        }
        return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
    }

    private static long readClockTicks() {
        try {
            Process getconf = new ProcessBuilder("getconf", "CLK_TCK").redirectErrorStream(true).start();
            String text;
            try (InputStream out = getconf.getInputStream()) {
                text = new String(out.readAllBytes(), StandardCharsets.US_ASCII).strip();
            }
            if (getconf.waitFor(5, TimeUnit.SECONDS) && getconf.exitValue() == 0) {
                long ticks = Long.parseLong(text);
                if (ticks > 0) {
                    return ticks;
                }
            }
        } catch (IOException | NumberFormatException e) {
            // fall through to the usual value
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 100;
    }

    /** Prints the CPU milliseconds of each pid given: {@code ServerCpu PID...}. */
    public static void main(String[] args) throws IOException {
        for (String pid : args) {
            System.out.println(pid + " " + cpuMillis(Long.parseLong(pid)) + " ms (CLK_TCK " + TICKS_PER_SECOND + ")");
        }
    }
}
