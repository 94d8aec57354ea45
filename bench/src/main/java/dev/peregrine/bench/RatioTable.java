package dev.peregrine.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Side-by-side benchmark results: for each workload, repeated timings of each configuration,
 * reported as medians and as the ratio of each configuration's throughput to a baseline's.
 * Medians, because a 2-core VM has outliers that a mean would carry.
 */
public final class RatioTable {
    private final String baseline;
    private final Map<String, Map<String, List<Double>>> samples = new LinkedHashMap<>();
    private final List<String> configurations = new ArrayList<>();

    public RatioTable(String baseline) {
        this.baseline = baseline;
        configurations.add(baseline);
    }

    /** Records one run's wall time in seconds. */
    public void add(String workload, String configuration, double seconds) {
        if (!(seconds > 0)) {
            throw new IllegalArgumentException("a run takes a positive time, got " + seconds + " for " + workload + "/" + configuration);
        }
        if (!configurations.contains(configuration)) {
            configurations.add(configuration);
        }
        samples.computeIfAbsent(workload, w -> new LinkedHashMap<>())
                .computeIfAbsent(configuration, c -> new ArrayList<>())
                .add(seconds);
    }

    public static double median(List<Double> values) {
        if (values.isEmpty()) {
            throw new IllegalArgumentException("no samples");
        }
        double[] sorted = values.stream().mapToDouble(Double::doubleValue).toArray();
        Arrays.sort(sorted);
        int mid = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }

    /** Throughput of {@code configuration} relative to the baseline (1.0 = as fast; 0.5 = half). */
    public double ratio(String workload, String configuration) {
        return ratio(workload, configuration, RatioTable::median);
    }

    /**
     * The same from each configuration's fastest run: on a machine shared with other work, the
     * run that was disturbed least.
     */
    public double bestRatio(String workload, String configuration) {
        return ratio(workload, configuration, v -> v.stream().mapToDouble(Double::doubleValue).min().orElseThrow());
    }

    private double ratio(String workload, String configuration, java.util.function.ToDoubleFunction<List<Double>> stat) {
        Map<String, List<Double>> byConfig = samples.get(workload);
        if (byConfig == null || !byConfig.containsKey(baseline) || !byConfig.containsKey(configuration)) {
            return Double.NaN;
        }
        return stat.applyAsDouble(byConfig.get(baseline)) / stat.applyAsDouble(byConfig.get(configuration));
    }

    /** The table as text: one row per workload, the baseline's median time, then each ratio. */
    public String render() {
        return render(false);
    }

    /** {@link #render()} from the fastest runs: the baseline's fastest time, then {@link #bestRatio}. */
    public String renderBest() {
        return render(true);
    }

    private String render(boolean best) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format("%-24s %12s", "workload", baseline + " (s)"));
        for (String c : configurations.subList(1, configurations.size())) {
            sb.append(String.format(" %14s", c));
        }
        sb.append('\n');
        for (var entry : samples.entrySet()) {
            List<Double> base = entry.getValue().get(baseline);
            double baseTime = base == null ? Double.NaN
                    : best ? base.stream().mapToDouble(Double::doubleValue).min().orElseThrow() : median(base);
            sb.append(String.format("%-24s %12s", entry.getKey(), base == null ? "-" : String.format("%.3f", baseTime)));
            for (String c : configurations.subList(1, configurations.size())) {
                double r = best ? bestRatio(entry.getKey(), c) : ratio(entry.getKey(), c);
                sb.append(String.format(" %14s", Double.isNaN(r) ? "-" : String.format("%.2fx", r)));
            }
            sb.append('\n');
        }
        return sb.toString();
    }

    /** How noisy a configuration's runs were: (slowest - fastest) / median of its times. */
    public double spread(String workload, String configuration) {
        List<Double> v = samples.getOrDefault(workload, Map.of()).get(configuration);
        if (v == null || v.isEmpty()) {
            return Double.NaN;
        }
        double min = v.stream().mapToDouble(Double::doubleValue).min().orElseThrow();
        double max = v.stream().mapToDouble(Double::doubleValue).max().orElseThrow();
        return (max - min) / median(v);
    }

    /** The spread of every configuration, one row per workload, in percent. */
    public String renderSpread() {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format("%-24s", "workload"));
        for (String c : configurations) {
            sb.append(String.format(" %14s", c));
        }
        sb.append('\n');
        for (String w : samples.keySet()) {
            sb.append(String.format("%-24s", w));
            for (String c : configurations) {
                double s = spread(w, c);
                sb.append(String.format(" %14s", Double.isNaN(s) ? "-" : String.format("%.0f%%", 100 * s)));
            }
            sb.append('\n');
        }
        return sb.toString();
    }
}
