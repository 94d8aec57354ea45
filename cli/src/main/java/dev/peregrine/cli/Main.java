package dev.peregrine.cli;

import org.slf4j.LoggerFactory;
import picocli.CommandLine;

/** Entry point of the {@code peregrine} distribution. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        try {
            // 'up' is interactive: its summary and alerts should not drown in the services' info lines.
            Logging.configure(System.getenv(Logging.VARIABLE), args.length > 0 && args[0].equals("up") ? "warn" : "info");
        } catch (IllegalArgumentException e) {
            System.err.println("peregrine: " + e.getMessage());
            System.exit(2);
        }
        LoggerFactory.getLogger(Main.class).debug("peregrine {} on Java {}, {} {}", VersionProvider.version(),
                Runtime.version(), System.getProperty("os.name"), System.getProperty("os.arch"));
        System.exit(commandLine().execute(args));
    }

    static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new PeregrineCommand())
                .setCaseInsensitiveEnumValuesAllowed(true)
                .setUsageHelpAutoWidth(true);
        shareVersion(cli);
        return cli;
    }

    // Picocli does not pass the version provider down, so "peregrine X --version" would print nothing.
    private static void shareVersion(CommandLine command) {
        command.getCommandSpec().versionProvider(new VersionProvider());
        command.getSubcommands().values().forEach(Main::shareVersion);
    }
}
