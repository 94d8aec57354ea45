package dev.peregrine.rules;

import dev.peregrine.rules.load.Codes;
import dev.peregrine.rules.load.Collector;
import dev.peregrine.rules.load.Diagnostics;
import dev.peregrine.rules.load.LoadException;
import dev.peregrine.rules.load.Pos;
import dev.peregrine.rules.load.Reader;
import dev.peregrine.rules.load.RuleCompiler;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Loads Falco rules files in order into one rule set, as Falco does: every file is read into a
 * shared collector (so later files append to or override earlier ones), then everything is
 * compiled. Bad input never throws; it becomes diagnostics.
 */
public final class RuleLoader {
    /**
     * Plugins whose fields this engine provides itself, with the version it is compatible with:
     * the {@code container.*} and {@code k8s.*} fields of Falco's container plugin.
     */
    public static final Map<String, String> BUILT_IN_PLUGINS = Map.of("container", "0.4.0");

    private RuleLoader() {
    }

    public static LoadResult load(List<RulesFile> files) {
        Diagnostics diagnostics = new Diagnostics();
        try {
            Collector collector = new Collector(dev.peregrine.rules.eval.Compiler::isOperand, diagnostics);
            List<Reader.PluginRequirement> plugins = new ArrayList<>();
            for (RulesFile file : files) {
                if (!new Reader(file.name(), collector, diagnostics, plugins).read(file.content())) {
                    return new LoadResult(diagnostics.all(), Optional.empty());
                }
            }
            checkPlugins(plugins);
            List<Rule> rules = new RuleCompiler(collector, diagnostics).compile();
            if (diagnostics.hasErrors()) {
                return new LoadResult(diagnostics.all(), Optional.empty());
            }
            return new LoadResult(diagnostics.all(), Optional.of(new RuleSet(rules, collector.lists().size(), collector.macros().size())));
        } catch (LoadException e) {
            diagnostics.error(e);
        } catch (RuntimeException | StackOverflowError e) {
            // A defect here must still not take down the caller (an upload endpoint, the agent).
            diagnostics.error(Codes.ERR_VALIDATE, "internal error while loading rules: " + e
                            + (e.getStackTrace().length > 0 ? " at " + e.getStackTrace()[0] : ""),
                    Pos.of(files.isEmpty() ? "" : files.getLast().name()));
        }
        return new LoadResult(diagnostics.all(), Optional.empty());
    }

    private static void checkPlugins(List<Reader.PluginRequirement> requirements) {
        for (Reader.PluginRequirement req : requirements) {
            boolean satisfied = false;
            StringBuilder wanted = new StringBuilder();
            for (String[] alt : req.alternatives()) {
                String have = BUILT_IN_PLUGINS.get(alt[0]);
                if (!wanted.isEmpty()) {
                    wanted.append(" or ");
                }
                wanted.append(alt[0]).append(' ').append(alt[1]);
                if (have != null && versionAtLeast(have, alt[1])) {
                    satisfied = true;
                }
            }
            if (!satisfied) {
                throw new LoadException(Codes.ERR_VALIDATE, "Plugin requirement not satisfied: rules need " + wanted
                        + "; this engine provides " + BUILT_IN_PLUGINS, req.pos());
            }
        }
    }

    private static boolean versionAtLeast(String have, String need) {
        String[] h = have.split("\\.");
        String[] n = need.split("\\.");
        if (!h[0].equals(n[0])) {
            return false;
        }
        for (int i = 1; i < 3; i++) {
            int a = Integer.parseInt(h[i]);
            int b = Integer.parseInt(n[i]);
            if (a != b) {
                return a > b;
            }
        }
        return true;
    }
}
