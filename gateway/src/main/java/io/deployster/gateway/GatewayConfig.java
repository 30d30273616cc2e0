package io.deployster.gateway;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What {@code gateway.yml} says (docs/http-api.md, "Configuration"). Read once at start by
 * {@link GatewayConfigReader}; immutable afterwards.
 *
 * @param baseUrl public address of the gateway for Location headers, without a trailing slash; null to take it from each request
 * @param maxBodyBytes largest request body accepted; larger ones get 413
 * @param authFailuresPerMinute failed authentications allowed per client address and minute before 429
 */
public record GatewayConfig(String baseUrl, long maxBodyBytes, int authFailuresPerMinute, Map<String, Project> projects) {

    public GatewayConfig {
        projects = Map.copyOf(projects);
    }

    /** A token as configured: its name (for logs and read positions), the SHA-256 of its text, and its scopes. */
    public record Token(String name, byte[] sha256, Set<Scope> scopes) {
        public Token {
            sha256 = sha256.clone();
            scopes = Set.copyOf(scopes);
        }

        public boolean allows(Scope scope) {
            return scopes.contains(scope) || scopes.contains(Scope.ADMIN);
        }
    }

    /** Values a job of the project gets when its request leaves them out. Null means none. */
    public record Defaults(String cd, List<String> commands, String playbook, String inventory, String cwd, Integer timeoutSeconds) {
        public static final Defaults NONE = new Defaults(null, null, null, null, null, null);

        public Defaults {
            commands = commands == null ? null : List.copyOf(commands);
        }
    }

    /** A stage (selected by the ref deployed, e.g. {@code main}): variables written to the job's {@code .env}. */
    public record Stage(Map<String, String> env) {
        public Stage {
            // in the config's order, which .env keeps (Map.copyOf would not)
            env = Collections.unmodifiableMap(new LinkedHashMap<>(env));
        }
    }

    /** A repository deployed with a playbook through {@code POST /deploy/<repo>/<tag>}. */
    public record Repo(String playbook, String inventory, String cwd, String tagVariable) {
    }

    /**
     * @param requireSupervisorRestart the compatible {@code POST /deploy} route fails jobs whose last command is
     *     not {@code supervisorctl start|restart <program>}
     */
    public record Project(String name, String queue, List<Token> tokens, Defaults defaults, Map<String, Stage> stages,
                          Map<String, Repo> repos, boolean requireSupervisorRestart, TaskList taskList) {
        public Project {
            tokens = List.copyOf(tokens);
            stages = Map.copyOf(stages);
            repos = Map.copyOf(repos);
            taskList = taskList == null ? TaskList.NONE : taskList;
        }
    }

    /**
     * How the task-list route ({@code POST /submit}) runs a project's tasks.
     *
     * @param queue where its tasks go; null: the project's queue
     * @param engine the container CLI of container tasks; null: docker
     * @param images image name to command prefix: a task of such an image runs {@code PREFIX... ARGS...} as a commands
     *     task instead of a container (for hosts without a container engine, and the end-to-end test)
     * @param cd directory of those command tasks; null: the project's defaults.cd, else /
     * @param timeoutSeconds each task's limit; null: defaults.timeoutSeconds
     */
    public record TaskList(String queue, String engine, Map<String, List<String>> images, String cd, Integer timeoutSeconds) {
        public static final TaskList NONE = new TaskList(null, null, Map.of(), null, null);

        public TaskList {
            images = Map.copyOf(images);
        }
    }
}
