package org.drivermodel.webconsole.impl;

import java.io.PrintWriter;

import org.apache.felix.inventory.Format;
import org.apache.felix.inventory.InventoryPrinter;
import org.drivermodel.api.DriverCore;
import org.drivermodel.api.LifetimeReport;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * The lifetime report ({@link DriverCore#report()}) as a Felix Inventory printer: it shows in the
 * Web Console's Status tab ("drivermodel lifetime report") and in every configuration-status dump
 * (text and JSON), as {@code usage:report} shows it in the shell. Stateless.
 */
@Component(service = InventoryPrinter.class, property = {
        InventoryPrinter.NAME + "=drivermodel-lifetime",
        InventoryPrinter.TITLE + "=drivermodel lifetime report",
        InventoryPrinter.FORMAT + "=TEXT",
        InventoryPrinter.FORMAT + "=JSON" })
public final class LifetimeReportPrinter implements InventoryPrinter {

    @Reference
    private DriverCore core;

    @Override
    public void print(PrintWriter out, Format format, boolean isZip) {
        LifetimeReport r = core.report();
        if (Format.JSON.equals(format)) {
            out.print(Json.write(ModelSnapshot.report(r)));
            return;
        }
        out.println("references:" + (r.references().isEmpty() ? " none" : ""));
        r.references().forEach(x -> out.println("  " + x.object() + "  held by " + x.holder() + " (" + x.count() + ")"));
        out.println("pins:" + (r.pins().isEmpty() ? " none" : ""));
        r.pins().forEach(p -> out.println("  " + p.device() + "  driver " + p.driver() + "  by " + p.holder() + ": " + p.reason()));
        out.println("leaks:" + (r.leaks().isEmpty() ? " none" : ""));
        r.leaks().forEach(l -> out.println("  " + l.when() + " " + l.kind() + " " + l.object() + ": " + l.detail()
                + (l.holders().isEmpty() ? "" : " [held by " + String.join(", ", l.holders()) + "]")));
    }
}
