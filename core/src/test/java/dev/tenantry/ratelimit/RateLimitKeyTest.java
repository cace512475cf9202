package dev.tenantry.ratelimit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import dev.tenantry.TenantId;
import org.junit.jupiter.api.Test;

class RateLimitKeyTest {

    @Test
    void keysAreValuesOfTenantKindAndValue() {
        RateLimitKey key = RateLimitKey.user(TenantId.of("acme"), "u1");
        assertEquals(key, RateLimitKey.user(TenantId.of("acme"), "u1"));
        assertEquals(key.hashCode(), RateLimitKey.user(TenantId.of("acme"), "u1").hashCode());
        assertNotEquals(key, RateLimitKey.user(TenantId.of("globex"), "u1"));
        assertNotEquals(key, RateLimitKey.user(TenantId.of("acme"), "u2"));
        assertNotEquals(key, RateLimitKey.ip(TenantId.of("acme"), "u1"));
        assertNotEquals(RateLimitKey.tenant(TenantId.of("acme")), key);
    }

    /**
     * A pass over tenants in id order (a scheduled job, or the keyed benchmark's id order) must walk neighbouring
     * hash-table slots, not jump thousands of bytes per key: the hash takes the tenant last.
     */
    @Test
    void keysOfTenantsWithNeighbouringIdsHaveNeighbouringHashes() {
        for (String kind : new String[] {"tenant", "user"}) {
            int previous = hash(kind, "t0000000");
            for (int i = 1; i < 10; i++) {
                int hash = hash(kind, "t000000" + i);
                assertEquals(1, hash - previous, kind + " key of t000000" + i);
                previous = hash;
            }
        }
    }

    private static int hash(String kind, String tenant) {
        TenantId id = TenantId.of(tenant);
        return (kind.equals("tenant") ? RateLimitKey.tenant(id) : RateLimitKey.user(id, "u1")).hashCode();
    }
}
