package dev.tenantry.servlet.internal;

import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import java.io.IOException;

/** A body that is counted and dropped: a {@code HEAD} response's, or what is written after a problem was sent. */
final class DroppedBody extends ServletOutputStream {

    private long count;

    /** How many bytes were written. */
    long count() {
        return count;
    }

    /** Forgets what was counted, as a buffer reset discards what was written. */
    void reset() {
        count = 0;
    }

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
        count++;
    }

    @Override
    public void write(byte[] b, int off, int len) {
        count += len;
    }
}
