package org.drivermodel.lifetime;

import java.util.Objects;

/**
 * A managed resource whose release threw. Releasing went on with the next resource; the
 * resource is considered released (it is never retried).
 *
 * @param name  the resource's name as given to {@link ManagedResources#add}
 * @param error what its release threw
 */
public record ReleaseFailure(String name, Throwable error) {
    /** Validates. */
    public ReleaseFailure {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(error, "error");
    }

    @Override
    public String toString() {
        return "releasing \"" + name + "\" failed: " + error;
    }
}
