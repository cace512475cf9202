package dev.tenantry.benchmarks.web;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * One keep-alive HTTP/1.1 connection that sends a fixed {@code GET} and reads the answer on the calling thread, with
 * as little client work as possible so the server's share (and the filter chain's) shows as clearly as it can.
 * Understands only what the benchmark's server sends: a 200 status line, headers with a {@code Content-Length}, and a
 * body that fits the buffer. Not thread-safe: one per benchmark thread.
 */
final class RawHttpConnection implements AutoCloseable {

    private static final byte[] CONTENT_LENGTH = "\r\ncontent-length:".getBytes(StandardCharsets.ISO_8859_1);

    private final Socket socket;
    private final OutputStream out;
    private final InputStream in;
    private final byte[] request;
    private final byte[] buffer = new byte[16 * 1024];

    RawHttpConnection(int port, String path, String... headers) throws IOException {
        socket = new Socket("127.0.0.1", port);
        socket.setTcpNoDelay(true);
        socket.setSoTimeout(30_000);
        out = socket.getOutputStream();
        in = socket.getInputStream();
        StringBuilder text = new StringBuilder("GET ").append(path).append(" HTTP/1.1\r\nHost: 127.0.0.1:")
                .append(port).append("\r\n");
        for (int i = 0; i < headers.length; i += 2) {
            text.append(headers[i]).append(": ").append(headers[i + 1]).append("\r\n");
        }
        request = text.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1);
    }

    /**
     * Sends the request and reads the whole answer.
     *
     * @return the number of bytes of the answer, so nothing is optimized away
     * @throws IOException if the connection fails, or the answer is not a 200 with a Content-Length
     */
    int get() throws IOException {
        out.write(request);
        out.flush();
        int filled = 0;
        int headEnd = -1;
        int total = -1;
        while (total < 0 || filled < total) {
            int n = in.read(buffer, filled, buffer.length - filled);
            if (n < 0) {
                throw new IOException("connection closed after " + filled + " bytes");
            }
            filled += n;
            if (headEnd < 0) {
                headEnd = indexOfHeadEnd(filled);
                if (headEnd >= 0) {
                    total = headEnd + contentLength(headEnd);
                }
            }
            if (filled == buffer.length && (total < 0 || total > filled)) {
                throw new IOException("answer larger than " + buffer.length + " bytes");
            }
        }
        if (buffer[9] != '2' || buffer[10] != '0' || buffer[11] != '0' || filled != total) {
            throw new IOException("unexpected answer: " + new String(buffer, 0, filled, StandardCharsets.ISO_8859_1));
        }
        return total;
    }

    /** The index just past the blank line ending the head, or -1 if not read yet. */
    private int indexOfHeadEnd(int filled) {
        for (int i = 3; i < filled; i++) {
            if (buffer[i] == '\n' && buffer[i - 1] == '\r' && buffer[i - 2] == '\n' && buffer[i - 3] == '\r') {
                return i + 1;
            }
        }
        return -1;
    }

    private int contentLength(int headEnd) throws IOException {
        outer:
        for (int i = 0; i + CONTENT_LENGTH.length < headEnd; i++) {
            for (int j = 0; j < CONTENT_LENGTH.length; j++) {
                if (Character.toLowerCase(buffer[i + j]) != CONTENT_LENGTH[j]) {
                    continue outer;
                }
            }
            int length = 0;
            for (int k = i + CONTENT_LENGTH.length; buffer[k] != '\r'; k++) {
                if (buffer[k] >= '0' && buffer[k] <= '9') {
                    length = length * 10 + buffer[k] - '0';
                }
            }
            return length;
        }
        throw new IOException("no Content-Length in the answer");
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
