package dev.peregrine.instrument.patch;

import java.util.List;

/** What a run did, task by task, for the user to read. */
public record PatchReport(List<Entry> tasks) {
    public record Entry(String label, List<String> instrumented, List<String> alreadyInstrumented, boolean sidecarAdded,
                        String skippedBecause) {
    }

    public PatchReport {
        tasks = List.copyOf(tasks);
    }

    public int instrumentedContainers() {
        return tasks.stream().mapToInt(t -> t.instrumented().size()).sum();
    }

    /** One line per task. */
    public List<String> lines() {
        return tasks.stream().map(t -> {
            if (t.skippedBecause() != null) {
                return t.label() + ": skipped (" + t.skippedBecause() + ")";
            }
            StringBuilder line = new StringBuilder(t.label()).append(": ");
            line.append(t.instrumented().isEmpty() ? "no container instrumented" : "instrumented " + String.join(", ", t.instrumented()));
            if (!t.alreadyInstrumented().isEmpty()) {
                line.append("; already instrumented: ").append(String.join(", ", t.alreadyInstrumented()));
            }
            if (t.sidecarAdded()) {
                line.append("; added sidecar ").append(Recipe.SIDECAR);
            }
            return line.toString();
        }).toList();
    }
}
