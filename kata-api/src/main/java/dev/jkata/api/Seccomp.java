package dev.jkata.api;

import java.util.List;

/**
 * A seccomp filter, as the OCI runtime spec's {@code linux.seccomp}: the action for system calls no rule names, and
 * rules naming system calls with their action ({@code SCMP_ACT_ERRNO} fails them with EPERM, {@code SCMP_ACT_ALLOW}
 * lets them through, ...). Applied by the guest's runtime to every process of the container.
 *
 * @param defaultAction {@code SCMP_ACT_ALLOW}, {@code SCMP_ACT_ERRNO}, ...
 * @param architectures {@code SCMP_ARCH_X86_64}, ...; empty: the native one
 */
public record Seccomp(String defaultAction, List<String> architectures, List<Rule> rules) {
    /** The most rules a filter may hold (Docker's default profile has about 60). */
    public static final int MAX_RULES = 4096;

    /**
     * One rule: these system calls get this action (when their arguments match {@code args}, if any).
     *
     * @param args conditions on arguments, all of which must hold
     */
    public record Rule(List<String> names, String action, List<Arg> args) {
        public Rule {
            names = List.copyOf(names);
            args = List.copyOf(args);
            Seccomp.checkAction(action, "a rule's action");
            for (String n : names) {
                if (!n.matches("[a-z0-9_]{1,64}")) {
                    throw new InvalidConfigurationException("seccomp", "'" + n + "' is not a system call name");
                }
            }
        }
    }

    /** A condition on argument {@code index}: {@code op} is {@code SCMP_CMP_EQ}, {@code SCMP_CMP_MASKED_EQ}, ... */
    public record Arg(long index, long value, long valueTwo, String op) {
        public Arg {
            if (index < 0 || index > 5 || op == null || !op.matches("SCMP_CMP_[A-Z_]{2,16}")) {
                throw new InvalidConfigurationException("seccomp", "an argument condition needs an index 0..5 and an"
                        + " SCMP_CMP_* op, not " + index + " and " + op);
            }
        }
    }

    public Seccomp {
        checkAction(defaultAction, "the default action");
        architectures = List.copyOf(architectures);
        rules = List.copyOf(rules);
        if (rules.size() > MAX_RULES) {
            throw new InvalidConfigurationException("seccomp", rules.size() + " rules; at most " + MAX_RULES);
        }
        for (String a : architectures) {
            if (!a.matches("SCMP_ARCH_[A-Z0-9_]{2,16}")) {
                throw new InvalidConfigurationException("seccomp", "'" + a + "' is not an SCMP_ARCH_* name");
            }
        }
    }

    private static void checkAction(String action, String what) {
        if (action == null || !action.matches("SCMP_ACT_[A-Z_]{2,16}")) {
            throw new InvalidConfigurationException("seccomp", what + " must be an SCMP_ACT_* name, not '" + action + "'");
        }
    }
}
