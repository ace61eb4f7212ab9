package org.drivermodel.core.impl;

import org.osgi.service.log.Logger;
import org.osgi.service.log.LoggerConsumer;

/**
 * A logger that drops everything, with every level disabled: the benchmarks measure the core,
 * not a log service (the core logs nothing per device above debug).
 */
final class NopLogger implements Logger {
    static final NopLogger INSTANCE = new NopLogger();

    private NopLogger() {
    }

    @Override
    public String getName() {
        return "nop";
    }

    @Override
    public boolean isTraceEnabled() {
        return false;
    }

    @Override
    public void trace(String message) {
    }

    @Override
    public void trace(String format, Object arg) {
    }

    @Override
    public void trace(String format, Object arg1, Object arg2) {
    }

    @Override
    public void trace(String format, Object... arguments) {
    }

    @Override
    public <E extends Exception> void trace(LoggerConsumer<E> consumer) {
    }

    @Override
    public boolean isDebugEnabled() {
        return false;
    }

    @Override
    public void debug(String message) {
    }

    @Override
    public void debug(String format, Object arg) {
    }

    @Override
    public void debug(String format, Object arg1, Object arg2) {
    }

    @Override
    public void debug(String format, Object... arguments) {
    }

    @Override
    public <E extends Exception> void debug(LoggerConsumer<E> consumer) {
    }

    @Override
    public boolean isInfoEnabled() {
        return false;
    }

    @Override
    public void info(String message) {
    }

    @Override
    public void info(String format, Object arg) {
    }

    @Override
    public void info(String format, Object arg1, Object arg2) {
    }

    @Override
    public void info(String format, Object... arguments) {
    }

    @Override
    public <E extends Exception> void info(LoggerConsumer<E> consumer) {
    }

    @Override
    public boolean isWarnEnabled() {
        return false;
    }

    @Override
    public void warn(String message) {
    }

    @Override
    public void warn(String format, Object arg) {
    }

    @Override
    public void warn(String format, Object arg1, Object arg2) {
    }

    @Override
    public void warn(String format, Object... arguments) {
    }

    @Override
    public <E extends Exception> void warn(LoggerConsumer<E> consumer) {
    }

    @Override
    public boolean isErrorEnabled() {
        return false;
    }

    @Override
    public void error(String message) {
    }

    @Override
    public void error(String format, Object arg) {
    }

    @Override
    public void error(String format, Object arg1, Object arg2) {
    }

    @Override
    public void error(String format, Object... arguments) {
    }

    @Override
    public <E extends Exception> void error(LoggerConsumer<E> consumer) {
    }

    @Override
    public void audit(String message) {
    }

    @Override
    public void audit(String format, Object arg) {
    }

    @Override
    public void audit(String format, Object arg1, Object arg2) {
    }

    @Override
    public void audit(String format, Object... arguments) {
    }
}
