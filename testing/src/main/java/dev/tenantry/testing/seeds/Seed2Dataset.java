package dev.tenantry.testing.seeds;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.SplittableRandom;
import org.bson.Document;
import org.bson.types.ObjectId;
import org.jspecify.annotations.Nullable;

/**
 * Builds seed 2's "insecure" booking database: businesses, their services, one shared {@code users} collection
 * mixing owners and staff (with passwords) and customers (without), and bookings that point at a user and a service.
 * Deterministic for a given seed, so both sides of a comparison start from the same data.
 *
 * <p>{@link #create} builds it clean; {@link #createAwkward} adds what real databases hold and a migration must
 * handle: bookings whose service was deleted or whose user does not exist, two users with one email booking at one
 * business, users who never booked, staff who booked elsewhere, missing names and profile fields, string
 * {@code _id}s among ObjectIds, and a business without a slug. {@link Awkward} says which documents those are.
 *
 * <p>Stateless and thread-safe; the data it writes is deterministic for a given seed.
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
     * The documents of {@link #createAwkward} that hold its awkward cases, by case; {@code _id}s are ObjectIds or
     * strings.
     *
     * <p>Immutable and thread-safe.
     *
     * @param bookingsOfDeletedService bookings whose service was deleted
     * @param bookingsOfMissingUsers bookings whose user does not exist
     * @param twins two users with one email who both booked at {@code twinsBusiness}
     * @param twinsBusiness the business both twins booked at
     * @param usersWithoutBookings customers with profile fields who never booked (besides the staff who never did)
     * @param staffWhoBookedElsewhere staff users (with passwords) who booked as customers
     * @param usersMissingFields users without a name or without profile fields, who booked
     * @param stringIdUsers users whose {@code _id} is a string, who booked
     * @param stringIdBookings bookings whose {@code _id} is a string
     * @param businessWithoutSlug the business that has no slug
     * @since 0.1
     */
    public record Awkward(List<Object> bookingsOfDeletedService, List<Object> bookingsOfMissingUsers,
                          List<Object> twins, Object twinsBusiness, List<Object> usersWithoutBookings,
                          List<Object> staffWhoBookedElsewhere, List<Object> usersMissingFields,
                          List<Object> stringIdUsers, List<Object> stringIdBookings, Object businessWithoutSlug) {

        /** Copies the lists. */
        public Awkward {
            bookingsOfDeletedService = List.copyOf(bookingsOfDeletedService);
            bookingsOfMissingUsers = List.copyOf(bookingsOfMissingUsers);
            twins = List.copyOf(twins);
            usersWithoutBookings = List.copyOf(usersWithoutBookings);
            staffWhoBookedElsewhere = List.copyOf(staffWhoBookedElsewhere);
            usersMissingFields = List.copyOf(usersMissingFields);
            stringIdUsers = List.copyOf(stringIdUsers);
            stringIdBookings = List.copyOf(stringIdBookings);
        }

        /** Every booking no migration can give a customer: its service or its user is missing. */
        public List<Object> orphanedBookings() {
            List<Object> out = new ArrayList<>(bookingsOfDeletedService);
            out.addAll(bookingsOfMissingUsers);
            return out;
        }
    }

    /**
     * Drops {@code database} and fills it as {@link #create} does (at least 8 businesses and 100 users), then adds
     * the awkward cases: one service of business 1 deleted (its bookings orphaned), 5 bookings by users that do not
     * exist, two users sharing {@code twin@example.com} who both booked at business 2 (one with a string
     * {@code _id}), 3 customers who never booked, 2 staff members who booked at business 6, users without a name
     * field, with an empty name or without any profile field, 5 users and 5 bookings with string {@code _id}s, and
     * business 3 without its slug.
     *
     * @return which documents hold those cases
     * @throws IllegalArgumentException if there are fewer than 8 businesses or 100 users
     */
    public static Awkward createAwkward(MongoDatabase database, int businesses, int users, int bookings, long seed) {
        if (businesses < 8 || users < 100) {
            throw new IllegalArgumentException("the awkward dataset needs at least 8 businesses and 100 users, was "
                    + businesses + " and " + users);
        }
        create(database, businesses, users, bookings, seed);
        MongoCollection<Document> userCollection = database.getCollection("users");
        MongoCollection<Document> bookingCollection = database.getCollection("bookings");
        Date when = new Date(1_700_000_000_000L);
        int serviceOf = SERVICES_PER_BUSINESS; // business b's s-th service is id(2, b * SERVICES_PER_BUSINESS + s)

        ObjectId business3 = id(1, 3);
        database.getCollection("businesses").updateOne(new Document("_id", business3),
                new Document("$unset", new Document("slug", "")));

        ObjectId deleted = id(2, serviceOf + 1);
        database.getCollection("services").deleteOne(new Document("_id", deleted));
        List<Object> ofDeleted = new ArrayList<>();
        for (Document b : bookingCollection.find(new Document("serviceId", deleted))) {
            ofDeleted.add(b.get("_id"));
        }

        List<Document> newUsers = new ArrayList<>();
        List<Document> newBookings = new ArrayList<>();
        int[] bookingNo = {0};
        java.util.function.BiFunction<Object, Integer, Object> book = (user, business) -> {
            int k = bookingNo[0]++;
            ObjectId id = id(6, k);
            newBookings.add(new Document("_id", id).append("userId", user)
                    .append("serviceId", id(2, business * serviceOf + k % serviceOf))
                    .append("startsAt", new Date(when.getTime() + k * 60_000L)));
            return id;
        };

        List<Object> ofMissingUsers = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            ofMissingUsers.add(book.apply(id(7, i), 2 + i % 3));
        }

        Object twinA = id(5, 0);
        Object twinB = "legacy-twin";
        newUsers.add(customer(twinA, "Twin A", "twin@example.com", "+1-555-0100", "1 Twin Street"));
        newUsers.add(customer(twinB, "Twin B", "twin@example.com", "+1-555-0200", "2 Twin Street"));
        for (int i = 0; i < 2; i++) {
            book.apply(twinA, 2);
            book.apply(twinB, 2);
        }

        List<Object> withoutBookings = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            Object id = id(5, 10 + i);
            withoutBookings.add(id);
            newUsers.add(customer(id, "Never Booked " + i, "never" + i + "@example.com", "+1-555-03" + i,
                    i + " Quiet Lane"));
        }

        List<Object> staff = List.of(id(3, 10), id(3, 20));
        for (Object s : staff) {
            book.apply(s, 6);
        }

        List<Object> missing = new ArrayList<>();
        Document noName = customer(id(5, 20), null, "noname@example.com", "+1-555-0400", "4 Nameless Road");
        noName.remove("name");
        Document emptyName = customer(id(5, 21), "", "empty@example.com", "+1-555-0500", "5 Blank Road");
        Document noProfile = new Document("_id", id(5, 22)).append("name", "Bare").append("email",
                "bare@example.com").append("hashedPassword", null).append("role", "CUSTOMER")
                .append("createdAt", when);
        Document someProfile = customer(id(5, 23), null, "some@example.com", null, "7 Half Street");
        someProfile.remove("phone");
        someProfile.remove("zipCode");
        for (Document d : List.of(noName, emptyName, noProfile, someProfile)) {
            newUsers.add(d);
            missing.add(d.get("_id"));
            book.apply(d.get("_id"), 4);
        }

        List<Object> stringUsers = new ArrayList<>();
        List<Object> stringBookings = new ArrayList<>();
        for (int i = 1; i <= 5; i++) {
            String id = "legacy-" + i;
            stringUsers.add(id);
            newUsers.add(customer(id, "Legacy " + i, "legacy" + i + "@example.com", "+1-555-06" + i,
                    i + " Old Town"));
            book.apply(id, i % 2 == 0 ? 5 : 7);
            String bookingId = "legacy-booking-" + i;
            stringBookings.add(bookingId);
            newBookings.add(new Document("_id", bookingId).append("userId", id)
                    .append("serviceId", id(2, 7 * serviceOf + i % serviceOf)).append("startsAt", when));
        }

        userCollection.insertMany(newUsers);
        bookingCollection.insertMany(newBookings);
        return new Awkward(ofDeleted, ofMissingUsers, List.of(twinA, twinB), id(1, 2), withoutBookings, staff,
                missing, stringUsers, stringBookings, business3);
    }

    private static Document customer(Object id, @Nullable String name, String email, @Nullable String phone,
            String address) {
        return new Document("_id", id).append("name", name).append("email", email).append("hashedPassword", null)
                .append("role", "CUSTOMER").append("phone", phone).append("company", null).append("country", "US")
                .append("address", address).append("city", "Springfield").append("state", "IL")
                .append("zipCode", "62701").append("createdAt", new Date(1_690_000_000_000L));
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
