package dev.tenantry.servlet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.Principal;
import java.time.Duration;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.ForwardedRequestCustomizer;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * A Jetty 12 server with Tenantry installed through {@link TenantryServlet#install}, the application's servlets, and a
 * stand-in for the application's own authentication: header {@value #USER} names the principal and {@value #ROLES}
 * its roles (comma-separated). Requests go over real HTTP with {@link HttpClient}.
 */
final class WebServer implements AutoCloseable {

    static final String USER = "X-Test-User";
    static final String ROLES = "X-Test-Roles";
    /** A credential that fails, naming the user it claims to be ("-" for none). */
    static final String BAD_CREDENTIAL = "X-Test-Bad-Credential";
    /** The application's authentication copies this header into request attribute {@value #TENANT_ATTRIBUTE}. */
    static final String TENANT_ATTRIBUTE_HEADER = "X-Test-Tenant-Attribute";
    static final String TENANT_ATTRIBUTE = "app.tenant";
    /** {@code Name=Value}: the application's own filter sets this response header before Tenantry's filters run. */
    static final String PRESET = "X-Test-Preset";
    static final ObjectMapper JSON = new ObjectMapper();

    private final Server server;
    private final HttpClient client;
    private final int port;

    private WebServer(Builder b) {
        QueuedThreadPool pool = new QueuedThreadPool(b.maxThreads, b.maxThreads);
        pool.setName("jetty");
        server = new Server(pool);
        HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false);
        if (b.forwardedProto) {
            // As behind a TLS-terminating proxy: X-Forwarded-Proto: https makes request.isSecure() true. Nothing
            // else of the forwarded headers is applied, so the adapter's own X-Forwarded-For handling is tested.
            ForwardedRequestCustomizer forwarded = new ForwardedRequestCustomizer();
            forwarded.setForwardedForHeader("X-Unused-For");
            forwarded.setForwardedHostHeader("X-Unused-Host");
            forwarded.setForwardedServerHeader("X-Unused-Server");
            forwarded.setForwardedPortHeader("X-Unused-Port");
            forwarded.setForwardedHeader("X-Unused-Forwarded");
            http.addCustomizer(forwarded);
        }
        ServerConnector connector = new ServerConnector(server, 1, 1, new HttpConnectionFactory(http));
        connector.setHost("127.0.0.1");
        server.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler(b.contextPath);
        context.addFilter(new FilterHolder(testAuthentication()), "/*", EnumSet.allOf(DispatcherType.class));
        for (Map.Entry<String, HttpServlet> servlet : b.servlets.entrySet()) {
            ServletHolder holder = new ServletHolder(servlet.getValue());
            holder.setAsyncSupported(true);
            context.addServlet(holder, servlet.getKey());
        }
        TenantryWebConfig config = b.config;
        context.addEventListener(new ServletContextListener() {
            @Override
            public void contextInitialized(ServletContextEvent event) {
                TenantryServlet.install(event.getServletContext(), config);
            }
        });
        server.setHandler(context);
        if (b.problemErrors) {
            // As a Jetty application does: errors Jetty raises before any filter are problems too.
            server.setErrorHandler(new dev.tenantry.servlet.jetty.ProblemErrorHandler(config));
            context.setErrorHandler(new dev.tenantry.servlet.jetty.ProblemErrorHandler(config));
        }
        try {
            server.start();
        } catch (Exception e) {
            throw new IllegalStateException("Jetty did not start", e);
        }
        port = connector.getLocalPort();
        client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10)).build();
    }

    static Builder builder(TenantryWebConfig config) {
        return new Builder(config);
    }

    URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    int port() {
        return port;
    }

    HttpRequest.Builder request(String path, String... headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(30));
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        return request;
    }

    HttpResponse<String> get(String path, String... headers) {
        return send(request(path, headers).GET().build());
    }

    HttpResponse<String> send(HttpRequest request) {
        try {
            return client.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Sends {@code raw} bytes as a whole HTTP/1.1 request on a new connection and returns the raw response head. */
    String raw(String raw) {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(30_000);
            OutputStream out = socket.getOutputStream();
            out.write(raw.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = socket.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static JsonNode json(HttpResponse<String> response) {
        try {
            return JSON.readTree(response.body());
        } catch (IOException e) {
            throw new UncheckedIOException("not JSON: " + response.body(), e);
        }
    }

    @Override
    public void close() {
        try {
            server.stop();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** The application's own authentication, standing in for whatever it uses. */
    private static Filter testAuthentication() {
        return (req, res, chain) -> {
            HttpServletRequest request = (HttpServletRequest) req;
            String attribute = request.getHeader(TENANT_ATTRIBUTE_HEADER);
            if (attribute != null) {
                request.setAttribute(TENANT_ATTRIBUTE, attribute);
            }
            String preset = request.getHeader(PRESET);
            if (preset != null) {
                ((jakarta.servlet.http.HttpServletResponse) res).setHeader(preset.substring(0, preset.indexOf('=')),
                        preset.substring(preset.indexOf('=') + 1));
            }
            String bad = request.getHeader(BAD_CREDENTIAL);
            if (bad != null) {
                // A credential that does not check out: Tenantry counts, audits and answers it.
                if (!TenantryServlet.authenticationFailed(request, (jakarta.servlet.http.HttpServletResponse) res,
                        bad.equals("-") ? null : bad, "bad credential")) {
                    chain.doFilter(req, res);
                }
                return;
            }
            String user = request.getHeader(USER);
            if (user == null) {
                chain.doFilter(req, res);
                return;
            }
            String roles = request.getHeader(ROLES);
            List<String> granted = roles == null ? List.of() : Arrays.asList(roles.split(","));
            Principal principal = () -> user;
            chain.doFilter(new HttpServletRequestWrapper(request) {
                @Override
                public Principal getUserPrincipal() {
                    return principal;
                }

                @Override
                public String getRemoteUser() {
                    return user;
                }

                @Override
                public boolean isUserInRole(String role) {
                    return granted.contains(role);
                }
            }, res);
        };
    }

    static final class Builder {
        private final TenantryWebConfig config;
        private final Map<String, HttpServlet> servlets = new LinkedHashMap<>();
        private int maxThreads = 16;
        private boolean forwardedProto;
        private String contextPath = "/";
        private boolean problemErrors = true;

        private Builder(TenantryWebConfig config) {
            this.config = config;
        }

        Builder servlet(String pathSpec, HttpServlet servlet) {
            servlets.put(pathSpec, servlet);
            return this;
        }

        /** Jetty's pool size: small pools make a thread serve many requests in turn. */
        Builder maxThreads(int threads) {
            this.maxThreads = threads;
            return this;
        }

        Builder forwardedProto() {
            this.forwardedProto = true;
            return this;
        }

        /** Leaves Jetty's own error handlers in place (what an application that sets none gets). */
        Builder jettyErrorPages() {
            this.problemErrors = false;
            return this;
        }

        Builder contextPath(String path) {
            this.contextPath = path;
            return this;
        }

        WebServer start() {
            return new WebServer(this);
        }
    }
}
