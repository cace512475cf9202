package dev.tenantry.servlet.internal;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import java.io.IOException;

/**
 * A request whose async work runs inside a {@link Scope}: {@link AsyncContext#start(Runnable)} runnables and {@link
 * AsyncListener} callbacks of contexts started through it run with the request's tenant and audit context, and leave
 * the container's thread as they found it. Filters that open a scope pass one of these down the chain; wrappers nest.
 */
public final class BindingRequest extends HttpServletRequestWrapper {

    private final Scope scope;

    /** Wraps {@code request}; its async work runs inside {@code scope}. */
    public BindingRequest(HttpServletRequest request, Scope scope) {
        super(request);
        this.scope = scope;
    }

    @Override
    public AsyncContext startAsync() {
        return new BoundAsyncContext(super.startAsync(), scope);
    }

    @Override
    public AsyncContext startAsync(ServletRequest request, ServletResponse response) {
        return new BoundAsyncContext(super.startAsync(request, response), scope);
    }

    @Override
    public AsyncContext getAsyncContext() {
        AsyncContext context = super.getAsyncContext();
        return context instanceof BoundAsyncContext ? context : new BoundAsyncContext(context, scope);
    }

    /** An async context that runs its work and listeners inside a scope. */
    private static final class BoundAsyncContext implements AsyncContext {
        private final AsyncContext delegate;
        private final Scope scope;

        BoundAsyncContext(AsyncContext delegate, Scope scope) {
            this.delegate = delegate;
            this.scope = scope;
        }

        @Override
        public ServletRequest getRequest() {
            return delegate.getRequest();
        }

        @Override
        public ServletResponse getResponse() {
            return delegate.getResponse();
        }

        @Override
        public boolean hasOriginalRequestAndResponse() {
            return delegate.hasOriginalRequestAndResponse();
        }

        @Override
        public void dispatch() {
            delegate.dispatch();
        }

        @Override
        public void dispatch(String path) {
            delegate.dispatch(path);
        }

        @Override
        public void dispatch(ServletContext context, String path) {
            delegate.dispatch(context, path);
        }

        @Override
        public void complete() {
            delegate.complete();
        }

        @Override
        public void start(Runnable run) {
            delegate.start(scope.bind(run));
        }

        @Override
        public void addListener(AsyncListener listener) {
            delegate.addListener(new BoundListener(listener, scope));
        }

        @Override
        public void addListener(AsyncListener listener, ServletRequest request, ServletResponse response) {
            delegate.addListener(new BoundListener(listener, scope), request, response);
        }

        @Override
        public <T extends AsyncListener> T createListener(Class<T> type) throws ServletException {
            return delegate.createListener(type);
        }

        @Override
        public void setTimeout(long timeout) {
            delegate.setTimeout(timeout);
        }

        @Override
        public long getTimeout() {
            return delegate.getTimeout();
        }
    }

    /** A listener whose callbacks run inside a scope. */
    private record BoundListener(AsyncListener delegate, Scope scope) implements AsyncListener {
        @Override
        public void onComplete(AsyncEvent event) throws IOException {
            call(() -> delegate.onComplete(event));
        }

        @Override
        public void onTimeout(AsyncEvent event) throws IOException {
            call(() -> delegate.onTimeout(event));
        }

        @Override
        public void onError(AsyncEvent event) throws IOException {
            call(() -> delegate.onError(event));
        }

        @Override
        public void onStartAsync(AsyncEvent event) throws IOException {
            call(() -> delegate.onStartAsync(event));
        }

        private void call(Scope.Work work) throws IOException {
            try {
                scope.run(work);
            } catch (ServletException e) {
                throw new IOException(e);
            }
        }
    }
}
