package dev.tenantry.servlet.internal;

import dev.tenantry.servlet.ProblemDetails;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * The response {@link FrontFilter} hands down the chain: it keeps the security headers as defaults the application
 * may take over, keeps the request id header through {@code reset()}, answers {@code sendError} with a problem, and
 * keeps {@code TRACE} out of {@code Allow}.
 *
 * <p>Defaults are few (at most 64), so they are found by a case-insensitive scan and tracked in one bit each: nothing
 * is allocated per header. A response is used by one thread at a time, as the Servlet specification requires.
 */
final class FrontResponse extends HttpServletResponseWrapper {

    private final String[] names;
    private final String[] values;
    private final String requestIdHeader;
    private final @Nullable String requestId;
    private final HttpServletRequest request;
    /** Bit i: default i was set by this filter and the application has not touched it since. */
    private long ours;
    private boolean bodyStarted;
    private boolean problemSent;

    FrontResponse(HttpServletResponse response, String[] names, String[] values, String requestIdHeader,
                  @Nullable String requestId, HttpServletRequest request) {
        super(response);
        this.names = names;
        this.values = values;
        this.requestIdHeader = requestIdHeader;
        this.requestId = requestId;
        this.request = request;
    }

    void applyDefaults() {
        HttpServletResponse response = (HttpServletResponse) getResponse();
        // One look at what is set already (usually nothing) rather than a containsHeader per default.
        Collection<String> existing = response.getHeaderNames();
        boolean none = existing.isEmpty();
        for (int i = 0; i < names.length; i++) {
            if (none || !containsIgnoreCase(existing, names[i])) {
                // Absent, so adding is setting; a container's setHeader looks through every field set so far for one
                // to replace, addHeader just appends.
                response.addHeader(names[i], values[i]);
                ours |= 1L << i;
            }
        }
        if (requestId != null) {
            if (none || response.getHeader(requestIdHeader) == null) {
                response.addHeader(requestIdHeader, requestId);
            } else {
                response.setHeader(requestIdHeader, requestId);
            }
        }
    }

    private static boolean containsIgnoreCase(Collection<String> names, String name) {
        for (String n : names) {
            if (n.equalsIgnoreCase(name)) {
                return true;
            }
        }
        return false;
    }

    /** Clears the default named {@code name}; true if this filter had set it and it was still ours. */
    private boolean release(String name) {
        for (int i = 0; i < names.length; i++) {
            if (names[i].equalsIgnoreCase(name)) {
                boolean wasOurs = (ours & (1L << i)) != 0;
                ours &= ~(1L << i);
                return wasOurs;
            }
        }
        return false;
    }

    @Override
    public void setHeader(String name, String value) {
        release(name);
        super.setHeader(name, allowWithoutTrace(name, value));
    }

    @Override
    public void addHeader(String name, String value) {
        String v = allowWithoutTrace(name, value);
        if (release(name)) {
            super.setHeader(name, v);
        } else {
            super.addHeader(name, v);
        }
    }

    /** TRACE is refused everywhere, so no {@code Allow} (HttpServlet's answer to OPTIONS, say) offers it. */
    private static String allowWithoutTrace(String name, String value) {
        if (name.length() != 5 || !name.equalsIgnoreCase("Allow") || value == null
                || !value.toUpperCase(Locale.ROOT).contains("TRACE")) {
            return value;
        }
        StringBuilder kept = new StringBuilder();
        for (String method : value.split(",")) {
            String m = method.trim();
            if (!m.isEmpty() && !m.equalsIgnoreCase("TRACE")) {
                kept.append(kept.length() == 0 ? "" : ", ").append(m);
            }
        }
        return kept.toString();
    }

    @Override
    public void reset() {
        super.reset();
        ours = 0;
        bodyStarted = false;
        problemSent = false;
        applyDefaults();
    }

    @Override
    public ServletOutputStream getOutputStream() throws IOException {
        if (problemSent) {
            return new DroppedBody();
        }
        bodyStarted = true;
        return super.getOutputStream();
    }

    @Override
    public PrintWriter getWriter() throws IOException {
        if (problemSent) {
            return new PrintWriter(OutputStream.nullOutputStream(), false, StandardCharsets.UTF_8);
        }
        bodyStarted = true;
        return super.getWriter();
    }

    @Override
    public void setStatus(int sc) {
        if (!problemSent) {
            super.setStatus(sc);
        }
    }

    @Override
    public void sendError(int sc) throws IOException {
        sendError(sc, null);
    }

    /** Answers the problem of status {@code sc}; the message is not shown, since it may say anything. */
    @Override
    public void sendError(int sc, @Nullable String msg) throws IOException {
        if (isCommitted()) {
            super.sendError(sc, msg); // throws IllegalStateException, as the specification says
            return;
        }
        sendProblem(Problems.forStatus(sc < 400 || sc > 599 ? 500 : sc));
    }

    /** Answers {@code problem}; what the application writes afterwards is discarded, as after {@code sendError}. */
    void sendProblem(ProblemDetails problem) throws IOException {
        problemSent = false;
        bodyStarted = true;
        problem.send(request, this);
        problemSent = true;
    }

    /** After the chain: an error status the application left without a body gets its problem as the body. */
    void finish() throws IOException {
        if (!problemSent && !bodyStarted && !isCommitted() && getStatus() >= 400) {
            sendProblem(Problems.forStatus(Math.min(getStatus(), 599)));
        }
    }
}
