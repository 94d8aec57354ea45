package dev.peregrine.cli.rules;

import dev.peregrine.rules.LoadResult;
import dev.peregrine.rules.Rule;
import dev.peregrine.rules.RuleSet;
import dev.peregrine.rules.output.Json;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code peregrine rules list [--json] FILE...}: the loaded rules, like {@code falco -L}. */
@Command(name = "list", mixinStandardHelpOptions = true,
        description = {"List the rules of the given files (loaded in order): name, priority, enabled, tags, event types, compiled condition.",
                "Event types are computed from each condition as Falco does; 'all except X' marks rules that match every other type."})
public final class ListCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--json", description = "One JSON document: rules and counts per file.")
    boolean json;

    @Parameters(arity = "1..*", paramLabel = "FILE", description = "Rules files, in load order.")
    List<Path> files;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        var loaded = RulesFiles.load(files, "list", err);
        if (loaded.isEmpty()) {
            return 2;
        }
        LoadResult result = loaded.get();
        if (!result.ok()) {
            result.errors().forEach(err::println);
            err.flush();
            return 1;
        }
        RuleSet rs = result.ruleSet().orElseThrow();
        if (json) {
            out.println(Json.write(document(rs)));
        } else {
            for (Rule r : rs.rules()) {
                out.println(r.name());
                out.println("  priority: " + r.priority().displayName() + "  enabled: " + r.enabled() + "  source: " + r.source());
                out.println("  tags: " + String.join(", ", r.tags()));
                out.println("  event types: " + r.eventTypes());
                out.println("  file: " + r.file() + ":" + r.line());
                out.println("  condition: " + r.condition());
                out.println();
            }
            out.println(rs.rules().size() + " rules");
        }
        out.flush();
        return 0;
    }

    private Map<String, Object> document(RuleSet rs) {
        List<Object> rules = new ArrayList<>();
        Map<String, Object> byFile = new LinkedHashMap<>();
        for (Path f : files) {
            byFile.put(f.toString(), 0L);
        }
        for (Rule r : rs.rules()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", r.name());
            m.put("priority", r.priority().displayName());
            m.put("enabled", r.enabled());
            m.put("source", r.source());
            m.put("tags", r.tags());
            m.put("file", r.file());
            m.put("line", (long) r.line());
            m.put("event_types", r.eventTypes().complement() ? List.of("all") : r.eventTypes().sorted());
            if (r.eventTypes().complement() && !r.eventTypes().names().isEmpty()) {
                m.put("event_types_excluded", r.eventTypes().sorted());
            }
            m.put("condition_compiled", r.condition());
            m.put("output", r.output());
            m.put("output_fields", r.outputFormat().fieldNames());
            m.put("description", r.description());
            rules.add(m);
            byFile.merge(r.file(), 1L, (a, b) -> (Long) a + (Long) b);
        }
        Map<String, Object> counts = new LinkedHashMap<>();
        counts.put("rules", (long) rs.rules().size());
        counts.put("enabled", rs.rules().stream().filter(Rule::enabled).count());
        counts.put("macros", (long) rs.macroCount());
        counts.put("lists", (long) rs.listCount());
        counts.put("rules_by_file", byFile);
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("rules", rules);
        doc.put("counts", counts);
        return doc;
    }
}
