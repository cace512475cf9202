package dev.tenantry.servlet;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * An RFC 9457 problem details object: the body of every error response Tenantry's filters and endpoints send, as
 * {@value #MEDIA_TYPE}.
 *
 * <p>Members: {@code type} (a URI naming the kind of problem, {@value #TYPE_PREFIX} and a short name), {@code title}
 * (the same for every occurrence of the type), {@code status}, {@code detail} (this occurrence, in words meant for the
 * caller) and, where the request has one, the extension member {@code requestId}. Details never name another tenant
 * or say whether one exists. Immutable and thread-safe.
 *
 * @param type the problem type URI
 * @param title a short summary of the type
 * @param status the HTTP status, 400 to 599
 * @param detail what went wrong in this occurrence
 * @since 0.1
 */
public record ProblemDetails(String type, String title, int status, String detail) {

    /** The media type of the body. */
    public static final String MEDIA_TYPE = "application/problem+json";

    /** The prefix of the type URIs Tenantry uses; they identify, they do not resolve. */
    public static final String TYPE_PREFIX = "urn:tenantry:problem:";

    private static final JsonFactory JSON = new JsonFactory();

    /**
     * Validates the problem.
     *
     * @throws IllegalArgumentException if the status is not 400 to 599, or the type or title is blank
     */
    public ProblemDetails {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(title, "title");
        Objects.requireNonNull(detail, "detail");
        if (status < 400 || status > 599) {
            throw new IllegalArgumentException("problem status must be 400..599, was " + status);
        }
        if (type.isBlank() || title.isBlank()) {
            throw new IllegalArgumentException("problem type and title must not be blank");
        }
    }

    /**
     * A problem of Tenantry's own type {@code name} ({@value #TYPE_PREFIX}{@code name}).
     *
     * @throws IllegalArgumentException if the name is not lower-case letters, digits and '-'
     */
    public static ProblemDetails of(int status, String name, String title, String detail) {
        Objects.requireNonNull(name, "name");
        if (!name.matches("[a-z0-9-]{1,64}")) {
            throw new IllegalArgumentException("problem name must be 1-64 lower-case letters, digits and '-', was '"
                    + name + "'");
        }
        return new ProblemDetails(TYPE_PREFIX + name, title, status, detail);
    }

    /**
     * Sends this problem as the response: status, {@value #MEDIA_TYPE}, {@code Cache-Control: no-store} and the body.
     * Headers already set (security headers, rate-limit headers) are kept; anything buffered is discarded. Does
     * nothing if the response is already committed, since its status can no longer change.
     *
     * @throws IOException if writing fails
     */
    public void send(HttpServletRequest request, HttpServletResponse response) throws IOException {
        if (response.isCommitted()) {
            return;
        }
        response.resetBuffer();
        response.setStatus(status);
        response.setContentType(MEDIA_TYPE);
        response.setCharacterEncoding(StandardCharsets.UTF_8.name());
        response.setHeader("Cache-Control", "no-store");
        byte[] body = toJson(TenantryServlet.requestIdOf(request).orElse(null));
        response.setContentLength(body.length);
        try {
            response.getOutputStream().write(body);
        } catch (IllegalStateException writerInUse) {
            response.getWriter().write(new String(body, StandardCharsets.UTF_8));
        }
    }

    /** This problem as JSON, with the {@code requestId} member when one is given. */
    public byte[] toJson(@org.jspecify.annotations.Nullable String requestId) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        try (JsonGenerator json = JSON.createGenerator(out)) {
            json.writeStartObject();
            json.writeStringField("type", type);
            json.writeStringField("title", title);
            json.writeNumberField("status", status);
            json.writeStringField("detail", detail);
            if (requestId != null) {
                json.writeStringField("requestId", requestId);
            }
            json.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
