package dev.tenantry.benchmarks.seed2;

import com.mongodb.event.CommandListener;
import com.mongodb.event.CommandStartedEvent;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/** Counts the commands a client sends (each one a round trip), in all and by name. Thread-safe. */
public final class CommandCounter implements CommandListener {

    private final Map<String, LongAdder> byName = new ConcurrentHashMap<>();
    private final LongAdder total = new LongAdder();

    @Override
    public void commandStarted(CommandStartedEvent event) {
        total.increment();
        byName.computeIfAbsent(event.getCommandName(), name -> new LongAdder()).increment();
    }

    /** The commands counted since the last reset. */
    public long total() {
        return total.sum();
    }

    /** The commands counted since the last reset, by name. */
    public Map<String, Long> byName() {
        Map<String, Long> out = new TreeMap<>();
        byName.forEach((name, n) -> out.put(name, n.sum()));
        return out;
    }

    /** Starts counting from zero. */
    public void reset() {
        total.reset();
        byName.clear();
    }
}
