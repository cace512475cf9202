package dev.tenantry.examples.web;

import dev.tenantry.TenantId;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The demo's users: a fixed table, each user in one organization with a set of roles, all with the password
 * {@value #PASSWORD}. DEMO ONLY: a real application keeps users in its own store and checks real credentials.
 */
final class DemoUsers {

    /** Everyone's password in the demo. */
    static final String PASSWORD = "demo";
    /** The role the audit log, whole-tenant exports and other users' sessions need. */
    static final String ADMIN = "admin";
    /** Everybody's role. */
    static final String STAFF = "staff";

    /**
     * One demo user.
     *
     * @param id the user id (what {@code X-Demo-User} names, the principal's name, the audit actor)
     * @param tenant the organization the user belongs to
     * @param name a display name
     * @param roles the user's roles
     */
    record DemoUser(String id, TenantId tenant, String name, Set<String> roles) {
    }

    static final TenantId ACME = TenantId.of("acme");
    static final TenantId GLOBEX = TenantId.of("globex");

    private static final Map<String, DemoUser> USERS = List.of(
                    new DemoUser("alice", ACME, "Alice Admin", Set.of(ADMIN, STAFF)),
                    new DemoUser("bob", ACME, "Bob Staff", Set.of(STAFF)),
                    new DemoUser("gina", GLOBEX, "Gina Admin", Set.of(ADMIN, STAFF)),
                    new DemoUser("gus", GLOBEX, "Gus Staff", Set.of(STAFF)))
            .stream().collect(Collectors.toUnmodifiableMap(DemoUser::id, Function.identity()));

    private DemoUsers() {
    }

    /** The demo user {@code id}, if there is one. */
    static Optional<DemoUser> find(String id) {
        return Optional.ofNullable(USERS.get(id));
    }

    /** Every demo user of {@code tenant}. */
    static List<DemoUser> of(TenantId tenant) {
        return USERS.values().stream().filter(u -> u.tenant().equals(tenant))
                .sorted(java.util.Comparator.comparing(DemoUser::id)).toList();
    }
}
