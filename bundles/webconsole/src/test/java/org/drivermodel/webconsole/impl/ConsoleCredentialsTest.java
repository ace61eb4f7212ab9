package org.drivermodel.webconsole.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Base64;

import org.junit.jupiter.api.Test;

class ConsoleCredentialsTest {

    @Test
    void theHashIsTheOneTheReadmeComputes() {
        // printf %s 'my secret' | sha256sum | xxd -r -p | base64
        assertEquals("udHQE/YA7Bvxa65qNjTK0V3MSQyfKDV2QgGkGh1w3kQ=",
                Base64.getEncoder().encodeToString(ConsoleCredentials.sha256("my secret")));
    }
}
