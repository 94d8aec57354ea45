package dev.peregrine.backend;

import dev.peregrine.protocol.RulesFileContent;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.composer.Composer;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;
import org.snakeyaml.engine.v2.parser.ParserImpl;
import org.snakeyaml.engine.v2.scanner.StreamReader;

/**
 * The structural check of a Falco rules file: valid YAML whose documents are sequences of
 * mappings, each an item Falco knows ({@code rule}, {@code macro}, {@code list}, ...). The
 * condition language is the rules engine's business.
 */
public final class YamlShapeValidator implements RulesValidator {
    private static final Set<String> ITEM_KEYS = Set.of("rule", "macro", "list", "required_engine_version",
            "required_plugin_versions");

    @Override
    public List<Problem> validate(List<RulesFileContent> files) {
        List<Problem> problems = new ArrayList<>();
        for (RulesFileContent file : files) {
            check(file, problems);
        }
        return problems;
    }

    private static void check(RulesFileContent file, List<Problem> problems) {
        LoadSettings settings = LoadSettings.builder().setLabel(file.name()).setUseMarks(true).build();
        try {
            Composer composer = new Composer(settings, new ParserImpl(settings, new StreamReader(settings, file.content())));
            while (composer.hasNext()) {
                Node document = composer.next();
                if (document instanceof SequenceNode seq) {
                    for (Node item : seq.getValue()) {
                        checkItem(file.name(), item, problems);
                    }
                } else if (!(document instanceof ScalarNode s && s.getValue().isEmpty())) {
                    problems.add(error(file.name(), "rules_file_not_a_list",
                            "a rules file is a YAML list of rule, macro and list items", document));
                }
            }
        } catch (MarkedYamlEngineException e) {
            Mark mark = e.getProblemMark().or(e::getContextMark).orElse(null);
            problems.add(new Problem(Problem.Severity.ERROR, "yaml_syntax",
                    e.getProblem() == null ? "invalid YAML" : "invalid YAML: " + e.getProblem(), file.name(),
                    mark == null ? 0 : mark.getLine() + 1, mark == null ? 0 : mark.getColumn() + 1));
        } catch (RuntimeException e) {
            problems.add(new Problem(Problem.Severity.ERROR, "yaml_syntax", "invalid YAML: " + e.getMessage(),
                    file.name(), 0, 0));
        }
    }

    private static void checkItem(String file, Node item, List<Problem> problems) {
        if (!(item instanceof MappingNode map)) {
            problems.add(error(file, "item_not_a_mapping", "each item of a rules file is a mapping, e.g. '- rule: NAME'", item));
            return;
        }
        for (NodeTuple t : map.getValue()) {
            if (t.getKeyNode() instanceof ScalarNode key && ITEM_KEYS.contains(key.getValue())) {
                return;
            }
        }
        problems.add(error(file, "unknown_item", "item has none of the keys " + String.join(", ", ITEM_KEYS.stream().sorted().toList()), item));
    }

    private static Problem error(String file, String code, String message, Node node) {
        Optional<Mark> mark = node.getStartMark();
        return new Problem(Problem.Severity.ERROR, code, message, file,
                mark.map(m -> m.getLine() + 1).orElse(0), mark.map(m -> m.getColumn() + 1).orElse(0));
    }

}
