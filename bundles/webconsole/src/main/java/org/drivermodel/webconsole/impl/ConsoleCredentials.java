package org.drivermodel.webconsole.impl;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Map;

import org.apache.felix.webconsole.spi.SecurityProvider;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.log.Logger;
import org.osgi.service.log.LoggerFactory;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * The Web Console's credentials, from the configuration {@value #PID} ({@code username},
 * {@code password} in clear or as {@code {sha-256}<base64 of the SHA-256 of the UTF-8 password>},
 * as the console's own): HTTP Basic authentication for every console page, its JSON and its
 * actions. There is no default password: until one is configured, every request is refused with
 * 401 and a body that says what to set. The distribution requires this provider
 * ({@code felix.webconsole.security.providers=drivermodel} in {@code conf/config.properties}),
 * so the console's built-in {@code admin/admin} is never in force, not even before this
 * component is up (the console answers 503 then).
 *
 * <p>Thread-safety: the credentials are one immutable record behind a volatile field, replaced
 * whole when the configuration changes.
 */
@Component(service = SecurityProvider.class, configurationPid = ConsoleCredentials.PID,
        configurationPolicy = ConfigurationPolicy.OPTIONAL,
        property = SecurityProvider.PROPERTY_ID + "=" + ConsoleCredentials.PROVIDER_ID)
public final class ConsoleCredentials implements SecurityProvider {

    /** The configuration's PID: {@code deploy/org.drivermodel.webconsole.cfg} in the distribution. */
    static final String PID = "org.drivermodel.webconsole";
    /** The provider's id, as {@code felix.webconsole.security.providers} names it. */
    static final String PROVIDER_ID = "drivermodel";
    private static final String REALM = "drivermodel";
    private static final String HASH_PREFIX = "{sha-256}";

    /** The configured user, and the SHA-256 of the password; null hash: none configured. */
    private record Credentials(String user, byte[] passwordHash) {
    }

    @Reference(service = LoggerFactory.class)
    private Logger log;

    private volatile Credentials credentials = new Credentials("admin", null);

    @Activate
    @Modified
    void configure(Map<String, Object> config) {
        Object user = config.get("username");
        Object password = config.get("password");
        String u = user == null || user.toString().isBlank() ? "admin" : user.toString().trim();
        byte[] hash = null;
        if (password != null && !password.toString().isEmpty()) {
            String p = password.toString();
            if (p.startsWith(HASH_PREFIX)) {
                try {
                    hash = Base64.getDecoder().decode(p.substring(HASH_PREFIX.length()));
                } catch (IllegalArgumentException e) {
                    log.error("EINVAL: {}: password: malformed {sha-256} hash; the console refuses every login", PID);
                }
            } else {
                hash = sha256(p);
            }
        }
        credentials = new Credentials(u, hash);
        if (hash == null) {
            log.warn("{}: no password configured: the web console refuses every login until password is set"
                    + " (deploy/org.drivermodel.webconsole.cfg in the distribution)", PID);
        } else {
            log.info("{}: web console user {} configured", PID, u);
        }
    }

    @Override
    public Object authenticate(HttpServletRequest request, HttpServletResponse response) {
        Credentials c = credentials;
        String header = request.getHeader("Authorization");
        if (c.passwordHash() != null && header != null && header.regionMatches(true, 0, "Basic ", 0, 6)) {
            String decoded;
            try {
                decoded = new String(Base64.getDecoder().decode(header.substring(6).trim()), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                decoded = "";
            }
            int colon = decoded.indexOf(':');
            if (colon > 0) {
                boolean userOk = MessageDigest.isEqual(c.user().getBytes(StandardCharsets.UTF_8),
                        decoded.substring(0, colon).getBytes(StandardCharsets.UTF_8));
                boolean passwordOk = MessageDigest.isEqual(c.passwordHash(), sha256(decoded.substring(colon + 1)));
                if (userOk && passwordOk) {
                    return c.user();
                }
            }
        }
        refuse(response, c.passwordHash() == null
                ? "EACCES: /system/console: no credentials configured: set password in " + PID + " (deploy/" + PID + ".cfg)"
                : "EACCES: /system/console: credentials required");
        return null;
    }

    private static void refuse(HttpServletResponse response, String message) {
        try {
            response.setStatus(HttpServletResponse.SC_UNAUTHORIZED);
            response.setHeader("WWW-Authenticate", "Basic realm=\"" + REALM + "\", charset=\"UTF-8\"");
            response.setContentType("text/plain;charset=UTF-8");
            response.getWriter().println(message);
            response.flushBuffer();
        } catch (IOException e) {
            // the client went: nothing more to tell it
        }
    }

    @Override
    public boolean authorize(Object user, String role) {
        return user != null; // one role: the configured user may do everything the console offers
    }

    @Override
    public void logout(HttpServletRequest request, HttpServletResponse response) {
        // Basic authentication keeps no session to end
    }

    static byte[] sha256(String password) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(password.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
