package dev.jkata.cli.oci;

import java.util.List;
import java.util.Locale;

/** Linux signal names and numbers, as {@code kill} takes them: {@code KILL}, {@code SIGKILL} or {@code 9}. */
final class Signals {
    private static final List<String> NAMES = List.of("", "HUP", "INT", "QUIT", "ILL", "TRAP", "ABRT", "BUS", "FPE",
            "KILL", "USR1", "SEGV", "USR2", "PIPE", "ALRM", "TERM", "STKFLT", "CHLD", "CONT", "STOP", "TSTP", "TTIN",
            "TTOU", "URG", "XCPU", "XFSZ", "VTALRM", "PROF", "WINCH", "IO", "PWR", "SYS");

    private Signals() {}

    static int parse(String text) {
        String t = text.trim().toUpperCase(Locale.ROOT);
        if (t.matches("[0-9]{1,2}")) {
            int n = Integer.parseInt(t);
            if (n >= 1 && n <= 64) {
                return n;
            }
        } else {
            String name = t.startsWith("SIG") ? t.substring(3) : t;
            int i = NAMES.indexOf(name);
            if (i > 0) {
                return i;
            }
            if (name.equals("IOT")) {
                return 6;
            }
            if (name.matches("RTMIN(\\+[0-9]{1,2})?")) {
                int n = 34 + (name.length() > 5 ? Integer.parseInt(name.substring(6)) : 0);
                if (n <= 64) {
                    return n;
                }
            }
        }
        throw new RuntimeFailure("unknown signal \"" + text + "\"; use a name (TERM, SIGKILL) or a number 1-64");
    }
}
