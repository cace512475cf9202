package dev.tenantry.benchmarks.seed2;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.bson.Document;
import com.mongodb.client.MongoDatabase;

/**
 * The result of a seed-2 restructure in a form both implementations share, so "identical results" can be checked:
 * customers by content (their ids differ: random in the port, deterministic in the kit), each booking by the content
 * of the customer it points at, users with null and absent customer fields treated alike. Fields only the kit adds
 * (the bookings' {@code businessId}, the customers' provenance) are left out.
 */
public record Outcome(long customers, long bookings, long users, String digest) {

    private static final List<String> CUSTOMER = List.of("businessId", "name", "email", "phone", "company",
            "country", "address", "city", "state", "zipCode", "createdAt");

    /** Reads the outcome from {@code database}. */
    public static Outcome of(MongoDatabase database) {
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        Map<Object, String> customerById = new HashMap<>();
        List<String> customerLines = new ArrayList<>();
        for (Document c : database.getCollection("customers").find()) {
            StringBuilder line = new StringBuilder();
            for (String f : CUSTOMER) {
                line.append(f).append('=').append(c.get(f)).append(';');
            }
            customerById.put(c.get("_id"), line.toString());
            customerLines.add(line.toString());
        }
        customerLines.sort(null);
        customerLines.forEach(l -> sha.update(l.getBytes(StandardCharsets.UTF_8)));

        TreeMap<String, String> bookings = new TreeMap<>();
        for (Document b : database.getCollection("bookings").find()) {
            Object userId = b.get("userId");
            bookings.put(String.valueOf(b.get("_id")), "customer=" + customerById.get(b.get("customerId"))
                    + ";service=" + b.get("serviceId") + ";startsAt=" + b.get("startsAt")
                    + (userId == null ? "" : ";userId=" + userId));
        }
        bookings.forEach((k, v) -> sha.update((k + v).getBytes(StandardCharsets.UTF_8)));

        TreeMap<String, String> users = new TreeMap<>();
        for (Document u : database.getCollection("users").find()) {
            TreeMap<String, Object> fields = new TreeMap<>(u);
            fields.values().removeIf(v -> v == null);
            users.put(String.valueOf(u.get("_id")), fields.toString());
        }
        users.forEach((k, v) -> sha.update((k + v).getBytes(StandardCharsets.UTF_8)));
        return new Outcome(customerLines.size(), bookings.size(), users.size(),
                HexFormat.of().formatHex(sha.digest()));
    }
}
