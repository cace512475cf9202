package dev.tenantry.benchmarks.seed2;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import dev.tenantry.testing.seeds.Seed2Dataset;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Updates;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bson.Document;
import org.bson.conversions.Bson;
import org.bson.types.ObjectId;

/**
 * A faithful port of seed 2's migration scripts to the Java driver, one document at a time as the seed writes them.
 *
 * <p>Step 1 ({@code migrateCustomers}): find the users without a password who have bookings, with their bookings and
 * each booking's service (read whole and joined in memory, the cheapest form of Prisma's {@code include}); then for
 * each user, group the bookings by the service's business and, per business, create one customer ({@code
 * insertOne}) and point that group's bookings at it ({@code updateMany} by id).
 *
 * <p>Step 2 is an empty stub in the seed; the port fills it in the style of step 3, one {@code updateMany} that
 * clears {@code userId} on every booking. Step 3 ({@code cleanupUsers}) is one {@code updateMany} that sets the
 * customer fields of every user to null.
 */
public final class PerDocumentPort {

    private PerDocumentPort() {
    }

    /** Runs the three steps on {@code database}; returns how many customers were created. */
    public static long migrate(MongoDatabase database) {
        long created = migrateCustomers(database);
        database.getCollection("bookings").updateMany(new Document(), Updates.set("userId", null));
        cleanupUsers(database);
        return created;
    }

    private static long migrateCustomers(MongoDatabase database) {
        MongoCollection<Document> users = database.getCollection("users");
        MongoCollection<Document> bookings = database.getCollection("bookings");
        MongoCollection<Document> services = database.getCollection("services");
        MongoCollection<Document> customers = database.getCollection("customers");

        // prisma.user.findMany({where: {bookings: {some: {}}, hashedPassword: null}, include: {bookings: {include:
        // {service: true}}}}). Prisma reads each relation with one query; the port reads the bookings and services
        // whole and joins them in memory, the cheapest form of that read, so the comparison favours the port.
        Map<Object, List<Document>> bookingsOf = new HashMap<>();
        for (Document booking : bookings.find()) {
            bookingsOf.computeIfAbsent(booking.get("userId"), k -> new ArrayList<>()).add(booking);
        }
        Map<Object, Document> serviceById = new HashMap<>();
        for (Document service : services.find()) {
            serviceById.put(service.get("_id"), service);
        }
        List<Document> usersWithBookings = new ArrayList<>();
        for (Document user : users.find(Filters.eq("hashedPassword", null))) {
            if (bookingsOf.containsKey(user.get("_id"))) {
                usersWithBookings.add(user);
            }
        }

        long created = 0;
        for (Document user : usersWithBookings) {
            Map<Object, List<Document>> businessGroups = new LinkedHashMap<>();
            for (Document booking : bookingsOf.getOrDefault(user.get("_id"), List.of())) {
                Object businessId = serviceById.get(booking.get("serviceId")).get("businessId");
                businessGroups.computeIfAbsent(businessId, k -> new ArrayList<>()).add(booking);
            }
            for (Map.Entry<Object, List<Document>> group : businessGroups.entrySet()) {
                String name = user.getString("name");
                Document customer = new Document("_id", new ObjectId())
                        .append("businessId", group.getKey())
                        .append("name", name != null ? name : "Unknown Customer")
                        .append("email", user.get("email"))
                        .append("phone", user.get("phone"))
                        .append("company", user.get("company"))
                        .append("country", user.get("country"))
                        .append("address", user.get("address"))
                        .append("city", user.get("city"))
                        .append("state", user.get("state"))
                        .append("zipCode", user.get("zipCode"))
                        .append("createdAt", user.get("createdAt"));
                customers.insertOne(customer);
                created++;
                List<Object> ids = group.getValue().stream().map(b -> b.get("_id")).toList();
                bookings.updateMany(Filters.in("_id", ids), Updates.set("customerId", customer.get("_id")));
            }
        }
        return created;
    }

    private static void cleanupUsers(MongoDatabase database) {
        List<Bson> nulls = new ArrayList<>();
        for (String field : Seed2Dataset.CUSTOMER_FIELDS) {
            nulls.add(Updates.set(field, null));
        }
        database.getCollection("users").updateMany(new Document(), Updates.combine(nulls));
    }
}
