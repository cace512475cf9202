package dev.tenantry.servlet.internal;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A block of IPv4 or IPv6 addresses ({@code 10.0.0.0/8}, {@code ::1}, {@code 2001:db8::/32}); a plain address is a
 * block of one. Addresses are parsed as literals only, never looked up in DNS. Immutable.
 */
public final class Cidr {

    private final byte[] network;
    private final int prefixBits;
    private final String text;

    private Cidr(byte[] network, int prefixBits, String text) {
        this.network = network;
        this.prefixBits = prefixBits;
        this.text = text;
    }

    /**
     * Parses {@code address[/bits]}.
     *
     * @throws IllegalArgumentException naming the value, if it is not a literal address or the prefix is out of range
     */
    public static Cidr parse(String value) {
        Objects.requireNonNull(value, "trusted proxy");
        int slash = value.indexOf('/');
        String address = slash < 0 ? value : value.substring(0, slash);
        byte[] bytes = parseAddress(address);
        if (bytes == null) {
            throw new IllegalArgumentException("trusted proxy must be an IPv4 or IPv6 address or CIDR block "
                    + "(e.g. 10.0.0.0/8), was '" + value + "'");
        }
        int bits = bytes.length * 8;
        if (slash >= 0) {
            try {
                bits = Integer.parseInt(value.substring(slash + 1));
            } catch (NumberFormatException e) {
                bits = -1;
            }
            if (bits < 0 || bits > bytes.length * 8) {
                throw new IllegalArgumentException("trusted proxy prefix length must be 0.." + bytes.length * 8
                        + ", was '" + value + "'");
            }
        }
        return new Cidr(mask(bytes, bits), bits, value);
    }

    /** Whether {@code address} (a literal) lies in this block; false for anything that is not a literal address. */
    public boolean contains(@Nullable String address) {
        byte[] bytes = address == null ? null : parseAddress(address);
        return bytes != null && bytes.length == network.length && Arrays.equals(mask(bytes, prefixBits), network);
    }

    /**
     * The bytes of a literal IPv4 (strict dotted quad) or IPv6 address, IPv4-mapped IPv6 addresses as IPv4; null for
     * anything else. Never consults DNS.
     */
    public static byte @Nullable [] parseAddress(String value) {
        String s = value.startsWith("[") && value.endsWith("]") ? value.substring(1, value.length() - 1) : value;
        if (s.isEmpty() || s.length() > 45) {
            return null;
        }
        if (s.indexOf(':') < 0) {
            return parseIpv4(s);
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F' || c == ':' || c == '.')) {
                return null; // also refuses zone ids ('%')
            }
        }
        try {
            // A string with ':' is parsed as an IPv6 literal and never looked up.
            return InetAddress.getByName(s).getAddress();
        } catch (UnknownHostException e) {
            return null;
        }
    }

    private static byte @Nullable [] parseIpv4(String s) {
        String[] parts = s.split("\\.", -1);
        if (parts.length != 4) {
            return null;
        }
        byte[] bytes = new byte[4];
        for (int i = 0; i < 4; i++) {
            String part = parts[i];
            if (part.isEmpty() || part.length() > 3 || part.length() > 1 && part.charAt(0) == '0') {
                return null;
            }
            int n = 0;
            for (int j = 0; j < part.length(); j++) {
                char c = part.charAt(j);
                if (c < '0' || c > '9') {
                    return null;
                }
                n = n * 10 + (c - '0');
            }
            if (n > 255) {
                return null;
            }
            bytes[i] = (byte) n;
        }
        return bytes;
    }

    private static byte[] mask(byte[] bytes, int bits) {
        byte[] out = bytes.clone();
        for (int i = 0; i < out.length; i++) {
            int keep = Math.max(0, Math.min(8, bits - i * 8));
            out[i] = (byte) (out[i] & (0xFF << (8 - keep)));
        }
        return out;
    }

    @Override
    public String toString() {
        return text;
    }
}
