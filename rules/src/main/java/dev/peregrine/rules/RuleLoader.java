package dev.peregrine.rules;

import dev.peregrine.rules.load.Codes;
import dev.peregrine.rules.load.Collector;
import dev.peregrine.rules.load.Diagnostics;
import dev.peregrine.rules.load.LoadException;
import dev.peregrine.rules.load.Pos;
import dev.peregrine.rules.load.Reader;
import dev.peregrine.rules.load.RuleInfo;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Loads Falco rules files in order into one rule set, as Falco does: every file is read into a
 * shared collector (so later files append to or override earlier ones), then everything is
 * compiled. Bad input never throws; it becomes diagnostics.
 */
public final class RuleLoader {
    private RuleLoader() {
    }

    public static LoadResult load(List<RulesFile> files) {
        Diagnostics diagnostics = new Diagnostics();
        try {
            Collector collector = new Collector(name -> true, diagnostics);
            List<Reader.PluginRequirement> plugins = new ArrayList<>();
            for (RulesFile file : files) {
                if (!new Reader(file.name(), collector, diagnostics, plugins).read(file.content())) {
                    return new LoadResult(diagnostics.all(), Optional.empty());
                }
            }
            List<Rule> rules = new ArrayList<>();
            for (RuleInfo info : collector.rules()) {
                if (!info.unknownSource) {
                    rules.add(new Rule(info.name, info.pos.file(), info.desc, info.priority, info.source, List.copyOf(info.tags), info.enabled));
                }
            }
            if (diagnostics.hasErrors()) {
                return new LoadResult(diagnostics.all(), Optional.empty());
            }
            return new LoadResult(diagnostics.all(), Optional.of(new RuleSet(rules)));
        } catch (LoadException e) {
            diagnostics.error(e);
        } catch (RuntimeException e) {
            // A defect here must still not take down the caller (an upload endpoint, the agent).
            diagnostics.error(Codes.ERR_VALIDATE, "internal error while loading rules: " + e, Pos.of(files.isEmpty() ? "" : files.getLast().name()));
        }
        return new LoadResult(diagnostics.all(), Optional.empty());
    }
}
