package org.drivermodel.core.impl;

import java.lang.reflect.Proxy;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

import org.osgi.service.log.Logger;

/** A {@link Logger} that records "level message-format" lines, for assertions. */
final class TestLog {
    final Queue<String> lines = new ConcurrentLinkedQueue<>();

    final Logger logger = (Logger) Proxy.newProxyInstance(Logger.class.getClassLoader(), new Class<?>[] {Logger.class},
            (proxy, method, args) -> {
                switch (method.getName()) {
                    case "getName":
                        return "test";
                    case "isTraceEnabled":
                    case "isDebugEnabled":
                    case "isInfoEnabled":
                    case "isWarnEnabled":
                    case "isErrorEnabled":
                        return true;
                    case "toString":
                        return "TestLog";
                    case "hashCode":
                        return System.identityHashCode(proxy);
                    case "equals":
                        return proxy == args[0];
                    default:
                        lines.add(method.getName() + " " + format(args));
                        return null;
                }
            });

    private static String format(Object[] args) {
        if (args == null || args.length == 0 || !(args[0] instanceof String)) {
            return "";
        }
        String s = (String) args[0];
        for (int i = 1; i < args.length; i++) {
            Object a = args[i];
            if (a instanceof Object[] arr) {
                for (Object x : arr) {
                    s = s.replaceFirst("\\{\\}", java.util.regex.Matcher.quoteReplacement(String.valueOf(x)));
                }
            } else {
                s = s.replaceFirst("\\{\\}", java.util.regex.Matcher.quoteReplacement(String.valueOf(a)));
            }
        }
        return s;
    }

    boolean contains(String level, String fragment) {
        return lines.stream().anyMatch(l -> l.startsWith(level + " ") && l.contains(fragment));
    }
}
