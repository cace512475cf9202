package dev.tenantry.servlet.internal;

import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.Charset;

/**
 * The response to a {@code HEAD} request served as a {@code GET}: every status and header goes through, the body is
 * counted and dropped, and a {@code Content-Length} of what a {@code GET} would have sent is set unless one was, as
 * RFC 9110 asks of {@code HEAD}. Used by one thread, like any response.
 */
final class HeadResponse extends HttpServletResponseWrapper {

    private long counted;
    private boolean lengthSet;
    private ServletOutputStream stream;
    private PrintWriter writer;

    HeadResponse(HttpServletResponse response) {
        super(response);
    }

    @Override
    public void setContentLength(int len) {
        lengthSet = true;
        super.setContentLength(len);
    }

    @Override
    public void setContentLengthLong(long len) {
        lengthSet = true;
        super.setContentLengthLong(len);
    }

    @Override
    public void resetBuffer() {
        counted = 0;
    }

    @Override
    public void reset() {
        super.reset();
        counted = 0;
        lengthSet = false;
    }

    @Override
    public ServletOutputStream getOutputStream() {
        if (stream == null) {
            stream = new ServletOutputStream() {
                @Override
                public boolean isReady() {
                    return true;
                }

                @Override
                public void setWriteListener(WriteListener listener) {
                    try {
                        listener.onWritePossible();
                    } catch (IOException e) {
                        listener.onError(e);
                    }
                }

                @Override
                public void write(int b) {
                    counted++;
                }

                @Override
                public void write(byte[] b, int off, int len) {
                    counted += len;
                }
            };
        }
        return stream;
    }

    @Override
    public PrintWriter getWriter() {
        if (writer == null) {
            OutputStream out = getOutputStream();
            String encoding = getCharacterEncoding();
            writer = new PrintWriter(new OutputStreamWriter(out, encoding == null ? Charset.forName("ISO-8859-1")
                    : Charset.forName(encoding)));
        }
        return writer;
    }

    /** Sets the length of the dropped body, unless the endpoint set one or the response is committed. */
    void finish() {
        if (writer != null) {
            writer.flush();
        }
        if (!lengthSet && !isCommitted()) {
            super.setContentLengthLong(counted);
        }
    }
}
