package io.deployster.job;

/** Upper bounds that keep one job from exhausting Redis or a worker. */
public record JobLimits(int maxSpecBytes, int maxCommands, int maxEnvEntries, int maxFieldLength) {

    public static final JobLimits DEFAULT = new JobLimits(256 * 1024, 500, 500, 16 * 1024);
}
