package dev.tenantry.migration.verify;

import java.util.Objects;

/** Field paths checked at the API edge, values read by path, compared as MongoDB does, and shown to people. */
final class Values {

    private Values() {
    }

    /**
     * {@code name} if it is a usable field path.
     *
     * @throws IllegalArgumentException naming {@code what} and the bad value otherwise
     */
    static String field(String what, String name) {
        Objects.requireNonNull(name, what);
        for (String segment : name.split("\\.", -1)) {
            if (segment.isEmpty() || segment.startsWith("$") || segment.indexOf('\0') >= 0) {
                throw new IllegalArgumentException(what + " must be a field path whose parts are not empty, do not"
                        + " start with '$' and hold no NUL, was '" + name + "'");
            }
        }
        return name;
    }

    /**
     * {@code name} if it is a usable collection name.
     *
     * @throws IllegalArgumentException naming {@code what} and the bad value otherwise
     */
    static String collection(String what, String name) {
        Objects.requireNonNull(name, what);
        if (name.isEmpty() || name.indexOf('$') >= 0 || name.indexOf('\0') >= 0) {
            throw new IllegalArgumentException(what + " must be a non-empty collection name without '$' or NUL, was '"
                    + name + "'");
        }
        return name;
    }
}
