package dev.spindle.reactor.spi;

import dev.spindle.reactor.Descriptor;
import dev.spindle.reactor.DescriptorReactor;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * A backend's readers and writers: the bookkeeping behind {@link DescriptorReactor#addReader},
 * {@code addWriter}, {@code removeReader}, {@code removeWriter}, {@code removeAll},
 * {@code readers()} and {@code writers()}, with their argument checks and set semantics (SPEC
 * FD-1 to FD-5), so that a backend only turns membership into kernel interest. Loop thread only.
 *
 * @param <D> the backend's descriptor type
 */
public final class DescriptorSets<D extends Descriptor> {
    private final AbstractReactor reactor;
    private final Class<D> type;
    private final Predicate<? super D> ownedByReactor;
    private final Consumer<? super D> interestChanged;
    private final Set<D> readers = new LinkedHashSet<>();
    private final Set<D> writers = new LinkedHashSet<>();

    /**
     * Creates empty sets.
     *
     * @param reactor the owning reactor (for its loop-thread check)
     * @param type the backend's descriptor class; other descriptors are refused
     * @param ownedByReactor whether a descriptor of that class was made by {@code reactor}
     * @param interestChanged told, after a descriptor joined or left a set, to update the
     *     kernel's interest from {@link #isReader} and {@link #isWriter}
     */
    public DescriptorSets(AbstractReactor reactor, Class<D> type, Predicate<? super D> ownedByReactor,
            Consumer<? super D> interestChanged) {
        this.reactor = Objects.requireNonNull(reactor, "reactor must not be null");
        this.type = Objects.requireNonNull(type, "type must not be null");
        this.ownedByReactor = Objects.requireNonNull(ownedByReactor, "ownedByReactor must not be null");
        this.interestChanged = Objects.requireNonNull(interestChanged, "interestChanged must not be null");
    }

    private D own(Descriptor d, String operation) {
        Objects.requireNonNull(d, "descriptor must not be null");
        reactor.checkLoop(operation);
        if (!type.isInstance(d) || !ownedByReactor.test(type.cast(d))) {
            throw new IllegalArgumentException(operation + ": descriptor was not created by this reactor, found: " + d);
        }
        return type.cast(d);
    }

    private D ownOpen(Descriptor d, String operation) {
        D mine = own(d, operation);
        if (!mine.isOpen()) {
            throw new IllegalArgumentException(operation + ": descriptor is closed: " + d);
        }
        return mine;
    }

    /**
     * {@link DescriptorReactor#addReader}.
     *
     * @param d the descriptor
     * @throws IllegalArgumentException if it is closed or not the reactor's
     * @throws IllegalStateException off the loop thread
     */
    public void addReader(Descriptor d) {
        D mine = ownOpen(d, "addReader");
        if (readers.add(mine)) {
            interestChanged.accept(mine);
        }
    }

    /**
     * {@link DescriptorReactor#addWriter}.
     *
     * @param d the descriptor
     * @throws IllegalArgumentException if it is closed or not the reactor's
     * @throws IllegalStateException off the loop thread
     */
    public void addWriter(Descriptor d) {
        D mine = ownOpen(d, "addWriter");
        if (writers.add(mine)) {
            interestChanged.accept(mine);
        }
    }

    /**
     * {@link DescriptorReactor#removeReader}: a no-op for a descriptor that is not a reader.
     *
     * @param d the descriptor
     */
    public void removeReader(Descriptor d) {
        D mine = own(d, "removeReader");
        if (readers.remove(mine)) {
            interestChanged.accept(mine);
        }
    }

    /**
     * {@link DescriptorReactor#removeWriter}: a no-op for a descriptor that is not a writer.
     *
     * @param d the descriptor
     */
    public void removeWriter(Descriptor d) {
        D mine = own(d, "removeWriter");
        if (writers.remove(mine)) {
            interestChanged.accept(mine);
        }
    }

    /**
     * {@link DescriptorReactor#removeAll}: every reader and writer, once each, in the order they
     * were added.
     *
     * @return the removed descriptors
     */
    public List<Descriptor> removeAll() {
        reactor.checkLoop("removeAll");
        LinkedHashSet<D> all = new LinkedHashSet<>(readers);
        all.addAll(writers);
        readers.clear();
        writers.clear();
        for (D d : all) {
            interestChanged.accept(d);
        }
        return new ArrayList<>(all);
    }

    /**
     * {@link DescriptorReactor#readers()}: a snapshot.
     *
     * @return the readers
     */
    public List<Descriptor> readers() {
        reactor.checkLoop("readers");
        return new ArrayList<>(readers);
    }

    /**
     * {@link DescriptorReactor#writers()}: a snapshot.
     *
     * @return the writers
     */
    public List<Descriptor> writers() {
        reactor.checkLoop("writers");
        return new ArrayList<>(writers);
    }

    /**
     * Whether {@code d} is a reader.
     *
     * @param d the descriptor
     * @return true if it was added as a reader and not removed since
     */
    public boolean isReader(D d) {
        return readers.contains(d);
    }

    /**
     * Whether {@code d} is a writer.
     *
     * @param d the descriptor
     * @return true if it was added as a writer and not removed since
     */
    public boolean isWriter(D d) {
        return writers.contains(d);
    }

    /**
     * Drops {@code d} from both sets without telling {@code interestChanged}: for a descriptor
     * that is being closed, or whose handler failed.
     *
     * @param d the descriptor
     * @return whether it was a reader or a writer
     */
    public boolean forget(D d) {
        boolean r = readers.remove(d);
        boolean w = writers.remove(d);
        return r || w;
    }

    /** Empties both sets, silently; when the backend closes. */
    public void clear() {
        readers.clear();
        writers.clear();
    }
}
