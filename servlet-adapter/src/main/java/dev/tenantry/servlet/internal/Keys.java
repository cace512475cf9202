package dev.tenantry.servlet.internal;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** Fits values into rate-limit keys. */
public final class Keys {

    /** The longest rate-limit key value core accepts. */
    static final int MAX_VALUE = 256;

    private Keys() {
    }

    /** {@code value} itself when short enough for a key, else {@code sha256:} and its hex digest (still unique). */
    public static String fit(String value) {
        if (value.length() <= MAX_VALUE) {
            return value;
        }
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
            return "sha256:" + HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JVM", e);
        }
    }
}
