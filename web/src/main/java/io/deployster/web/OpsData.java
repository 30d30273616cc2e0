package io.deployster.web;

import io.deployster.job.JobState;
import io.deployster.ops.DeployHistory;
import io.deployster.ops.DeployRecord;
import io.deployster.ops.ProjectInfo;
import io.deployster.ops.ProjectsView;
import io.deployster.ops.QueuesView;
import io.deployster.ops.WorkersView;
import io.deployster.queue.JobQueue;
import io.deployster.redis.Keys;
import io.deployster.redis.Redis;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** What the pages show, read from Redis through the same views as the terminal commands. */
final class OpsData {
    static final int RECENT = 20;

    private final Redis redis;
    private final Keys keys;
    private final JobQueue jobs;
    private final WorkersView workers;
    private final QueuesView queues;
    private final ProjectsView projects;
    private final DeployHistory history;

    OpsData(Redis redis, Keys keys, JobQueue jobs, WorkersView workers) {
        this.redis = redis;
        this.keys = keys;
        this.jobs = jobs;
        this.workers = workers;
        this.queues = new QueuesView(redis, keys, workers);
        this.projects = new ProjectsView(redis, keys);
        this.history = new DeployHistory(redis, keys);
    }

    Map<String, Object> overview() {
        List<ProjectInfo> all = projects.list();
        List<JobState> running = new ArrayList<>();
        for (String id : redis.members(keys.running())) {
            JobState s = jobs.status(id);
            if (s != null) {
                running.add(s);
            }
        }
        running.sort(Comparator.comparing(JobState::startedAt, Comparator.nullsLast(Comparator.naturalOrder())));
        List<DeployRecord> recent = new ArrayList<>();
        for (ProjectInfo p : all) {
            recent.addAll(history.last(p.name(), RECENT));
        }
        recent.sort(Comparator.comparing((DeployRecord d) -> d.endedAt() == null ? Instant.EPOCH : d.endedAt()).reversed());
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("queues", queues.list());
        m.put("workers", workers.list());
        m.put("projects", all);
        m.put("running", running);
        m.put("recent", recent.subList(0, Math.min(RECENT, recent.size())));
        return m;
    }

    Map<String, Object> project(String name, int limit) {
        ProjectInfo info = projects.get(name);
        List<JobState> waiting = new ArrayList<>();
        for (String id : info.waiting()) {
            JobState s = jobs.status(id);
            if (s != null) {
                waiting.add(s);
            }
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("project", info);
        m.put("holder", info.lockHolder() == null ? null : jobs.status(info.lockHolder()));
        m.put("waiting", waiting);
        m.put("history", history.last(name, limit));
        return m;
    }

    /** @return null when there is no such job */
    JobState job(String id) {
        return jobs.status(id);
    }
}
