package org.drivermodel.lifetime.primitives;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

import org.drivermodel.lifetime.primitives.fixture.OwnerCode;
import org.junit.jupiter.api.Test;

/** Which frames are an owner's code: by its class loader or by its class files, lambdas counting as their class. */
class OwnerFramesTest {

    private static final String HIDDEN = "/0x0000000800c0b240";

    private static StackTraceElement frame(String loaderName, String className, String method) {
        return new StackTraceElement(loaderName, null, null, className, method, null, -1);
    }

    private static StackTraceElement jdkFrame() {
        return new StackTraceElement(null, "java.base", "17", "java.lang.Thread", "sleep", "Thread.java", -2);
    }

    @Test
    void aLambdaOrHiddenClassIsTheClassThatDefinesIt() {
        assertEquals("org.example.Driver", OwnerFrames.definingClass("org.example.Driver$$Lambda$67" + HIDDEN), "JDK 17");
        assertEquals("org.example.Driver", OwnerFrames.definingClass("org.example.Driver$$Lambda" + HIDDEN), "JDK 21");
        assertEquals("org.example.Driver", OwnerFrames.definingClass("org.example.Driver$$Lambda$3"), "no address");
        assertEquals("org.example.Driver$Inner", OwnerFrames.definingClass("org.example.Driver$Inner$$Lambda$8" + HIDDEN));
        assertEquals("org.example.Proxy", OwnerFrames.definingClass("org.example.Proxy" + HIDDEN), "any hidden class");
        for (String plain : List.of("org.example.Driver", "org.example.Driver$1", "org.example.Driver$Inner", "Driver",
                "org.example.Driver$lambda")) {
            assertEquals(plain, OwnerFrames.definingClass(plain), "a name that is no hidden class is left as it is");
        }

        Runnable lambda = () -> { };
        Supplier<String> methodRef = this::toString;
        for (Object o : List.of(lambda, methodRef)) {
            assertNotEquals(OwnerFramesTest.class.getName(), o.getClass().getName(), "this JVM's own name for it");
            assertEquals(OwnerFramesTest.class.getName(), OwnerFrames.definingClass(o.getClass().getName()));
        }
    }

    @Test
    void aClassEntryIsTheDefiningClassFileInAJar() {
        assertEquals("org/example/Driver$1.class", OwnerFrames.classEntry("org.example.Driver$1"));
        assertEquals("org/example/Driver.class", OwnerFrames.classEntry("org.example.Driver$$Lambda$67" + HIDDEN));
        assertEquals("Driver.class", OwnerFrames.classEntry("Driver"));
    }

    @Test
    void byEntriesALambdaFrameOfTheOwnersClassIsTheOwnersAndOthersAreNot() {
        List<String> asked = new ArrayList<>();
        Set<String> entries = Set.of("org/example/Driver.class", "org/example/Driver$Worker.class");
        OwnerFrames frames = OwnerFrames.ofEntries(entry -> {
            asked.add(entry);
            return entries.contains(entry);
        });
        StackTraceElement lambda = frame(null, "org.example.Driver$$Lambda$67" + HIDDEN, "run");
        List<StackTraceElement> stack = List.of(jdkFrame(), frame(null, "org.other.Library", "call"), lambda,
                frame(null, "org.example.Driver", "lambda$probe$0"));

        assertEquals(Optional.of(lambda), frames.firstIn(stack));
        assertTrue(frames.owns("org.example.Driver$Worker"));
        assertTrue(frames.owns("org.example.Driver"));
        assertFalse(frames.owns("org.example.Driver$Gone"));
        assertFalse(frames.owns("org.other.Library$$Lambda$1" + HIDDEN));
        assertEquals(Optional.empty(), frames.firstIn(List.of(jdkFrame(), frame(null, "org.other.Library", "call"))));
        assertEquals(Optional.empty(), frames.firstIn(List.of()));

        frames.firstIn(stack);
        frames.owns("org.example.Driver$$Lambda$99" + HIDDEN);
        assertEquals(asked.size(), Set.copyOf(asked).size(), "each class file asked for once: " + asked);
        assertEquals(Set.of("java/lang/Thread.class", "org/other/Library.class", "org/example/Driver.class",
                "org/example/Driver$Worker.class", "org/example/Driver$Gone.class"), Set.copyOf(asked));
    }

    @Test
    void byLoaderALambdaOfAClassTheLoaderDefinedIsTheOwnersAndTheSameNameFromAnotherLoaderIsNot() throws Exception {
        ClassLoader driverLoader = new DriverClassLoader("driver-bundle", OwnerCode.class.getName(),
                getClass().getClassLoader());
        assertEquals(driverLoader, driverLoader.loadClass(OwnerCode.class.getName()).getClassLoader());
        OwnerFrames driver = new OwnerFrames(driverLoader);
        OwnerFrames ours = new OwnerFrames(getClass().getClassLoader());
        String ourLoaderName = getClass().getClassLoader().getName();

        StackTraceElement driverLambda = frame("driver-bundle", OwnerCode.class.getName() + "$$Lambda$12" + HIDDEN, "run");
        StackTraceElement driverRun = frame("driver-bundle", OwnerCode.class.getName(), "run");
        StackTraceElement ourRun = frame(ourLoaderName, OwnerCode.class.getName(), "run");
        StackTraceElement ourTest = frame(ourLoaderName, OwnerFramesTest.class.getName(), "test");

        assertEquals(Optional.of(driverLambda), driver.firstIn(List.of(jdkFrame(), driverLambda, driverRun, ourTest)));
        assertEquals(Optional.of(driverRun), driver.firstIn(List.of(ourRun, driverRun)),
                "our copy of the class, by another loader, is not the driver's");
        assertEquals(Optional.empty(), driver.firstIn(List.of(jdkFrame(), ourRun, ourTest)));
        assertEquals(Optional.of(ourRun), ours.firstIn(List.of(driverLambda, driverRun, ourRun)));

        Runnable lambda = () -> { };
        assertTrue(ours.owns(lambda.getClass().getName()), lambda.getClass().getName());
        assertEquals(Optional.of(frame(ourLoaderName, lambda.getClass().getName(), "run")),
                ours.firstIn(List.of(jdkFrame(), frame(ourLoaderName, lambda.getClass().getName(), "run"))));
        assertFalse(driver.owns(lambda.getClass().getName()), "a class the driver's loader only delegates for");
        assertFalse(driver.owns("org.example.NoSuchClass"));
    }
}
