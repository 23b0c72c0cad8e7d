package dev.meridian.user.password;

import jakarta.validation.Constraint;
import jakarta.validation.ConstraintValidator;
import jakarta.validation.ConstraintValidatorContext;
import jakarta.validation.Payload;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/** A new password that follows the {@link PasswordPolicy}; null is left to {@code @NotNull}. */
@Target({ElementType.FIELD, ElementType.PARAMETER, ElementType.RECORD_COMPONENT})
@Retention(RetentionPolicy.RUNTIME)
@Constraint(validatedBy = PasswordRules.Check.class)
public @interface PasswordRules {

    String message() default "does not follow the password rules";

    Class<?>[] groups() default {};

    Class<? extends Payload>[] payload() default {};

    class Check implements ConstraintValidator<PasswordRules, String> {

        @Override
        public boolean isValid(String password, ConstraintValidatorContext context) {
            if (password == null) {
                return true;
            }
            return PasswordPolicy.violation(password)
                    .map(rule -> {
                        context.disableDefaultConstraintViolation();
                        // The message names the rule only (fixed text and numbers), never the password itself.
                        context.buildConstraintViolationWithTemplate(rule).addConstraintViolation();
                        return false;
                    })
                    .orElse(true);
        }
    }
}
