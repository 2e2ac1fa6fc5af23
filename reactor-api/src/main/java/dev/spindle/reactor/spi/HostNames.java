package dev.spindle.reactor.spi;

import java.net.InetAddress;
import java.net.UnknownHostException;
import org.jspecify.annotations.Nullable;

/** Tells address literals from host names, so that literals never touch the resolver. */
public final class HostNames {
    private HostNames() {
    }

    /**
     * Parses {@code host} if it is an IPv4 or IPv6 literal ({@code [::1]} accepted).
     *
     * @param host a host name or literal
     * @return the address, or null if {@code host} is a name that needs resolving
     */
    public static @Nullable InetAddress literal(String host) {
        String h = host;
        if (h.length() > 2 && h.charAt(0) == '[' && h.charAt(h.length() - 1) == ']') {
            h = h.substring(1, h.length() - 1);
        }
        if (h.indexOf(':') >= 0 || isDottedQuad(h)) {
            try {
                // For a literal, getByName parses and performs no look-up.
                return InetAddress.getByName(h);
            } catch (UnknownHostException e) {
                return null;
            }
        }
        return null;
    }

    private static boolean isDottedQuad(String h) {
        int parts = 0;
        int value = -1;
        for (int i = 0; i < h.length(); i++) {
            char c = h.charAt(i);
            if (c >= '0' && c <= '9') {
                value = (value < 0 ? 0 : value * 10) + (c - '0');
                if (value > 255) {
                    return false;
                }
            } else if (c == '.') {
                if (value < 0) {
                    return false;
                }
                parts++;
                value = -1;
            } else {
                return false;
            }
        }
        return parts == 3 && value >= 0;
    }
}
