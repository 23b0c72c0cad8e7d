package dev.meridian.auth.secondfactor;

import dev.meridian.auth.sessions.UserForgotten;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * A deleted user's second factors go with their sessions (GDPR Art. 17): the authenticator app's secret, the
 * recovery codes' digests, the passkeys' public keys and the WebAuthn user handle. In the deletion's transaction, so a
 * redelivered {@code UserDeleted} finds nothing left and a failure retries the whole deletion.
 */
@Component
class SecondFactorErasure {

    private final TotpFactors apps;
    private final RecoveryCodes recoveryCodes;
    private final Passkeys passkeys;

    SecondFactorErasure(TotpFactors apps, RecoveryCodes recoveryCodes, Passkeys passkeys) {
        this.apps = apps;
        this.recoveryCodes = recoveryCodes;
        this.passkeys = passkeys;
    }

    @EventListener
    void erase(UserForgotten forgotten) {
        apps.remove(forgotten.user());
        recoveryCodes.forget(forgotten.user());
        passkeys.forget(forgotten.user());
    }
}
