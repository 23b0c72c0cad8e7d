package dev.meridian.user.account;

import jakarta.validation.Constraint;
import jakarta.validation.ConstraintValidator;
import jakarta.validation.ConstraintValidatorContext;
import jakarta.validation.Payload;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.text.Normalizer;

/**
 * Text that is shown, mailed and logged: no control characters (Unicode Cc — CR/LF would inject mail headers or
 * log lines), no invisible format characters (Cf: bidi overrides that reorder what is shown, zero-width spaces and
 * tag characters that hide text), no line or paragraph separators (Zl, Zp) and no lone surrogates (Cs). Allowed
 * of Cf: U+200D ZERO WIDTH JOINER, which joins emoji sequences (👩‍💻) and several scripts' ligatures, and U+200C
 * ZERO WIDTH NON-JOINER, which Persian and Indic spelling needs. Use {@link Check#nfc} on the value before storing.
 */
@Target({ElementType.FIELD, ElementType.PARAMETER, ElementType.RECORD_COMPONENT})
@Retention(RetentionPolicy.RUNTIME)
@Constraint(validatedBy = PlainText.Check.class)
@interface PlainText {

    String message() default "must not contain control or invisible formatting characters";

    Class<?>[] groups() default {};

    Class<? extends Payload>[] payload() default {};

    class Check implements ConstraintValidator<PlainText, String> {

        /** The form text is stored in: NFC, so one word typed two ways is one word. */
        static String nfc(String text) {
            return text == null ? null : Normalizer.normalize(text, Normalizer.Form.NFC);
        }

        private static final int ZERO_WIDTH_NON_JOINER = 0x200C;
        private static final int ZERO_WIDTH_JOINER = 0x200D;

        @Override
        public boolean isValid(String text, ConstraintValidatorContext context) {
            return text == null || text.codePoints().allMatch(Check::allowed);
        }

        private static boolean allowed(int codePoint) {
            return switch (Character.getType(codePoint)) {
                case Character.CONTROL, Character.SURROGATE, Character.LINE_SEPARATOR, Character.PARAGRAPH_SEPARATOR ->
                    false;
                case Character.FORMAT -> codePoint == ZERO_WIDTH_JOINER || codePoint == ZERO_WIDTH_NON_JOINER;
                default -> true;
            };
        }
    }
}
