package dev.tenantry.migration.steps;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import org.bson.BsonDateTime;
import org.bson.BsonDocument;
import org.bson.BsonNull;
import org.bson.BsonObjectId;
import org.bson.BsonString;
import org.bson.BsonValue;
import org.bson.Document;
import org.bson.types.ObjectId;

/**
 * Seed 2's shared model, generated from a seed so that two calls with one seed write identical documents: businesses,
 * services (four per business), users (one owner and two staff per business, with passwords; the rest customers
 * without) and bookings (each user mostly at one or two home businesses, sometimes elsewhere). It remembers what the
 * migration must produce: the distinct (user, business) pairs and each booking's business.
 */
final class Seed2Data {

    /** The user fields that move to customers and are stripped from users. */
    static final List<String> CUSTOMER_ONLY = List.of("phone", "company", "country", "address", "city", "state",
            "zipCode");
    /** The fields a customer copies from its user. */
    static final List<String> COPIED = List.of("name", "email", "phone", "company", "country", "address", "city",
            "state", "zipCode", "createdAt");
    static final String[] COLLECTIONS = {"businesses", "services", "users", "bookings"};

    final long seed;
    final List<BsonValue> businessIds = new ArrayList<>();
    final Map<BsonValue, BsonValue> businessOfService = new HashMap<>();
    final Map<BsonValue, BsonValue> businessOfBooking = new HashMap<>();
    final Map<BsonValue, BsonValue> userOfBooking = new HashMap<>();
    final Map<BsonValue, BsonDocument> users = new HashMap<>();
    /** Distinct (userId, businessId) pairs of the bookings. */
    final Set<List<BsonValue>> pairs = new LinkedHashSet<>();

    private final Random random;

    private Seed2Data(long seed) {
        this.seed = seed;
        this.random = new Random(seed);
    }

    static Seed2Data generate(MongoDatabase db, long seed, int businessCount, int userCount, int bookingCount) {
        Seed2Data data = new Seed2Data(seed);
        data.write(db, businessCount, userCount, bookingCount);
        return data;
    }

    static MongoCollection<BsonDocument> collection(MongoDatabase db, String name) {
        return db.getCollection(name, BsonDocument.class);
    }

    /** Every collection of {@code db}, each sorted by {@code _id}, for comparing whole states. */
    static Map<String, List<Document>> dump(MongoDatabase db) {
        Map<String, List<Document>> out = new TreeMap<>();
        for (String name : db.listCollectionNames()) {
            out.put(name, db.getCollection(name).find().sort(new Document("_id", 1)).into(new ArrayList<>()));
        }
        return out;
    }

    private BsonObjectId id() {
        byte[] bytes = new byte[12];
        random.nextBytes(bytes);
        return new BsonObjectId(new ObjectId(bytes));
    }

    private void write(MongoDatabase db, int businessCount, int userCount, int bookingCount) {
        List<BsonDocument> businesses = new ArrayList<>();
        List<BsonDocument> services = new ArrayList<>();
        List<List<BsonValue>> servicesOf = new ArrayList<>();
        for (int b = 0; b < businessCount; b++) {
            BsonObjectId id = id();
            businessIds.add(id);
            businesses.add(new BsonDocument("_id", id).append("name", new BsonString("Business " + b)));
            List<BsonValue> own = new ArrayList<>();
            for (int s = 0; s < 4; s++) {
                BsonObjectId sid = id();
                own.add(sid);
                businessOfService.put(sid, id);
                services.add(new BsonDocument("_id", sid).append("businessId", id)
                        .append("name", new BsonString("Service " + b + "." + s)));
            }
            servicesOf.add(own);
        }
        List<BsonDocument> userDocs = new ArrayList<>();
        List<BsonValue> userIds = new ArrayList<>();
        List<int[]> homes = new ArrayList<>();
        for (int u = 0; u < userCount; u++) {
            BsonObjectId id = id();
            boolean staff = u < 3 * businessCount;
            String role = !staff ? "customer" : u % 3 == 0 ? "owner" : "staff";
            BsonDocument user = new BsonDocument("_id", id)
                    .append("name", random.nextInt(20) == 0 ? BsonNull.VALUE
                            : new BsonString(random.nextInt(50) == 0 ? "" : "User " + u))
                    .append("email", new BsonString("user" + u + "@example.com"))
                    .append("hashedPassword", staff ? new BsonString("$2b$10$" + Long.toHexString(random.nextLong()))
                            : BsonNull.VALUE)
                    .append("role", new BsonString(role))
                    .append("createdAt", new BsonDateTime(1_600_000_000_000L + random.nextInt(1_000_000) * 1000L));
            maybe(user, "phone", "+1-555-" + (1000 + random.nextInt(9000)), 80);
            maybe(user, "company", "Company " + random.nextInt(500), 30);
            maybe(user, "country", random.nextBoolean() ? "US" : "CA", 70);
            maybe(user, "address", random.nextInt(999) + " Main St", 60);
            maybe(user, "city", "City " + random.nextInt(100), 60);
            maybe(user, "state", "S" + random.nextInt(50), 60);
            maybe(user, "zipCode", String.valueOf(10000 + random.nextInt(89999)), 60);
            userDocs.add(user);
            userIds.add(id);
            users.put(id, user);
            int home = staff ? u / 3 : random.nextInt(businessCount);
            homes.add(random.nextInt(3) == 0 ? new int[] {home, random.nextInt(businessCount)} : new int[] {home});
        }
        List<BsonDocument> bookings = new ArrayList<>();
        for (int k = 0; k < bookingCount; k++) {
            int u = random.nextInt(userCount);
            int[] home = homes.get(u);
            int business = random.nextInt(10) == 0 ? random.nextInt(businessCount) : home[random.nextInt(home.length)];
            BsonValue service = servicesOf.get(business).get(random.nextInt(4));
            BsonObjectId id = id();
            bookings.add(new BsonDocument("_id", id).append("userId", userIds.get(u)).append("serviceId", service)
                    .append("startsAt", new BsonDateTime(1_700_000_000_000L + random.nextInt(1_000_000) * 60_000L)));
            businessOfBooking.put(id, businessIds.get(business));
            userOfBooking.put(id, userIds.get(u));
            pairs.add(List.of(userIds.get(u), businessIds.get(business)));
        }
        insert(collection(db, "businesses"), businesses);
        insert(collection(db, "services"), services);
        insert(collection(db, "users"), userDocs);
        insert(collection(db, "bookings"), bookings);
    }

    private void maybe(BsonDocument doc, String field, String value, int percent) {
        if (random.nextInt(100) < percent) {
            doc.append(field, new BsonString(value));
        }
    }

    private static void insert(MongoCollection<BsonDocument> c, List<BsonDocument> docs) {
        for (int i = 0; i < docs.size(); i += 5000) {
            c.insertMany(docs.subList(i, Math.min(docs.size(), i + 5000)));
        }
    }

    /** How many customer-only values the users hold. */
    long customerFieldValues() {
        return users.values().stream().mapToLong(u -> CUSTOMER_ONLY.stream().filter(u::containsKey).count()).sum();
    }

    /** How many users have at least one customer-only field. */
    long usersWithCustomerFields() {
        return users.values().stream().filter(u -> CUSTOMER_ONLY.stream().anyMatch(u::containsKey)).count();
    }
}
