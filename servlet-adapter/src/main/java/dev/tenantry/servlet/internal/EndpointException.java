package dev.tenantry.servlet.internal;

import dev.tenantry.servlet.ProblemDetails;

/** Stops an endpoint with a problem to answer. */
final class EndpointException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    @SuppressWarnings("serial") // never serialized
    private final ProblemDetails problem;

    EndpointException(ProblemDetails problem) {
        super(problem.detail(), null, false, false);
        this.problem = problem;
    }

    ProblemDetails problem() {
        return problem;
    }
}
