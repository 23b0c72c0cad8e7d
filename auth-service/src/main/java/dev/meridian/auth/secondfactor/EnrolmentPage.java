package dev.meridian.auth.secondfactor;

import dev.meridian.auth.sessions.SecurityEvents;
import dev.meridian.auth.sessions.Sessions;
import dev.meridian.events.SecondFactorEnrolled;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.UUID;
import org.springframework.http.HttpStatus;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.FactorGrantedAuthority;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.core.context.SecurityContextHolderStrategy;
import org.springframework.security.web.context.HttpSessionSecurityContextRepository;
import org.springframework.security.web.context.SecurityContextRepository;
import org.springframework.security.web.savedrequest.HttpSessionRequestCache;
import org.springframework.security.web.savedrequest.RequestCache;
import org.springframework.security.web.savedrequest.SavedRequest;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;

/**
 * The signed-in user's second factors: set up an authenticator app (a QR code of its {@code otpauth://} URI and the
 * secret as text, then a code from the app to prove it was added), the ten recovery codes shown once, new ones, and
 * removal; the user's passkeys, listed with a form to remove each. Plain forms with CSRF tokens; the only script is
 * the one that adds a passkey (WebAuthn has no form-based API), talking to Spring's {@code /webauthn/register}. The secret waits in the login's HTTP session until a code confirms
 * it, so a set-up abandoned halfway changes nothing.
 */
@Controller
class EnrolmentPage {

    static final String PATH = "/account/second-factor";
    private static final String PENDING = EnrolmentPage.class.getName() + ".pendingSecret";

    private final TotpFactors apps;
    private final Passkeys passkeys;
    private final SecondFactors secondFactors;
    private final RecoveryCodes recoveryCodes;
    private final CodeThrottle throttle;
    private final SecurityEvents events;
    private final Sessions sessions;
    private final SecondFactorSettings settings;
    private final Clock clock;
    private final SecurityContextRepository contexts = new HttpSessionSecurityContextRepository();
    private final SecurityContextHolderStrategy holder = SecurityContextHolder.getContextHolderStrategy();
    private final RequestCache requestCache = new HttpSessionRequestCache();

    EnrolmentPage(
            TotpFactors apps,
            Passkeys passkeys,
            SecondFactors secondFactors,
            RecoveryCodes recoveryCodes,
            CodeThrottle throttle,
            SecurityEvents events,
            Sessions sessions,
            SecondFactorSettings settings,
            Clock clock) {
        this.apps = apps;
        this.passkeys = passkeys;
        this.secondFactors = secondFactors;
        this.recoveryCodes = recoveryCodes;
        this.throttle = throttle;
        this.events = events;
        this.sessions = sessions;
        this.settings = settings;
        this.clock = clock;
    }

    @GetMapping(PATH)
    String status(Authentication signedIn, Model model, HttpServletRequest request, HttpServletResponse response) {
        UUID user = SecondFactors.userId(signedIn);
        boolean enrolled = apps.enrolled(user);
        List<Passkeys.Passkey> keys = passkeys.of(user);
        boolean anyFactor = enrolled || !keys.isEmpty();
        // Sent here by a request that needs a second factor (a client requiring one), not come of one's own accord.
        model.addAttribute("required", !anyFactor && requestCache.getRequest(request, response) != null);
        model.addAttribute("enrolled", enrolled);
        model.addAttribute("passkeys", keys);
        model.addAttribute("anyFactor", anyFactor);
        model.addAttribute("unused", anyFactor ? recoveryCodes.unused(user) : 0);
        return "second-factor/status";
    }

    @PostMapping(PATH + "/totp")
    String start(Authentication signedIn, HttpSession session, Model model, HttpServletResponse response) {
        if (apps.enrolled(SecondFactors.userId(signedIn))) {
            return "redirect:" + PATH;
        }
        byte[] secret = Totp.newSecret();
        session.setAttribute(PENDING, Totp.base32(secret));
        return setUp(signedIn, Totp.base32(secret), model, response);
    }

