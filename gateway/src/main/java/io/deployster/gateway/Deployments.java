package io.deployster.gateway;

import io.deployster.client.DeploysterClient;
import io.deployster.job.InvalidJobException;
import io.deployster.job.JobIds;
import io.deployster.job.JobSpec;
import io.deployster.job.JobState;
import io.deployster.protocol.JobField;
import io.deployster.queue.ProjectView;
import io.deployster.redis.Keys;
import io.deployster.redis.Redis;
import io.deployster.workflow.WorkflowSpec;
import io.deployster.workflow.WorkflowStore;
import java.util.List;
import java.util.Map;

/**
 * What the routes do with jobs, in the caller's project: submit (signed by the client's signer),
 * look up, and list the project's recent jobs. Every lookup of a job of another project answers as if
 * the job did not exist, so a token never learns about other projects' jobs.
 */
public final class Deployments {
    private static final int RECENT = 20;

    private final DeploysterClient client;
    private final Redis redis;
    private final Keys keys;
    private final ProjectView projects;

    public Deployments(DeploysterClient client, Redis redis, Keys keys) {
        this.client = client;
        this.redis = redis;
        this.keys = keys;
        this.projects = new ProjectView(redis, keys);
    }

    public DeploysterClient client() {
        return client;
    }

    /**
     * @return the new job's id
     * @throws ApiError 400 listing every problem of the spec
     */
    public String submit(JobSpec spec) {
        String id;
        try {
            id = client.submit(spec);
        } catch (InvalidJobException e) {
            throw ApiError.invalidJob(e.problems());
        }
        remember(spec.project(), id);
        return id;
    }

    private void remember(String project, String id) {
        // one round trip: submit latency is a target (docs/benchmarks.md)
        redis.pushCapped(keys.gatewayRecent(project), id, RECENT);
    }

    /**
     * Validates and queues a workflow (docs/workflows.md); it shows among the project's recent deploys.
     *
     * @return its id
     * @throws ApiError 400 listing every problem of the workflow
     */
    public String submitWorkflow(WorkflowSpec spec) {
        String id;
        try {
            id = client.submitWorkflow(spec);
        } catch (InvalidJobException e) {
            throw ApiError.invalid("workflow", e.problems());
        }
        remember(spec.project(), id);
        return id;
    }

    /** The workflow recorded under {@code id}, or null when {@code id} is not a workflow. */
    public WorkflowSpec workflowSpec(String id) {
        List<String> kindAndSpec = redis.hashFields(keys.job(id), JobField.KIND, JobField.SPEC);
        if (!JobField.KIND_WORKFLOW.equals(kindAndSpec.get(0)) || kindAndSpec.get(1) == null) {
            return null;
        }
        return WorkflowStore.spec(Map.of(JobField.SPEC, kindAndSpec.get(1)));
    }

    /**
     * @return the job's state
     * @throws ApiError 400 for an id that cannot be a job id, 404 when there is no such job in the caller's project
     */
    public JobState job(Caller caller, String id) {
        JobState state = find(caller, id);
        if (state == null) {
            throw ApiError.of(404, "id", id, "the id of a job of project '" + caller.project().name() + "' kept in Redis",
                    "no job '" + id + "' in project '" + caller.project().name() + "' (finished jobs are kept for the retention period only)");
        }
        return state;
    }

    /** @return the job's state, or null when it does not exist in the caller's project */
    public JobState find(Caller caller, String id) {
        if (!JobIds.isValid(id)) {
            throw ApiError.of(400, "id", id, "1 to 100 of A-Z a-z 0-9 . _ - as returned by a submit", "'" + Json.shorten(String.valueOf(id)) + "' is not a job id");
        }
        JobState state = client.status(id);
        return state == null || !caller.project().name().equals(state.project()) ? null : state;
    }

    public ProjectView.Snapshot snapshot(String project) {
        return projects.snapshot(project);
    }

    /** Ids of the project's latest jobs submitted through a gateway, newest first. */
    public List<String> recent(String project) {
        return redis.list(keys.gatewayRecent(project), 0, RECENT - 1);
    }
}
