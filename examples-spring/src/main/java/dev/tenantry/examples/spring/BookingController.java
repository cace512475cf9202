package dev.tenantry.examples.spring;

import dev.tenantry.Tenants;
import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.Authentication;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The booking API. Nothing here names the organization: each request runs in the tenant Tenantry's filter resolved
 * (after Spring Security), and the repositories are scoped to it.
 */
@RestController
public class BookingController {

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
    public BookingController(CustomerRepository customers, ServiceRepository services, BookingRepository bookings) {
        this.customers = customers;
        this.services = services;
        this.bookings = bookings;
    }

    /**
     * What the API offers (no tenant needed).
     *
     * @return the endpoints
     */
    @GetMapping(value = "/", produces = "text/plain")
    public String index() {
        return """
                Tenantry booking example (Spring Boot). Every /api call needs HTTP Basic (alice/demo for acme,
                bob/demo for globex) and the organization in the X-Tenant-ID header.
                  GET  /api/me
                  GET  /api/customers[?name=part]
                  GET  /api/customers/of-every-tenant   (a @Query that asks for every tenant: yours only)
                  GET  /api/services
                  GET  /api/bookings[?customerId=id]
                  POST /api/bookings {"customerId": ..., "serviceId": ..., "start": "2026-12-24T09:00:00Z"}
                """;
    }

    /**
     * The signed-in user and the organization the request acts for.
     *
     * @param authentication the signed-in user
     * @return user and organization
     */
    @GetMapping("/api/me")
    public Map<String, String> me(Authentication authentication) {
        return Map.of("user", authentication.getName(), "organization", Tenants.current().value());
    }

    /**
     * The organization's customers.
     *
     * @param name part of the name to look for, or none for all
     * @return the customers
     */
    @GetMapping("/api/customers")
    public List<Customer> customers(@RequestParam(required = false) @Nullable String name) {
        return name == null ? customers.findAll() : customers.findByNameContainingIgnoreCaseOrderByName(name);
    }

    /**
     * What a {@code @Query} that asks for every tenant's customers returns: the organization's own.
     *
     * @return the customers
     */
    @GetMapping("/api/customers/of-every-tenant")
    public List<Customer> customersOfEveryTenant() {
        return customers.ofEveryTenant();
    }

    /**
     * The organization's services.
     *
     * @return the services
     */
    @GetMapping("/api/services")
    public List<Service> services() {
        return services.findAll();
    }

    /**
     * The organization's bookings.
     *
     * @param customerId a customer whose bookings to list, or none for all
     * @return the bookings
     */
    @GetMapping("/api/bookings")
    public List<Booking> bookings(@RequestParam(required = false) @Nullable String customerId) {
        return customerId == null ? bookings.findAll() : bookings.findByCustomerIdOrderByStart(customerId);
    }

    /**
     * One booking of the organization.
     *
     * @param id the booking's id
     * @return the booking, or 404 (also for another organization's booking)
     */
    @GetMapping("/api/bookings/{id}")
    public ResponseEntity<?> booking(@PathVariable String id) {
        return bookings.findById(id).<ResponseEntity<?>>map(ResponseEntity::ok)
                .orElseGet(() -> problem(HttpStatus.NOT_FOUND, "No booking " + id + " in this organization"));
    }

    /**
     * Books a service for a customer, both of the organization.
     *
     * @param request the customer, the service and the start
     * @return 201 with the booking, 400 if a field is missing, 404 if the customer or the service is not the
     *     organization's
     */
    @PostMapping("/api/bookings")
    public ResponseEntity<?> book(@RequestBody NewBooking request) {
        if (request.customerId() == null || request.serviceId() == null || request.start() == null) {
            return problem(HttpStatus.BAD_REQUEST, "customerId, serviceId and start are required");
        }
        if (!customers.existsById(request.customerId())) {
            return problem(HttpStatus.NOT_FOUND, "No customer " + request.customerId() + " in this organization");
        }
        if (!services.existsById(request.serviceId())) {
            return problem(HttpStatus.NOT_FOUND, "No service " + request.serviceId() + " in this organization");
        }
        Booking saved = bookings.insert(new Booking(null, request.customerId(), request.serviceId(),
                request.start()));
        return ResponseEntity.created(URI.create("/api/bookings/" + saved.id())).body(saved);
    }

    private static ResponseEntity<ProblemDetail> problem(HttpStatus status, String detail) {
        return ResponseEntity.status(status).body(ProblemDetail.forStatusAndDetail(status, detail));
    }

    /**
     * The body of a new booking.
     *
     * @param customerId the customer's id
     * @param serviceId the service's id
     * @param start when it starts
     */
    public record NewBooking(@Nullable String customerId, @Nullable String serviceId, @Nullable Instant start) {
    }
}
