package dev.tenantry.servlet.internal;

import org.jspecify.annotations.Nullable;

/**
 * A failed authentication the application reported for a request: whom it tried to authenticate as (already bounded
 * and made printable) and why it failed. {@code handled} is set once it was counted and audited, so it never is twice.
 */
public final class AuthFailure {

    /** The longest attempted user name kept; longer ones are cut and marked. */
    public static final int MAX_NAME = 64;
    /** The longest reason kept. */
    public static final int MAX_REASON = 200;

    private final @Nullable String attemptedUser;
    private final @Nullable String rawUser;
    private final String reason;
    private boolean handled;

    /** A failure of {@code attemptedUser} (null when the credential named nobody) for {@code reason}. */
    public AuthFailure(@Nullable String attemptedUser, String reason) {
        this.rawUser = attemptedUser;
        this.attemptedUser = attemptedUser == null ? null : printable(attemptedUser, MAX_NAME);
        String why = printable(reason, MAX_REASON);
        this.reason = why.isBlank() ? "authentication failed" : why;
    }

    /** The attempted user name as recorded: printable ASCII, at most {@value #MAX_NAME} characters and a mark. */
    public @Nullable String attemptedUser() {
        return attemptedUser;
    }

    /** The attempted user name as given, for keying its bucket (fitted to a key by the caller). */
    @Nullable String rawUser() {
        return rawUser;
    }

    /** Why it failed, as recorded. */
    public String reason() {
        return reason;
    }

    boolean handled() {
        return handled;
    }

    void markHandled() {
        handled = true;
    }

    /**
     * {@code value} with every character outside printable ASCII replaced by '?', cut to {@code max} characters with
     * "..." marking a cut: safe to store, log and show, whatever a client sent.
     */
    static String printable(String value, int max) {
        StringBuilder out = new StringBuilder(Math.min(value.length(), max + 3));
        for (int i = 0; i < value.length() && out.length() < max; i++) {
            char c = value.charAt(i);
            out.append(c >= 0x20 && c < 0x7f ? c : '?');
        }
        if (value.length() > max) {
            out.append("...");
        }
        return out.toString();
    }
}
