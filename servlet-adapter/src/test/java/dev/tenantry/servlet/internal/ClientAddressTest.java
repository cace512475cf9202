package dev.tenantry.servlet.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

class ClientAddressTest {

    private static String resolve(List<String> trusted, String peer, String... forwardedFor) {
        return new ClientAddress(trusted).resolve(peer, Collections.enumeration(List.of(forwardedFor)));
    }

    @Test
    void peerIsTheClientWhenNoProxyIsTrusted() {
        assertEquals("192.0.2.1", resolve(List.of(), "192.0.2.1", "203.0.113.9"));
    }

    @Test
    void peerIsTheClientWhenItIsNotATrustedProxy() {
        assertEquals("192.0.2.1", resolve(List.of("10.0.0.0/8"), "192.0.2.1", "203.0.113.9"));
    }

    @Test
    void rightmostUntrustedHopIsTheClient() {
        assertEquals("203.0.113.9", resolve(List.of("10.0.0.0/8"), "10.0.0.1", "1.1.1.1, 203.0.113.9, 10.0.0.5"));
    }

    @Test
    void severalHeadersFormOneChain() {
        assertEquals("203.0.113.9", resolve(List.of("10.0.0.0/8"), "10.0.0.1", "1.1.1.1", "203.0.113.9, 10.0.0.5"));
    }

    @Test
    void allTrustedGivesTheLeftmost() {
        assertEquals("10.0.0.7", resolve(List.of("10.0.0.0/8"), "10.0.0.1", "10.0.0.7, 10.0.0.5"));
    }

    @Test
    void malformedHopStopsTheWalk() {
        assertEquals("10.0.0.5", resolve(List.of("10.0.0.0/8"), "10.0.0.1", "203.0.113.9, evil.example, 10.0.0.5"));
        assertEquals("10.0.0.1", resolve(List.of("10.0.0.0/8"), "10.0.0.1", ""));
    }

    @Test
    void portsAndBracketsAreStripped() {
        assertEquals("203.0.113.9", resolve(List.of("10.0.0.0/8"), "10.0.0.1", "203.0.113.9:5555"));
        assertEquals("2001:db8::1", resolve(List.of("::1"), "[::1]", "[2001:db8::1]:443"));
    }

    @Test
    void cidrMatchesByPrefix() {
        Cidr block = Cidr.parse("192.168.4.0/22");
        assertTrue(block.contains("192.168.7.255"));
        assertFalse(block.contains("192.168.8.0"));
        assertFalse(block.contains("::ffff:10.0.0.1"));
        assertTrue(Cidr.parse("0.0.0.0/0").contains("8.8.8.8"));
        assertTrue(Cidr.parse("2001:db8::/32").contains("2001:db8:ffff::1"));
        assertFalse(Cidr.parse("2001:db8::/32").contains("10.0.0.1"));
    }

    @Test
    void onlyLiteralAddressesParse() {
        for (String bad : new String[] {"localhost", "1.2.3", "01.2.3.4", "1.2.3.256", "1.2.3.4.5", "fe80::1%eth0",
                "", "::g"}) {
            assertNull(Cidr.parseAddress(bad), bad);
        }
        assertThrows(IllegalArgumentException.class, () -> Cidr.parse("10.0.0.0/33"));
        assertThrows(IllegalArgumentException.class, () -> Cidr.parse("example.com"));
    }
}
