package dev.tenantry.examples.web;

import dev.tenantry.TenantId;
import dev.tenantry.Tenants;
import dev.tenantry.audit.AuditContext;
import dev.tenantry.collection.TenantCollection;
import dev.tenantry.examples.web.DemoUsers.DemoUser;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.util.Date;
import java.util.List;
import org.bson.Document;
import org.bson.types.ObjectId;

/**
 * The demo's two organizations and their data: {@code acme} (a dental practice on the PRO plan) and {@code globex}
 * (a gym on the FREE plan), each with customers, services, bookings and a signed-in session per demo user. Written
 * once, as the actor {@code seed}; a database that has them already is left alone.
 */
final class DemoData {

    private DemoData() {
    }

    /**
     * Creates the demo organizations and their data unless the directory holds {@code acme} already.
     *
     * @return whether anything was written
     */
    static boolean seed(BookingServices services) {
        if (services.directory.find(DemoUsers.ACME).isPresent()) {
            return false;
        }
        services.directory.create(DemoUsers.ACME, "Acme Dental", BookingServices.PRO);
        services.directory.create(DemoUsers.GLOBEX, "Globex Fitness", BookingServices.FREE);
        LocalDate tomorrow = LocalDate.ofInstant(services.clock.instant(), ZoneOffset.UTC).plusDays(1);
        AuditContext.actor("seed", "system").run(() -> {
            organization(services, DemoUsers.ACME,
                    List.of(customer("Ada Lovelace", "ada@example.com"), customer("Alan Turing", "alan@example.com"),
                            customer("Katherine Johnson", "katherine@example.com")),
                    List.of(service("Check-up", 30, 6_000), service("Cleaning", 45, 9_000)),
                    tomorrow);
            organization(services, DemoUsers.GLOBEX,
                    List.of(customer("Grace Hopper", "grace@example.com"),
                            customer("Ada Lovelace", "ada@example.com")), // the same address, another organization
                    List.of(service("Personal training", 60, 5_000)),
                    tomorrow);
        });
        return true;
    }

    private static void organization(BookingServices services, TenantId tenant, List<Document> customers,
                                     List<Document> offered, LocalDate day) {
        Tenants.run(tenant, () -> {
            TenantCollection<Document> customerCollection = services.database.getCollection("customers");
            TenantCollection<Document> serviceCollection = services.database.getCollection("services");
            customers.forEach(c -> stamp(c, services.clock.instant()));
            offered.forEach(s -> stamp(s, services.clock.instant()));
            customerCollection.insertMany(customers);
            serviceCollection.insertMany(offered);
            TenantCollection<Document> bookings = services.database.getCollection("bookings");
            for (int i = 0; i < customers.size(); i++) {
                Instant startsAt = day.plusDays(i).atTime(LocalTime.of(9 + i, 0)).toInstant(ZoneOffset.UTC);
                bookings.insertOne(stamp(new Document("customerId", customers.get(i).getObjectId("_id"))
                        .append("serviceId", offered.get(i % offered.size()).getObjectId("_id"))
                        .append("startsAt", Date.from(startsAt))
                        .append("notes", "first visit"), services.clock.instant()));
            }
            for (DemoUser user : DemoUsers.of(tenant)) {
                services.sessions.start(user.id(), "127.0.0.1", "seed");
            }
        });
    }

    private static Document customer(String name, String email) {
        return new Document("_id", new ObjectId()).append("name", name).append("email", email);
    }

    private static Document service(String name, int minutes, int priceCents) {
        return new Document("_id", new ObjectId()).append("name", name).append("durationMinutes", (long) minutes)
                .append("priceCents", (long) priceCents);
    }

    private static Document stamp(Document document, Instant now) {
        return document.append("createdBy", "seed").append("createdAt", Date.from(now));
    }
}
