package org.drivermodel.webconsole.impl;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.drivermodel.error.DriverModelException;
import org.drivermodel.error.Errno;
import org.junit.jupiter.api.Test;

class ActionTokensTest {

    @Test
    void aTokenIsTheUsersAndThisActivationsOnly() {
        ActionTokens tokens = new ActionTokens();
        String admin = tokens.tokenFor("admin");
        assertEquals(admin, tokens.tokenFor("admin"));
        assertNotEquals(admin, tokens.tokenFor("other"));
        assertNotEquals(admin, new ActionTokens().tokenFor("admin"), "a new key at each activation");
        assertDoesNotThrow(() -> tokens.check("admin", admin));
        for (String bad : new String[] { null, "", "x", tokens.tokenFor("other"), admin + "=" }) {
            DriverModelException e = assertThrows(DriverModelException.class, () -> tokens.check("admin", bad));
            assertEquals(Errno.EACCES, e.errno());
        }
    }
}