    @PostMapping(PATH + "/totp/confirm")
    String confirm(
            Authentication signedIn,
            @RequestParam(defaultValue = "") String code,
            HttpServletRequest request,
            HttpServletResponse response,
            Model model) {
        UUID user = SecondFactors.userId(signedIn);
        HttpSession session = request.getSession();
        if (!(session.getAttribute(PENDING) instanceof String pending)) {
            return "redirect:" + PATH; // no set-up started in this session (or it was finished)
        }
        if (!throttle.lockedFor(user).isZero()) {
            model.addAttribute("error", "Too many wrong codes. Wait a few minutes and try again.");
            response.setStatus(HttpStatus.TOO_MANY_REQUESTS.value());
            return setUp(signedIn, pending, model, response);
        }
        OptionalLong step = Totp.matchingStep(Totp.fromBase32(pending), code.replaceAll("\\s", ""), clock.instant());
        if (step.isEmpty()) {
            throttle.failed(user);
            model.addAttribute("error", SecondFactorChallenge.WRONG);
            response.setStatus(HttpStatus.BAD_REQUEST.value());
            return setUp(signedIn, pending, model, response);
        }
        if (!apps.enrol(user, Totp.fromBase32(pending), step.getAsLong(), clock.instant())) {
            session.removeAttribute(PENDING);
            return "redirect:" + PATH; // set up meanwhile, from another tab
        }
        session.removeAttribute(PENDING);
        throttle.succeeded(user);
        List<String> codes = recoveryCodes.replace(user);
        events.secondFactorEnrolled(user, SecondFactorEnrolled.TOTP, codes.size());
        sessions.endAllForCredentialChange(user); // a session signed in with the password alone ends (a thief's)
        // The code just typed is this sign-in's second factor: it is not asked for again in this browser.
        withFactor(signedIn, SecondFactors.TOTP, request, response);
        return recoveryCodesPage(codes, model, response);
    }

    /**
     * After the recovery codes: back to the request that needed a second factor (a client that requires one sent a
     * user without any here), else this page.
     */
    @GetMapping(PATH + "/continue")
    String carryOn(HttpServletRequest request, HttpServletResponse response) {
        SavedRequest saved = requestCache.getRequest(request, response);
        return "redirect:" + (saved == null ? PATH : saved.getRedirectUrl());
    }

    @PostMapping(PATH + "/recovery-codes")
    String newRecoveryCodes(Authentication signedIn, Model model, HttpServletResponse response) {
        UUID user = SecondFactors.userId(signedIn);
        if (!secondFactors.enrolled(user)) {
            return "redirect:" + PATH; // recovery codes stand in for a factor: none without one
        }
        List<String> codes = recoveryCodes.replace(user);
        events.recoveryCodesRegenerated(user, codes.size());
        return recoveryCodesPage(codes, model, response);
    }

    @GetMapping(PATH + "/remove")
    String confirmRemoval(Authentication signedIn) {
        return apps.enrolled(SecondFactors.userId(signedIn)) ? "second-factor/remove" : "redirect:" + PATH;
    }

    @PostMapping(PATH + "/remove")
    String remove(Authentication signedIn) {
        UUID user = SecondFactors.userId(signedIn);
        if (apps.remove(user)) {
            recoveryCodes.forgetUnlessAFactorIsLeft(user); // kept while a passkey is left, which they stand in for too
            events.secondFactorRemoved(user, user, SecondFactorEnrolled.TOTP);
            sessions.endAllForCredentialChange(user);
        }
        return "redirect:" + PATH + "?removed";
    }

    /** Removes one of the user's passkeys (the form on this page; the script-free way to do it). */
    @PostMapping(PATH + "/passkeys/remove")
    String removePasskey(Authentication signedIn, @RequestParam(defaultValue = "") String id) {
        boolean removed = passkeys.remove(SecondFactors.userId(signedIn), id);
        return "redirect:" + PATH + (removed ? "?passkey-removed" : "");
    }

    private String setUp(Authentication signedIn, String secret, Model model, HttpServletResponse response) {
        String issuer = settings.issuer();
        String account = issuer + ":" + signedIn.getName().substring(0, 8);
        String uri = "otpauth://totp/" + encode(account) + "?secret=" + secret + "&issuer=" + encode(issuer)
                + "&algorithm=SHA1&digits=" + Totp.DIGITS + "&period=" + Totp.STEP_SECONDS;
        model.addAttribute("qr", QrCode.svgDataUri(uri));
        model.addAttribute("secret", secret.replaceAll("(.{4})(?!$)", "$1 "));
        noStore(response);
        return "second-factor/set-up";
    }

    private String recoveryCodesPage(List<String> codes, Model model, HttpServletResponse response) {
        model.addAttribute("codes", codes);
        noStore(response);
        return "second-factor/recovery-codes";
    }

    /** Pages with a secret or codes on them: never in a cache. */
    private static void noStore(HttpServletResponse response) {
        response.setHeader("Cache-Control", "no-store");
    }

    private void withFactor(
            Authentication signedIn, String factor, HttpServletRequest request, HttpServletResponse response) {
        List<GrantedAuthority> authorities = new ArrayList<>(signedIn.getAuthorities());
        authorities.add(FactorGrantedAuthority.fromAuthority(factor));
        var upgraded = UsernamePasswordAuthenticationToken.authenticated(signedIn.getName(), null, authorities);
        upgraded.setDetails(signedIn.getDetails());
        var context = holder.createEmptyContext();
        context.setAuthentication(upgraded);
        holder.setContext(context);
        contexts.saveContext(context, request, response);
    }

    private static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
