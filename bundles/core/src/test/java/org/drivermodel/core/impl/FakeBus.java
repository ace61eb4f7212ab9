package org.drivermodel.core.impl;

import java.util.List;

import org.drivermodel.api.Bus;
import org.drivermodel.api.BusContext;
import org.drivermodel.api.Device;
import org.drivermodel.api.DriverInfo;

/** A bus whose devices match drivers by their "id" property against the driver's "ids". */
class FakeBus implements Bus {
    private final String name;
    volatile BusContext context;

    FakeBus(String name) {
        this.name = name;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public boolean match(Device device, DriverInfo driver) {
        Object ids = driver.properties().get("ids");
        return ids instanceof List<?> l && l.contains(device.property("id"));
    }

    @Override
    public void attach(BusContext ctx) {
        this.context = ctx;
    }
}
