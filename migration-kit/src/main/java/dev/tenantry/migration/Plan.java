package dev.tenantry.migration;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * What a migration would do, from a dry run: a {@link Line} per step with its counts (e.g. {@code "customers to
 * create" -> 1200}), the earlier steps its counts depend on, and the failures it can already predict (unique
 * conflicts, values that cannot be derived, collections missing, values that would be lost); plus notes for the
 * whole migration. Immutable; print it ({@link #toString()}) or assert on it.
 *
 * @param lines a line per step, in the order the steps run
 * @param notes what applies to the whole plan, e.g. that it runs after migrations that have not run yet
 * @since 0.1
 */
public record Plan(List<Line> lines, List<String> notes) {

    /** The name of the line that holds counts given without a step ({@link #with(String, long)}). */
    public static final String UNNAMED = "";

    private static final Plan EMPTY = new Plan(List.of(), List.of());

    /** Copies the lines and notes. */
    public Plan {
        lines = List.copyOf(Objects.requireNonNull(lines, "lines"));
        notes = List.copyOf(Objects.requireNonNull(notes, "notes"));
    }

    /** A plan that touches nothing. */
    public static Plan empty() {
        return EMPTY;
    }

    /** A plan with one count and no step name. */
    public static Plan of(String name, long count) {
        return empty().with(name, count);
    }

    /** A plan of {@code lines}. */
    public static Plan of(Line... lines) {
        return new Plan(List.of(lines), List.of());
    }

    /** This plan plus {@code count} under {@code name} in the {@link #UNNAMED} line (added to a count there). */
    public Plan with(String name, long count) {
        Objects.requireNonNull(name, "name");
        List<Line> copy = new ArrayList<>(lines);
        for (int i = 0; i < copy.size(); i++) {
            if (copy.get(i).step().equals(UNNAMED)) {
                copy.set(i, copy.get(i).with(name, count));
                return new Plan(copy, notes);
            }
        }
        copy.add(Line.of(UNNAMED).with(name, count));
        return new Plan(copy, notes);
    }

    /** This plan plus {@code line}, after the others. */
    public Plan with(Line line) {
        List<Line> copy = new ArrayList<>(lines);
        copy.add(Objects.requireNonNull(line, "line"));
        return new Plan(copy, notes);
    }

    /** This plan plus the lines and notes of {@code other}, after its own. */
    public Plan with(Plan other) {
        List<Line> l = new ArrayList<>(lines);
        l.addAll(other.lines);
        List<String> n = new ArrayList<>(notes);
        n.addAll(other.notes);
        return new Plan(l, n);
    }

    /** This plan plus a note. */
    public Plan withNote(String note) {
        List<String> copy = new ArrayList<>(notes);
        copy.add(Objects.requireNonNull(note, "note"));
        return new Plan(lines, copy);
    }

    /**
     * This plan with its predicted failures turned into notes that say they hold only {@code when} (e.g. "as the
     * database is now, before 0002 runs"): for a plan counted before earlier work that may prevent them.
     */
    public Plan failuresAsNotes(String when) {
        List<Line> kept = new ArrayList<>();
        List<String> n = new ArrayList<>(notes);
        for (Line line : lines) {
            for (Failure f : line.failures()) {
                n.add((line.step().isEmpty() ? "" : line.step() + " ") + "would fail " + when + ": " + f);
            }
            kept.add(new Line(line.step(), line.counts(), line.dependsOn(), List.of()));
        }
        return new Plan(kept, n);
    }

    /** Every line's counts, added up by name, in the order they first appear. */
    public Map<String, Long> counts() {
        Map<String, Long> out = new LinkedHashMap<>();
        for (Line line : lines) {
            line.counts().forEach((name, n) -> out.merge(name, n, Long::sum));
        }
        return Collections.unmodifiableMap(out);
    }

    /** Every predicted failure, in line order. */
    public List<Failure> failures() {
        return lines.stream().flatMap(l -> l.failures().stream()).toList();
    }

    /** Whether running the plan now would fail, as far as a dry run can tell. */
    public boolean predictsFailure() {
        return lines.stream().anyMatch(l -> !l.failures().isEmpty());
    }

    /**
     * The line of step {@code step}.
     *
     * @throws IllegalArgumentException if no line has that name
     */
    public Line line(String step) {
        return lines.stream().filter(l -> l.step().equals(step)).findFirst().orElseThrow(() ->
                new IllegalArgumentException("no plan line for step '" + step + "'; steps: "
                        + lines.stream().map(Line::step).toList()));
    }

    /**
     * The plan for people: each step's name, its counts, what they depend on and its predicted failures, indented
     * below it (counts without a step first, unindented), then the notes.
     */
    @Override
    public String toString() {
        StringBuilder out = new StringBuilder();
        for (Line line : lines) {
            boolean named = !line.step().equals(UNNAMED);
            String indent = named ? "      " : "  ";
            if (named) {
                out.append("  ").append(line.step()).append(System.lineSeparator());
                if (line.counts().isEmpty() && line.failures().isEmpty()) {
                    out.append(indent).append("nothing to do").append(System.lineSeparator());
                }
            }
            line.counts().forEach((name, n) -> out.append(indent).append(String.format(Locale.ROOT, "%s: %,d%n",
                    name, n)));
            if (!line.dependsOn().isEmpty()) {
                out.append(indent).append("depends on ").append(String.join("; ", line.dependsOn()))
                        .append(": counted as the database is now").append(System.lineSeparator());
            }
            for (Failure f : line.failures()) {
                out.append(indent).append("WOULD FAIL: ").append(f).append(System.lineSeparator());
            }
        }
        for (String note : notes) {
            out.append("  note: ").append(note).append(System.lineSeparator());
        }
        return out.toString();
    }

    /**
     * One step of a plan.
     *
     * <p>Immutable and thread-safe.
     *
     * @param step the step's name
     * @param counts what it would do, by name, in a stable order
     * @param dependsOn the earlier steps (with what they write) whose work its counts do not reflect yet; empty
     *     when its counts are exact
     * @param failures the failures it can predict
     */
    public record Line(String step, Map<String, Long> counts, List<String> dependsOn, List<Failure> failures) {

        /** Copies the values. */
        public Line {
            Objects.requireNonNull(step, "step");
            counts = Collections.unmodifiableMap(new LinkedHashMap<>(Objects.requireNonNull(counts, "counts")));
            dependsOn = List.copyOf(dependsOn);
            failures = List.copyOf(failures);
        }

        /** An empty line for {@code step}. */
        public static Line of(String step) {
            return new Line(step, Map.of(), List.of(), List.of());
        }

        /** This line plus {@code count} under {@code name} (added to a count already there). */
        public Line with(String name, long count) {
            Map<String, Long> copy = new LinkedHashMap<>(counts);
            copy.merge(Objects.requireNonNull(name, "name"), count, Long::sum);
            return new Line(step, copy, dependsOn, failures);
        }

        /** This line plus a predicted failure. */
        public Line with(Failure failure) {
            List<Failure> copy = new ArrayList<>(failures);
            copy.add(Objects.requireNonNull(failure, "failure"));
            return new Line(step, counts, dependsOn, copy);
        }

        /** This line, depending also on {@code what} (e.g. {@code "split-customers (writes customers)"}). */
        public Line dependingOn(String what) {
            List<String> copy = new ArrayList<>(dependsOn);
            copy.add(Objects.requireNonNull(what, "what"));
            return new Line(step, counts, copy, failures);
        }
    }

    /**
     * A failure a dry run predicts.
     *
     * <p>Immutable and thread-safe.
     *
     * @param reason why, e.g. {@code "bookings whose businessId cannot be derived: no services document"}
     * @param count how many documents (or values) it concerns
     * @param examples the first few, for people (e.g. {@code _id}s and their reasons)
     */
    public record Failure(String reason, long count, List<String> examples) {

        /** Copies the values. */
        public Failure {
            Objects.requireNonNull(reason, "reason");
            examples = List.copyOf(examples);
        }

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "%,d %s", count, reason)
                    + (examples.isEmpty() ? "" : " (e.g. " + String.join("; ", examples) + ")");
        }
    }
}
