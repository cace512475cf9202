package dev.tenantry.examples.web;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.tenantry.servlet.ProblemDetails;
import dev.tenantry.servlet.TenantryServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** JSON in and out of the app's servlets: strict parsing of request bodies, and problem details (RFC 9457). */
final class HttpJson {

    /** The largest request body the app reads. */
    static final int MAX_BODY_BYTES = 16 * 1024;

    static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private HttpJson() {
    }

    /** Thrown by the servlets' helpers to answer with a problem instead of going on. */
    static final class Problem extends RuntimeException {
        private static final long serialVersionUID = 1L;

        // Never serialized: thrown and caught within one request.
        private final transient ProblemDetails details;
        private final transient List<Map<String, String>> errors;

        Problem(ProblemDetails details) {
            this(details, List.of());
        }

        Problem(ProblemDetails details, List<Map<String, String>> errors) {
            super(details.detail(), null, false, false);
            this.details = details;
            this.errors = errors;
        }

        ProblemDetails details() {
            return details;
        }

        List<Map<String, String>> errors() {
            return errors;
        }
    }

    static Problem badRequest(String detail) {
        return new Problem(ProblemDetails.of(400, "bad-request", "Bad request", detail));
    }

    static Problem notFound(String detail) {
        return new Problem(ProblemDetails.of(404, "not-found", "Not found", detail));
    }

    static Problem unauthorized(String detail) {
        return new Problem(ProblemDetails.of(401, "unauthorized", "Sign-in required", detail));
    }

    /** 400 naming every field that is wrong, as an {@code errors} extension member. */
    static Problem invalid(List<Map<String, String>> errors) {
        return new Problem(ProblemDetails.of(400, "validation-failed", "Invalid fields",
                errors.size() + (errors.size() == 1 ? " field is" : " fields are") + " invalid"), errors);
    }

    /** Writes {@code body} as JSON with {@code status}. */
    static void write(HttpServletResponse response, int status, Object body) throws IOException {
        byte[] bytes = MAPPER.writeValueAsBytes(body);
        response.setStatus(status);
        response.setContentType("application/json");
        response.setCharacterEncoding(StandardCharsets.UTF_8.name());
        response.setHeader("Cache-Control", "no-store");
        response.setContentLength(bytes.length);
        response.getOutputStream().write(bytes);
    }

    /**
     * Answers with {@code problem}; the request id and the field errors become extension members. A 401 says how to
     * authenticate ({@code WWW-Authenticate}), as RFC 9110 requires.
     */
    static void send(HttpServletRequest request, HttpServletResponse response, Problem problem) throws IOException {
        if (problem.details().status() == 401) {
            response.setHeader("WWW-Authenticate", "Bearer");
        }
        if (problem.errors().isEmpty()) {
            problem.details().send(request, response);
            return;
        }
        ProblemDetails p = problem.details();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", p.type());
        body.put("title", p.title());
        body.put("status", p.status());
        body.put("detail", p.detail());
        TenantryServlet.requestIdOf(request).ifPresent(id -> body.put("requestId", id));
        body.put("errors", problem.errors());
        byte[] bytes = MAPPER.writeValueAsBytes(body);
        response.resetBuffer();
        response.setStatus(p.status());
        response.setContentType(ProblemDetails.MEDIA_TYPE);
        response.setCharacterEncoding(StandardCharsets.UTF_8.name());
        response.setHeader("Cache-Control", "no-store");
        response.setContentLength(bytes.length);
        response.getOutputStream().write(bytes);
    }

    /**
     * The request's body as a JSON object.
     *
     * @throws Problem 413 when too large, 415 when not JSON, 400 when empty, malformed or not an object
     */
    static JsonNode readObject(HttpServletRequest request) throws IOException {
        if (request.getContentLengthLong() > MAX_BODY_BYTES) {
            throw tooLarge();
        }
        byte[] body;
        try (InputStream in = request.getInputStream()) {
            body = in.readNBytes(MAX_BODY_BYTES + 1);
        }
        if (body.length > MAX_BODY_BYTES) {
            throw tooLarge();
        }
        if (!isJson(request.getContentType())) {
            throw new Problem(ProblemDetails.of(415, "unsupported-media-type", "Unsupported media type",
                    "send the request body as application/json"));
        }
        if (body.length == 0) {
            throw badRequest("the request needs a JSON object as its body");
        }
        JsonNode node;
        try {
            node = MAPPER.readTree(body);
        } catch (JsonProcessingException e) {
            throw badRequest("the request body is not valid JSON: " + e.getOriginalMessage());
        }
        if (node == null || !node.isObject()) {
            throw badRequest("the request body must be a JSON object");
        }
        return node;
    }

    /** Whether {@code contentType} is exactly {@code application/json}, parameters after ';' aside. */
    static boolean isJson(String contentType) {
        if (contentType == null) {
            return false;
        }
        int semicolon = contentType.indexOf(';');
        return (semicolon < 0 ? contentType : contentType.substring(0, semicolon)).trim().toLowerCase(Locale.ROOT)
                .equals("application/json");
    }

    private static Problem tooLarge() {
        return new Problem(ProblemDetails.of(413, "payload-too-large", "Payload too large",
                "the request body must be at most " + MAX_BODY_BYTES + " bytes"));
    }
}
