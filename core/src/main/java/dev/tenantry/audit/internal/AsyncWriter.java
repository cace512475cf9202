package dev.tenantry.audit.internal;

import dev.tenantry.TenantId;
import dev.tenantry.Tenants;
import dev.tenantry.audit.AuditOverflowException;
import dev.tenantry.audit.OverflowPolicy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The bounded queue and the batcher thread behind an asynchronous audit trail.
 *
 * <p>Entries are taken in batches of up to {@code batchSize}, or whatever arrived within {@code maxDelay} of the
 * first (the writer naps for that delay unless a full batch is already waiting, so producers never pay to wake it
 * per entry), grouped by tenant in arrival order, and written with one tail read and one {@code insertMany} per tenant
 * group. A failed write is retried, with exponential backoff and jitter, until it succeeds: under {@link
 * OverflowPolicy#BLOCK} a MongoDB outage delays recording but loses nothing. {@link #close()} stops intake, writes
 * everything still queued, and waits for it.
 */
final class AsyncWriter {

    private static final Logger LOG = LoggerFactory.getLogger(AsyncWriter.class);
    private static final AuditStore.Pending POISON = new AuditStore.Pending(TenantId.of("0"),
            new org.bson.types.ObjectId(), java.time.Instant.EPOCH, dev.tenantry.audit.AuditEvent
                    .of(dev.tenantry.audit.AuditAction.LOGIN).build());

    /** Writes one tenant's batch; the flag says a previous attempt may have been applied. */
    interface Sink {
        void write(List<AuditStore.Pending> batch, boolean retry);
    }

    private final BlockingQueue<AuditStore.Pending> queue;
    private final Sink sink;
    private final int batchSize;
    private final long maxDelayNanos;
    private final OverflowPolicy policy;
    private final long overflowTimeoutNanos;
    private final long minBackoffNanos;
    private final long maxBackoffNanos;
    private final Thread worker;
    private final AtomicLong written = new AtomicLong();
    private final AtomicLong failedAttempts = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    /** Producers between their closed-check and their put; close() waits for them so none is left behind. */
    private final java.util.concurrent.atomic.AtomicInteger inFlight = new java.util.concurrent.atomic.AtomicInteger();
    private volatile boolean closed;

    AsyncWriter(Sink sink, int capacity, int batchSize, Duration maxDelay, OverflowPolicy policy,
                Duration overflowTimeout, Duration minBackoff, Duration maxBackoff) {
        this.queue = new ArrayBlockingQueue<>(capacity);
        this.sink = sink;
        this.batchSize = batchSize;
        this.maxDelayNanos = maxDelay.toNanos();
        this.policy = policy;
        this.overflowTimeoutNanos = overflowTimeout.toNanos();
        this.minBackoffNanos = minBackoff.toNanos();
        this.maxBackoffNanos = maxBackoff.toNanos();
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
        List<AuditStore.Pending> batch = new ArrayList<>(batchSize);
        boolean stopping = false;
        while (!stopping) {
            try {
                AuditStore.Pending first = queue.take();
                if (first == POISON) {
                    stopping = true;
                } else {
                    batch.add(first);
                    if (queue.size() + 1 < batchSize) {
                        // Nap off the queue's condition rather than waiting on it: a waiting writer would be woken
                        // (an unpark, a system call) by every single enqueue while the batch fills.
                        LockSupport.parkNanos(maxDelayNanos);
                    }
                    queue.drainTo(batch, batchSize - 1);
                    stopping = batch.remove(POISON);
                }
            } catch (InterruptedException e) {
                // Interrupts do not stop the writer: only close() does, after the queue is written.
                continue;
            }
            if (!batch.isEmpty()) {
                write(batch);
                batch.clear();
            }
        }
        List<AuditStore.Pending> rest = new ArrayList<>();
        queue.drainTo(rest);
        rest.remove(POISON);
        if (!rest.isEmpty()) {
            write(rest);
        }
    }

    private void write(List<AuditStore.Pending> batch) {
        Map<TenantId, List<AuditStore.Pending>> byTenant = new LinkedHashMap<>();
        for (AuditStore.Pending pending : batch) {
            byTenant.computeIfAbsent(pending.tenant(), t -> new ArrayList<>()).add(pending);
        }
        for (Map.Entry<TenantId, List<AuditStore.Pending>> group : byTenant.entrySet()) {
            writeUntilStored(group.getKey(), group.getValue());
        }
    }

    private void writeUntilStored(TenantId tenant, List<AuditStore.Pending> group) {
        long backoff = minBackoffNanos;
        for (int attempt = 0; ; attempt++) {
            boolean retry = attempt > 0;
            try {
                Tenants.run(tenant, () -> sink.write(group, retry));
                written.addAndGet(group.size());
                return;
            } catch (RuntimeException e) {
                long failures = failedAttempts.incrementAndGet();
                if (attempt == 0 || Long.bitCount(failures) == 1) {
                    LOG.warn("audit write of {} entries for tenant {} failed (attempt {}); retrying in {} ms: {}",
                            group.size(), tenant, attempt + 1, TimeUnit.NANOSECONDS.toMillis(backoff), e.toString());
                }
                long jitter = (long) (backoff * 0.2 * java.util.concurrent.ThreadLocalRandom.current().nextDouble());
                LockSupport.parkNanos(backoff + jitter);
                backoff = Math.min(maxBackoffNanos, backoff * 2);
            }
        }
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

    /** Stops intake, writes everything queued, and waits for the writer to finish. */
    void close() {
        if (closed) {
            return;
        }
        closed = true;
        // Anyone who got past the check before it flipped is queuing now; the writer keeps draining meanwhile.
        while (inFlight.get() > 0) {
            LockSupport.parkNanos(100_000);
        }
        boolean interrupted = false;
        while (true) {
            try {
                queue.put(POISON);
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        while (worker.isAlive()) {
            try {
                worker.join();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
