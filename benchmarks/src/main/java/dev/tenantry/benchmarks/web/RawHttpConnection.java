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
        int scanned = 0;
        int headEnd = -1;
        int total = -1;
        while (total < 0 || filled < total) {
            int n = in.read(buffer, filled, buffer.length - filled);
            if (n < 0) {
                throw new IOException("connection closed after " + filled + " bytes");
            }
            filled += n;
            if (headEnd < 0) {
                headEnd = indexOfHeadEnd(scanned, filled);
                scanned = Math.max(3, filled);
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

    /** The index just past the blank line ending the head, or -1 if not read yet; bytes before {@code from} were. */
    private int indexOfHeadEnd(int from, int filled) {
        for (int i = Math.max(3, from); i < filled; i++) {
            if (buffer[i] == '\n' && buffer[i - 1] == '\r' && buffer[i - 2] == '\n' && buffer[i - 3] == '\r') {
                return i + 1;
            }
        }
        return -1;
    }

    /**
     * The Content-Length of the head ending at {@code headEnd}: only the first bytes of each header line are compared
     * (ASCII letters lower-cased with a bit), as any HTTP client's parser does, not every byte of the head.
     */
    private int contentLength(int headEnd) throws IOException {
        int line = 0;
        while (line < headEnd) {
            int next = line;
            while (next < headEnd && buffer[next] != '\n') {
                next++;
            }
            // the line is buffer[line, next - 1) without its CR; CONTENT_LENGTH starts with "\r\n"
            int nameLength = CONTENT_LENGTH.length - 2;
            if (next - line > nameLength && matches(line, nameLength)) {
                int length = 0;
                for (int k = line + nameLength; buffer[k] != '\r'; k++) {
                    if (buffer[k] >= '0' && buffer[k] <= '9') {
                        length = length * 10 + buffer[k] - '0';
                    }
                }
                return length;
            }
            line = next + 1;
        }
        throw new IOException("no Content-Length in the answer");
    }

    private boolean matches(int at, int nameLength) {
        for (int j = 0; j < nameLength; j++) {
            byte b = buffer[at + j];
            byte want = CONTENT_LENGTH[j + 2];
            if (b != want && (b | 0x20) != want) {
                return false;
            }
        }
        return true;
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
