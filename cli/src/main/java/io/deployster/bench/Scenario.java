package io.deployster.bench;

/** One measurement of the benchmark. Throwing means it did not complete; its figures are then left out. */
interface Scenario {
    /** The name for --scenario, the table and the JSON file. */
    String name();

    void run(BenchContext ctx, ScenarioResult result) throws Exception;
}
