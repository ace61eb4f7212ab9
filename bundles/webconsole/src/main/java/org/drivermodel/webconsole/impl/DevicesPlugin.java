package org.drivermodel.webconsole.impl;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.felix.webconsole.servlet.AbstractServlet;
import org.apache.felix.webconsole.servlet.ServletConstants;
import org.apache.felix.webconsole.servlet.User;
import org.drivermodel.api.DriverCore;
import org.drivermodel.error.DriverModelException;
import org.drivermodel.error.Errno;
import org.drivermodel.vbus.VirtualBus;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.log.Logger;
import org.osgi.service.log.LoggerFactory;

import jakarta.servlet.Servlet;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * The Web Console page {@code /system/console/devices} ("Devices", category "drivermodel"):
 * <ul>
 * <li>{@code GET /system/console/devices}: the page; its script ({@code res/ui/devices.js})
 * polls the JSON twice a second and redraws what changed, so a uevent shows without a reload;</li>
 * <li>{@code GET /system/console/devices.json}: the whole model ({@link ModelSnapshot#model});
 * {@code ?path=<device>}: one device with its attribute files and their values;</li>
 * <li>{@code POST /system/console/devices.json} with {@code action} and its parameters: an action
 * ({@link Actions}), refused with EACCES unless it carries the token ({@link ActionTokens}) and,
 * if the browser sent an {@code Origin}, comes from this console's own origin.</li>
 * </ul>
 * Errors are answered as JSON {@code {"ok":false,"errno":"ENOENT","number":2,"message":...}}
 * with an HTTP status that says the same ({@link #status}); a refused request changed nothing.
 * The console authenticates every request before it gets here ({@link ConsoleCredentials}).
 *
 * <p>Thread-safety: the HTTP server calls from many threads; the fields are final or volatile,
 * and the set of driver bundles seen is concurrent.
 */
@Component(service = Servlet.class, property = {
        ServletConstants.PLUGIN_LABEL + "=" + DevicesPlugin.LABEL,
        ServletConstants.PLUGIN_TITLE + "=Devices",
        ServletConstants.PLUGIN_CATEGORY + "=drivermodel" })
public final class DevicesPlugin extends AbstractServlet {

    private static final long serialVersionUID = 1L;
    /** The page's label: {@code /system/console/devices}. */
    static final String LABEL = "devices";
    /** The header (or form field {@code token}) that carries an action's token. */
    static final String TOKEN_HEADER = "X-Drivermodel-Token";

    @Reference
    private transient DriverCore core;

    @Reference
    private transient UeventLog uevents;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private transient volatile VirtualBus vbus;

    @Reference(service = LoggerFactory.class)
    private transient Logger log;

    private transient ActionTokens tokens;
    private transient ModelSnapshot snapshot;
    private transient Actions actions;
    private final transient Set<Long> driverBundles = ConcurrentHashMap.newKeySet();

    @Activate
    void activate(BundleContext context) {
        tokens = new ActionTokens();
        snapshot = new ModelSnapshot(core, context, driverBundles);
        actions = new Actions(core, () -> vbus, context);
    }

    /** @return what the request asks for after the label: "" (the page), ".json", "/res/..." */
    private static String rest(HttpServletRequest request) {
        String info = request.getPathInfo() == null ? "" : request.getPathInfo();
        int at = info.indexOf("/" + LABEL);
        return at < 0 ? info : info.substring(at + 1 + LABEL.length());
    }

    private static String user(HttpServletRequest request) {
        Object u = request.getAttribute(User.USER_ATTRIBUTE);
        Object o = u instanceof User user ? user.getUserObject() : null;
        return o == null ? String.valueOf(request.getRemoteUser()) : o.toString();
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws ServletException, IOException {
        String rest = rest(request);
        if (rest.startsWith("/res/")) {
            super.doGet(request, response);
            return;
        }
        if (rest.isEmpty() || rest.equals("/") || rest.equals(".html")) {
            super.doGet(request, response); // the console's frame around renderContent
            return;
        }
        if (!rest.equals(".json")) {
            error(response, new DriverModelException(Errno.ENOENT, request.getRequestURI(), "no such page"));
            return;
        }
        try {
            String path = request.getParameter("path");
            Map<String, Object> answer = path == null ? snapshot.model(uevents, tokens.tokenFor(user(request)))
                    : snapshot.device(path);
            json(response, HttpServletResponse.SC_OK, answer);
        } catch (DriverModelException e) {
            error(response, e);
        }
    }

    @Override
    protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String action = request.getParameter("action");
        try {
            if (!rest(request).equals(".json")) {
                throw new DriverModelException(Errno.ENOENT, request.getRequestURI(), "actions are posted to " + LABEL + ".json");
            }
            checkOrigin(request);
            String token = request.getHeader(TOKEN_HEADER);
            tokens.check(user(request), token != null ? token : request.getParameter("token"));
            String done = actions.run(action, request::getParameter);
            log.info("web console: {} by {}: {}", action, user(request), done);
            json(response, HttpServletResponse.SC_OK, Map.of("ok", true, "message", done));
        } catch (DriverModelException e) {
            log.info("web console: {} refused: {}", DriverModelException.quote(String.valueOf(action)), e.getMessage());
            error(response, e);
        } catch (RuntimeException e) {
            // not the model's refusal but a fault behind it: EIO, as the driver boundary answers
            log.error("web console: {} failed", DriverModelException.quote(String.valueOf(action)), e);
            error(response, new DriverModelException(Errno.EIO, String.valueOf(action), e.toString()));
        }
    }

    /** A browser names the page that posts in {@code Origin}: it must be this console's. */
    private static void checkOrigin(HttpServletRequest request) {
        String origin = request.getHeader("Origin");
        if (origin == null) {
            return; // not a browser's cross-origin post (those always carry it); the token decides
        }
        String host = request.getHeader("Host");
        String originHost;
        try {
            URI u = URI.create(origin);
            originHost = u.getPort() < 0 ? u.getHost() : u.getHost() + ":" + u.getPort();
        } catch (IllegalArgumentException e) {
            originHost = null;
        }
        if (host == null || !host.equalsIgnoreCase(originHost)) {
            throw new DriverModelException(Errno.EACCES, "action", "posted from another origin ("
                    + DriverModelException.quote(origin) + ")");
        }
    }

    @Override
    public void renderContent(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String root = String.valueOf(request.getAttribute(ServletConstants.ATTR_APP_ROOT));
        String token = tokens.tokenFor(user(request));
        PrintWriter out = response.getWriter();
        out.println("<link rel=\"stylesheet\" href=\"" + root + "/" + LABEL + "/res/ui/devices.css\">");
        out.println("<div id=\"dm-page\" data-json=\"" + root + "/" + LABEL + ".json\" data-token=\"" + token + "\">");
        out.println("<p id=\"dm-status\" class=\"dm-status\">loading the device model...</p>");
        out.println("<div class=\"dm-columns\"><div class=\"dm-left\">");
        out.println("<h2>Device tree</h2><div id=\"dm-tree\"></div>");
        // no name="id" on the input: a form's named controls shadow its properties (form.id)
        out.println("<h2>Plug a virtual device</h2><form id=\"dm-plug\"><input id=\"dm-plug-id\" placeholder=\"vvvv:pppp\" size=\"10\">"
                + " <button type=\"submit\" id=\"dm-plug-button\">Plug</button></form>");
        out.println("<h2>Drivers</h2><div id=\"dm-drivers\"></div>");
        out.println("<h2>Driver bundles</h2><div id=\"dm-bundles\"></div>");
        out.println("<h2>Buses</h2><div id=\"dm-buses\"></div>");
        out.println("</div><div class=\"dm-right\">");
        out.println("<h2>Device <span id=\"dm-selected\"></span></h2><div id=\"dm-device\"><p>select a device in the tree</p></div>");
        out.println("<h2>Lifetime report</h2><div id=\"dm-report\"></div>");
        out.println("<h2>Uevents</h2><div id=\"dm-uevents\"></div>");
        out.println("</div></div></div>");
        out.println("<script src=\"" + root + "/" + LABEL + "/res/ui/devices.js\"></script>");
    }

    private static void error(HttpServletResponse response, DriverModelException e) throws IOException {
        json(response, status(e.errno()), Map.of("ok", false, "errno", e.errno().name(), "number", e.errno().number(),
                "message", e.getMessage()));
    }

    /** @return the HTTP status that says what the errno says */
    static int status(Errno errno) {
        return switch (errno) {
            case ENOENT -> HttpServletResponse.SC_NOT_FOUND;
            case EINVAL, ERANGE, ENAMETOOLONG -> HttpServletResponse.SC_BAD_REQUEST;
            case EACCES, EPERM, EROFS -> HttpServletResponse.SC_FORBIDDEN;
            case EBUSY, EEXIST -> HttpServletResponse.SC_CONFLICT;
            case ENODEV, ENXIO -> HttpServletResponse.SC_GONE;
            case ETIMEDOUT -> HttpServletResponse.SC_GATEWAY_TIMEOUT;
            default -> HttpServletResponse.SC_INTERNAL_SERVER_ERROR;
        };
    }

    private static void json(HttpServletResponse response, int status, Map<String, Object> body) throws IOException {
        response.setStatus(status);
        response.setContentType("application/json;charset=UTF-8");
        setNoCache(response);
        response.getWriter().print(Json.write(body));
    }
}
