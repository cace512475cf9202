package dev.tenantry.servlet.internal;

import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Finds the client's address behind trusted proxies. {@code X-Forwarded-For} is believed only when the connection
 * comes from a trusted proxy, and then only as far as the chain of trusted proxies reaches: walking the chain from
 * the right, the first address that is not a trusted proxy is the client's. Anything the client itself put in the
 * header lies left of that and is ignored. Immutable and thread-safe.
 */
public final class ClientAddress {

    /** At most this many addresses of the chain are looked at, so a huge header costs little. */
    static final int MAX_HOPS = 32;

    private final List<Cidr> trusted;

    /** Trusting the given blocks (literal addresses or CIDR). */
    public ClientAddress(List<String> trustedProxies) {
        List<Cidr> blocks = new ArrayList<>();
        for (String proxy : trustedProxies) {
            blocks.add(Cidr.parse(proxy));
        }
        this.trusted = List.copyOf(blocks);
    }

    /**
     * The client's address.
     *
     * @param remoteAddr the connection's peer address
     * @param forwardedFor the request's {@code X-Forwarded-For} header values, in order
     */
    public String resolve(String remoteAddr, @Nullable Enumeration<String> forwardedFor) {
        String peer = unbracket(remoteAddr);
        if (trusted.isEmpty() || !isTrusted(peer) || forwardedFor == null || !forwardedFor.hasMoreElements()) {
            return peer;
        }
        List<String> chain = new ArrayList<>();
        while (forwardedFor.hasMoreElements()) {
            for (String part : forwardedFor.nextElement().split(",", -1)) {
                chain.add(part.trim());
            }
        }
        String client = peer;
        for (int i = chain.size() - 1, hops = 0; i >= 0 && hops < MAX_HOPS; i--, hops++) {
            String hop = withoutPort(chain.get(i));
            if (Cidr.parseAddress(hop) == null) {
                return client; // not an address: the proxy to its right is the last hop worth believing
            }
            client = hop;
            if (!isTrusted(hop)) {
                return hop;
            }
        }
        return client;
    }

    private boolean isTrusted(String address) {
        for (Cidr block : trusted) {
            if (block.contains(address)) {
                return true;
            }
        }
        return false;
    }

    /** {@code 1.2.3.4:80} and {@code [::1]:80} without the port, {@code [::1]} without brackets. */
    static String withoutPort(String hop) {
        if (hop.startsWith("[")) {
            int close = hop.indexOf(']');
            return close > 0 ? hop.substring(1, close) : hop;
        }
        int colon = hop.indexOf(':');
        if (colon > 0 && colon == hop.lastIndexOf(':') && hop.indexOf('.') >= 0) {
            return hop.substring(0, colon);
        }
        return hop;
    }

    private static String unbracket(String address) {
        return address.startsWith("[") && address.endsWith("]") ? address.substring(1, address.length() - 1)
                : address;
    }
}
