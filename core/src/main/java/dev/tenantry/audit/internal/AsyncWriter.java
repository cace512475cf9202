package dev.tenantry.audit.internal;

import dev.tenantry.TenantId;
import dev.tenantry.Tenants;
import dev.tenantry.audit.AuditCloseReport;
import dev.tenantry.audit.AuditOverflowException;
import dev.tenantry.audit.AuditTrail;
import dev.tenantry.audit.OverflowPolicy;
import dev.tenantry.internal.MongoErrors;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The bounded queue and the batcher thread behind an asynchronous audit trail.
 *
 * <p>Entries are taken in batches of up to {@code batchSize}, or whatever arrived within {@code maxDelay} of the
 * first (the writer naps for that delay unless a full batch is already waiting, so producers never pay to wake it
 * per entry), grouped by tenant in arrival order, and written with one tail read and one {@code insertMany} per tenant
 * group, each bounded by the write timeout.
 *
 * <p>Only transient failures ({@link MongoErrors#isTransient}: the server unreachable, not answering in time,
 * stepping down) are retried, with exponential backoff and jitter, until they succeed: under {@link
 * OverflowPolicy#BLOCK} an outage delays recording but loses nothing. A group MongoDB refuses for good is retried
 * entry by entry, and each entry it still refuses goes to the {@link DeadLetterSink} at once, counted, so one bad entry
 * never holds up the entries of any tenant behind it.
 *
 * <p>{@link #close(Duration)} stops intake and waits until everything queued is written or its deadline passes;
 * then whatever is left goes to the dead letters, and every closer, however many and whenever they called, is told
 * the same outcome. The queue holds entries and, to wake the writer, a signal of another type that the writer skips
 * by type: a signal can never be written as an entry.
 */
final class AsyncWriter {

    private static final Logger LOG = LoggerFactory.getLogger(AsyncWriter.class);
    /** Wakes the writer; never an entry. */
    private static final Object WAKE = new Object();
    /** The longest the idle writer waits before it looks at the close flag again. */
    private static final long IDLE_NANOS = TimeUnit.SECONDS.toNanos(1);

    /** Writes one tenant's group; {@code retry} says an earlier attempt may have been applied. */
    interface Sink {
        void write(TenantId tenant, List<AuditStore.Pending> group, boolean retry, Duration timeout);
    }

    private final BlockingQueue<Object> queue;
    private final Sink sink;
    private final DeadLetterSink deadLetters;
    private final int batchSize;
    private final long maxDelayNanos;
    private final OverflowPolicy policy;
    private final long overflowTimeoutNanos;
    private final long minBackoffNanos;
    private final long maxBackoffNanos;
    private final long writeTimeoutNanos;
    private final Thread worker;
    private final AtomicLong written = new AtomicLong();
    private final AtomicLong failedAttempts = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong deadLettered = new AtomicLong();
    /** Producers between their closed-check and their put; the writer drains until none is left. */
    private final AtomicInteger inFlight = new AtomicInteger();
    /** The earliest deadline any closer asked for, as a System.nanoTime() value; meaningful once closed. */
    private final AtomicLong deadline = new AtomicLong();
    private final CountDownLatch finished = new CountDownLatch(1);
    private final Object closeLock = new Object();
    private volatile boolean closed;
    /** Entries not written because a close deadline passed, and where they went; set before {@link #finished}. */
    private volatile long unwrittenAtClose;
    private volatile @Nullable String unwrittenPlace;

    AsyncWriter(Sink sink, DeadLetterSink deadLetters, AuditTrail.Settings settings) {
        this.queue = new ArrayBlockingQueue<>(settings.queueCapacity());
        this.sink = sink;
        this.deadLetters = deadLetters;
        this.batchSize = settings.batchSize();
        this.maxDelayNanos = settings.maxBatchDelay().toNanos();
        this.policy = settings.overflowPolicy();
        this.overflowTimeoutNanos = settings.overflowTimeout().toNanos();
        this.minBackoffNanos = settings.minBackoff().toNanos();
        this.maxBackoffNanos = settings.maxBackoff().toNanos();
        this.writeTimeoutNanos = settings.writeTimeout().toNanos();
        this.worker = new Thread(this::drain, "tenantry-audit-writer");
        this.worker.setDaemon(true);
        this.worker.start();
    }

    /**
     * Queues an entry according to the overflow policy.
     *
     * @throws AuditOverflowException if the trail is closed, the wait timed out, or the caller was interrupted
     */
    void enqueue(AuditStore.Pending pending) {
        inFlight.incrementAndGet();
        try {
            if (closed) {
                throw new AuditOverflowException("the audit trail is closed; the entry was not recorded");
            }
            offer(pending);
        } finally {
            inFlight.decrementAndGet();
        }
    }

    private void offer(AuditStore.Pending pending) {
        switch (policy) {
            case BLOCK:
                try {
                    queue.put(pending);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new AuditOverflowException("interrupted while waiting for room in the audit queue; the "
                            + "entry was not recorded");
                }
                break;
            case BLOCK_WITH_TIMEOUT:
                boolean queued;
                try {
                    queued = queue.offer(pending, overflowTimeoutNanos, TimeUnit.NANOSECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new AuditOverflowException("interrupted while waiting for room in the audit queue; the "
                            + "entry was not recorded");
                }
                if (!queued) {
                    throw new AuditOverflowException("the audit queue stayed full for "
                            + Duration.ofNanos(overflowTimeoutNanos) + "; the entry was not recorded");
                }
                break;
            default:
                if (!queue.offer(pending)) {
                    long count = dropped.incrementAndGet();
                    if (Long.bitCount(count) == 1) { // 1, 2, 4, 8, ...: loud, but not a log flood
                        LOG.warn("audit queue full: {} entries dropped so far under OverflowPolicy.DROP", count);
                    }
                }
        }
    }

    private void drain() {
        List<Object> taken = new ArrayList<>(batchSize);
        List<AuditStore.Pending> batch = new ArrayList<>(batchSize);
        try {
            while (!(closed && queue.isEmpty() && inFlight.get() == 0) && !pastDeadline()) {
                Object first;
                try {
                    first = queue.poll(IDLE_NANOS, TimeUnit.NANOSECONDS);
                } catch (InterruptedException e) {
                    continue; // interrupts do not stop the writer: only close() does, after the queue is written
                }
                if (first == null) {
                    continue;
                }
                taken.add(first);
                if (!closed && queue.size() + 1 < batchSize) {
                    // Nap off the queue's condition rather than waiting on it: a waiting writer would be woken
                    // (an unpark, a system call) by every single enqueue while the batch fills.
                    LockSupport.parkNanos(maxDelayNanos);
                }
                queue.drainTo(taken, batchSize - 1);
                for (Object item : taken) {
                    if (item instanceof AuditStore.Pending pending) {
                        batch.add(pending);
                    }
                }
                taken.clear();
                if (!batch.isEmpty()) {
                    write(batch);
                    batch.clear();
                }
            }
            settleRest();
        } catch (RuntimeException | Error e) {
            LOG.error("the audit writer stopped unexpectedly; entries still queued go to the dead letters", e);
            settleRest();
            throw e;
        } finally {
            finished.countDown();
        }
    }

    /** After a close deadline: every entry still queued, or still being queued, goes to the dead letters. */
    private void settleRest() {
        List<Object> rest = new ArrayList<>();
        List<AuditStore.Pending> entries = new ArrayList<>();
        do {
            queue.drainTo(rest);
            for (Object item : rest) {
                if (item instanceof AuditStore.Pending pending) {
                    entries.add(pending);
                }
            }
            rest.clear();
            if (inFlight.get() > 0) {
                LockSupport.parkNanos(100_000); // a producer that passed the closed-check is queuing now
            }
        } while (inFlight.get() > 0 || !queue.isEmpty());
        if (!entries.isEmpty()) {
            unwritten(entries, "the audit trail was closed and its deadline passed before they could be written");
        }
    }

    private void write(List<AuditStore.Pending> batch) {
        Map<TenantId, List<AuditStore.Pending>> byTenant = new LinkedHashMap<>();
        for (AuditStore.Pending pending : batch) {
            byTenant.computeIfAbsent(pending.tenant(), t -> new ArrayList<>()).add(pending);
        }
        for (Map.Entry<TenantId, List<AuditStore.Pending>> group : byTenant.entrySet()) {
            writeGroup(group.getKey(), group.getValue(), false);
        }
    }

    private void writeGroup(TenantId tenant, List<AuditStore.Pending> group, boolean retried) {
        long backoff = minBackoffNanos;
        boolean retry = retried;
        for (int attempt = 0; ; attempt++) {
            long timeout = writeTimeout();
            if (timeout <= 0) {
                unwritten(group, "the audit trail was closed and its deadline passed before they could be written");
                return;
            }
            try {
                // In the tenant's scope, so what is sent is attributable to it (an isolation probe judges it so);
                // opening a scope consults no guard, and the trail's own collection is no database's to guard.
                boolean again = retry;
                Tenants.run(tenant, () -> sink.write(tenant, group, again, Duration.ofNanos(timeout)));
                written.addAndGet(group.size());
                return;
            } catch (RuntimeException e) {
                retry = true;
                long failures = failedAttempts.incrementAndGet();
                if (!MongoErrors.isTransient(e)) {
                    if (group.size() > 1) {
                        // Find the entry that is refused: the others are written (or were, before it).
                        for (AuditStore.Pending one : group) {
                            writeGroup(tenant, List.of(one), true);
                        }
                    } else {
                        LOG.warn("audit entry {} of tenant {} was refused: {}", group.get(0).id(), tenant,
                                e.toString());
                        deadLettered.addAndGet(group.size());
                        deadLetters.put(group, "refused: " + e);
                    }
                    return;
                }
                if (attempt == 0 || Long.bitCount(failures) == 1) {
                    LOG.warn("audit write of {} entries for tenant {} failed (attempt {}); retrying in {} ms: {}",
                            group.size(), tenant, attempt + 1, TimeUnit.NANOSECONDS.toMillis(backoff), e.toString());
                }
                long jitter = (long) (backoff * 0.2 * ThreadLocalRandom.current().nextDouble());
                napUntilRetry(backoff + jitter);
                backoff = Math.min(maxBackoffNanos, backoff * 2);
            }
        }
    }

    /** Waits out a backoff, no later than a close deadline. */
    private void napUntilRetry(long nanos) {
        long end = System.nanoTime() + nanos;
        long left;
        while ((left = end - System.nanoTime()) > 0) {
            if (closed) {
                long toDeadline = deadline.get() - System.nanoTime();
                if (toDeadline <= 0) {
                    return;
                }
                left = Math.min(left, toDeadline);
            }
            LockSupport.parkNanos(Math.min(left, TimeUnit.MILLISECONDS.toNanos(50)));
        }
    }

    /** How long the next write may take: the write timeout, and no later than a close deadline. */
    private long writeTimeout() {
        if (!closed) {
            return writeTimeoutNanos;
        }
        long toDeadline = deadline.get() - System.nanoTime();
        return toDeadline < TimeUnit.MILLISECONDS.toNanos(1) ? 0 : Math.min(writeTimeoutNanos, toDeadline);
    }

    private boolean pastDeadline() {
        return closed && deadline.get() - System.nanoTime() <= 0;
    }

    private void unwritten(List<AuditStore.Pending> entries, String reason) {
        deadLettered.addAndGet(entries.size());
        unwrittenAtClose += entries.size();
        unwrittenPlace = deadLetters.put(entries, reason);
    }

    long queued() {
        return queue.size();
    }

    long written() {
        return written.get();
    }

    long failedAttempts() {
        return failedAttempts.get();
    }

    long dropped() {
        return dropped.get();
    }

    long deadLettered() {
        return deadLettered.get();
    }

    /**
     * Stops intake and waits until everything queued is written or {@code timeout} passes; what is left then goes to
     * the dead letters. Every call, also a later or concurrent one, waits for the same outcome and reports it; the
     * earliest deadline any caller asked for is the one the writer keeps.
     */
    AuditCloseReport close(Duration timeout) {
        long now = System.nanoTime();
        long mine = now + Math.min(timeout.toNanos(), Long.MAX_VALUE / 4);
        synchronized (closeLock) {
            if (!closed || mine - deadline.get() < 0) {
                deadline.set(mine);
            }
            closed = true;
        }
        // Wakes a writer waiting on an empty queue; a full queue needs no wake-up (the writer is busy) and is left
        // alone. The writer skips the signal by its type.
        queue.offer(WAKE);
        boolean done = false;
        boolean interrupted = false;
        // The writer settles what is left as soon as the deadline passes; give it the dead letters' own bound.
        long waitUntil = deadline.get() + DeadLetters.TIMEOUT.toNanos() + TimeUnit.SECONDS.toNanos(1);
        while (!done) {
            try {
                done = finished.await(Math.max(0, waitUntil - System.nanoTime()), TimeUnit.NANOSECONDS);
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        if (!done) {
            return new AuditCloseReport(queued(), "still being written by the audit writer thread");
        }
        long unwritten = unwrittenAtClose;
        String place = unwrittenPlace;
        return new AuditCloseReport(unwritten, unwritten == 0 || place == null ? deadLetters.place() : place);
    }
}
