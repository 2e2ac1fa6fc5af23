/**
 * The reactor: one loop thread that dispatches I/O readiness and timers.
 *
 * <h2>Facets</h2>
 * A {@link dev.spindle.reactor.Reactor} is one object that implements three facets:
 * <ul>
 *   <li>{@link dev.spindle.reactor.CoreReactor}: lifecycle ({@code start}, {@code run},
 *       {@code stop}, {@code terminate}), system-event triggers, cross-thread
 *       {@code execute}, the worker pool;</li>
 *   <li>{@link dev.spindle.reactor.TimeReactor}: the clock, scheduled and looping calls;</li>
 *   <li>{@link dev.spindle.reactor.DescriptorReactor}: readiness registration, TCP, TLS, UDP and
 *       UNIX-domain transports, child processes, non-blocking name resolution.</li>
 * </ul>
 * On top of them, {@link dev.spindle.reactor.ClientService} keeps one outgoing connection alive
 * through a {@link dev.spindle.reactor.ClientEndpoint} with a {@link dev.spindle.reactor.RetryPolicy}.
 *
 * <h2>Lifecycle</h2>
 * <pre>
 *            start()/run()              (startup triggers done)
 *   INIT ───────────────────▶ STARTING ─────────────────────▶ STARTED
 *    ▲ │stop()                    │ stop()                      │ stop()
 *    │ ▼                          ▼                             ▼
 *    │ STOPPED ◀──────────────── STOPPING ◀─────────────────────┘
 *    │   │  ▲  (shutdown triggers and flushes done)
 *    │   │  └─────────── terminate() from any active state, before it returns
 *    │   └── start()/run() ──▶ STARTING
 *    └─ (never re-entered)      ERROR ──start()/run()──▶ STARTING
 *                  (any active state ──loop failure──▶ ERROR)
 * </pre>
 * {@code INIT}, {@code STOPPED} and {@code ERROR} are inactive: in them the reactor holds no open
 * descriptor, no pending name look-up and no scheduled call.
 *
 * <h2>Threading</h2>
 * Unless a method says it is thread-safe, it must be called on the reactor thread (the thread
 * that is running the loop); from another thread it throws {@link java.lang.IllegalStateException}
 * naming both threads. {@link dev.spindle.reactor.CoreReactor#execute(Runnable)} is how other
 * threads reach the loop. All callbacks into user code (protocols, timers, triggers, listeners)
 * run on the reactor thread; an exception they throw is logged and isolated, and the loop goes on.
 *
 * <h2>Buffers</h2>
 * A {@link java.nio.ByteBuffer} handed to a {@link dev.spindle.reactor.Protocol} is valid for the
 * call only. A buffer passed to {@link dev.spindle.reactor.Transport#write(java.nio.ByteBuffer)}
 * is consumed before the call returns (what the socket does not take at once is copied).
 */
@NullMarked
@Export
@Version("0.1.0")
package dev.spindle.reactor;

import org.jspecify.annotations.NullMarked;
import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
