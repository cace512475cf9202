package dev.tenantry.testing.seeds;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.SplittableRandom;
import org.bson.Document;
import org.bson.types.ObjectId;

/**
 * Builds seed 2's "insecure" booking database: businesses, their services, one shared {@code users} collection
 * mixing owners and staff (with passwords) and customers (without), and bookings that point at a user and a service.
 * Deterministic for a given seed, so both sides of a comparison start from the same data.
 *
 * @since 0.1
 */
public final class Seed2Dataset {

    /** The customer-only fields seed 2 copies into customers and strips from users. */
    public static final List<String> CUSTOMER_FIELDS = List.of("phone", "company", "country", "address", "city",
            "state", "zipCode");

    private static final int SERVICES_PER_BUSINESS = 4;
    private static final int INSERT_BATCH = 5_000;

    private Seed2Dataset() {
    }

    /**
     * Drops {@code database} and fills it: {@code businesses} businesses, {@code users} users (one in ten with a
     * password) and {@code bookings} bookings by customers, each customer booking with one to three businesses.
     */
    public static void create(MongoDatabase database, int businesses, int users, int bookings, long seed) {
        database.drop();
        SplittableRandom random = new SplittableRandom(seed);
        Date epoch = new Date(1_700_000_000_000L);
        List<ObjectId> businessIds = new ArrayList<>();
        List<Document> docs = new ArrayList<>();
        for (int b = 0; b < businesses; b++) {
            ObjectId id = id(1, b);
            businessIds.add(id);
            docs.add(new Document("_id", id).append("name", "Business " + b).append("slug", slug(b)));
        }
        database.getCollection("businesses").insertMany(docs);

        List<List<ObjectId>> servicesOf = new ArrayList<>();
        docs = new ArrayList<>();
        int serviceNo = 0;
        for (ObjectId business : businessIds) {
            List<ObjectId> ids = new ArrayList<>();
            for (int s = 0; s < SERVICES_PER_BUSINESS; s++) {
                ObjectId id = id(2, serviceNo++);
                ids.add(id);
                docs.add(new Document("_id", id).append("businessId", business).append("name", "Service " + s));
            }
            servicesOf.add(ids);
        }
        database.getCollection("services").insertMany(docs);

        MongoCollection<Document> userCollection = database.getCollection("users");
        List<ObjectId> customers = new ArrayList<>();
        List<int[]> businessesOf = new ArrayList<>();
        docs = new ArrayList<>();
        for (int u = 0; u < users; u++) {
            ObjectId id = id(3, u);
            boolean customer = u % 10 != 0;
            Document user = new Document("_id", id)
                    .append("name", random.nextInt(20) == 0 ? null : "User " + u)
                    .append("email", "user" + u + "@example.com")
                    .append("hashedPassword", customer ? null : "$2b$10$hash" + u)
                    .append("role", customer ? "CUSTOMER" : u % 20 == 0 ? "OWNER" : "STAFF")
                    .append("phone", "+1-555-" + (1000 + u % 9000))
                    .append("company", random.nextInt(3) == 0 ? "Company " + u % 500 : null)
                    .append("country", "US")
                    .append("address", u + " Main Street")
                    .append("city", "City " + u % 300)
                    .append("state", "State " + u % 50)
                    .append("zipCode", String.format("%05d", u % 100_000))
                    .append("createdAt", new Date(epoch.getTime() + u * 60_000L));
            docs.add(user);
            if (customer) {
                customers.add(id);
                int count = 1 + random.nextInt(3);
                int[] chosen = new int[count];
                for (int i = 0; i < count; i++) {
                    chosen[i] = random.nextInt(businesses);
                }
                businessesOf.add(chosen);
            }
            if (docs.size() == INSERT_BATCH) {
                userCollection.insertMany(docs);
                docs = new ArrayList<>();
            }
        }
        if (!docs.isEmpty()) {
            userCollection.insertMany(docs);
        }

        MongoCollection<Document> bookingCollection = database.getCollection("bookings");
        docs = new ArrayList<>();
        for (int k = 0; k < bookings; k++) {
            int c = random.nextInt(customers.size());
            int[] chosen = businessesOf.get(c);
            int business = chosen[random.nextInt(chosen.length)];
            List<ObjectId> services = servicesOf.get(business);
            docs.add(new Document("_id", id(4, k)).append("userId", customers.get(c))
                    .append("serviceId", services.get(random.nextInt(services.size())))
                    .append("startsAt", new Date(epoch.getTime() + k * 3_600_000L)));
            if (docs.size() == INSERT_BATCH) {
                bookingCollection.insertMany(docs);
                docs = new ArrayList<>();
            }
        }
        if (!docs.isEmpty()) {
            bookingCollection.insertMany(docs);
        }
    }

    /**
     * The slug of business number {@code n} ({@code business-7}): a readable key that also passes as a Tenantry
     * tenant id.
     */
    public static String slug(int n) {
        return "business-" + n;
    }

    /** An ObjectId that sorts by {@code kind} then {@code n}, so generated ids are stable across runs. */
    private static ObjectId id(int kind, int n) {
        return new ObjectId(String.format("%08x%08x%08x", 0x65000000 + kind, 0, n));
    }
}
