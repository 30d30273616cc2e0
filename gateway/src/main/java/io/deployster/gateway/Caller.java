package io.deployster.gateway;

/** Who is calling: the project their token belongs to and the token itself. */
public record Caller(GatewayConfig.Project project, GatewayConfig.Token token) {
    /** A stable name for the reader, used for its read positions: project and token name. */
    public String readerId() {
        return project.name() + "." + token.name();
    }

    /**
     * The submittedBy of a job or workflow this caller submits: what the client said, followed by the
     * token it used, so the token is named whatever the client writes there (docs/http-api.md).
     *
     * @param given the client's submittedBy, or null
     * @param route the route, when it is worth naming, or null
     */
    public String submittedBy(String given, String route) {
        String token = "gateway token " + readerId() + (route == null ? "" : " (" + route + ")");
        return given == null || given.isBlank() ? token : given + " (" + token + ")";
    }

    /** @throws ApiError 403 naming the scope when the token lacks it */
    public Caller require(Scope scope) {
        if (!token.allows(scope)) {
            throw ApiError.of(403, "scope", scope.wireName(), "a token with the scope '" + scope.wireName() + "' or 'admin'",
                    "token '" + token.name() + "' of project '" + project.name() + "' may not " + scope.wireName() + " (its scopes: "
                            + String.join(", ", token.scopes().stream().map(Scope::wireName).sorted().toList()) + ")");
        }
        return this;
    }
}
