package dev.tenantry.examples.spring;

import dev.tenantry.TenantId;
import dev.tenantry.Tenants;
import java.time.Instant;
import java.util.List;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.stereotype.Component;

/**
 * Seeds the two organizations at start-up, each in its own tenant scope, unless they already have customers (a real
 * MongoDB keeps them across runs). acme has three customers, globex two.
 */
@Component
public class DemoData implements ApplicationRunner {

    /** The organizations of the demo. */
    public static final List<TenantId> ORGANIZATIONS = List.of(TenantId.of("acme"), TenantId.of("globex"));

    private final CustomerRepository customers;
    private final ServiceRepository services;
    private final BookingRepository bookings;

    /**
     * Created by Spring.
     *
     * @param customers the customers
     * @param services the services
     * @param bookings the bookings
     */
    public DemoData(CustomerRepository customers, ServiceRepository services, BookingRepository bookings) {
        this.customers = customers;
        this.services = services;
        this.bookings = bookings;
    }

    @Override
    public void run(ApplicationArguments args) {
        Tenants.run(TenantId.of("acme"), () -> seed(
                List.of(new Customer(null, "Ada Lovelace", "ada@example.com"),
                        new Customer(null, "Alan Turing", "alan@example.com"),
                        new Customer(null, "Grace Hopper", "grace@example.com")),
                List.of(new Service(null, "Haircut", 30), new Service(null, "Colouring", 90))));
        Tenants.run(TenantId.of("globex"), () -> seed(
                List.of(new Customer(null, "Hank Scorpio", "hank@example.com"),
                        // The same e-mail as an acme customer: unique per organization, not across them.
                        new Customer(null, "Ada Globex", "ada@example.com")),
                List.of(new Service(null, "Consulting", 60))));
    }

    private void seed(List<Customer> newCustomers, List<Service> newServices) {
        if (customers.count() > 0) {
            return;
        }
        List<Customer> saved = customers.insert(newCustomers);
        List<Service> offered = services.insert(newServices);
        Instant start = Instant.parse("2026-12-24T09:00:00Z");
        for (int i = 0; i < saved.size(); i++) {
            bookings.insert(new Booking(null, saved.get(i).id(), offered.get(i % offered.size()).id(),
                    start.plusSeconds(3600L * i)));
        }
    }
}
