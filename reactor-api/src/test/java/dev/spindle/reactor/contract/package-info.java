/**
 * The reactor contract suite: the behaviour every backend must show on its real loop thread and
 * real loopback sockets, published in {@code reactor-api}'s test-jar.
 *
 * <p>A backend runs it by subclassing each abstract {@code *ContractTest} and supplying
 * {@link dev.spindle.reactor.contract.ReactorContractSupport#newReactor(dev.spindle.reactor.ReactorConfig)}:
 * <pre>
 * class SelectLifecycleContractTest extends LifecycleContractTest {
 *     protected Reactor newReactor(ReactorConfig config) {
 *         return new SelectReactorProvider().create(config);
 *     }
 * }
 * </pre>
 * The classes: {@code LifecycleContractTest} (the lifecycle table and system-event triggers),
 * {@code ThreadingContractTest} ({@code execute}, {@code inLoop}, the worker pool),
 * {@code TimerContractTest} (scheduled and looping calls), {@code DescriptorContractTest}
 * (readiness registration on pipes), {@code TcpContractTest} (connections, callbacks, failures),
 * {@code TcpFlowContractTest} (back-pressure, closing, half-close),
 * {@code NameResolutionContractTest} (non-blocking look-ups, timeouts, cancellation),
 * {@code DescriptorLeakContractTest} (no descriptor left by 1,000 failed connects),
 * {@code TlsContractTest} (handshakes, trust and host-name failures, close_notify, renegotiation),
 * {@code UdpContractTest} (datagrams, connected mode, oversize, broadcast, multicast),
 * {@code UnixContractTest} (UNIX-domain sockets and their socket files),
 * {@code ProcessContractTest} (child processes, their pipes, exit and shutdown),
 * {@code ClientServiceContractTest} (the reconnecting client service on TCP, TLS and UNIX sockets)
 * and {@code ConnectionListenerContractTest} (connection listeners: what is reported, order, causes).
 *
 * <p>Rules the suite keeps: sockets bind 127.0.0.1 only; every wait is bounded
 * ({@link dev.spindle.reactor.contract.ReactorHarness#WAIT}) and waits for a condition, never
 * for time; no test asserts a duration; exact-time behaviour uses a
 * {@link dev.spindle.reactor.testing.ManualClock} injected through the config, which backends
 * must honour. Test names and display names cite the SPEC identifiers they check.
 */
package dev.spindle.reactor.contract;
