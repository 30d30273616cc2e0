package io.deployster.workflow;

import io.deployster.job.InvalidJobException;
import io.deployster.job.JobLimits;
import io.deployster.job.JobSpecValidator;
import io.deployster.job.Problem;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.UnaryOperator;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * Reads a workflow file (YAML, or JSON, which is YAML too) into a {@link WorkflowSpec}, applying its
 * {@code defaults} to every task. Strict: unknown fields and values of the wrong type are errors that
 * name the field (e.g. {@code tasks.deploy.needs[0]}), the value and what is allowed, because a typo in a
 * deploy file must not silently drop a step. Whether the result makes sense is {@link WorkflowValidator}'s.
 */
public final class WorkflowParser {
    private static final Set<String> TOP = Set.of("project", "submittedBy", "ref", "commit", "timeoutSeconds", "callbackUrl",
            "defaults", "tasks");
    private static final List<String> TASK = List.of("mode", "queue", "needs", "timeoutSeconds", "continueOnError", "cd", "commands",
            "env", "playbook", "inventory", "limit", "tags", "extraVars", "check", "diff", "verbosity", "cwd", "image", "args", "engine");
    private static final int MAX_BYTES = 1024 * 1024;

    /**
     * The one decision every producer makes on a workflow file (the CLI, the gateway, the Jenkins step's
     * {@code workflow:} parameter): parse it, then check it as {@link WorkflowValidator} does with the
     * default job limits, so it is refused before anything is queued.
     *
     * @param text the file's text, YAML or JSON
     * @return the workflow, ready for {@code DeploysterClient.submitWorkflow}
     * @throws InvalidJobException listing every problem, each naming the field (e.g. {@code tasks.deploy.needs[0]}), the value and what is allowed
     */
    public static WorkflowSpec parseValid(String text) {
        return parseValid(text, UnaryOperator.identity());
    }

    /**
     * As {@link #parseValid(String)}, with the producer's own fields applied between parsing and
     * checking (the Jenkins step fills in its project and build), so a file may leave them out.
     *
     * @param complete what the producer sets on the parsed workflow; called once, only when the text parsed
     * @throws InvalidJobException from parsing, or from checking the completed workflow
     */
    public static WorkflowSpec parseValid(String text, UnaryOperator<WorkflowSpec> complete) {
        WorkflowSpec spec = complete.apply(new WorkflowParser().parse(text));
        new WorkflowValidator(new JobSpecValidator(JobLimits.DEFAULT)).validate(spec);
        return spec;
    }

    /** @throws InvalidJobException naming every field that is wrong */
    public WorkflowSpec parse(String text) {
        if (text.length() > MAX_BYTES) {
            throw invalid("workflow", text.length() + " characters", "a workflow file may be at most " + MAX_BYTES + " characters");
        }
        Object doc;
        String recursion;
        try {
            LoaderOptions options = new LoaderOptions();
            options.setAllowDuplicateKeys(false);
            options.setMaxAliasesForCollections(10);
            options.setNestingDepthLimit(64);
            Yaml yaml = new Yaml(new SafeConstructor(options));
            recursion = YamlRecursion.problem(yaml.compose(new StringReader(text)));
            doc = recursion == null ? yaml.load(text) : null;
        } catch (org.yaml.snakeyaml.constructor.DuplicateKeyException e) {
            throw invalid("workflow", "not valid YAML or JSON" + where(e), "each key once per object ("
                    + e.getProblem().replace("found duplicate key ", "key '") + "' is given twice)");
        } catch (org.yaml.snakeyaml.error.MarkedYAMLException e) {
            throw invalid("workflow", "not valid YAML or JSON" + where(e), "a YAML or JSON document (docs/workflows.md): " + e.getProblem()
                    + (e.getContext() == null ? "" : " " + e.getContext()));
        } catch (RuntimeException e) {
            throw invalid("workflow", "not valid YAML or JSON", "a YAML or JSON document (docs/workflows.md): " + e.getMessage());
        }
        if (recursion != null) {
            throw invalid("workflow", "not valid YAML", recursion + "; write the values out instead");
        }
        List<Problem> problems = new ArrayList<>();
        if (!(doc instanceof Map<?, ?> top)) {
            throw invalid("workflow", String.valueOf(doc), "a workflow is a YAML or JSON object as described in docs/workflows.md");
        }
        unknown(problems, "", top, TOP);
        Fields f = new Fields(problems, "", top);
        Map<?, ?> defaults = f.map("defaults");
        if (defaults != null) {
            unknown(problems, "defaults.", defaults, Set.copyOf(TASK));
        }
        Map<String, TaskSpec> tasks = new LinkedHashMap<>();
        Map<?, ?> taskMaps = f.map("tasks");
        if (taskMaps != null) {
            for (Map.Entry<?, ?> e : taskMaps.entrySet()) {
                String name = String.valueOf(e.getKey());
                if (!(e.getValue() instanceof Map<?, ?> m)) {
                    problems.add(new Problem("tasks." + name, String.valueOf(e.getValue()), "a task is an object of fields (docs/workflows.md)"));
                    continue;
                }
                unknown(problems, "tasks." + name + ".", m, Set.copyOf(TASK));
                Map<Object, Object> merged = new LinkedHashMap<>(defaults == null ? Map.of() : defaults);
                merged.putAll(m);
                tasks.put(name, task(new Fields(problems, "tasks." + name + ".", merged)));
            }
        }
        WorkflowSpec spec = new WorkflowSpec(f.text("project"), f.text("submittedBy"), f.text("ref"), f.text("commit"),
                f.integer("timeoutSeconds"), f.text("callbackUrl"), tasks);
        if (!problems.isEmpty()) {
            throw new InvalidJobException("workflow", problems);
        }
        return spec;
    }

