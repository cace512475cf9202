package dev.tenantry.servlet.internal;

import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.Charset;
import org.jspecify.annotations.Nullable;

/**
 * The response to a {@code HEAD} request served as a {@code GET}: every status and header goes through, the body is
 * counted and dropped, and a {@code Content-Length} of what a {@code GET} would have sent is set unless one was, as
 * RFC 9110 asks of {@code HEAD}. Used by one thread, like any response.
 */
final class HeadResponse extends HttpServletResponseWrapper {

    private final DroppedBody body = new DroppedBody();
    private boolean lengthSet;
    private @Nullable PrintWriter writer;

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
        body.reset();
    }

    @Override
    public void reset() {
        super.reset();
        body.reset();
        lengthSet = false;
    }

    @Override
    public ServletOutputStream getOutputStream() {
        return body;
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
            super.setContentLengthLong(body.count());
        }
    }
}
