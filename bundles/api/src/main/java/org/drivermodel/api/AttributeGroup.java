package org.drivermodel.api;

import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

import org.drivermodel.error.DriverModelException;
import org.drivermodel.error.Errno;

/**
 * Attributes added and removed together (Linux {@code struct attribute_group}). A named group
 * is a subdirectory of the owner's directory, as in sysfs; an unnamed one puts its files
 * directly in it. Immutable.
 *
 * @param <O> the owner type of the attributes
 */
public final class AttributeGroup<O> {

    private final String name;
    private final List<Attribute<O>> attributes;

    /**
     * @param nameOrNull the subdirectory name, or {@code null} for files in the owner's directory
     * @param attributes the attributes, with distinct names
     * @throws DriverModelException EINVAL for an invalid name, a null attribute or a duplicate name
     */
    public AttributeGroup(String nameOrNull, List<Attribute<O>> attributes) {
        if (nameOrNull != null) {
            Attribute.checkName(nameOrNull);
        }
        if (attributes == null) {
            throw new DriverModelException(Errno.EINVAL, String.valueOf(nameOrNull), "null attribute list");
        }
        Set<String> names = new HashSet<>();
        for (Attribute<O> a : attributes) {
            if (a == null) {
                throw new DriverModelException(Errno.EINVAL, String.valueOf(nameOrNull), "null attribute");
            }
            if (!names.add(a.name())) {
                throw new DriverModelException(Errno.EINVAL, a.name(), "duplicate attribute name in group");
            }
        }
        this.name = nameOrNull;
        this.attributes = List.copyOf(attributes);
    }

    /**
     * @param <O>        the owner type
     * @param attributes the attributes
     * @return an unnamed group: its files go directly into the owner's directory
     */
    @SafeVarargs
    public static <O> AttributeGroup<O> of(Attribute<O>... attributes) {
        return new AttributeGroup<>(null, List.of(attributes));
    }

    /**
     * @param <O>        the owner type
     * @param name       the subdirectory name
     * @param attributes the attributes
     * @return a named group: a subdirectory holding its files
     */
    @SafeVarargs
    public static <O> AttributeGroup<O> named(String name, Attribute<O>... attributes) {
        return new AttributeGroup<>(Objects.requireNonNull(name, "name"), List.of(attributes));
    }

    /** @return the subdirectory name, if the group is named */
    public Optional<String> name() {
        return Optional.ofNullable(name);
    }

    /** @return the attributes, unmodifiable */
    public List<Attribute<O>> attributes() {
        return attributes;
    }

    @Override
    public String toString() {
        return "AttributeGroup[" + (name == null ? "" : name) + ", " + attributes + "]";
    }
}
