package dev.jkata.agent.logging;

import org.slf4j.ILoggerFactory;
import org.slf4j.IMarkerFactory;
import org.slf4j.helpers.BasicMarkerFactory;
import org.slf4j.helpers.NOPMDCAdapter;
import org.slf4j.spi.MDCAdapter;
import org.slf4j.spi.SLF4JServiceProvider;

/**
 * An SLF4J provider that sends SLF4J logging to java.util.logging, hence to the console. The agent selects it
 * with the {@code slf4j.provider} system property in its main, not through a service file, so that a
 * program that puts this jar on its class path keeps its own SLF4J backend.
 */
public final class JulServiceProvider implements SLF4JServiceProvider {
    private ILoggerFactory loggerFactory;
    private IMarkerFactory markerFactory;
    private MDCAdapter mdcAdapter;

    @Override
    public ILoggerFactory getLoggerFactory() { return loggerFactory; }

    @Override
    public IMarkerFactory getMarkerFactory() { return markerFactory; }

    @Override
    public MDCAdapter getMDCAdapter() { return mdcAdapter; }

    @Override
    public String getRequestedApiVersion() { return "2.0.99"; }

    @Override
    public void initialize() {
        loggerFactory = new JulLoggerFactory();
        markerFactory = new BasicMarkerFactory();
        mdcAdapter = new NOPMDCAdapter();
    }
}
