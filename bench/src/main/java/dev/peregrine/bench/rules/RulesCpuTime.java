package dev.peregrine.bench.rules;

import dev.peregrine.rules.LoadResult;
import dev.peregrine.rules.Rule;
import dev.peregrine.rules.RuleLoader;
import dev.peregrine.rules.RuleSet;
import dev.peregrine.rules.RulesFile;
import dev.peregrine.rules.event.EventRecord;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * The benchmark's event mix timed in thread CPU time rather than wall time, so that a shared,
 * overloaded machine still yields per-core numbers: events per CPU-second and CPU-ns per event
 * (median of rounds). Complements the JMH wall-clock figures.
 *
 * <p>Usage: {@code RulesCpuTime [stable|all] [seconds]}.
 */
public final class RulesCpuTime {
    private RulesCpuTime() {
    }

    public static void main(String[] args) throws Exception {
        String ruleset = args.length > 0 ? args[0] : "stable";
        double seconds = args.length > 1 ? Double.parseDouble(args[1]) : 10;
        List<String> names = ruleset.equals("stable") ? List.of("falco_rules.yaml")
                : List.of("falco_rules.yaml", "falco-incubating_rules.yaml", "falco-sandbox_rules.yaml");
        Path dir = RulesBenchmark.rulesDirectory();
        List<RulesFile> files = new ArrayList<>();
        for (String n : names) {
            files.add(new RulesFile(n, Files.readString(dir.resolve(n))));
        }
        LoadResult result = RuleLoader.load(files);
        RuleSet.Evaluator evaluator = result.ruleSet().orElseThrow().evaluator();
        EventRecord[] events = RulesBenchmark.EventMix.generate(RulesBenchmark.EVENTS, new Random(42));
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        long sink = 0;
        // Warm-up: let the JIT compile the filters.
        long warmEnd = System.nanoTime() + 3_000_000_000L;
        while (System.nanoTime() < warmEnd) {
            for (EventRecord e : events) {
                Rule r = evaluator.firstMatch(e);
                sink += r == null ? 0 : 1;
            }
        }
        List<Double> nsPerEvent = new ArrayList<>();
        long wallEnd = System.nanoTime() + (long) (seconds * 1e9);
        while (System.nanoTime() < wallEnd) {
            long cpu0 = mx.getCurrentThreadCpuTime();
            for (int round = 0; round < 50; round++) {
                for (EventRecord e : events) {
                    Rule r = evaluator.firstMatch(e);
                    sink += r == null ? 0 : 1;
                }
            }
            long cpu = mx.getCurrentThreadCpuTime() - cpu0;
            nsPerEvent.add(cpu / (50.0 * events.length));
        }
        double[] sorted = nsPerEvent.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        double median = sorted[sorted.length / 2];
        System.out.printf("%s: %d rules selected, %d samples, CPU ns/event median %.1f (min %.1f, max %.1f) => %.0f events/s per core [sink %d]%n",
                ruleset, evaluator.rules().size(), sorted.length, median, sorted[0], sorted[sorted.length - 1], 1e9 / median, sink);
        System.out.println("per-sample: " + Arrays.toString(Arrays.stream(sorted).mapToLong(Math::round).toArray()));
    }
}
