package dev.tenantry.benchmarks.web;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.mongodb.MongoClientSettings;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.event.CommandListener;
import com.mongodb.event.CommandStartedEvent;
import dev.tenantry.TenantId;
import dev.tenantry.Tenants;
import dev.tenantry.directory.TenantDirectory;
import dev.tenantry.ratelimit.Bandwidth;
import dev.tenantry.ratelimit.RateLimiter;
import dev.tenantry.servlet.TenantResolver;
import dev.tenantry.servlet.TenantryServlet;
import dev.tenantry.servlet.TenantryWebConfig;
import dev.tenantry.testing.EmbeddedMongo;
import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.ContextHandlerCollection;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.runner.IterationType;

/**
 * The request overhead of Tenantry's servlet filter chain: one embedded Jetty 12 server in the benchmark process
 * serves the same trivial JSON endpoint (a constant small body naming the request's tenant; no database) from two
 * contexts, {@code /tenantry} with the full chain installed by {@link TenantryServlet#install} and {@code /plain}
 * without it. The benchmark thread sends {@code GET} requests over loopback with {@link HttpClient} (HTTP/1.1,
 * keep-alive) and measures the average round trip: {@code withFilters} against {@code withoutFilters}, side by side in
 * one run.
 *
 * <p>The goals (issue 18), both from {@link #fourWay}, which rotates four round trips on raw sockets through one
 * server: Tenantry's chain ({@code /tenantry}), no chain ({@code /plain}), the plain servlet setting the very headers
 * the chain adds ({@code /headers}), and what a team would assemble without Tenantry for the same endpoint and headers
 * ({@code /assembly}: Spring Security's {@code HeaderWriterFilter} with the same header writers, a Bucket4j rate-limit
 * filter as Bucket4j's documentation shows it, and a filter taking the tenant from a header into a thread-local; see
 * {@link Assembly}). Tenantry's added latency (tenantry - plain) is to be at most 0.8 of the assembly's (assembly -
 * plain); the chain's own work beyond writing its headers (tenantry - headers) at most 3 us a request. Each
 * measurement iteration prints both.
 *
 * <p>The chain is the one the booking example runs, minus its endpoints: security headers; request context (request
 * id, client address, user agent, actor as the audit context); tenant from {@code X-Tenant-ID}, checked against a
 * {@link TenantDirectory} (its guard belongs to the tenant database and runs when data is touched, which the endpoint
 * does not); rate limiting by plan with the in-process
 * limiter, at a limit no run can reach. It excludes the database: the directory caches look-ups (for an hour here, so
 * no entry expires during a run) and the limiter caches the plan, both warmed in setup; a command listener counts the
 * MongoDB commands sent during measurement, and the trial's tear-down prints the count (0 expected).
 *
 * <p>{@code withFiltersRawSocket} and {@code withoutFiltersRawSocket} make the same round trips with a blocking socket
 * on the benchmark thread instead of {@code HttpClient}, the least a client can add, so the chain's share shows as
 * clearly as it can. On a shared machine the latency moves with the load; each measurement iteration therefore also
 * prints the process's CPU time per request, which hardly does, split into Jetty's threads (the server: parsing,
 * the filters, the servlet, writing the answer; its selector and acceptor threads too), the benchmark thread (the
 * client) and everything else (JIT, GC and the other JVM threads). Run with one benchmark thread (the default).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgs = {"-Xms1g", "-Xmx1g", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn"})
@Warmup(iterations = 10, time = 3)
@Measurement(iterations = 5, time = 3)
public class FilterChainBenchmark {

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    /** The tenant every request is for. */
    static final TenantId TENANT = TenantId.of("acme");
    /** Its plan: far more requests than any run sends. */
    static final String PLAN = "BENCH";

    /** The server, the client and the two requests. */
    @State(Scope.Benchmark)
    public static class Web {
        /** The plain servlet answering with the very headers the chain adds, set by itself. */
        final TenantJson sameHeaders = new TenantJson();
        EmbeddedMongo mongo;
        MongoClient client;
        Server server;
        HttpClient http;
        HttpRequest withFilters;
        HttpRequest withoutFilters;
        int port;
        final AtomicLong commands = new AtomicLong();
        long commandsBefore;
        /** Requests sent in this iteration (one benchmark thread), and the process's CPU time when it started. */
        long requests;
        long cpuAtStart;
        /** The CPU time of each live thread when the iteration started, by thread id. */
        Map<Long, Long> threadCpuAtStart = Map.of();

        @Setup(Level.Trial)
        public void start() throws Exception {
            mongo = EmbeddedMongo.start();
            client = MongoClients.create(MongoClientSettings.builder().applyConnectionString(mongo.connectionString())
                    .addCommandListener(new CommandListener() {
                        @Override
                        public void commandStarted(CommandStartedEvent event) {
                            commands.incrementAndGet();
                        }
                    }).build());
            TenantDirectory directory = TenantDirectory.builder(client, "bench").cacheFor(Duration.ofHours(1))
                    .build();
            directory.create(TENANT, "Acme", PLAN);
            RateLimiter limiter = RateLimiter.builder()
                    .plan(PLAN, Bandwidth.of(1_000_000_000L, Duration.ofSeconds(1)))
                    .planResolver(directory.planResolver()).planCache(Duration.ofHours(1)).build();
            // The requests are anonymous, so the anonymous limit applies: as high, per client address.
            RateLimiter anonymous = RateLimiter.builder()
                    .plan(PLAN, Bandwidth.of(1_000_000_000L, Duration.ofSeconds(1))).everyTenantOn(PLAN).build();
            TenantryWebConfig config = TenantryWebConfig.builder().tenantResolvers(TenantResolver.header())
                    .tenantDirectory(directory).rateLimiter(limiter).anonymousLimiter(anonymous).build();

            server = new Server();
            HttpConfiguration httpConfig = new HttpConfiguration();
            httpConfig.setSendServerVersion(false);
            ServerConnector connector = new ServerConnector(server, new HttpConnectionFactory(httpConfig));
            connector.setHost("127.0.0.1");
            server.addConnector(connector);
            ServletContextHandler plain = new ServletContextHandler("/plain");
            plain.addServlet(new ServletHolder(new TenantJson()), "/hello");
            plain.addServlet(new ServletHolder(new CustomerJson()), "/customer");
            ServletContextHandler tenantry = new ServletContextHandler("/tenantry");
            tenantry.addServlet(new ServletHolder(new TenantJson()), "/hello");
            tenantry.addServlet(new ServletHolder(new CustomerJson()), "/customer");
            tenantry.addEventListener(new ServletContextListener() {
                @Override
                public void contextInitialized(ServletContextEvent event) {
                    TenantryServlet.install(event.getServletContext(), config);
                }
            });
            ServletContextHandler headered = new ServletContextHandler("/headers");
            headered.addServlet(new ServletHolder(sameHeaders), "/hello");
            ServletContextHandler assembled = new ServletContextHandler("/assembly");
            assembled.addServlet(new ServletHolder(new TenantJson()), "/hello");
            Assembly.install(assembled, 1_000_000_000L, Duration.ofSeconds(1));
            server.setHandler(new ContextHandlerCollection(plain, tenantry, headered, assembled));
            server.start();

            port = connector.getLocalPort();
            String base = "http://127.0.0.1:" + port;
            // Responses are handled on the client's selector thread: no hand-off to a pool on every request.
            http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).executor(Runnable::run).build();
            withFilters = HttpRequest.newBuilder(URI.create(base + "/tenantry/hello"))
                    .header("X-Tenant-ID", TENANT.value()).GET().build();
            withoutFilters = HttpRequest.newBuilder(URI.create(base + "/plain/hello"))
                    .header("X-Tenant-ID", TENANT.value()).GET().build();
            check(withFilters, true);
            check(withoutFilters, false);
            check(HttpRequest.newBuilder(URI.create(base + "/assembly/hello")).header("X-Tenant-ID", TENANT.value())
                    .GET().build(), true);
            sameHeaders.copyFrom(http.send(withFilters, HttpResponse.BodyHandlers.ofString()).headers());
            commandsBefore = commands.get();
        }

        /** Both ends answer the same body; only the filtered one carries Tenantry's headers. */
        private void check(HttpRequest request, boolean filtered) throws IOException, InterruptedException {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200 || !response.body().equals(TenantJson.body(TENANT.value()))
                    || response.headers().firstValue("RateLimit").isPresent() != filtered
                    || response.headers().firstValue("X-Content-Type-Options").isPresent() != filtered) {
                throw new IllegalStateException("unexpected answer from " + request.uri() + ": "
                        + response.statusCode() + " " + response.headers().map() + " " + response.body());
            }
        }

        @Setup(Level.Iteration)
        public void markCpu() {
            requests = 0;
            threadCpuAtStart = threadCpuNanos();
            cpuAtStart = processCpuNanos();
        }

        /**
         * Prints the CPU time the whole process (client, server, JIT and GC threads alike) spent per request in each
         * measurement iteration: unlike the latency, it hardly depends on what else the machine is running.
         */
        @TearDown(Level.Iteration)
        public void reportCpu(IterationParams iteration) {
            if (iteration.getType() == IterationType.MEASUREMENT && requests > 0) {
                long process = processCpuNanos() - cpuAtStart;
                Map<Long, Long> now = threadCpuNanos();
                long server = 0;
                long client = 0;
                long benchmarkThread = Thread.currentThread().getId();
                for (ThreadInfo info : THREADS.getThreadInfo(now.keySet().stream().mapToLong(Long::longValue)
                        .toArray())) {
                    if (info == null) {
                        continue;
                    }
                    long spent = now.get(info.getThreadId()) - threadCpuAtStart.getOrDefault(info.getThreadId(), 0L);
                    if (info.getThreadName().startsWith("qtp")) {
                        server += spent;
                    } else if (info.getThreadId() == benchmarkThread) {
                        client += spent;
                    }
                }
                System.out.printf(Locale.ROOT, "%n  process CPU per request: %.1f us (Jetty threads %.1f, client"
                        + " thread %.1f, everything else %.1f)%n", process / 1_000.0 / requests,
                        server / 1_000.0 / requests, client / 1_000.0 / requests,
                        (process - server - client) / 1_000.0 / requests);
            }
        }

        /** The CPU time of every live thread, by id (threads that end meanwhile count as everything else). */
        private static Map<Long, Long> threadCpuNanos() {
            Map<Long, Long> cpu = new HashMap<>();
            for (long id : THREADS.getAllThreadIds()) {
                long nanos = THREADS.getThreadCpuTime(id);
                if (nanos >= 0) {
                    cpu.put(id, nanos);
                }
            }
            return cpu;
        }

        private static long processCpuNanos() {
            return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                    .getProcessCpuTime();
        }

        @TearDown(Level.Trial)
        public void stop() throws Exception {
            System.out.println();
            System.out.println("MongoDB commands sent after setup, during warm-up and measurement: "
                    + (commands.get() - commandsBefore));
            server.stop();
            client.close();
            mongo.close();
        }

        int send(HttpRequest request) throws IOException, InterruptedException {
            requests++;
            HttpResponse<byte[]> response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
            if (response.statusCode() != 200) {
                throw new IllegalStateException("status " + response.statusCode() + " from " + request.uri());
            }
            return response.body().length;
        }
    }

    /** One keep-alive raw socket connection per benchmark thread to each context. */
    @State(Scope.Thread)
    public static class Connections {
        RawHttpConnection withFilters;
        RawHttpConnection withoutFilters;
        RawHttpConnection sameHeaders;
        RawHttpConnection customerWithFilters;
        RawHttpConnection customerWithoutFilters;
        RawHttpConnection assembly;

        @Setup(Level.Trial)
        public void open(Web web) throws IOException {
            customerWithFilters = new RawHttpConnection(web.port, "/tenantry/customer", "X-Tenant-ID",
                    TENANT.value());
            customerWithoutFilters = new RawHttpConnection(web.port, "/plain/customer", "X-Tenant-ID",
                    TENANT.value());
            withFilters = new RawHttpConnection(web.port, "/tenantry/hello", "X-Tenant-ID", TENANT.value());
            withoutFilters = new RawHttpConnection(web.port, "/plain/hello", "X-Tenant-ID", TENANT.value());
            sameHeaders = new RawHttpConnection(web.port, "/headers/hello", "X-Tenant-ID", TENANT.value());
            assembly = new RawHttpConnection(web.port, "/assembly/hello", "X-Tenant-ID", TENANT.value());
        }

        @TearDown(Level.Trial)
        public void close() throws IOException {
            withFilters.close();
            withoutFilters.close();
            sameHeaders.close();
            customerWithFilters.close();
            customerWithoutFilters.close();
            assembly.close();
        }
    }

    /**
     * The time of each side of {@link #pairedRawSocket}, summed over an iteration; its tear-down prints the ratio
     * (JMH reports both sums too).
     */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.EVENTS)
    public static class Paired {
        /** Nanoseconds spent in round trips through the chain this iteration. */
        public long withFiltersNanos;
        /** Nanoseconds spent in round trips without it this iteration. */
        public long withoutFiltersNanos;
        /** Nanoseconds spent in round trips to the plain servlet setting the same headers ({@link #threeWay}). */
        public long sameHeadersNanos;
        /** Nanoseconds spent in round trips through the assembly without Tenantry ({@link #fourWay}). */
        public long assemblyNanos;
        long pairs;

        @Setup(Level.Iteration)
        public void reset() {
            withFiltersNanos = 0;
            withoutFiltersNanos = 0;
            sameHeadersNanos = 0;
            assemblyNanos = 0;
            pairs = 0;
        }

        @TearDown(Level.Iteration)
        public void report(IterationParams iteration) {
            if (iteration.getType() != IterationType.MEASUREMENT || pairs == 0) {
                return;
            }
            System.out.printf(Locale.ROOT, "%n  paired: with filters %.2f us, without %.2f us, ratio %.3f"
                    + " (%,d rounds)%n", withFiltersNanos / 1e3 / pairs, withoutFiltersNanos / 1e3 / pairs,
                    (double) withFiltersNanos / withoutFiltersNanos, pairs);
            if (sameHeadersNanos > 0) {
                System.out.printf(Locale.ROOT, "  same headers set by the servlet %.2f us: headers alone %.3f,"
                        + " the chain over the same headers %.3f%n", sameHeadersNanos / 1e3 / pairs,
                        (double) sameHeadersNanos / withoutFiltersNanos, (double) withFiltersNanos / sameHeadersNanos);
            }
            if (assemblyNanos > 0) {
                double tenantryAdded = (withFiltersNanos - withoutFiltersNanos) / 1e3 / pairs;
                double assemblyAdded = (assemblyNanos - withoutFiltersNanos) / 1e3 / pairs;
                System.out.printf(Locale.ROOT, "  assembly %.2f us: added latency tenantry %.2f us, assembly %.2f us,"
                        + " ratio %.3f (goal <= 0.8); the chain's own work beyond its headers %.2f us (goal <= 3)%n",
                        assemblyNanos / 1e3 / pairs, tenantryAdded, assemblyAdded, tenantryAdded / assemblyAdded,
                        (withFiltersNanos - sameHeadersNanos) / 1e3 / pairs);
            }
        }
    }

    /**
     * One round trip with the chain and one without, back to back on the raw sockets (the order alternating), each
     * timed: the two sides share every moment of the machine's load, so their ratio holds still where separate runs'
     * latencies move with it. The score is the time of a pair; the ratio is printed per iteration.
     */
    @Benchmark
    public int pairedRawSocket(Web web, Connections connections, Paired paired) throws IOException {
        return pair(web, connections.withFilters, connections.withoutFilters, paired);
    }

    /** One timed round trip on {@code withFilters} and one on {@code withoutFilters}, the order alternating. */
    private static int pair(Web web, RawHttpConnection withFilters, RawHttpConnection withoutFilters, Paired paired)
            throws IOException {
        web.requests += 2;
        boolean filteredFirst = (paired.pairs++ & 1) == 0;
        long t0 = System.nanoTime();
        int first = filteredFirst ? withFilters.get() : withoutFilters.get();
        long t1 = System.nanoTime();
        int second = filteredFirst ? withoutFilters.get() : withFilters.get();
        long t2 = System.nanoTime();
        paired.withFiltersNanos += filteredFirst ? t1 - t0 : t2 - t1;
        paired.withoutFiltersNanos += filteredFirst ? t2 - t1 : t1 - t0;
        return first + second;
    }

    /**
     * As {@link #pairedRawSocket}, with a third round trip to the plain servlet that sets the very headers the chain
     * adds ({@code /headers}), the three in rotating order: splits the chain's cost into what its headers cost on the
     * wire (same headers / without) and the chain's own work (with filters / same headers). The score is the time of
     * the three; the ratios are printed per iteration.
     */
    @Benchmark
    public int threeWay(Web web, Connections connections, Paired paired) throws IOException {
        web.requests += 3;
        int rotation = (int) (paired.pairs++ % 3);
        int bytes = 0;
        for (int i = 0; i < 3; i++) {
            int which = (rotation + i) % 3;
            RawHttpConnection connection = which == 0 ? connections.withFilters
                    : which == 1 ? connections.withoutFilters : connections.sameHeaders;
            long t0 = System.nanoTime();
            bytes += connection.get();
            long spent = System.nanoTime() - t0;
            if (which == 0) {
                paired.withFiltersNanos += spent;
            } else if (which == 1) {
                paired.withoutFiltersNanos += spent;
            } else {
                paired.sameHeadersNanos += spent;
            }
        }
        return bytes;
    }

    /**
     * As {@link #threeWay}, with a fourth round trip through {@link Assembly} ({@code /assembly}), the four in rotating
     * order: Tenantry's added latency against the assembly's, and the chain's own work beyond its headers. The score
     * is the time of the four; the figures are printed per iteration.
     */
    @Benchmark
    public int fourWay(Web web, Connections connections, Paired paired) throws IOException {
        web.requests += 4;
        int rotation = (int) (paired.pairs++ % 4);
        int bytes = 0;
        for (int i = 0; i < 4; i++) {
            int which = (rotation + i) % 4;
            RawHttpConnection connection = which == 0 ? connections.withFilters
                    : which == 1 ? connections.withoutFilters : which == 2 ? connections.sameHeaders
                    : connections.assembly;
            long t0 = System.nanoTime();
            bytes += connection.get();
            long spent = System.nanoTime() - t0;
            switch (which) {
                case 0 -> paired.withFiltersNanos += spent;
                case 1 -> paired.withoutFiltersNanos += spent;
                case 2 -> paired.sameHeadersNanos += spent;
                default -> paired.assemblyNanos += spent;
            }
        }
        return bytes;
    }

    /**
     * As {@link #pairedRawSocket}, on an endpoint shaped like the booking example's {@code GET /api/customers/{id}}
     * without its database: {@link CustomerJson}, a customer record built and written with Jackson.
     */
    @Benchmark
    public int pairedCustomerRawSocket(Web web, Connections connections, Paired paired) throws IOException {
        return pair(web, connections.customerWithFilters, connections.customerWithoutFilters, paired);
    }

    /** A full round trip through Tenantry's filter chain. */
    @Benchmark
    public int withFilters(Web web) throws IOException, InterruptedException {
        return web.send(web.withFilters);
    }

    /** The same round trip to the same servlet, without the chain. */
    @Benchmark
    public int withoutFilters(Web web) throws IOException, InterruptedException {
        return web.send(web.withoutFilters);
    }

    /** As {@link #withFilters}, with the least possible client: a blocking socket on the benchmark thread. */
    @Benchmark
    public int withFiltersRawSocket(Web web, Connections connections) throws IOException {
        web.requests++;
        return connections.withFilters.get();
    }

    /** As {@link #withoutFilters}, with the least possible client: a blocking socket on the benchmark thread. */
    @Benchmark
    public int withoutFiltersRawSocket(Web web, Connections connections) throws IOException {
        web.requests++;
        return connections.withoutFilters.get();
    }

    /**
     * As {@link #withoutFiltersRawSocket}, but the servlet itself sets the headers the chain would add (security
     * headers, rate-limit fields, request id, copied from a filtered response): the difference to
     * {@link #withFiltersRawSocket} is the chain's own work, the difference to {@link #withoutFiltersRawSocket} the
     * cost of the headers on the wire.
     */
    @Benchmark
    public int withoutFiltersSameHeadersRawSocket(Web web, Connections connections) throws IOException {
        web.requests++;
        return connections.sameHeaders.get();
    }

    /**
     * The endpoint: a constant small JSON body for the request's tenant, the scope's when Tenantry opened one, the
     * header's otherwise. No database.
     */
    public static final class TenantJson extends HttpServlet {
        private static final long serialVersionUID = 1L;
        private static final Set<String> OWN = Set.of("content-type", "content-length", "date",
                "connection", "server");
        private transient volatile List<String[]> extra = List.of();

        /** Answers with the headers of {@code headers} too, except those every response has anyway. */
        void copyFrom(HttpHeaders headers) {
            List<String[]> out = new ArrayList<>();
            headers.map().forEach((name, values) -> {
                if (!OWN.contains(name.toLowerCase(Locale.ROOT)) && !name.startsWith(":")) {
                    values.forEach(v -> out.add(new String[] {name, v}));
                }
            });
            extra = List.copyOf(out);
        }

        static String body(String tenant) {
            return "{\"tenant\":\"" + tenant + "\",\"ok\":true}";
        }

        @Override
        protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
            String tenant = Tenants.currentIfPresent().map(TenantId::value).orElseGet(() -> request.getHeader(
                    "X-Tenant-ID"));
            byte[] bytes = body(tenant).getBytes(StandardCharsets.UTF_8);
            for (String[] header : extra) {
                response.addHeader(header[0], header[1]);
            }
            response.setContentType("application/json");
            response.setContentLength(bytes.length);
            response.getOutputStream().write(bytes);
        }
    }

    /**
     * The booking example's answer to {@code GET /api/customers/{id}} without the database: a customer record of the
     * fields the example stores, built as a decoded document would be and written with Jackson, with the example's
     * {@code Cache-Control} and a {@code Content-Length}.
     */
    public static final class CustomerJson extends HttpServlet {
        private static final long serialVersionUID = 1L;
        private static final ObjectMapper MAPPER = new ObjectMapper();

        @Override
        protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
            Map<String, Object> customer = new LinkedHashMap<>();
            customer.put("id", "6560a1f2c3b4d5e6f7a8b9c0");
            customer.put("name", "Ada Lovelace");
            customer.put("email", "ada@example.com");
            customer.put("phone", "+44 20 7946 0018");
            customer.put("company", "Analytical Engines Ltd");
            customer.put("notes", "Prefers morning appointments");
            customer.put("createdAt", "2026-11-21T09:30:00Z");
            customer.put("updatedAt", "2026-11-21T09:30:00Z");
            byte[] bytes = MAPPER.writeValueAsBytes(customer);
            response.setStatus(200);
            response.setContentType("application/json");
            response.setCharacterEncoding(StandardCharsets.UTF_8.name());
            response.setHeader("Cache-Control", "no-store");
            response.setContentLength(bytes.length);
            response.getOutputStream().write(bytes);
        }
    }
}
