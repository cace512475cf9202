package dev.tenantry;

/**
 * The identifier of a tenant: 1 to 48 characters of lower-case ASCII letters, digits, {@code _} and {@code -},
 * starting with a letter or digit ({@code [a-z0-9][a-z0-9_-]*}).
 *
 * <p>The rule makes an id safe inside database and collection names and lets UUIDs and ObjectId hex strings be ids.
 * Nothing is folded or trimmed: {@code "Acme"} is rejected, not turned into {@code "acme"}, so two spellings can never
 * name one tenant. Immutable and thread-safe.
 *
 * @param value the id
 * @since 0.1
 */
public record TenantId(String value) implements Comparable<TenantId> {

    /** The longest id accepted. */
    public static final int MAX_LENGTH = 48;

    /**
     * Validates {@code value}.
     *
     * @throws InvalidTenantIdException naming the rule broken, if {@code value} is not a valid id
     */
    public TenantId {
        validate(value);
    }

    /**
     * The id {@code value}.
     *
     * @throws InvalidTenantIdException naming the rule broken, if {@code value} is not a valid id
     */
    public static TenantId of(String value) {
        return new TenantId(value);
    }

    /** Whether {@code value} would be accepted by {@link #of}. */
    public static boolean isValid(@org.jspecify.annotations.Nullable String value) {
        return problem(value) == null;
    }

    private static void validate(@org.jspecify.annotations.Nullable String value) {
        String problem = problem(value);
        if (problem != null) {
            throw new InvalidTenantIdException(problem);
        }
    }

    private static @org.jspecify.annotations.Nullable String problem(@org.jspecify.annotations.Nullable String value) {
        if (value == null) {
            return "tenant id must not be null";
        }
        if (value.isEmpty()) {
            return "tenant id must not be empty";
        }
        if (value.length() > MAX_LENGTH) {
            return "tenant id must be at most " + MAX_LENGTH + " characters, was " + value.length();
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            boolean letterOrDigit = c >= 'a' && c <= 'z' || c >= '0' && c <= '9';
            if (i == 0 && !letterOrDigit) {
                return "tenant id must start with a lower-case letter or digit (a-z, 0-9), was " + describe(c)
                        + " in " + quote(value);
            }
            if (!letterOrDigit && c != '_' && c != '-') {
                return "tenant id may contain only lower-case ASCII letters, digits, '_' and '-'; found "
                        + describe(c) + " at index " + i + " in " + quote(value);
            }
        }
        return null;
    }

    private static String describe(char c) {
        if (c >= 'A' && c <= 'Z') {
            return "upper-case '" + c + "'";
        }
        if (c > 0x20 && c < 0x7f) {
            return "'" + c + "'";
        }
        return String.format("U+%04X", (int) c);
    }

    /** Quotes an offending value for a message, escaping anything unprintable so the message stays readable. */
    private static String quote(String value) {
        StringBuilder out = new StringBuilder("\"");
        for (int i = 0; i < value.length() && i < 64; i++) {
            char c = value.charAt(i);
            if (c >= 0x20 && c < 0x7f) {
                out.append(c);
            } else {
                out.append(String.format("\\u%04X", (int) c));
            }
        }
        return out.append(value.length() > 64 ? "...\"" : "\"").toString();
    }

    @Override
    public int compareTo(TenantId other) {
        return value.compareTo(other.value);
    }

    /** The id itself, so a {@code TenantId} prints as the string it stands for. */
    @Override
    public String toString() {
        return value;
    }
}
