package dev.tenantry.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The one wait every test module shares: it returns what another thread brought about, or fails naming it. */
class AwaitTest {

    @Test
    void returnsOnceAnotherThreadMakesTheConditionHold() throws InterruptedException {
        CountDownLatch started = new CountDownLatch(1);
        AtomicInteger value = new AtomicInteger();
        Thread setter = new Thread(() -> {
            try {
                started.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            value.set(42);
        });
        setter.start();
        started.countDown();
        Await.until("the value is set", () -> value.get() == 42);
        setter.join();
        assertEquals(42, value.get());
    }

    @Test
    void valueReturnsTheFirstNonNullAnswer() {
        AtomicInteger looks = new AtomicInteger();
        String answer = Await.value("the third look", () -> looks.incrementAndGet() >= 3 ? "found" : null);
        assertEquals("found", answer);
        assertEquals(3, looks.get(), "asked until it answered, and no more");
    }

    @Test
    void failsNamingWhatItWaitedFor() {
        AssertionError e = assertThrows(AssertionError.class,
                () -> Await.until("pigs fly", Duration.ofMillis(20), () -> false));
        assertTrue(e.getMessage().contains("timed out waiting until pigs fly"), e.getMessage());
    }

    @Test
    void anInterruptEndsTheWaitAndIsKept() {
        Thread.currentThread().interrupt();
        try {
            AssertionError e = assertThrows(AssertionError.class, () -> Await.until("never", () -> false));
            assertTrue(e.getMessage().contains("interrupted waiting until never"), e.getMessage());
            assertTrue(Thread.currentThread().isInterrupted(), "the interrupt status is kept");
        } finally {
            Thread.interrupted();
        }
    }

    @Test
    void latchReturnsOnceCountedDownAndKeepsAnInterrupt() throws InterruptedException {
        CountDownLatch done = new CountDownLatch(1);
        Thread worker = new Thread(done::countDown);
        worker.start();
        Await.latch("the worker is done", done);
        worker.join();

        Thread.currentThread().interrupt();
        try {
            AssertionError e = assertThrows(AssertionError.class,
                    () -> Await.latch("never", new CountDownLatch(1)));
            assertTrue(e.getMessage().contains("interrupted waiting until never"), e.getMessage());
            assertTrue(Thread.currentThread().isInterrupted(), "the interrupt status is kept");
        } finally {
            Thread.interrupted();
        }
    }
}
