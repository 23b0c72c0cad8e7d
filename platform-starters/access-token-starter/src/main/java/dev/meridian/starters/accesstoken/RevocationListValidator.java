package dev.meridian.starters.accesstoken;

import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2TokenValidatorResult;
import org.springframework.security.oauth2.jwt.Jwt;

/**
 * Refuses an access token on the revocation list, as {@code invalid_token} like any other bad token: judged by this
 * instance's {@link RevocationList copy}, by one look-up in Redis while the copy is incomplete, and by the copy's
 * bounded-staleness rule when Redis does not answer either (alone while at most {@code max-staleness} old, then fail
 * closed). A token without a {@code jti} cannot have been listed (and
 * auth-service lists none without one), so this check has nothing to say about it.
 */
public final class RevocationListValidator implements OAuth2TokenValidator<Jwt> {

    private static final OAuth2TokenValidatorResult REVOKED = OAuth2TokenValidatorResult.failure(
            new OAuth2Error(OAuth2ErrorCodes.INVALID_TOKEN, "The token has been revoked", null));
    private static final OAuth2TokenValidatorResult UNKNOWN = OAuth2TokenValidatorResult.failure(new OAuth2Error(
            OAuth2ErrorCodes.INVALID_TOKEN, "Whether the token has been revoked cannot be checked now", null));

    private final RevocationList copy;
    private final RedisRevocationListSync redis;

    public RevocationListValidator(RevocationList copy, RedisRevocationListSync redis) {
        this.copy = copy;
        this.redis = redis;
    }

    @Override
    public OAuth2TokenValidatorResult validate(Jwt token) {
        String jti = token.getId();
        if (jti == null) {
            return OAuth2TokenValidatorResult.success();
        }
        return switch (copy.status(jti)) {
            case REVOKED -> REVOKED;
            case NOT_REVOKED -> OAuth2TokenValidatorResult.success();
            case UNKNOWN -> {
                if (copy.worthAskingRedis()) {
                    var answer = redis.lookUp(jti);
                    if (answer.isPresent()) {
                        yield answer.get() ? REVOKED : OAuth2TokenValidatorResult.success();
                    }
                }
                yield copy.admitUnknown() ? OAuth2TokenValidatorResult.success() : UNKNOWN;
            }
        };
    }
}
