package dev.tenantry.servlet;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * A sign-in as an application writes it with Tenantry: {@code POST ?user=&password=} asks Tenantry whether the
 * credential may be checked, checks it (every user's password is {@value #PASSWORD}; users are {@code ann} and
 * {@code bob}), and reports a failure to Tenantry, which answers it.
 */
class LoginServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;

    static final String PASSWORD = "right";

    @Override
    protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String user = request.getParameter("user");
        if (!TenantryServlet.mayAttemptAuthentication(request, response, user)) {
            return;
        }
        boolean known = "ann".equals(user) || "bob".equals(user);
        if (!known || !PASSWORD.equals(request.getParameter("password"))) {
            TenantryServlet.authenticationFailed(request, response, user, known ? "wrong password" : "unknown user");
            return;
        }
        response.setContentType("application/json");
        response.getWriter().write("{\"signedIn\":\"" + user + "\"}");
    }
}
