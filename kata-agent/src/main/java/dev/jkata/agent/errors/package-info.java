/**
 * The agent's one exception type, {@link dev.jkata.agent.errors.AgentException}: a failure with the gRPC status it
 * is answered with. A leaf that every other package of the agent may use, so that none of them depends on the
 * agent's entry point.
 */
package dev.jkata.agent.errors;
