package dev.tenantry.servlet;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Answers from async work: {@code ?mode=start} from an {@link AsyncContext#start} runnable on a container thread,
 * {@code ?mode=dispatch} by an async dispatch to the probe servlet, {@code ?mode=fail} from a runnable that throws
 * after completing the response, {@code ?mode=listener} as {@code start} and records what the completion listener
 * saw.
 */
class AsyncProbeServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;

    /** What {@link AsyncListener#onComplete} saw, by request id. */
    static final Map<String, Map<String, Object>> COMPLETED = new ConcurrentHashMap<>();

    /** The threads whose async runnable threw, with the tenant it saw. */
    static final Map<String, String> FAILED_ON = new ConcurrentHashMap<>();

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) {
        String mode = request.getParameter("mode");
        AsyncContext async = request.startAsync();
        switch (mode == null ? "start" : mode) {
            case "dispatch" -> async.start(() -> async.dispatch("/probe/dispatched"));
            case "listener" -> {
                async.addListener(new AsyncListener() {
                    @Override
                    public void onComplete(AsyncEvent event) {
                        Map<String, Object> seen = ProbeServlet.observe();
                        COMPLETED.put(String.valueOf(seen.get("clientRequestId")), seen);
                    }

                    @Override
                    public void onTimeout(AsyncEvent event) {
                    }

                    @Override
                    public void onError(AsyncEvent event) {
                    }

                    @Override
                    public void onStartAsync(AsyncEvent event) {
                    }
                });
                async.start(() -> write(async, ProbeServlet.observe()));
            }
            case "fail" -> async.start(() -> {
                Map<String, Object> seen = ProbeServlet.observe();
                write(async, seen);
                FAILED_ON.put((String) seen.get("thread"), String.valueOf(seen.get("tenant")));
                throw new IllegalStateException("application bug in async work");
            });
            default -> async.start(() -> write(async, ProbeServlet.observe()));
        }
    }

    private static void write(AsyncContext async, Map<String, Object> seen) {
        try {
            HttpServletResponse response = (HttpServletResponse) async.getResponse();
            response.setContentType("application/json");
            WebServer.JSON.writeValue(response.getOutputStream(), seen);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            async.complete();
        }
    }
}
