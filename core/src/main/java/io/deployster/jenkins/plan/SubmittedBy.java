package io.deployster.jenkins.plan;

/** How a Jenkins build introduces itself to deploys that wait behind its job. */
public final class SubmittedBy {
    private SubmittedBy() {
    }

    /**
     * @param buildName the build's full display name, e.g. {@code shop » main #42}
     * @param buildUrl the build's absolute URL, or null when Jenkins' root URL is not configured
     */
    public static String describe(String buildName, String buildUrl) {
        String name = buildName == null || buildName.isBlank() ? "a Jenkins build" : "Jenkins build " + buildName.strip();
        return buildUrl == null || buildUrl.isBlank() ? name : name + " " + buildUrl.strip();
    }

    /** Root URL plus a build's relative URL, or null when the root URL is unknown. */
    public static String absoluteUrl(String rootUrl, String buildUrl) {
        if (rootUrl == null || rootUrl.isBlank() || buildUrl == null) {
            return null;
        }
        String root = rootUrl.endsWith("/") ? rootUrl : rootUrl + "/";
        return root + (buildUrl.startsWith("/") ? buildUrl.substring(1) : buildUrl);
    }
}
