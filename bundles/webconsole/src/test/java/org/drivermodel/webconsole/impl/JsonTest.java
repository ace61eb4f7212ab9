package org.drivermodel.webconsole.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class JsonTest {

    @Test
    void valuesNestAndKeepTheirOrder() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("b", 1);
        m.put("a", List.of(true, "x"));
        m.put("n", null);
        m.put("l", Arrays.asList(null, 2L));
        assertEquals("{\"b\":1,\"a\":[true,\"x\"],\"n\":null,\"l\":[null,2]}", Json.write(m));
    }

    @Test
    void stringsAreEscapedAlsoForHtml() {
        assertEquals("\"q\\\" b\\\\ n\\n t\\t c\\u0001 \\u003c/script\\u003e \\u0026\"",
                Json.write("q\" b\\ n\n t\t c\u0001 </script> &"));
    }
}
