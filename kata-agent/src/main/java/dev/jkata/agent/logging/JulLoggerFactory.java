package dev.jkata.agent.logging;

import org.slf4j.ILoggerFactory;
import org.slf4j.Logger;
import org.slf4j.Marker;
import org.slf4j.event.Level;
import org.slf4j.helpers.LegacyAbstractLogger;
import org.slf4j.helpers.MessageFormatter;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/** SLF4J loggers that write to java.util.logging loggers of the same name. */
final class JulLoggerFactory implements ILoggerFactory {
    private final ConcurrentMap<String, Logger> loggers = new ConcurrentHashMap<>();

    @Override
    public Logger getLogger(String name) {
        return loggers.computeIfAbsent(name, JulLogger::new);
    }

    private static final class JulLogger extends LegacyAbstractLogger {
        private static final long serialVersionUID = 1L;
        private final transient java.util.logging.Logger jul;

        JulLogger(String name) {
            this.name = name;
            this.jul = java.util.logging.Logger.getLogger(name);
        }

        @Override
        public boolean isTraceEnabled() { return jul.isLoggable(java.util.logging.Level.FINEST); }

        @Override
        public boolean isDebugEnabled() { return jul.isLoggable(java.util.logging.Level.FINE); }

        @Override
        public boolean isInfoEnabled() { return jul.isLoggable(java.util.logging.Level.INFO); }

        @Override
        public boolean isWarnEnabled() { return jul.isLoggable(java.util.logging.Level.WARNING); }

        @Override
        public boolean isErrorEnabled() { return jul.isLoggable(java.util.logging.Level.SEVERE); }

        @Override
        protected String getFullyQualifiedCallerName() { return null; }

        @Override
        protected void handleNormalizedLoggingCall(Level level, Marker marker, String pattern, Object[] args, Throwable t) {
            java.util.logging.Level jl = switch (level) {
                case ERROR -> java.util.logging.Level.SEVERE;
                case WARN -> java.util.logging.Level.WARNING;
                case INFO -> java.util.logging.Level.INFO;
                case DEBUG -> java.util.logging.Level.FINE;
                case TRACE -> java.util.logging.Level.FINEST;
            };
            String message = MessageFormatter.basicArrayFormat(pattern, args);
            java.util.logging.LogRecord r = new java.util.logging.LogRecord(jl, message);
            r.setLoggerName(name);
            r.setThrown(t);
            jul.log(r);
        }
    }
}
