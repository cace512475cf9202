package dev.tenantry.faults;

import com.mongodb.ConnectionString;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import org.bson.BsonArray;
import org.bson.BsonDocument;
import org.bson.BsonDouble;
import org.bson.BsonInt32;
import org.bson.BsonString;
import org.bson.RawBsonDocument;
import org.bson.codecs.BsonDocumentCodec;

/**
 * A TCP proxy in front of a MongoDB server that understands just enough of the wire protocol to fail the way networks
 * do: it can drop the reply to chosen commands after the server has carried them out (and cut the connection, so the
 * client sees a socket error and cannot tell whether the command was applied), answer chosen commands with an error
 * of its own without passing them on (a server refusing them), and freeze, swallowing every request so nothing is
 * answered (a server that hangs rather than refuses connections).
 *
 * <p>Commands are matched on their body with any document sequences folded in as arrays ({@code {insert: "c",
 * documents: [...]}}), as the server sees them.
 *
 * <p>For tests only. Each connection is two pump threads; messages are forwarded whole. Thread-safe.
 */
public final class WireProxy implements AutoCloseable {

    private static final int OP_MSG = 2013;
    private static final AtomicInteger REPLY_IDS = new AtomicInteger(1 << 30);

    /**
     * Drop the replies to the next {@code remaining} requests matching {@code command}, or answer them with {@code
     * error} instead of passing them on.
     */
    private record Rule(Predicate<BsonDocument> command, AtomicInteger remaining, BsonDocument error) {
    }

    private final ServerSocket listener;
    private final InetSocketAddress upstream;
    private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
    private final CopyOnWriteArrayList<Rule> rules = new CopyOnWriteArrayList<>();
    private final AtomicInteger dropped = new AtomicInteger();
    private volatile boolean frozen;
    private volatile boolean closed;

