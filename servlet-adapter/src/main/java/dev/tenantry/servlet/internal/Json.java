package dev.tenantry.servlet.internal;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/** JSON in and out of the endpoints: plain maps and lists out, strictly parsed trees in. */
final class Json {

    static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private Json() {
    }

    /** Writes {@code body} as the response, with {@code Cache-Control: no-store}. */
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
     * Whether {@code contentType} is {@code application/json}, compared as a media type: type and subtype exactly
     * (case-insensitively), parameters after ';' aside. {@code application/jsonfoo} and {@code application/json-x}
     * are not.
     */
    static boolean isJson(@org.jspecify.annotations.Nullable String contentType) {
        if (contentType == null) {
            return false;
        }
        int semicolon = contentType.indexOf(';');
        String type = (semicolon < 0 ? contentType : contentType.substring(0, semicolon)).trim();
        return type.toLowerCase(Locale.ROOT).equals("application/json");
    }

    /**
     * How much of a refused body is read and dropped before the 413 is sent (Tomcat's {@code maxSwallowSize}): the
     * sender is then no longer writing when the answer comes, so it reads the answer instead of a broken pipe. A
     * larger body is left unread and the container closes the connection.
     */
    static final long MAX_SWALLOWED_BYTES = 2L * 1024 * 1024;

    /** The 413 for a body over {@code maxBytes}, once what is left of it (up to a cap) has been read and dropped. */
    private static EndpointException tooLarge(InputStream in, int maxBytes) {
        try {
            byte[] buffer = new byte[8192];
            long left = MAX_SWALLOWED_BYTES;
            int read;
            while (left > 0 && (read = in.read(buffer, 0, (int) Math.min(buffer.length, left))) >= 0) {
                left -= read;
            }
        } catch (IOException e) {
            // the sender went away or stopped: there is nobody to answer, and nothing was accepted
        }
        return new EndpointException(Problems.tooLarge(maxBytes));
    }

    /**
     * The request's JSON body as a tree, or null when it has none.
     *
     * @throws EndpointException 413 when larger than {@code maxBytes}, 415 when not JSON, 400 when malformed
     */
    static JsonNode read(HttpServletRequest request, int maxBytes) throws IOException {
        byte[] body;
        try (InputStream in = request.getInputStream()) {
            if (request.getContentLengthLong() > maxBytes) {
                throw tooLarge(in, maxBytes);
            }
            body = in.readNBytes(maxBytes + 1);
            if (body.length > maxBytes) {
                throw tooLarge(in, maxBytes);
            }
        }
        if (body.length == 0) {
            return MAPPER.nullNode();
        }
        if (!isJson(request.getContentType())) {
            throw new EndpointException(Problems.unsupportedMediaType());
        }
        try {
            return MAPPER.readTree(body);
        } catch (JsonProcessingException e) {
            throw new EndpointException(Problems.badRequest("the request body is not valid JSON: "
                    + e.getOriginalMessage()));
        }
    }
}
