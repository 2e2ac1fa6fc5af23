package dev.spindle.reactor;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.List;

/**
 * Turns a host name into addresses. It may block: the reactor calls it on its worker pool
 * ({@link CoreReactor#callInThread}), never on the loop thread. Address literals never reach a
 * resolver; the reactor parses them itself.
 *
 * <p>Set one with {@link ReactorConfig.Builder#hostResolver(HostResolver)}: a fixed table in tests,
 * a DNS client of your own, or the {@linkplain #system() system resolver} (the default).
 */
@FunctionalInterface
public interface HostResolver {
    /**
     * Looks {@code host} up. Called on a worker thread.
     *
     * @param host a host name, never an address literal
     * @return the addresses in preference order; an empty list counts as "unknown host"
     * @throws UnknownHostException if the name does not resolve
     * @throws Exception any other failure, delivered to the caller as the cause of a
     *     {@link NameResolutionException}
     */
    List<InetAddress> resolve(String host) throws Exception;

    /**
     * The JVM's resolver, {@link InetAddress#getAllByName(String)}: the operating system's
     * configuration (hosts file, DNS) and the JVM's positive/negative caches
     * ({@code networkaddress.cache.ttl}).
     *
     * @return the system resolver
     */
    static HostResolver system() {
        return SystemHostResolver.INSTANCE;
    }
}

/** {@link HostResolver#system()}. */
enum SystemHostResolver implements HostResolver {
    INSTANCE;

    @Override
    public List<InetAddress> resolve(String host) throws UnknownHostException {
        return Arrays.asList(InetAddress.getAllByName(host));
    }

    @Override
    public String toString() {
        return "HostResolver.system()";
    }
}
