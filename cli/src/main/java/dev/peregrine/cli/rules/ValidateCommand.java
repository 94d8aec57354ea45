package dev.peregrine.cli.rules;

import dev.peregrine.rules.Diagnostic;
import dev.peregrine.rules.LoadResult;
import dev.peregrine.rules.Rule;
import dev.peregrine.rules.RuleSet;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;

/** {@code peregrine rules validate FILE...}: load like Falco, print diagnostics, exit 1 on errors. */
@Command(name = "validate", mixinStandardHelpOptions = true,
        description = {"Load rules files as Falco does and report errors and warnings (file:line:column, Falco's codes).",
                "Exit status: 0 valid, 1 errors in the rules, 2 a file cannot be read."})
public final class ValidateCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(arity = "1..*", paramLabel = "FILE", description = "Rules files, in load order.")
    List<Path> files;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        var loaded = RulesFiles.load(files, "validate", err);
        if (loaded.isEmpty()) {
            return 2;
        }
        LoadResult result = loaded.get();
        for (Diagnostic d : result.diagnostics()) {
            (d.isError() ? err : out).println(d);
        }
        Map<String, Integer> warningCodes = new TreeMap<>();
        for (Diagnostic d : result.warnings()) {
            warningCodes.merge(d.code(), 1, Integer::sum);
        }
        String warnings = result.warnings().size() + " warning" + (result.warnings().size() == 1 ? "" : "s")
                + (warningCodes.isEmpty() ? "" : " " + warningCodes);
        if (!result.ok()) {
            err.println("invalid: " + result.errors().size() + " error" + (result.errors().size() == 1 ? "" : "s") + ", " + warnings);
            err.flush();
            return 1;
        }
        RuleSet rs = result.ruleSet().orElseThrow();
        long enabled = rs.rules().stream().filter(Rule::enabled).count();
        out.println("ok: " + files.size() + " file" + (files.size() == 1 ? "" : "s") + ", " + rs.rules().size() + " rules ("
                + enabled + " enabled), " + rs.macroCount() + " macros, " + rs.listCount() + " lists, " + warnings);
        out.flush();
        return 0;
    }
}
