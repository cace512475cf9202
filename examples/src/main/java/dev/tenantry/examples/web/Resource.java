package dev.tenantry.examples.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.mongodb.client.model.Filters;
import dev.tenantry.collection.TenantCollection;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Date;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.bson.Document;
import org.bson.types.ObjectId;
import org.jspecify.annotations.Nullable;

/**
 * One kind of thing the API serves (customers, services, bookings): its collection and its fields, how a JSON body
 * becomes a stored document, and how a stored document is shown.
 *
 * @param collection the logical collection, also the path below {@code /api/}
 * @param singular the name of one, for messages
 * @param fields the fields a client may send, in the order they are shown
 * @param uniqueField a field unique within a tenant, or null
 */
record Resource(String collection, String singular, List<Field> fields, @Nullable String uniqueField) {

    /** The earliest instant an INSTANT field takes: four-digit ISO-8601 years, well inside a BSON date. */
    static final Instant EARLIEST = Instant.parse("0000-01-01T00:00:00Z");
    /** The latest instant an INSTANT field takes. */
    static final Instant LATEST = Instant.parse("9999-12-31T23:59:59.999Z");


    /** What a field holds. */
    enum Kind {
        /** A string of {@code min..max} characters, trimmed, without control characters. */
        TEXT,
        /** An e-mail address, stored in lower case. */
        EMAIL,
        /** A whole number from {@code min} to {@code max}. */
        INTEGER,
        /** An ISO-8601 instant such as {@code 2030-01-31T09:00:00Z}, stored as a date. */
        INSTANT,
        /** The id of a live document of the tenant's {@code references} collection. */
        REFERENCE
    }

    /**
     * One field.
     *
     * @param name its name in JSON and in the stored document
     * @param kind what it holds
     * @param required whether a body must have it
     * @param min the least length or value
     * @param max the greatest length or value
     * @param references the collection a {@link Kind#REFERENCE} points into, else null
     */
    record Field(String name, Kind kind, boolean required, long min, long max, @Nullable String references) {

        static Field text(String name, boolean required, int max) {
            return new Field(name, Kind.TEXT, required, 1, max, null);
        }

        static Field email(String name) {
            return new Field(name, Kind.EMAIL, true, 3, 254, null);
        }

        static Field integer(String name, long min, long max) {
            return new Field(name, Kind.INTEGER, true, min, max, null);
        }

        static Field instant(String name) {
            return new Field(name, Kind.INSTANT, true, 0, 0, null);
        }

        static Field reference(String name, String collection) {
            return new Field(name, Kind.REFERENCE, true, 0, 0, collection);
        }
    }

    static final Resource CUSTOMERS = new Resource("customers", "customer", List.of(
            Field.text("name", true, 200), Field.email("email"), Field.text("phone", false, 40),
            Field.text("notes", false, 2000)), "email");
    static final Resource SERVICES = new Resource("services", "service", List.of(
            Field.text("name", true, 200), Field.integer("durationMinutes", 5, 8 * 60),
            Field.integer("priceCents", 0, 10_000_000)), "name");
    static final Resource BOOKINGS = new Resource("bookings", "booking", List.of(
            Field.reference("customerId", "customers"), Field.reference("serviceId", "services"),
            Field.instant("startsAt"), Field.text("notes", false, 2000)), null);

    /** Every resource the API serves. */
    static final List<Resource> ALL = List.of(CUSTOMERS, SERVICES, BOOKINGS);

    private static final Pattern EMAIL = Pattern.compile("[^@\\s]+@[^@\\s]+\\.[^@\\s]+");
    private static final Pattern CONTROL = Pattern.compile("\\p{Cntrl}");
    private static final Pattern OBJECT_ID = Pattern.compile("[0-9a-f]{24}");

