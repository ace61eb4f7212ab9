package org.drivermodel.itest;

import java.lang.reflect.Method;

import org.junit.Test;
import org.junit.runner.Description;
import org.junit.runner.Runner;
import org.junit.runner.notification.RunNotifier;
import org.ops4j.pax.exam.junit.PaxExam;

/**
 * Runs a Pax Exam class only in the failsafe execution that has the Karaf container on its
 * classpath ({@code dm.framework=karaf}); elsewhere its tests are reported as skipped. Needed
 * because {@code -Dit.test=KarafIT} overrides each execution's excludes, so the felix and equinox
 * executions would otherwise run the class in a native framework.
 */
public final class KarafOnly extends Runner {
    private final Class<?> testClass;
    private final Runner exam;

    public KarafOnly(Class<?> testClass) throws Exception {
        this.testClass = testClass;
        this.exam = "karaf".equals(System.getProperty("dm.framework")) ? new PaxExam(testClass) : null;
    }

    @Override
    public Description getDescription() {
        if (exam != null) {
            return exam.getDescription();
        }
        Description suite = Description.createSuiteDescription(testClass);
        for (Method m : testClass.getMethods()) {
            if (m.isAnnotationPresent(Test.class)) {
                suite.addChild(Description.createTestDescription(testClass, m.getName()));
            }
        }
        return suite;
    }

    @Override
    public void run(RunNotifier notifier) {
        if (exam != null) {
            exam.run(notifier);
            return;
        }
        for (Description test : getDescription().getChildren()) {
            notifier.fireTestIgnored(test);
        }
    }
}
