package org.drivermodel.webconsole.impl;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.drivermodel.error.DriverModelException;
import org.drivermodel.error.Errno;

/**
 * The token every action (POST) must carry, against cross-site request forgery. Felix Web
 * Console 5 protects its own POSTs with HTTP authentication alone, which a browser sends along
 * with a forged cross-site form as well; so the page carries a token that only a same-origin
 * reader of the page or its JSON can know: an HMAC-SHA256 of the authenticated user's name under
 * a random key made at activation (a synchronizer token without server-side sessions). A new
 * activation (a restart of the bundle) makes earlier tokens invalid: the page fetches a new one
 * with its next poll.
 *
 * <p>Immutable and thread-safe: the key is final; each call makes its own {@link Mac}.
 */
final class ActionTokens {

    /** Bytes of the key: 256 bits, as HMAC-SHA256 takes. */
    private static final int KEY_BYTES = 32;

    private final byte[] key;

    ActionTokens() {
        key = new byte[KEY_BYTES];
        new SecureRandom().nextBytes(key);
    }

    /** @return the token of the user (the name the console authenticated) */
    String tokenFor(String user) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(mac.doFinal(user.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }

    /**
     * @param user  the authenticated user
     * @param token the token the request carried, or null
     * @throws DriverModelException EACCES if the token is missing or not the user's
     */
    void check(String user, String token) {
        if (token == null || token.isEmpty()) {
            throw new DriverModelException(Errno.EACCES, "action", "missing token (send the page's token as X-Drivermodel-Token or token)");
        }
        byte[] expected = tokenFor(user).getBytes(StandardCharsets.US_ASCII);
        if (!MessageDigest.isEqual(expected, token.getBytes(StandardCharsets.UTF_8))) {
            throw new DriverModelException(Errno.EACCES, "action", "invalid token");
        }
    }
}
