package io.deployster.policy;

import io.deployster.job.JobSpec;
import io.deployster.job.Mode;
import io.deployster.sign.RejectedJobException;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * What an operator allows on this host, from a properties file (docs/security.md has an example).
 * Keys take a project name or {@code *} for every project:
 * <pre>
 * projects = shop, blog               # projects this worker runs
 * cd.shop = /var/www/shop             # directories commands may run in (symlinks resolved)
 * playbooks.* = /srv/deploy           # directories playbooks and ansible's cwd may be in
 * commands.shop = ^(yarn .*|supervisorctl restart shop--main)$   # every command must match
 * last-command.* = ^supervisorctl (start|restart) \S+$           # the last command must match
 * env.* = NODE_ENV, APP_*             # variable names allowed in env and secretEnv
 * extra-vars.* = release, app_*      # names allowed in extraVars and secretExtraVars (ansible_* only when listed)
 * callbacks.* = 10.20.0.0/16          # private blocks callbacks may reach besides public addresses
 * </pre>
 * With a policy, a project or directory not listed is refused. Without a policy file, a worker runs
 * every valid job (and says so loudly when it starts). Callbacks never reach loopback, link-local,
 * private or other special addresses unless a {@code callbacks.P} block allows them, with or without a
 * policy file (docs/security.md, "Callbacks").
 */
public final class WorkerPolicy {
    private static final Set<String> PREFIXES = Set.of("cd.", "playbooks.", "commands.", "last-command.", "env.", "extra-vars.", "callbacks.");
    private final Properties rules;
    private final String source;

    private WorkerPolicy(Properties rules, String source) {
        this.rules = rules;
        this.source = source;
    }

