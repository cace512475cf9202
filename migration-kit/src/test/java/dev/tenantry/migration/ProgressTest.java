package dev.tenantry.migration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ProgressTest {

    @Test
    void logsAtMostOnceASecondWithRateAndEtaAndOnceAtTheEnd() {
        AtomicLong nanos = new AtomicLong(0);
        List<String> lines = new ArrayList<>();
        Progress p = new Progress("copy customers", 100, nanos::get, lines::add);

        nanos.set(500_000_000L);
        p.advance(10);
        assertEquals(List.of(), lines, "no line before a second passed");

        nanos.set(2_000_000_000L);
        p.advance(10);
        assertEquals(1, lines.size());
        assertEquals("copy customers: 20 / 100 (20.0%), 10.0/s, ETA 8s", lines.get(0));

        nanos.set(2_100_000_000L);
        p.advance(30);
        assertEquals(1, lines.size(), "throttled");

        nanos.set(2_200_000_000L);
        p.advance(50);
        assertEquals(2, lines.size(), "completion is always logged");
        assertTrue(lines.get(1).startsWith("copy customers: 100 / 100 (100.0%)"), lines.get(1));
        assertTrue(lines.get(1).endsWith("done"), lines.get(1));
        assertEquals(100, p.done());
        assertEquals(100, p.total());
    }
}
