package dev.meridian.user.account;

import dev.meridian.starters.resourceserver.StepUp;
import dev.meridian.user.account.AccountProblems.NotAllowed;
import java.util.List;
import org.springdoc.core.utils.SpringDocUtils;
import org.springframework.core.MethodParameter;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.stereotype.Component;
import org.springframework.web.bind.support.WebDataBinderFactory;
import org.springframework.web.context.request.NativeWebRequest;
import org.springframework.web.method.support.HandlerMethodArgumentResolver;
import org.springframework.web.method.support.ModelAndViewContainer;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/**
 * Gives each API method its {@link Caller}, and refuses (403) a user whose account is deactivated: their access
 * token stays valid until it expires, and must not keep working here meanwhile. The caller's account is read
 * through the {@code users} cache, which every change of status evicts on every instance — on a cached read the
 * check costs one more local cache lookup.
 */
@Component
class Callers implements HandlerMethodArgumentResolver, WebMvcConfigurer {

    static {
        // Resolved from the token, not from the request: not a parameter of the API description.
        SpringDocUtils.getConfig().addRequestWrapperToIgnore(Caller.class);
    }

    private final UserAccounts accounts;
    private final StepUp stepUp;

    Callers(UserAccounts accounts, StepUp stepUp) {
        this.accounts = accounts;
        this.stepUp = stepUp;
    }

    @Override
    public void addArgumentResolvers(List<HandlerMethodArgumentResolver> resolvers) {
        resolvers.add(this);
    }

    @Override
    public boolean supportsParameter(MethodParameter parameter) {
        return parameter.getParameterType() == Caller.class;
    }

    @Override
    public Caller resolveArgument(
            MethodParameter parameter,
            ModelAndViewContainer container,
            NativeWebRequest request,
            WebDataBinderFactory binders) {
        var authentication = SecurityContextHolder.getContext().getAuthentication();
        Caller caller = Caller.of(authentication, stepUp.satisfiedBy(authentication));
        if (caller.userId() != null
                && accounts.find(caller.userId())
                        .filter(account -> account.status() == AccountStatus.DEACTIVATED)
                        .isPresent()) {
            throw new NotAllowed("This account is deactivated");
        }
        return caller;
    }
}