    /**
     * The document {@code body} describes, checked field by field; references are looked up in the current tenant
     * through {@code collections}, so an id of another tenant's document is as unknown as a made-up one.
     *
     * @throws HttpJson.Problem 400 naming every bad, missing or unknown field
     */
    Document toDocument(JsonNode body, Function<String, TenantCollection<Document>> collections) {
        List<Map<String, String>> errors = new ArrayList<>();
        for (Iterator<String> names = body.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (fields.stream().noneMatch(f -> f.name().equals(name))) {
                errors.add(error(name.length() > 64 ? name.substring(0, 64) : name, "unknown field; known: "
                        + fields.stream().map(Field::name).toList()));
            }
        }
        Document document = new Document();
        for (Field field : fields) {
            JsonNode value = body.get(field.name());
            if (value == null || value.isNull()) {
                if (field.required()) {
                    errors.add(error(field.name(), "is required"));
                }
                continue;
            }
            String problem = check(field, value, collections, document);
            if (problem != null) {
                errors.add(error(field.name(), problem));
            }
        }
        if (!errors.isEmpty()) {
            throw HttpJson.invalid(errors);
        }
        return document;
    }

    /** Puts the value of {@code field} into {@code document}, or says what is wrong with it. */
    private static @Nullable String check(Field field, JsonNode value, Function<String, TenantCollection<Document>>
            collections, Document document) {
        switch (field.kind()) {
            case TEXT, EMAIL -> {
                if (!value.isTextual()) {
                    return "must be a string";
                }
                String text = value.asText().strip();
                if (text.length() < field.min() || text.length() > field.max()) {
                    return "must be " + field.min() + " to " + field.max() + " characters long";
                }
                if (CONTROL.matcher(text).find()) {
                    return "must not hold control characters";
                }
                if (field.kind() == Kind.EMAIL && !EMAIL.matcher(text).matches()) {
                    return "must be an e-mail address";
                }
                document.append(field.name(), field.kind() == Kind.EMAIL ? text.toLowerCase(Locale.ROOT) : text);
            }
            case INTEGER -> {
                if (!value.isIntegralNumber() || !value.canConvertToLong() || value.asLong() < field.min()
                        || value.asLong() > field.max()) {
                    return "must be a whole number from " + field.min() + " to " + field.max();
                }
                document.append(field.name(), value.asLong());
            }
            case INSTANT -> {
                if (!value.isTextual()) {
                    return "must be a string";
                }
                Instant instant;
                try {
                    instant = Instant.parse(value.asText());
                } catch (DateTimeParseException e) {
                    return "must be an ISO-8601 instant such as 2030-01-31T09:00:00Z";
                }
                if (instant.isBefore(EARLIEST) || instant.isAfter(LATEST)) {
                    return "must lie in the years 0000 to 9999";
                }
                document.append(field.name(), Date.from(instant));
            }
            case REFERENCE -> {
                String collection = Objects.requireNonNull(field.references(), "references");
                String one = collection.replaceAll("s$", "");
                String id = value.isTextual() ? value.asText() : "";
                if (!OBJECT_ID.matcher(id).matches()) {
                    return "must be the id of a " + one + " (24 hex digits)";
                }
                ObjectId target = new ObjectId(id);
                // Tenant-scoped: another organization's customer is as unknown here as a made-up id.
                if (collections.apply(collection).countDocuments(Filters.eq("_id", target)) == 0) {
                    return "no " + one + " " + id;
                }
                document.append(field.name(), target);
            }
            default -> throw new IllegalStateException("unknown kind " + field.kind());
        }
        return null;
    }

    /** How a stored document is shown: its id, its fields, and who created it when, in its tenant. */
    Map<String, Object> toJson(Document document, String tenantField) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("id", document.getObjectId("_id").toHexString());
        for (Field field : fields) {
            Object value = document.get(field.name());
            if (value != null) {
                json.put(field.name(), shown(value));
            }
        }
        for (String meta : List.of("createdBy", "createdAt", "deletedAt")) {
            Object value = document.get(meta);
            if (value != null) {
                json.put(meta, shown(value));
            }
        }
        json.put("tenantId", document.get(tenantField));
        return json;
    }

    private static Object shown(Object value) {
        if (value instanceof ObjectId id) {
            return id.toHexString();
        }
        if (value instanceof Date date) {
            return date.toInstant().toString();
        }
        return value;
    }

    private static Map<String, String> error(String field, String message) {
        Map<String, String> error = new LinkedHashMap<>();
        error.put("field", field);
        error.put("message", message);
        return error;
    }
}