    private static TaskSpec task(Fields f) {
        return new TaskSpec(f.text("mode"), f.text("queue"), f.texts("needs"), f.integer("timeoutSeconds"), f.bool("continueOnError"),
                f.text("cd"), f.texts("commands"), f.textMap("env"), f.text("playbook"), f.text("inventory"), f.text("limit"),
                f.text("tags"), f.valueMap("extraVars"), f.bool("check"), f.bool("diff"), f.integer("verbosity"), f.text("cwd"),
                f.text("image"), f.texts("args"), f.text("engine"));
    }

    private static void unknown(List<Problem> problems, String prefix, Map<?, ?> map, Set<String> allowed) {
        for (Object key : map.keySet()) {
            if (!allowed.contains(String.valueOf(key))) {
                problems.add(new Problem(prefix + key, String.valueOf(key), "not a field here; use one of " + new TreeSet<>(allowed)));
            }
        }
    }

    private static InvalidJobException invalid(String field, String value, String allowed) {
        return new InvalidJobException("workflow", List.of(new Problem(field, value, allowed)));
    }

    /** {@code  at line 3, column 7} of a YAML error (SnakeYAML counts from 0). */
    private static String where(org.yaml.snakeyaml.error.MarkedYAMLException e) {
        org.yaml.snakeyaml.error.Mark m = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
        return m == null ? "" : " at line " + (m.getLine() + 1) + ", column " + (m.getColumn() + 1);
    }

    /** Typed access to one object's fields; a value of the wrong type is a problem, never a conversion. */
    private record Fields(List<Problem> problems, String prefix, Map<?, ?> map) {
        String text(String name) {
            Object v = map.get(name);
            if (v == null || v instanceof String) {
                return (String) v;
            }
            problems.add(new Problem(prefix + name, String.valueOf(v), "give text (quote it in YAML)"));
            return null;
        }

        Integer integer(String name) {
            Object v = map.get(name);
            if (v == null) {
                return null;
            }
            if (v instanceof Integer i) {
                return i;
            }
            problems.add(new Problem(prefix + name, String.valueOf(v), "give a whole number"));
            return null;
        }

        Boolean bool(String name) {
            Object v = map.get(name);
            if (v == null || v instanceof Boolean) {
                return (Boolean) v;
            }
            problems.add(new Problem(prefix + name, String.valueOf(v), "give true or false"));
            return null;
        }

        Map<?, ?> map(String name) {
            Object v = map.get(name);
            if (v == null || v instanceof Map) {
                return (Map<?, ?>) v;
            }
            problems.add(new Problem(prefix + name, String.valueOf(v), "give an object"));
            return null;
        }

        List<String> texts(String name) {
            Object v = map.get(name);
            if (v == null) {
                return null;
            }
            if (!(v instanceof List<?> list)) {
                problems.add(new Problem(prefix + name, String.valueOf(v), "give a list of text"));
                return null;
            }
            List<String> out = new ArrayList<>();
            for (int i = 0; i < list.size(); i++) {
                if (list.get(i) instanceof String s) {
                    out.add(s);
                } else {
                    problems.add(new Problem(prefix + name + "[" + i + "]", String.valueOf(list.get(i)), "give text (quote it in YAML)"));
                }
            }
            return out;
        }

        Map<String, String> textMap(String name) {
            Map<?, ?> m = map(name);
            if (m == null) {
                return null;
            }
            Map<String, String> out = new LinkedHashMap<>();
            m.forEach((k, v) -> {
                if (v instanceof String s) {
                    out.put(String.valueOf(k), s);
                } else {
                    problems.add(new Problem(prefix + name + "." + k, String.valueOf(v), "give text (quote it in YAML)"));
                }
            });
            return out;
        }

        @SuppressWarnings("unchecked")
        Map<String, Object> valueMap(String name) {
            Map<?, ?> m = map(name);
            if (m == null) {
                return null;
            }
            Map<String, Object> out = new LinkedHashMap<>();
            m.forEach((k, v) -> out.put(String.valueOf(k), v));
            return out;
        }
    }
}
