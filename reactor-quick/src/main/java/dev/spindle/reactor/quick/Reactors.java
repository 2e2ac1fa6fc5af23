package dev.spindle.reactor.quick;

import dev.spindle.reactor.Reactor;
import dev.spindle.reactor.ReactorConfig;
import dev.spindle.reactor.ReactorException;
import dev.spindle.reactor.spi.ReactorProvider;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates reactors on the best backend available at run time.
 *
 * <p>Backends are {@link ReactorProvider}s found with {@link ServiceLoader}: in the module layer
 * of this module (JPMS {@code provides}), through this class's class loader and through the
 * calling thread's context class loader ({@code META-INF/services} on the class path). The
 * available provider with the highest {@link ReactorProvider#priority() priority} is chosen;
 * the system property {@value #BACKEND_PROPERTY} names one explicitly instead
 * ({@code -Dspindle.reactor.backend=select}).
 *
 * <p>Discovery never throws: a provider that fails to load or to answer is listed by
 * {@link #providers()} as unavailable, with the error as its cause. Only choosing throws, with a
 * {@link ReactorException} that lists every backend found, its priority, and why it is
 * unavailable.
 *
 * <p>Every method discovers afresh (providers compute their availability once, so this is
 * cheap) and is thread-safe.
 *
 * <p><b>In OSGi</b> {@link ServiceLoader} does not see across bundles, so called from a bundle
 * this class normally finds no backend (unless a Service Loader Mediator such as Apache Aries SPI
 * Fly is set up for it, which Spindle does not require). OSGi users take the
 * {@code dev.spindle.reactor.Reactor} service instead, which this bundle's Declarative Services
 * component registers on the best {@link ReactorProvider} service (configuration PID
 * {@code dev.spindle.reactor}).
 */
public final class Reactors {
    /** The system property that names the backend to use, e.g. {@code select}. */
    public static final String BACKEND_PROPERTY = "spindle.reactor.backend";

    private static final Logger LOG = LoggerFactory.getLogger(Reactors.class);
    // A broken service file could make a ServiceLoader iterator fail forever; give up after this.
    private static final int MAX_LOAD_ERRORS = 32;
    private static final Pattern PROVIDER_CLASS = Pattern.compile("Provider (\\S+)");
    // HotSpot: "a/b/C has been compiled by a more recent version of the Java Runtime (class file version 66.0), ..."
    private static final Pattern TOO_NEW = Pattern.compile("(\\S+) has been compiled by a more recent version.*?class file version (\\d+)");

    private Reactors() {
    }

    /**
     * Creates a reactor with the default settings on the chosen backend (see
     * {@link #chosenProvider()}). The reactor is in state {@code INIT}.
     *
     * @return a new reactor
     * @throws ReactorException if no backend is available, or {@value #BACKEND_PROPERTY} names
     *     one that is unknown or unavailable
     */
    public static Reactor create() {
        return create(ReactorConfig.defaults());
    }

    /**
     * Creates a reactor with {@code config} on the chosen backend (see {@link #chosenProvider()}).
     * The reactor is in state {@code INIT}.
     *
     * @param config the settings
     * @return a new reactor
     * @throws ReactorException if no backend is available, or {@value #BACKEND_PROPERTY} names
     *     one that is unknown or unavailable, or the backend fails to create the reactor
     */
    public static Reactor create(ReactorConfig config) {
        Objects.requireNonNull(config, "config must not be null");
        ReactorProvider provider = chosenProvider();
        try {
            return provider.create(config);
        } catch (ReactorException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new ReactorException("reactor backend '" + provider.name() + "' failed to create a reactor: "
                    + reason(e), e);
        }
    }

    /**
     * The provider {@link #create()} uses: the one {@value #BACKEND_PROPERTY} names if the
     * property is set (and not blank), else the available one with the highest priority (the
     * first found among equals).
     *
     * @return the provider
     * @throws ReactorException if the property names an unknown or unavailable backend, or none
     *     is available; the message lists every backend found and why it is unavailable
     */
    public static ReactorProvider chosenProvider() {
        String forced = forcedName();
        return choose(discover(), forced, forced == null ? "" : " (from -D" + BACKEND_PROPERTY + "=" + forced + ")");
    }

    /**
     * The available provider called {@code name} (compared ignoring case), whatever
     * {@value #BACKEND_PROPERTY} says. For tools that take a backend as an option.
     *
     * @param name a backend name such as {@code select}
     * @return the provider
     * @throws ReactorException if no backend has that name or it is unavailable; the message
     *     lists every backend found and why it is unavailable
     */
    public static ReactorProvider provider(String name) {
        Objects.requireNonNull(name, "name must not be null");
        String trimmed = name.trim();
        if (trimmed.isEmpty()) {
            throw new IllegalArgumentException("backend name must not be blank, found: '" + name + "'");
        }
        return choose(discover(), trimmed, "");
    }

    /**
     * Every backend found, highest priority first (in discovery order among equal priorities),
     * with the one {@link #create()} would choose marked {@link BackendInfo#chosen() chosen}.
     * None is marked when {@link #create()} would throw. Never throws for a broken provider.
     *
     * @return an immutable list, empty if no provider was found
     */
    public static List<BackendInfo> providers() {
        List<Found> found = discover();
        String forced = forcedName();
        ReactorProvider chosen;
        try {
            chosen = choose(found, forced, "");
        } catch (ReactorException e) {
            chosen = null;
        }
        List<BackendInfo> out = new ArrayList<>(found.size());
        for (Found f : found) {
            out.add(f.info.withChosen(chosen != null && f.provider == chosen));
        }
        return Collections.unmodifiableList(out);
    }

    private static @Nullable String forcedName() {
        String value = System.getProperty(BACKEND_PROPERTY);
        if (value == null || value.isBlank()) {
            return null;
        }
        return value.trim();
    }

    static ReactorProvider choose(List<Found> found, @Nullable String forced, String source) {
        if (forced == null) {
            for (Found f : found) {
                if (f.provider != null && f.info.available()) {
                    LOG.debug("chose reactor backend {} of {}", f.info.name(), found.size());
                    return f.provider;
                }
            }
            if (found.isEmpty()) {
                throw new ReactorException("no reactor backend found: no " + ReactorProvider.class.getName()
                        + " on the class path or module path. Add a backend jar, e.g. dev.spindle:reactor-select"
                        + " (reactor-select-<version>.jar, portable, Java 17+), which the dev.spindle:reactor-quick"
                        + " dependency normally brings along.");
            }
            throw new ReactorException("no reactor backend is available here." + listing(found)
                    + "\nAdd dev.spindle:reactor-select (portable, Java 17+) to the class path or module path.");
        }
        Found match = null;
        for (Found f : found) {
            if (f.provider != null && f.info.name().equalsIgnoreCase(forced)) {
                if (f.info.available()) {
                    LOG.debug("chose reactor backend {} as requested{}", f.info.name(), source);
                    return f.provider;
                }
                if (match == null) {
                    match = f;
                }
            }
        }
        if (match == null) {
            throw new ReactorException("unknown reactor backend '" + forced + "'" + source + "." + listing(found)
                    + "\nName one of the available backends" + (source.isEmpty() ? "" : ", or unset " + BACKEND_PROPERTY
                    + " to use the best available one") + ".");
        }
        Throwable cause = match.info.unavailabilityCause();
        throw new ReactorException("reactor backend '" + match.info.name() + "'" + source + " is unavailable: "
                + reason(cause) + "." + listing(found), cause);
    }

    private static String listing(List<Found> found) {
        if (found.isEmpty()) {
            return " No backend was found on the class path or module path; add dev.spindle:reactor-select"
                    + " (portable, Java 17+).";
        }
        StringBuilder b = new StringBuilder(" Backends found (highest priority first):");
        for (Found f : found) {
            b.append("\n  ").append(f.info.describe());
        }
        return b.toString();
    }

    /**
     * A short human-readable reason: the message (or the class name when there is none),
     * followed by the messages of causes it does not already contain.
     */
    static String reason(@Nullable Throwable t) {
        if (t == null) {
            return "no reason given";
        }
        StringBuilder b = new StringBuilder(text(t));
        Throwable c = t.getCause();
        for (int depth = 0; c != null && c != t && depth < 4; depth++, c = c.getCause()) {
            String more = text(c);
            if (b.indexOf(more) < 0) {
                b.append(": ").append(more);
            }
        }
        return b.toString();
    }

    private static String text(Throwable t) {
        String m = t.getMessage();
        return m == null || m.isBlank() ? t.getClass().getName() : m;
    }

    private static List<Found> discover() {
        List<ServiceLoader<ReactorProvider>> loaders = new ArrayList<>(3);
        Module module = Reactors.class.getModule();
        ModuleLayer layer = module.getLayer();
        if (module.isNamed() && layer != null) {
            loaders.add(ServiceLoader.load(layer, ReactorProvider.class));
        }
        ClassLoader own = Reactors.class.getClassLoader();
        loaders.add(ServiceLoader.load(ReactorProvider.class, own));
        ClassLoader context = Thread.currentThread().getContextClassLoader();
        if (context != null && context != own) {
            loaders.add(ServiceLoader.load(ReactorProvider.class, context));
        }

        List<Found> found = new ArrayList<>();
        Set<Class<?>> seenClasses = new HashSet<>();
        Set<String> seenErrors = new HashSet<>();
        for (ServiceLoader<ReactorProvider> loader : loaders) {
            Iterator<ReactorProvider> it = loader.iterator();
            int errors = 0;
            while (errors < MAX_LOAD_ERRORS) {
                ReactorProvider provider;
                try {
                    if (!it.hasNext()) {
                        break;
                    }
                    provider = it.next();
                } catch (ServiceConfigurationError | LinkageError | RuntimeException e) {
                    errors++;
                    if (seenErrors.add(String.valueOf(e.getMessage()))) {
                        LOG.debug("a reactor backend failed to load", e);
                        found.add(notLoaded(e));
                    }
                    continue;
                }
                if (seenClasses.add(provider.getClass())) {
                    found.add(ask(provider));
                }
            }
        }
        found.sort(Comparator.comparingInt((Found f) -> f.info.priority()).reversed());
        return found;
    }

    private static Found ask(ReactorProvider provider) {
        String className = provider.getClass().getName();
        try {
            String name = provider.name();
            if (name == null || name.isBlank()) {
                return failed(className, new IllegalStateException(
                        "provider " + className + " has no name, found: " + (name == null ? "null" : "'" + name + "'")));
            }
            int priority = provider.priority();
            boolean available = provider.isAvailable();
            Throwable cause = null;
            if (!available) {
                cause = provider.unavailabilityCause();
                if (cause == null) {
                    cause = new IllegalStateException("provider " + className + " is unavailable and gives no reason");
                }
            }
            return new Found(provider, new BackendInfo(name, priority, available, cause, false));
        } catch (RuntimeException | LinkageError e) {
            return failed(className, new ReactorException(
                    "provider " + className + " threw when asked about its availability: " + reason(e), e));
        }
    }

    private static Found failed(String className, Throwable cause) {
        LOG.debug("reactor backend {} is unusable", className, cause);
        // Listed, but with no provider: it can be neither chosen nor named.
        return new Found(null, new BackendInfo(className, BackendInfo.UNKNOWN_PRIORITY, false, cause, false));
    }

    /**
     * A provider that could not be loaded: listed under its class name, unavailable. A class
     * compiled for a newer Java than this one (a backend built for Java 22 on Java 17) gets a
     * reason that says which Java it needs.
     */
    private static Found notLoaded(Throwable e) {
        for (Throwable c = e; c != null; c = c.getCause()) {
            if (c instanceof UnsupportedClassVersionError) {
                Matcher m = TOO_NEW.matcher(String.valueOf(c.getMessage()));
                if (m.find()) {
                    String className = m.group(1).replace('/', '.');
                    int needed = Integer.parseInt(m.group(2)) - 44;
                    ReactorException reason = new ReactorException("provider " + className + " needs Java " + needed
                            + "+, running " + Runtime.version().feature() + " (class file version " + m.group(2) + ")", e);
                    return new Found(null, new BackendInfo(className, BackendInfo.UNKNOWN_PRIORITY, false, reason, false));
                }
            }
        }
        return new Found(null, new BackendInfo(providerClassName(e), BackendInfo.UNKNOWN_PRIORITY, false, e, false));
    }

    private static String providerClassName(Throwable e) {
        String m = e.getMessage();
        if (m != null) {
            Matcher matcher = PROVIDER_CLASS.matcher(m);
            if (matcher.find()) {
                return matcher.group(1);
            }
        }
        return "(unknown provider)";
    }

    /** One discovered provider; {@code provider} is null when it could not be loaded or asked. */
    static final class Found {
        final @Nullable ReactorProvider provider;
        final BackendInfo info;

        Found(@Nullable ReactorProvider provider, BackendInfo info) {
            this.provider = provider;
            this.info = info;
        }
    }
}
