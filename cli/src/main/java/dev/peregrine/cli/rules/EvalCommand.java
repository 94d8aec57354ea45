package dev.peregrine.cli.rules;

import dev.peregrine.rules.LoadResult;
import dev.peregrine.rules.Priority;
import dev.peregrine.rules.RuleSet;
import dev.peregrine.rules.Selection;
import dev.peregrine.rules.event.EventJson;
import dev.peregrine.rules.event.EventRecord;
import dev.peregrine.rules.output.Alert;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;

/** {@code peregrine rules eval FILE... --events FILE.jsonl}: replay events, print Falco JSON alerts. */
@Command(name = "eval", mixinStandardHelpOptions = true,
        description = {"Replay events written as JSON lines (format: rules/README.md) through the rules and print one Falco JSON alert per line.",
                "A summary goes to standard error. Exit status: 0 done, 1 rules errors, 2 unreadable or malformed input."})
public final class EvalCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(arity = "1..*", paramLabel = "FILE", description = "Rules files, in load order.")
    List<Path> files;

    @Option(names = "--events", required = true, paramLabel = "FILE.jsonl", description = "Events, one JSON object per line.")
    Path events;

    @Option(names = "--all", description = "Report every matching rule (Falco's rule_matching: all); default: the first.")
    boolean all;

    @Option(names = "--min-priority", paramLabel = "PRIORITY", description = "Only rules at least this severe (e.g. warning).")
    String minPriority;

    @Option(names = "--enable", split = ",", paramLabel = "RULE", description = "Enable rules by name (also disabled ones).")
    Set<String> enable = Set.of();

    @Option(names = "--disable", split = ",", paramLabel = "RULE", description = "Disable rules by name.")
    Set<String> disable = Set.of();

    @Option(names = "--disable-tag", split = ",", paramLabel = "TAG", description = "Disable rules carrying a tag.")
    Set<String> disableTags = Set.of();

    @Option(names = "--hostname", paramLabel = "NAME", description = "The alerts' hostname (default: $FALCO_HOSTNAME, else this host's name).")
    String hostname;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Selection selection = Selection.defaults().withMatching(all ? Selection.Matching.ALL : Selection.Matching.FIRST)
                .withEnabled(enable, Set.of()).withDisabled(disable, disableTags);
        if (minPriority != null) {
            var p = Priority.parse(minPriority);
            if (p.isEmpty()) {
                err.println("peregrine rules eval: --min-priority '" + minPriority + "' is not a priority; expected one of "
                        + "emergency, alert, critical, error, warning, notice, informational, debug");
                return 2;
            }
            selection = selection.withMinimumPriority(p.get());
        }
        var loaded = RulesFiles.load(files, "eval", err);
        if (loaded.isEmpty()) {
            return 2;
        }
        LoadResult result = loaded.get();
        List<EventRecord> records;
        try {
            records = EventJson.parseLines(Files.readString(events), events.toString());
        } catch (IOException e) {
            err.println("peregrine rules eval: " + events + ": cannot read: " + e.getMessage());
            return 2;
        } catch (EventJson.EventFormatException e) {
            err.println("peregrine rules eval: " + e.getMessage());
            return 2;
        }
        if (!result.ok()) {
            result.errors().forEach(err::println);
            err.flush();
            return 1;
        }
        RuleSet.Evaluator evaluator = result.ruleSet().orElseThrow().select(selection);
        String host = hostname != null ? hostname : defaultHostname();
        int alerts = 0;
        for (EventRecord e : records) {
            for (Alert a : evaluator.alerts(e, e.hostname() != null ? e.hostname() : host)) {
                out.println(a.toJson());
                alerts++;
            }
        }
        out.flush();
        err.println(records.size() + " events, " + alerts + " alerts, " + evaluator.rules().size() + " rules selected");
        err.flush();
        return 0;
    }

    private static String defaultHostname() {
        String env = System.getenv("FALCO_HOSTNAME");
        if (env != null && !env.isBlank()) {
            return env;
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "localhost";
        }
    }
}
