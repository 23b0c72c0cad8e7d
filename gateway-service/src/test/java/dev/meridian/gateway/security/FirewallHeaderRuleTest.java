package dev.meridian.gateway.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class FirewallHeaderRuleTest {

    /** Spring Security's default for header names and values in {@code StrictServerWebExchangeFirewall}. */
    private static final Pattern SPRING = Pattern.compile("[\\p{IsAssigned}&&[^\\p{IsControl}]]*");

    @Test
    void everyCodePointIsAllowedOrRefusedAsSpringSecuritysPatternDecides() {
        List<Integer> disagreements = new ArrayList<>();
        for (int codePoint = 0; codePoint <= Character.MAX_CODE_POINT; codePoint++) {
            String value = "a" + Character.toString(codePoint) + "b";
            if (EdgeSecurity.assignedAndNotControl(value)
                    != SPRING.matcher(value).matches()) {
                disagreements.add(codePoint);
            }
        }
        assertThat(disagreements).isEmpty();
    }

    @Test
    void anAbsentHeaderPasses() {
        assertThat(EdgeSecurity.assignedAndNotControl(null)).isTrue();
    }

    @Test
    void headerValuesAsClientsSendThem() {
        for (String value : List.of(
                "",
                "Bearer eyJ.eyJ.sig",
                "text/html; q=0.9",
                "caf\u00e9",
                "\ud83d\ude00",
                "a\tb",
                "a\r\nb",
                "\u007f",
                "\ud83d",
                "x\udc00y")) {
            assertThat(EdgeSecurity.assignedAndNotControl(value))
                    .as(value)
                    .isEqualTo(SPRING.matcher(value).matches());
        }
    }
}