    private WireProxy(int upstreamPort) throws IOException {
        this.upstream = new InetSocketAddress(InetAddress.getLoopbackAddress(), upstreamPort);
        this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(this::accept, "wire-proxy-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** A proxy to the server on {@code upstreamPort} of the loopback address. */
    public static WireProxy to(int upstreamPort) {
        try {
            return new WireProxy(upstreamPort);
        } catch (IOException e) {
            throw new IllegalStateException("could not start the proxy", e);
        }
    }

    /** The connection string clients use to go through the proxy. */
    public ConnectionString connectionString() {
        return new ConnectionString("mongodb://127.0.0.1:" + listener.getLocalPort() + "/?directConnection=true");
    }

    /**
     * Lets the next {@code times} requests matching {@code command} reach the server, then drops their replies and
     * cuts their connections.
     */
    public void dropReplies(Predicate<BsonDocument> command, int times) {
        rules.add(new Rule(command, new AtomicInteger(times), null));
    }

    /**
     * Answers the next {@code times} requests matching {@code command} with {@code {ok: 0, code, codeName, errmsg}}
     * (and {@code errorLabels} when given) instead of passing them on: the server never sees them.
     */
    public void refuse(Predicate<BsonDocument> command, int times, int code, String codeName, String... labels) {
        BsonDocument error = new BsonDocument("ok", new BsonDouble(0)).append("errmsg",
                new BsonString("refused by the test proxy")).append("code", new BsonInt32(code))
                .append("codeName", new BsonString(codeName));
        if (labels.length > 0) {
            BsonArray array = new BsonArray();
            for (String label : labels) {
                array.add(new BsonString(label));
            }
            error.append("errorLabels", array);
        }
        rules.add(new Rule(command, new AtomicInteger(times), error));
    }

    /** Removes every rule. */
    public void clearRules() {
        rules.clear();
    }

    /** Commands named {@code name} on collection {@code collection} ({@code {delete: "customers", ...}}). */
    public static Predicate<BsonDocument> command(String name, String collection) {
        return doc -> doc.getFirstKey().equals(name) && doc.get(name).isString()
                && doc.getString(name).getValue().equals(collection);
    }

    /** How many replies were dropped so far. */
    public int dropped() {
        return dropped.get();
    }

    /** Swallows every request from now on (nothing reaches the server, nothing is answered) until {@link #thaw}. */
    public void freeze() {
        frozen = true;
    }

    /** Forwards requests again; connections that were frozen stay as they are. */
    public void thaw() {
        frozen = false;
    }

    @Override
    public void close() {
        closed = true;
        try {
            listener.close();
        } catch (IOException ignored) {
            // closing
        }
        sockets.forEach(WireProxy::quietly);
    }

    private void accept() {
        while (!closed) {
            try {
                Socket client = listener.accept();
                Socket server = new Socket();
                try {
                    server.connect(upstream);
                } catch (IOException down) {
                    quietly(client); // the server is down: so is the connection
                    continue;
                }
                client.setTcpNoDelay(true);
                server.setTcpNoDelay(true);
                sockets.add(client);
                sockets.add(server);
                Set<Integer> doomed = ConcurrentHashMap.newKeySet();
                start(() -> requests(client, server, doomed));
                start(() -> replies(server, client, doomed));
            } catch (IOException e) {
                if (!closed) {
                    continue;
                }
                return;
            }
        }
    }

    private static void start(Runnable pump) {
        Thread thread = new Thread(pump, "wire-proxy-pump");
        thread.setDaemon(true);
        thread.start();
    }

    private void requests(Socket client, Socket server, Set<Integer> doomed) {
        try (DataInputStream in = new DataInputStream(client.getInputStream())) {
            OutputStream out = server.getOutputStream();
            while (true) {
                byte[] message = read(in);
                if (frozen) {
                    continue; // swallowed: the client waits for a reply that never comes
                }
                BsonDocument command = command(message);
                Rule matched = null;
                if (command != null) {
                    for (Rule rule : rules) {
                        if (rule.command().test(command) && rule.remaining().getAndDecrement() > 0) {
                            matched = rule;
                            break;
                        }
                    }
                }
                if (matched != null && matched.error() != null) {
                    answer(client, int32(message, 4), matched.error());
                    continue;
                }
                if (matched != null) {
                    doomed.add(int32(message, 4));
                }
                out.write(message);
                out.flush();
            }
        } catch (IOException e) {
            quietly(client);
            quietly(server);
        }
    }

    /** Writes an OP_MSG reply to request {@code requestId} holding {@code body}. */
    private static void answer(Socket client, int requestId, BsonDocument body) throws IOException {
        byte[] doc = new RawBsonDocument(body, new BsonDocumentCodec()).getByteBuffer().array();
        int docLength = int32(doc, 0);
        ByteBuffer reply = ByteBuffer.allocate(16 + 4 + 1 + docLength).order(ByteOrder.LITTLE_ENDIAN);
        reply.putInt(16 + 4 + 1 + docLength).putInt(REPLY_IDS.incrementAndGet()).putInt(requestId).putInt(OP_MSG)
                .putInt(0).put((byte) 0).put(doc, 0, docLength);
        synchronized (client) {
            OutputStream out = client.getOutputStream();
            out.write(reply.array());
            out.flush();
        }
    }

    private void replies(Socket server, Socket client, Set<Integer> doomed) {
        try (DataInputStream in = new DataInputStream(server.getInputStream())) {
            OutputStream out = client.getOutputStream();
            while (true) {
                byte[] message = read(in);
                if (doomed.remove(int32(message, 8))) {
                    dropped.incrementAndGet();
                    throw new EOFException("reply dropped");
                }
                synchronized (client) {
                    out.write(message);
                    out.flush();
                }
            }
        } catch (IOException e) {
            quietly(client);
            quietly(server);
        }
    }

    private static byte[] read(DataInputStream in) throws IOException {
        byte[] header = new byte[4];
        in.readFully(header);
        int length = int32(header, 0);
        if (length < 16 || length > 64 << 20) {
            throw new IOException("not a MongoDB message: length " + length);
        }
        byte[] message = new byte[length];
        System.arraycopy(header, 0, message, 0, 4);
        in.readFully(message, 4, length - 4);
        return message;
    }

    /**
     * The command of an OP_MSG request: its body, with each document sequence added as an array; null for anything
     * else.
     */
    private static BsonDocument command(byte[] message) {
        if (int32(message, 12) != OP_MSG) {
            return null;
        }
        BsonDocument body = null;
        BsonDocument sequences = new BsonDocument();
        int end = message.length - ((int32(message, 16) & 1) != 0 ? 4 : 0); // a checksum may follow
        int p = 20; // header (16) and flag bits (4)
        while (p < end) {
            byte kind = message[p++];
            int size = int32(message, p);
            if (kind == 0) {
                body = new BsonDocument();
                body.putAll(new RawBsonDocument(message, p, size));
            } else {
                int nameEnd = p + 4;
                while (message[nameEnd] != 0) {
                    nameEnd++;
                }
                String name = new String(message, p + 4, nameEnd - p - 4, StandardCharsets.UTF_8);
                BsonArray documents = new BsonArray();
                for (int d = nameEnd + 1; d < p + size; d += int32(message, d)) {
                    documents.add(new RawBsonDocument(message, d, int32(message, d)));
                }
                sequences.append(name, documents);
            }
            p += size;
        }
        if (body != null) {
            body.putAll(sequences);
        }
        return body;
    }

    private static int int32(byte[] b, int p) {
        return (b[p] & 0xFF) | (b[p + 1] & 0xFF) << 8 | (b[p + 2] & 0xFF) << 16 | (b[p + 3] & 0xFF) << 24;
    }

    private static void quietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // already closed
        }
    }
}
