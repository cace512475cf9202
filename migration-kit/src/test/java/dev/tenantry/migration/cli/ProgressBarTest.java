package dev.tenantry.migration.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ProgressBarTest {

    private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);

    private final StringWriter text = new StringWriter();
    private long now = 1_000 * MS;

    private ProgressBar bar(boolean terminal) {
        return new ProgressBar(new PrintWriter(text), terminal, () -> now);
    }

    @Test
    void rendersBarPercentCountsRateEtaAndStep() {
        assertEquals("[##########..........] 52% 5,200/10,000 1,234/s ETA 4s copy users",
                ProgressBar.render("copy users", 5_200, 10_000, 1_234));
    }

    @Test
    void rendersDoneInsteadOfEtaWhenComplete() {
        assertEquals("[####################] 100% 10,000/10,000 2,000/s done copy",
                ProgressBar.render("copy", 10_000, 10_000, 2_000));
    }

    @Test
    void rendersUnknownEtaBeforeAnyRateAndMinutesForLongOnes() {
        assertEquals("[....................] 0% 0/100 0/s ETA ? s", ProgressBar.render("s", 0, 100, 0));
        assertEquals("[#...................] 5% 500/10,000 2.5/s ETA 1h03m s",
                ProgressBar.render("s", 500, 10_000, 2.5));
        assertEquals("[##########..........] 50% 600/1,200 5.0/s ETA 2m00s s", ProgressBar.render("s", 600, 1_200, 5));
    }

    @Test
    void rendersCountAndRateWithoutBarWhenTotalIsUnknown() {
        assertEquals("5,200 1,234/s scan", ProgressBar.render("scan", 5_200, 0, 1_234));
    }

    @Test
    void neverOverfillsWhenDoneExceedsTotal() {
        assertEquals("[####################] 100% 12/10 1.0/s done s", ProgressBar.render("s", 12, 10, 1));
    }

    @Test
    void terminalRedrawsInPlaceAtMostTenTimesASecond() {
        ProgressBar bar = bar(true);
        bar.progressed("copy", 1, 100, 10); // drawn: first update of the step
        now += 50 * MS;
        bar.progressed("copy", 2, 100, 10); // throttled
        now += 50 * MS;
        bar.progressed("copy", 3, 100, 10); // drawn: 100 ms since the last
        now += 10 * MS;
        bar.progressed("copy", 4, 100, 10); // throttled
        String out = text.toString();
        assertEquals(2, out.chars().filter(c -> c == '\r').count(), out);
        assertTrue(out.contains("1/100") && out.contains("3/100"), out);
        assertTrue(!out.contains("2/100") && !out.contains("4/100"), out);
        assertTrue(!out.contains("\n"), "the bar stays on its line while the step runs: " + out);
    }

    @Test
    void terminalDrawsCompletionAtOnceAndEndsTheLine() {
        ProgressBar bar = bar(true);
        bar.progressed("copy", 1, 2, 10);
        now += 1 * MS;
        bar.progressed("copy", 2, 2, 10);
        now += 500 * MS;
        bar.progressed("copy", 2, 2, 10); // already shown complete
        String out = text.toString();
        assertTrue(out.endsWith(System.lineSeparator()) && out.strip().endsWith("done copy"), out);
        assertEquals(2, out.chars().filter(c -> c == '\r').count(), out);
    }

    @Test
    void terminalPadsAShorterRedrawOverALongerOne() {
        ProgressBar bar = bar(true);
        bar.progressed("copy", 1, 100_000, 123_456);
        now += 200 * MS;
        bar.progressed("copy", 2, 100_000, 50_000);
        String[] draws = text.toString().split("\r");
        assertEquals(draws[1].length(), draws[2].length(), "the second draw covers the first");
    }

    @Test
    void plainModePrintsAtMostEveryFiveSecondsAndOnCompletion() {
        ProgressBar bar = bar(false);
        for (int i = 1; i <= 10; i++) {
            now += 1_000 * MS;
            bar.progressed("copy", i, 10, 1);
        }
        String[] lines = text.toString().split(System.lineSeparator());
        assertEquals(2, lines.length, text.toString()); // 5 s after the step's first report, and on completion
        assertTrue(lines[0].contains("6/10"), lines[0]);
        assertTrue(lines[lines.length - 1].contains("10/10") && lines[lines.length - 1].contains("done"),
                text.toString());
        assertTrue(!text.toString().contains("\r"), "no carriage returns in logs");
    }

    @Test
    void plainModePrintsNothingForAQuickStepUntilItCompletes() {
        ProgressBar bar = bar(false);
        bar.progressed("copy", 1, 3, 100);
        bar.progressed("copy", 2, 3, 100);
        assertEquals("", text.toString());
        bar.progressed("copy", 3, 3, 100);
        assertTrue(text.toString().startsWith("[####################] 100% 3/3"), text.toString());
    }

    @Test
    void aNewStepStartsOnANewLine() {
        ProgressBar bar = bar(true);
        bar.progressed("first", 1, 10, 1);
        bar.progressed("second", 1, 10, 1);
        String out = text.toString();
        assertTrue(out.contains("first" + System.lineSeparator() + "\r"), out);
    }

    @Test
    void aLateLowerCountFromAnotherThreadIsIgnored() {
        ProgressBar bar = bar(true);
        bar.progressed("copy", 5, 10, 1);
        now += 200 * MS;
        bar.progressed("copy", 4, 10, 1);
        assertTrue(!text.toString().contains("4/10"), text.toString());
    }

    @Test
    void finishEndsAnOpenBarOnce() {
        ProgressBar bar = bar(true);
        bar.progressed("copy", 1, 10, 1);
        bar.finish();
        bar.finish();
        assertTrue(text.toString().endsWith("copy" + System.lineSeparator()), text.toString());
        assertEquals(1, text.toString().split(System.lineSeparator(), -1).length - 1);
    }
}