    /** @throws IllegalArgumentException naming the key or pattern that is wrong */
    public static WorkerPolicy load(Path file) throws IOException {
        Properties p = new Properties();
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(in);
        }
        WorkerPolicy policy = new WorkerPolicy(p, file.toString());
        policy.checkSyntax();
        return policy;
    }

    public static WorkerPolicy of(Map<String, String> rules) {
        Properties p = new Properties();
        p.putAll(rules);
        WorkerPolicy policy = new WorkerPolicy(p, "policy");
        policy.checkSyntax();
        return policy;
    }

    private void checkSyntax() {
        for (String key : rules.stringPropertyNames()) {
            if (!key.equals("projects") && PREFIXES.stream().noneMatch(key::startsWith)) {
                throw new IllegalArgumentException("unknown key '" + key + "' in " + source
                        + "; use projects, cd.P, playbooks.P, commands.P, last-command.P, env.P, extra-vars.P or callbacks.P (P a project or *)");
            }
            if (key.startsWith("commands.") || key.startsWith("last-command.")) {
                try {
                    Pattern.compile(rules.getProperty(key));
                } catch (PatternSyntaxException e) {
                    throw new IllegalArgumentException("'" + key + "' in " + source + " is not a valid regular expression: " + e.getDescription());
                }
            }
            if (key.startsWith("callbacks.")) {
                for (String block : split(rules.getProperty(key))) {
                    try {
                        AddressRange.parse(block);
                    } catch (IllegalArgumentException e) {
                        throw new IllegalArgumentException("'" + key + "' in " + source + ": " + e.getMessage());
                    }
                }
            }
        }
    }

    /**
     * The address blocks a callback of {@code project}'s jobs may reach besides public addresses
     * ({@code callbacks.P}, else {@code callbacks.*}); empty when none is set.
     */
    public List<AddressRange> callbackRanges(String project) {
        return forProject("callbacks", project).stream().map(AddressRange::parse).toList();
    }

    /** Where the rules come from (the file's path), for messages. */
    public String source() {
        return source;
    }

    /** @throws RejectedJobException naming the rule the job breaks */
    public void check(JobSpec spec) throws RejectedJobException {
        String project = spec.project();
        List<String> projects = list("projects");
        if (!projects.isEmpty() && !projects.contains("*") && !projects.contains(project)) {
            throw reject("project '" + project + "' is not served here (projects = " + String.join(", ", projects) + ")");
        }
        if (spec.mode() == Mode.COMMANDS) {
            within("cd", project, Path.of(spec.cd()), "the directory");
            commands(project, spec.commands());
            names(project, spec.env() == null ? List.of() : List.copyOf(spec.env().keySet()));
            names(project, spec.secretEnv() == null ? List.of() : List.copyOf(spec.secretEnv().keySet()));
        } else {
            Path cwd = Path.of(spec.cwd() == null ? System.getProperty("user.dir") : spec.cwd());
            within("playbooks", project, cwd, "ansible's working directory");
            within("playbooks", project, cwd.resolve(spec.playbook()), "the playbook");
            if (spec.inventory() != null && spec.inventory().contains(",")) {
                // ansible-playbook takes it for a list of hosts: the job would choose the hosts the
                // playbook (and the secrets and vault files it uses) goes to, instead of an inventory here
                throw reject("the inventory '" + spec.inventory() + "' is a list of hosts (it holds a comma), which is not an inventory in playbooks."
                        + key("playbooks", project) + " = " + String.join(", ", forProject("playbooks", project))
                        + "; put the hosts in an inventory file there and name that file");
            }
            if (spec.inventory() != null) {
                within("playbooks", project, cwd.resolve(spec.inventory()), "the inventory");
            }
            extraVarNames(project, spec.extraVars() == null ? List.of() : List.copyOf(spec.extraVars().keySet()));
            extraVarNames(project, spec.secretExtraVars() == null ? List.of() : List.copyOf(spec.secretExtraVars().keySet()));
        }
    }

    private void within(String rule, String project, Path path, String what) throws RejectedJobException {
        List<String> roots = forProject(rule, project);
        if (roots.isEmpty()) {
            throw reject("no " + rule + " directories are allowed for project '" + project + "'; add " + rule + "." + project + " = DIR");
        }
        Path real;
        try {
            real = path.toRealPath();
        } catch (IOException e) {
            throw reject(what + " '" + path + "' does not exist on this host");
        }
        for (String root : roots) {
            try {
                if (real.startsWith(Path.of(root).toRealPath())) {
                    return;
                }
            } catch (IOException e) {
                // a root that does not exist allows nothing
            }
        }
        throw reject(what + " '" + path + "' (resolved: " + real + ") is outside " + rule + " = " + String.join(", ", roots));
    }

    private void commands(String project, List<String> commands) throws RejectedJobException {
        String every = rule("commands", project);
        if (every != null) {
            Pattern p = Pattern.compile(every);
            for (int i = 0; i < commands.size(); i++) {
                if (!p.matcher(commands.get(i)).matches()) {
                    throw reject("command " + (i + 1) + " '" + commands.get(i) + "' does not match commands." + key("commands", project) + " = " + every);
                }
            }
        }
        String last = rule("last-command", project);
        if (last != null && !Pattern.compile(last).matcher(commands.get(commands.size() - 1)).matches()) {
            throw reject("the last command '" + commands.get(commands.size() - 1) + "' does not match last-command."
                    + key("last-command", project) + " = " + last);
        }
    }

    private void names(String project, List<String> names) throws RejectedJobException {
        List<String> allowed = forProject("env", project);
        if (allowed.isEmpty() && rule("env", project) == null) {
            // a variable can change what an allowed command runs (NODE_OPTIONS=--import=data:...,
            // PERL5OPT, LD_PRELOAD), so a commands rule without an env rule allows no variables
            if (rule("commands", project) != null && !names.isEmpty()) {
                throw reject("variable '" + names.get(0) + "' is not allowed: commands." + key("commands", project) + " limits the commands run here, "
                        + "and a variable such as NODE_OPTIONS, PERL5OPT or LD_PRELOAD changes what an allowed command runs; list the names "
                        + "project '" + project + "' may set with env." + project + " = " + names.get(0));
            }
            return;
        }
        for (String name : names) {
            if (allowed.stream().noneMatch(glob -> Pattern.matches(glob.replace("*", "[A-Za-z0-9_]*"), name))) {
                throw reject("variable '" + name + "' is not allowed (env." + key("env", project) + " = " + String.join(", ", allowed) + ")");
            }
        }
    }

    /*
     * Extra vars outrank every other variable, Ansible's own connection and behaviour variables
     * included: ansible_python_interpreter, ansible_shell_executable or ansible_ssh_common_args (a
     * ProxyCommand) run any command on this host, whatever playbook the policy allows. So ansible_*
     * names are refused unless extra-vars.P names them; other names are refused only when extra-vars.P is set.
     */
    private void extraVarNames(String project, List<String> names) throws RejectedJobException {
        List<String> allowed = forProject("extra-vars", project);
        boolean listed = !allowed.isEmpty() || rule("extra-vars", project) != null;
        for (String name : names) {
            boolean matches = allowed.stream().anyMatch(glob -> Pattern.matches(glob.replace("*", "[A-Za-z0-9_]*"), name));
            if (listed && !matches) {
                throw reject("extra var '" + name + "' is not allowed (extra-vars." + key("extra-vars", project) + " = " + String.join(", ", allowed) + ")");
            }
            if (!listed && name.startsWith("ansible_")) {
                throw reject("extra var '" + name + "' is not allowed: ansible_* variables set how Ansible connects and runs, and can run commands "
                        + "on this host (an interpreter, a shell, ssh arguments); allow it by name with extra-vars." + project + " = " + name);
            }
        }
    }

    private String key(String rule, String project) {
        return rules.containsKey(rule + "." + project) ? project : "*";
    }

    private String rule(String rule, String project) {
        String specific = rules.getProperty(rule + "." + project);
        return specific != null ? specific : rules.getProperty(rule + ".*");
    }

    private List<String> forProject(String rule, String project) {
        String value = rule(rule, project);
        return value == null ? List.of() : split(value);
    }

    private List<String> list(String key) {
        String value = rules.getProperty(key);
        return value == null ? List.of() : split(value);
    }

    private static List<String> split(String value) {
        return new ArrayList<>(Arrays.stream(value.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList());
    }

    private RejectedJobException reject(String what) {
        return new RejectedJobException("outside this worker's policy (" + source + "): " + what);
    }
}
