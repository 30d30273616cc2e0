package io.deployster.ops;

import io.deployster.redis.Keys;
import io.deployster.redis.Redis;
import java.util.List;

/** Reads a project's deploy history: its last ended jobs, newest first, kept longer than the jobs themselves. */
public final class DeployHistory {
    private final Redis redis;
    private final Keys keys;

    public DeployHistory(Redis redis, Keys keys) {
        this.redis = redis;
        this.keys = keys;
    }

    /** @param limit at most this many deploys, newest first */
    public List<DeployRecord> last(String project, int limit) {
        Names.check("project", project);
        Names.checkLimit(limit);
        List<String> entries = redis.list(keys.history(project), 0, limit - 1L);
        return entries.stream().map(json -> DeployRecord.fromJson(project, json)).toList();
    }
}
