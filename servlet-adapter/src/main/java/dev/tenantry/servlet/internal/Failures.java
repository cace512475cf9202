package dev.tenantry.servlet.internal;

import com.mongodb.ErrorCategory;
import com.mongodb.MongoBulkWriteException;
import com.mongodb.MongoCommandException;
import com.mongodb.MongoServerException;
import com.mongodb.MongoWriteException;
import com.mongodb.bulk.BulkWriteError;
import dev.tenantry.MissingTenantException;
import dev.tenantry.TenantId;
import dev.tenantry.Tenants;
import dev.tenantry.directory.TenantStatusException;
import dev.tenantry.servlet.ProblemDetails;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * What an exception that escaped the application means to the caller. A duplicate key is a conflict (409) naming the
 * fields and values that clash, which are the caller's own (they come from the caller's write, and every unique index
 * a tenant-scoped collection creates leads with the tenant); a missing tenant is 400, an inactive one 403; an HTTP
 * error the container raised (a form too large, say) keeps its status. Anything else is a 500 whose detail says
 * nothing of the exception, which is logged with the request id instead: its message may name hosts, databases,
 * collections, indexes or other tenants.
 */
final class Failures {

    /** How deep the cause chain is searched. */
    private static final int MAX_DEPTH = 8;
    /** The longest value shown for a clashing field. */
    private static final int MAX_VALUE = 80;

    private Failures() {
    }

    /** The problem to answer {@code e} with; logs it when it is unexpected. */
    static ProblemDetails problemFor(Throwable e, HttpServletRequest request) {
        Throwable t = e;
        for (int depth = 0; t != null && depth < MAX_DEPTH; depth++, t = next(t)) {
            if (t instanceof EndpointException endpoint) {
                return endpoint.problem();
            }
            String duplicate = duplicateKeyMessage(t);
            if (duplicate != null) {
                return Problems.duplicate(describeDuplicate(duplicate, Tenants.currentIfPresent().orElse(
                        request.getAttribute(Attributes.TENANT) instanceof TenantId id ? id : null)));
            }
            if (t instanceof MissingTenantException) {
                return Problems.missingTenant();
            }
            if (t instanceof TenantStatusException status) {
                return Problems.inactiveTenant(status.status());
            }
            int code = containerStatus(t);
            if (code >= 400 && code <= 599) {
                return Problems.forStatus(code);
            }
        }
        FrontFilter.logUnexpected(e, request);
        return Problems.internalError();
    }

    private static @Nullable Throwable next(Throwable t) {
        Throwable cause = t instanceof ServletException s && s.getRootCause() != null ? s.getRootCause()
                : t.getCause();
        return cause == t ? null : cause;
    }

    /** The server's message of a duplicate key error, classified by its code; null for anything else. */
    private static @Nullable String duplicateKeyMessage(Throwable t) {
        if (t instanceof MongoWriteException write
                && ErrorCategory.fromErrorCode(write.getError().getCode()) == ErrorCategory.DUPLICATE_KEY) {
            return write.getError().getMessage();
        }
        if (t instanceof MongoBulkWriteException bulk) {
            for (BulkWriteError error : bulk.getWriteErrors()) {
                if (ErrorCategory.fromErrorCode(error.getCode()) == ErrorCategory.DUPLICATE_KEY) {
                    return error.getMessage();
                }
            }
        }
        if (t instanceof MongoCommandException command
                && ErrorCategory.fromErrorCode(command.getCode()) == ErrorCategory.DUPLICATE_KEY) {
            return command.getErrorMessage();
        }
        if (t instanceof MongoServerException server
                && ErrorCategory.fromErrorCode(server.getCode()) == ErrorCategory.DUPLICATE_KEY) {
            return "";
        }
        return null;
    }

    /**
     * The clashing fields and values of a duplicate key message, as {@code email "ann@example.com"}: read from the
     * {@code dup key: { ... }} part the server appends (the index, collection and database named before it are left
     * out), without the tenant's own id (the tenant field) and without null values (a soft-delete key a live document
     * lacks). Null when the message has no such part, or it cannot be read.
     */
    static @Nullable String describeDuplicate(String message, @Nullable TenantId tenant) {
        int start = message.indexOf("dup key: {");
        int end = message.lastIndexOf('}');
        if (start < 0 || end <= start) {
            return null;
        }
        String body = message.substring(start + "dup key: {".length(), end).trim();
        List<String> shown = new ArrayList<>();
        for (String part : splitTopLevel(body)) {
            int colon = part.indexOf(':');
            String name = colon < 0 ? "" : part.substring(0, colon).trim();
            String value = colon < 0 ? part.trim() : part.substring(colon + 1).trim();
            if (value.equals("null") || value.isEmpty()
                    || tenant != null && value.equals("\"" + tenant.value() + "\"")) {
                continue;
            }
            String field = AuthFailure.printable(name, 64);
            shown.add((field.isEmpty() ? "" : field + " ") + AuthFailure.printable(value, MAX_VALUE));
        }
        return shown.isEmpty() ? null : String.join(", ", shown);
    }

    /** {@code body} split at the commas that are not inside quotes, braces, brackets or parentheses. */
    private static List<String> splitTopLevel(String body) {
        List<String> parts = new ArrayList<>();
        int depth = 0;
        boolean quoted = false;
        int from = 0;
        for (int i = 0; i < body.length(); i++) {
            char c = body.charAt(i);
            if (quoted) {
                if (c == '\\') {
                    i++;
                } else if (c == '"') {
                    quoted = false;
                }
            } else if (c == '"') {
                quoted = true;
            } else if (c == '{' || c == '[' || c == '(') {
                depth++;
            } else if (c == '}' || c == ']' || c == ')') {
                depth--;
            } else if (c == ',' && depth == 0) {
                parts.add(body.substring(from, i));
                from = i + 1;
            }
        }
        parts.add(body.substring(from));
        return parts;
    }

    /**
     * The HTTP status a container's own exception carries (Jetty's {@code BadMessageException}, for a form too large
     * or malformed): read through its {@code getCode()}, so the adapter needs no container on its class path.
     */
    private static int containerStatus(Throwable t) {
        String type = t.getClass().getName();
        if (!type.startsWith("org.eclipse.jetty.") && !type.startsWith("org.apache.catalina.")
                && !type.startsWith("org.apache.coyote.") && !type.startsWith("io.undertow.")) {
            return 0;
        }
        try {
            Method getCode = t.getClass().getMethod("getCode");
            Object code = getCode.invoke(t);
            return code instanceof Integer i ? i : 0;
        } catch (ReflectiveOperationException | RuntimeException e) {
            return 0;
        }
    }
}
