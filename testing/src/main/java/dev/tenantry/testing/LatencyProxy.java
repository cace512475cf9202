package dev.tenantry.testing;

import com.mongodb.ConnectionString;
import com.mongodb.ServerAddress;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A TCP proxy in front of a MongoDB server that delays every wire-protocol message by a fixed time in each direction,
 * so that code tested against a local server (such as {@link EmbeddedMongo}) pays what a network would: with 1 ms
 * each way, every command costs at least a 2 ms round trip, and a program that sends many small commands shows it.
 *
 * <pre>{@code
 * try (EmbeddedMongo mongo = EmbeddedMongo.start();
 *      LatencyProxy proxy = LatencyProxy.start(mongo.connectionString(), Duration.ofMillis(1));
 *      MongoClient client = MongoClients.create(proxy.connectionString())) {
 *     ...   // every command now takes at least 2 ms
 * }
 * }</pre>
 *
 * <p>A message is one MongoDB wire-protocol message (its first four bytes give its length): each is forwarded whole,
 * {@link #delay()} after its last byte arrived, in order, and messages in flight overlap (the delay is latency, not a
 * bandwidth limit). It listens on a loopback port; {@link #connectionString()} asks for a direct connection, so the
 * driver does not look past the proxy for other members of a replica set. Like {@link EmbeddedMongo}, {@link #stop()}
 * drops every connection as a network outage would, and {@link #restart()} listens again on the same port.
 *
 * <p>Thread-safe. Each proxied connection uses four daemon threads (a reader and a writer each way). Close it to free
 * the port.
 *
 * @since 0.1
 */
public final class LatencyProxy implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LatencyProxy.class);
    private static final String HOST = "127.0.0.1";
    /** Larger than any message a server accepts (48 MB); a longer header means this is no MongoDB stream. */
    private static final int MAX_MESSAGE = 64 * 1024 * 1024;
    private static final AtomicInteger PROXIES = new AtomicInteger();

    private final InetSocketAddress target;
    private final Duration delay;
    private final long delayNanos;
    private final int number = PROXIES.incrementAndGet();
    private final Set<Connection> connections = ConcurrentHashMap.newKeySet();
    private final AtomicLong messages = new AtomicLong();
    private @Nullable ServerSocket listener;
    private int port;

    private LatencyProxy(InetSocketAddress target, Duration delay) {
        this.target = target;
        this.delay = delay;
        this.delayNanos = delay.toNanos();
    }

    /**
     * Starts a proxy on a free loopback port in front of the first host of {@code target}.
     *
     * @param target the server's connection string, e.g. {@code mongo.connectionString()}
     * @param delayEachWay how long each message is held, in each direction
     * @return the running proxy
     * @throws IllegalArgumentException if the delay is negative
     */
    public static LatencyProxy start(ConnectionString target, Duration delayEachWay) {
        ServerAddress first = new ServerAddress(Objects.requireNonNull(target, "target").getHosts().get(0));
        return start(first.getHost(), first.getPort(), delayEachWay);
    }

    /**
     * Starts a proxy on a free loopback port in front of {@code host:port}.
     *
     * @param host the server's host
     * @param port the server's port
     * @param delayEachWay how long each message is held, in each direction
     * @return the running proxy
     * @throws IllegalArgumentException if the port is outside 1..65535 or the delay is negative
     */
    public static LatencyProxy start(String host, int port, Duration delayEachWay) {
        return startOn(0, host, port, delayEachWay);
    }

    /**
     * Starts a proxy on loopback port {@code listenPort} (0 picks a free one) in front of {@code host:port}.
     *
     * @param listenPort the proxy's port, or 0
     * @param host the server's host
     * @param port the server's port
     * @param delayEachWay how long each message is held, in each direction
     * @return the running proxy
     * @throws IllegalArgumentException if a port is out of range or the delay is negative
     * @throws java.io.UncheckedIOException if the port cannot be bound
     */
    public static LatencyProxy startOn(int listenPort, String host, int port, Duration delayEachWay) {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(delayEachWay, "delayEachWay");
        if (listenPort < 0 || listenPort > 65_535) {
            throw new IllegalArgumentException("listen port must be within 0..65535, was " + listenPort);
        }
        if (port < 1 || port > 65_535) {
            throw new IllegalArgumentException("target port must be within 1..65535, was " + port);
        }
        if (delayEachWay.isNegative()) {
            throw new IllegalArgumentException("delay must not be negative, was " + delayEachWay);
        }
        LatencyProxy proxy = new LatencyProxy(InetSocketAddress.createUnresolved(host, port), delayEachWay);
        proxy.port = listenPort;
        proxy.restart();
        return proxy;
    }

    /** The loopback port the proxy listens on (kept across stop and restart). */
    public synchronized int port() {
        return port;
    }

    /** {@code mongodb://127.0.0.1:<port>/?directConnection=true}: the server, through the proxy. */
    public ConnectionString connectionString() {
        return new ConnectionString("mongodb://" + HOST + ":" + port() + "/?directConnection=true");
    }

    /** How long each message is held, in each direction. */
    public Duration delay() {
        return delay;
    }

    /** How many messages the proxy has forwarded, both ways, since it started. */
    public long messages() {
        return messages.get();
    }

    /** Whether the proxy is accepting connections. */
    public synchronized boolean isRunning() {
        return listener != null;
    }

    /**
     * Starts listening again on the same port, if stopped.
     *
     * @throws java.io.UncheckedIOException if the port cannot be bound
     */
    public synchronized void restart() {
        if (listener != null) {
            return;
        }
        try {
            ServerSocket socket = new ServerSocket();
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(InetAddress.getByName(HOST), port));
            port = socket.getLocalPort();
            listener = socket;
            Thread acceptor = new Thread(() -> accept(socket), "tenantry-latency-proxy-" + number + "-accept");
            acceptor.setDaemon(true);
            acceptor.start();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("cannot listen on " + HOST + ":" + port, e);
        }
    }

    /** Stops listening and drops every open connection, like a network outage. Does nothing if stopped. */
    public synchronized void stop() {
        if (listener == null) {
            return;
        }
        closeQuietly(listener);
        listener = null;
        for (Connection c : connections) {
            c.close();
        }
        connections.clear();
    }

    /** Stops the proxy. */
    @Override
    public void close() {
        stop();
    }

    @Override
    public String toString() {
        return "LatencyProxy[" + HOST + ":" + port() + " -> " + target.getHostString() + ":" + target.getPort()
                + ", " + delay.toNanos() / 1e6 + " ms each way" + (isRunning() ? "" : ", stopped") + "]";
    }

    private void accept(ServerSocket socket) {
        while (!socket.isClosed()) {
            Socket client;
            try {
                client = socket.accept();
            } catch (IOException e) {
                return; // closed by stop()
            }
            try {
                Socket server = new Socket();
                server.connect(new InetSocketAddress(target.getHostString(), target.getPort()));
                Connection c = new Connection(client, server);
                synchronized (this) {
                    if (listener != socket) {
                        c.close();
                        return;
                    }
                    connections.add(c);
                }
                c.start();
            } catch (IOException e) {
                LOG.debug("{}: cannot reach {}", this, target, e);
                closeQuietly(client);
            }
        }
    }

    /** One proxied connection: the client's socket, the server's, and a delaying pipe each way. */
    private final class Connection {
        private final Socket client;
        private final Socket server;
        private final AtomicInteger open = new AtomicInteger(2);

        Connection(Socket client, Socket server) throws SocketException {
            this.client = client;
            this.server = server;
            client.setTcpNoDelay(true);
            server.setTcpNoDelay(true);
        }

        void start() throws IOException {
            pipe(client.getInputStream(), server.getOutputStream(), server, "up");
            pipe(server.getInputStream(), client.getOutputStream(), client, "down");
        }

        private void pipe(InputStream in, OutputStream out, Socket to, String way) {
            BlockingQueue<Message> queue = new LinkedBlockingQueue<>();
            String name = "tenantry-latency-proxy-" + number + "-" + client.getPort() + "-" + way;
            Thread reader = new Thread(() -> read(in, queue), name + "-read");
            Thread writer = new Thread(() -> write(queue, out, to), name + "-write");
            reader.setDaemon(true);
            writer.setDaemon(true);
            reader.start();
            writer.start();
        }

        /** Reads whole messages and queues each with the time it is due. */
        private void read(InputStream in, BlockingQueue<Message> queue) {
            try {
                while (true) {
                    byte[] header = in.readNBytes(4);
                    if (header.length < 4) {
                        break; // closed
                    }
                    int length = (header[0] & 0xFF) | (header[1] & 0xFF) << 8 | (header[2] & 0xFF) << 16
                            | (header[3] & 0xFF) << 24;
                    if (length < 16 || length > MAX_MESSAGE) {
                        throw new IOException("not a MongoDB message: length " + length);
                    }
                    ByteArrayOutputStream message = new ByteArrayOutputStream(length);
                    message.write(header);
                    byte[] rest = in.readNBytes(length - 4);
                    if (rest.length < length - 4) {
                        throw new EOFException("connection closed inside a message");
                    }
                    message.write(rest);
                    queue.add(new Message(System.nanoTime() + delayNanos, message.toByteArray()));
                }
            } catch (IOException e) {
                LOG.debug("{}: a connection ended", LatencyProxy.this, e);
            }
            queue.add(Message.END);
        }

        /** Writes each queued message once it is due; at the end, closes this way and, once both are, the sockets. */
        private void write(BlockingQueue<Message> queue, OutputStream out, Socket to) {
            try {
                while (true) {
                    Message m = queue.take();
                    if (m == Message.END) {
                        break;
                    }
                    long wait;
                    while ((wait = m.due - System.nanoTime()) > 0) {
                        LockSupport.parkNanos(wait);
                    }
                    messages.incrementAndGet(); // before the bytes leave, so whoever receives them sees it counted
                    out.write(m.bytes);
                    out.flush();
                }
                to.shutdownOutput();
            } catch (IOException e) {
                LOG.debug("{}: a connection ended", LatencyProxy.this, e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (open.decrementAndGet() == 0) {
                close();
            }
        }

        void close() {
            closeQuietly(client);
            closeQuietly(server);
            connections.remove(this);
        }
    }

    /** A message and when it is due. */
    private record Message(long due, byte[] bytes) {
        static final Message END = new Message(0, new byte[0]);
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception e) {
            LOG.trace("closing {}", c, e);
        }
    }
}
