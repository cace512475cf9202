package dev.tenantry.servlet.internal;

import jakarta.servlet.http.HttpServletRequest;
import java.util.List;
import java.util.Objects;

/** Request paths within the application, and servlet-style path patterns over them. */
public final class Paths {

    private Paths() {
    }

    /** The decoded path of {@code request} within its application: servlet path plus path info, never empty. */
    public static String within(HttpServletRequest request) {
        String servletPath = request.getServletPath();
        String pathInfo = request.getPathInfo();
        String path = pathInfo == null ? servletPath : servletPath == null ? pathInfo : servletPath + pathInfo;
        return path == null || path.isEmpty() ? "/" : path;
    }

    /**
     * Checks a servlet-style pattern: an exact path ({@code /api/health}), a prefix ({@code /api/*}) or {@code /*}.
     *
     * @throws IllegalArgumentException if the pattern is none of those
     */
    public static String checkPattern(String pattern) {
        Objects.requireNonNull(pattern, "pattern");
        if (!pattern.startsWith("/") || pattern.indexOf('*') >= 0 && !pattern.endsWith("/*")
                || pattern.indexOf('*') != pattern.lastIndexOf('*')) {
            throw new IllegalArgumentException("path pattern must be an exact path ('/api/health'), a prefix "
                    + "('/api/*') or '/*', was '" + pattern + "'");
        }
        return pattern;
    }

    /**
     * Checks an endpoint path: starts with '/', does not end with '/', holds no '*'.
     *
     * @throws IllegalArgumentException if it breaks the rule
     */
    public static String checkEndpoint(String path) {
        Objects.requireNonNull(path, "path");
        if (!path.startsWith("/") || path.length() < 2 || path.endsWith("/") || path.indexOf('*') >= 0) {
            throw new IllegalArgumentException("endpoint path must start with '/', not end with '/' and hold no '*', "
                    + "was '" + path + "'");
        }
        return path;
    }

    /** Whether {@code path} matches a servlet-style {@code pattern}. */
    public static boolean matches(String pattern, String path) {
        if (pattern.endsWith("/*")) {
            int base = pattern.length() - 2;
            return base == 0 || path.length() == base && pattern.startsWith(path)
                    || isBelow(pattern, base, path);
        }
        return pattern.equals(path);
    }

    /** Whether {@code path} matches any of {@code patterns}. */
    public static boolean matchesAny(List<String> patterns, String path) {
        for (String pattern : patterns) {
            if (matches(pattern, path)) {
                return true;
            }
        }
        return false;
    }

    /** Whether {@code path} is {@code base} or under it. */
    public static boolean isUnder(String base, String path) {
        return path.equals(base) || isBelow(base, base.length(), path);
    }

    /** Whether {@code path} starts with the first {@code length} characters of {@code base} and then a '/'. */
    private static boolean isBelow(String base, int length, String path) {
        return path.length() > length && path.charAt(length) == '/' && path.regionMatches(0, base, 0, length);
    }
}
