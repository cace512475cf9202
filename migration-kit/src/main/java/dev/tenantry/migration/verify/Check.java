package dev.tenantry.migration.verify;

import dev.tenantry.migration.internal.BsonValues;
import java.util.List;
import java.util.Objects;
import org.bson.BsonValue;

/**
 * The result of one verification check: what was checked, how many violations were found, the {@code _id}s of the
 * first few violating documents, and a detail line for people.
 *
 * <p>Thread-safe to read and share; its BSON values are the driver's mutable types, which nothing here changes and
 * callers must not change either.
 *
 * @param name what was checked, e.g. {@code "bookings.customerId -> customers: same businessId"}
 * @param violations how many violations were found; 0 when the check passed
 * @param samples the {@code _id}s of the first violating documents (at most {@value Verifier#MAX_SAMPLES})
 * @param detail more about the violations, e.g. {@code "expected 30000, found 29999"}, or about what a passing check
 *     saw, e.g. {@code "12 documents quarantined"}; may be empty
 * @since 0.1
 */
public record Check(String name, long violations, List<BsonValue> samples, String detail) {

    /**
     * Checks and copies the values.
     *
     * @throws IllegalArgumentException if {@code violations} is negative
     */
    public Check {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(detail, "detail");
        if (violations < 0) {
            throw new IllegalArgumentException("violations must not be negative, was " + violations);
        }
        samples = List.copyOf(samples);
    }

    /** Whether the check found nothing wrong. */
    public boolean passed() {
        return violations == 0;
    }

    @Override
    public String toString() {
        return (passed() ? "ok" : "FAILED") + " " + name + (passed() ? "" : ": " + violations + " violations"
                + (detail.isEmpty() ? "" : " (" + detail + ")") + (samples.isEmpty() ? "" : ", e.g. _id "
                + BsonValues.show(samples)));
    }
}
