package io.deployster.cli;

import io.deployster.client.DeploysterClient;
import io.deployster.job.JobCodec;
import io.deployster.job.JobSpec;
import io.deployster.job.JobState;
import io.deployster.job.Mode;
import io.deployster.log.LogFollower;
import io.deployster.secret.Secrets;
import io.deployster.workflow.WorkflowParser;
import io.deployster.workflow.WorkflowSpec;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "submit", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Queue a deploy job, print its id, follow its log live and exit with its result.",
                "Commands form: --cd DIR --command CMD [--command CMD ...] [--env K=V ...]",
                "Ansible form:  --playbook FILE [--inventory I] [--limit L] [--tag T ...] [--extra-var K=V ...] [--extra-var-json K=JSON ...] [--check] [--diff]",
                "The job's stdout goes to stdout and its stderr to stderr; Deployster's notes go to stderr."})
final class SubmitCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;
    @Mixin
    RedisOption redis;
    @Mixin
    KeysOption keys;

    @Option(names = "--workflow", paramLabel = "FILE", description = {"Submit a workflow (YAML or JSON, docs/workflows.md) instead of a job;",
            "--project, --ref, --commit, --submitted-by and --timeout override its fields. Its log is the combined log of its tasks."})
    Path workflowFile;
    @Option(names = "--spec", paramLabel = "FILE", description = "Start from a job spec in JSON (see docs/protocol.md); other options override its fields.")
    Path specFile;
    @Option(names = "--project", description = "Project name; deploys of one project never overlap.")
    String project;
    @Option(names = "--queue", description = "Queue the workers of the target hosts serve (default: deploy).")
    String queue;
    @Option(names = "--ref", description = "Git ref being deployed (tag or branch).")
    String ref;
    @Option(names = "--commit", description = "Commit being deployed.")
    String commit;
    @Option(names = "--timeout", paramLabel = "SECONDS", description = {"End the job as timed out after it has run this long.",
            "Counts from its start on a worker: time queued or waiting for the project lock is not counted."})
    Integer timeoutSeconds;
    @Option(names = "--submitted-by", paramLabel = "TEXT", description = "Who or what submits (e.g. a build URL); shown to jobs waiting behind this one.")
    String submittedBy;

    @Option(names = "--cd", paramLabel = "DIR", description = "Directory on the deploy host to run the commands in.")
    String cd;
    @Option(names = "--command", paramLabel = "CMD", description = "Command to run with /bin/sh -c; repeat in order. The job stops at the first failure.")
    List<String> commands;
    @Option(names = "--env", paramLabel = "K=V", description = "Variable written to DIR/.env and exported to the commands, exactly as given; repeatable, kept in order.")
    List<String> env;

    @Option(names = "--secret-env", paramLabel = "NAME[=V]", description = {"Secret variable, exported and written to DIR/.env like --env,",
            "but encrypted in Redis and masked as **** in the log. NAME alone takes the value of $NAME. Needs a signing key."})
    List<String> secretEnv;

    @Option(names = "--playbook", paramLabel = "FILE", description = "Playbook for ansible-playbook on the worker.")
    String playbook;
    @Option(names = "--inventory", paramLabel = "I")
    String inventory;
    @Option(names = "--limit", paramLabel = "L")
    String limit;
    @Option(names = "--tag", paramLabel = "T", description = "Ansible tag to run; repeatable.")
    List<String> tags;
    @Option(names = "--extra-var", paramLabel = "K=V|@FILE", description = "Ansible extra variable as text, or @FILE: a JSON object of variables; repeatable.")
    List<String> extraVars;
    @Option(names = "--extra-var-json", paramLabel = "K=JSON", description = "Ansible extra variable as a JSON value (list, object, number, true, null...), e.g. 'hosts=[\"a\",\"b\"]'; repeatable.")
    List<String> extraVarsJson;
    @Option(names = "--secret-extra-var", paramLabel = "NAME[=V]", description = "Secret Ansible extra variable (see --secret-env); passed in a private file.")
    List<String> secretExtraVars;
    @Option(names = "--check", description = "Ansible check mode.")
    boolean check;
    @Option(names = "--diff", description = "Ansible diff mode.")
    boolean diff;
    @Option(names = "--verbosity", paramLabel = "0-4", description = "Number of -v for ansible-playbook.")
    Integer verbosity;
    @Option(names = "--cwd", paramLabel = "DIR", description = "Directory to run ansible-playbook in on the worker.")
    String cwd;

    @Option(names = "--no-follow", description = "Print the job id and exit without waiting for the job.")
    boolean noFollow;
    @Option(names = {"-q", "--quiet"}, description = "Print only the job id, its output and its result (no notes of Deployster's own).")
    boolean quiet;

    @Override
    public Integer call() throws Exception {
        if (workflowFile != null) {
            return submitWorkflow();
        }
        JobSpec job = build();
        Secrets secrets = new Secrets(secretValues(secretEnv), new LinkedHashMap<>(secretValues(secretExtraVars)));
        warnValuesOnCommandLine("--secret-env", secretEnv);
        warnValuesOnCommandLine("--secret-extra-var", secretExtraVars);
        try (DeploysterClient client = redis.client(keys.signer())) {
            return follow(client, client.submit(job, secrets), List.of(job.queueOrDefault()));
        }
    }

    private Integer submitWorkflow() throws Exception {
        List<String> clash = jobOptions();
        if (!clash.isEmpty()) {
            // each task of the file says these itself: silently dropping them would deploy something else than asked
            throw new IllegalArgumentException("--workflow cannot be combined with " + String.join(", ", clash)
                    + ": a workflow's tasks give their own commands, playbooks and queues (docs/workflows.md); "
                    + "only --project, --ref, --commit, --submitted-by, --timeout, --no-follow and --quiet apply to it");
        }
        WorkflowSpec wf = new WorkflowParser().parse(readText("workflow", workflowFile));
        wf = new WorkflowSpec(project != null ? project : wf.project(), submittedBy != null ? submittedBy : wf.submittedBy(),
                ref != null ? ref : wf.ref(), commit != null ? commit : wf.commit(),
                timeoutSeconds != null ? timeoutSeconds : wf.timeoutSeconds(), wf.callbackUrl(), wf.tasks());
        try (DeploysterClient client = redis.client(keys.signer())) {
            String id = client.submitWorkflow(wf);
            return follow(client, id, wf.tasks().values().stream().map(t -> t.queue() == null ? JobSpec.DEFAULT_QUEUE : t.queue()).toList());
        }
    }

    // Prints the id, warns when no worker serves one of the queues, follows unless told not to.
    private Integer follow(DeploysterClient client, String id, List<String> queues) throws InterruptedException {
        PrintWriter err = spec.commandLine().getErr();
        // registered before the id is printed: a script that stops this command once it has the id gets the notice
        try (StopNotice notice = noFollow ? null : StopNotice.register(id, err)) {
            spec.commandLine().getOut().println(id);
            spec.commandLine().getOut().flush();
            warnUnserved(client, id, queues, err);
            if (noFollow) {
                return ExitCodes.SUCCEEDED;
            }
            JobState state = client.follow(id, LogFollower.START, new Console(spec.commandLine().getOut(), err, quiet));
            err.println(Console.summary(state));
            return ExitCodes.of(state.status());
        }
    }

    // A job on a queue no live worker serves waits, and its project's later deploys wait behind it, until
    // a worker serves it: most often a mistyped queue name, which the producer is the first to be able to see.
    private static void warnUnserved(DeploysterClient client, String id, List<String> queues, PrintWriter err) {
        List<String> unserved = client.unserved(queues);
        if (unserved.isEmpty()) {
            return;
        }
        String names = unserved.size() == 1 ? "queue '" + unserved.get(0) + "'" : "queues '" + String.join("', '", unserved) + "'";
        err.println("deployster: warning: no live worker serves " + names + "; " + id + " waits there, and its project's later "
                + "deploys wait behind it, until a worker runs with --queues " + String.join(",", unserved)
                + ". Check the name ('deployster workers' lists what each worker serves), or stop it: deployster cancel " + id);
        err.flush();
    }

    /** The job options given, as written on the command line. */
    private List<String> jobOptions() {
        Map<String, Object> options = new LinkedHashMap<>();
        options.put("--spec", specFile);
        options.put("--queue", queue);
        List<String> given = given(options);
        given.addAll(commandsOptions());
        given.addAll(ansibleOptions());
        return given;
    }

    /** The options of a commands job given. */
    private List<String> commandsOptions() {
        Map<String, Object> options = new LinkedHashMap<>();
        options.put("--cd", cd);
        options.put("--command", commands);
        options.put("--env", env);
        options.put("--secret-env", secretEnv);
        return given(options);
    }

    /** The options of an Ansible job given. */
    private List<String> ansibleOptions() {
        Map<String, Object> options = new LinkedHashMap<>();
        options.put("--playbook", playbook);
        options.put("--inventory", inventory);
        options.put("--limit", limit);
        options.put("--tag", tags);
        options.put("--extra-var", extraVars);
        options.put("--extra-var-json", extraVarsJson);
        options.put("--secret-extra-var", secretExtraVars);
        options.put("--check", check ? true : null);
        options.put("--diff", diff ? true : null);
        options.put("--verbosity", verbosity);
        options.put("--cwd", cwd);
        return given(options);
    }

    private static List<String> given(Map<String, Object> options) {
        List<String> given = new ArrayList<>();
        options.forEach((name, value) -> {
            if (value != null) {
                given.add(name);
            }
        });
        return given;
    }

    /**
     * A file's text, UTF-8.
     *
     * @throws IllegalArgumentException (a usage error) saying what is wrong with the file: absent, a directory, unreadable, not text
     */
    private static String readText(String what, Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException(what + " file '" + file + "' does not exist");
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException(what + " file '" + file + "' is not UTF-8 text (a binary file?); give a YAML or JSON file");
        } catch (AccessDeniedException e) {
            throw new IllegalArgumentException(what + " file '" + file + "' cannot be read: permission denied");
        } catch (IOException e) {
            throw new IllegalArgumentException(what + " file '" + file + "' cannot be read"
                    + (Files.isDirectory(file) ? ": it is a directory" : " (" + e + ")"));
        }
    }

    // ps and /proc/PID/cmdline show every process's arguments to every user of the host
    private void warnValuesOnCommandLine(String option, List<String> given) {
        if (given == null) {
            return;
        }
        for (String item : given) {
            int eq = item.indexOf('=');
            if (eq >= 0) {
                String name = item.substring(0, eq);
                spec.commandLine().getErr().println("deployster: warning: " + option + " " + name + "=VALUE puts the secret on this command line, "
                        + "where ps shows it to every user of this host (and shell history or a CI log may keep it); export " + name
                        + " and give " + option + " " + name + " instead");
            }
        }
    }

    private static Map<String, String> secretValues(List<String> given) {
        Map<String, String> values = new LinkedHashMap<>();
        if (given != null) {
            for (String item : given) {
                int eq = item.indexOf('=');
                String name = eq < 0 ? item : item.substring(0, eq);
                String value = eq < 0 ? System.getenv(name) : item.substring(eq + 1);
                if (value == null) {
                    throw new IllegalArgumentException("secret '" + name + "' has no value: set the environment variable " + name + " (export " + name + ")");
                }
                values.put(name, value);
            }
        }
        return values;
    }

    JobSpec build() throws IOException {
        JobSpec base = specFile == null ? new JobSpec.Builder().build()
                : JobCodec.parseSpec(readText("spec", specFile));
        List<String> commandsOptions = commandsOptions();
        List<String> ansibleOptions = ansibleOptions();
        if (!commandsOptions.isEmpty() && !ansibleOptions.isEmpty()) {
            // which of the two was meant cannot be told: the other's options would be refused one by one as fields of a spec
            throw new IllegalArgumentException(String.join(", ", commandsOptions) + " (of a commands job) cannot be combined with "
                    + String.join(", ", ansibleOptions) + " (of an Ansible job): a job runs commands or a playbook; "
                    + "a playbook takes a secret as --secret-extra-var");
        }
        String mode = base.modeName();
        if (!commandsOptions.isEmpty()) {
            mode = Mode.COMMANDS.wireName();
        } else if (playbook != null || extraVars != null || extraVarsJson != null || secretExtraVars != null) {
            mode = Mode.ANSIBLE.wireName();
        }
        JobSpec.Builder b = base.toBuilder().mode(mode);
        if (project != null) b.project(project);
        if (queue != null) b.queue(queue);
        if (ref != null) b.ref(ref);
        if (commit != null) b.commit(commit);
        if (timeoutSeconds != null) b.timeoutSeconds(timeoutSeconds);
        if (submittedBy != null) b.submittedBy(submittedBy);
        if (cd != null) b.cd(cd);
        if (commands != null) b.commands(commands);
        if (env != null) b.env(NameValues.text("--env", env));
        if (playbook != null) b.playbook(playbook);
        if (inventory != null) b.inventory(inventory);
        if (limit != null) b.limit(limit);
        if (tags != null) b.tags(String.join(",", tags));
        if (extraVars != null || extraVarsJson != null) {
            Map<String, Object> vars = new LinkedHashMap<>(base.extraVars() == null ? Map.of() : base.extraVars());
            vars.putAll(NameValues.extraVars("--extra-var", extraVars == null ? List.of() : extraVars, false));
            vars.putAll(NameValues.extraVars("--extra-var-json", extraVarsJson == null ? List.of() : extraVarsJson, true));
            b.extraVars(vars);
        }
        if (check) b.check(true);
        if (diff) b.diff(true);
        if (verbosity != null) b.verbosity(verbosity);
        if (cwd != null) b.cwd(cwd);
        return b.build();
    }
}
