package dev.meridian.system.faults;

import dev.meridian.events.EmailVerified;
import dev.meridian.events.UserCreated;
import dev.meridian.events.UserEvents;
import dev.meridian.events.UserUpdated;
import dev.meridian.system.faults.Request.Op;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * What the run's accepted requests should have caused, against what the platform holds: for every account of the
 * run, one {@code UserCreated} in the audit log at version 1 and one verification mail; for every verified address
 * one {@code EmailVerified} and one welcome mail; for every accepted change its {@code UserUpdated}; every user's
 * stream gap-free and in the order the changes happened; no mail twice. The accounts come from user-service's
 * database (an accepted sign-up whose account is not there is lost), the audit log from audit-service's, the mail
 * from the SMTP server. Each expected effect is counted to the phase whose request asked for it.
 */
final class Reconciliation {

    static final String VERIFICATION_SUBJECT = "Confirm your email address";
    static final String WELCOME_SUBJECT = "Welcome to Meridian";

    /** Effects expected, found and found more than once, for one phase. */
    record Effects(
            int eventsExpected,
            int eventsFound,
            int eventsDuplicated,
            int mailsExpected,
            int mailsFound,
            int mailsDuplicated) {
        Effects plus(Effects o) {
            return new Effects(
                    eventsExpected + o.eventsExpected,
                    eventsFound + o.eventsFound,
                    eventsDuplicated + o.eventsDuplicated,
                    mailsExpected + o.mailsExpected,
                    mailsFound + o.mailsFound,
                    mailsDuplicated + o.mailsDuplicated);
        }

        boolean complete() {
            return eventsFound == eventsExpected
                    && mailsFound == mailsExpected
                    && eventsDuplicated == 0
                    && mailsDuplicated == 0;
        }
    }

    private record AuditRow(UUID eventId, String type, long version, String source, Timestamp occurredAt) {}

    private final Map<String, Effects> byWindow = new LinkedHashMap<>();
    private final List<String> problems = new ArrayList<>();

    /** Every problem found (lost or doubled effects, streams out of order), each naming the account. */
    List<String> problems() {
        return problems;
    }

    Effects of(Window window) {
        return byWindow.getOrDefault(window.name(), new Effects(0, 0, 0, 0, 0, 0));
    }

    boolean complete() {
        return problems.isEmpty() && byWindow.values().stream().allMatch(Effects::complete);
    }

    static Reconciliation of(
            String runId, List<Request> requests, List<Window> windows, List<MailCatcher.Mail> mails, Platform platform)
            throws SQLException {
        var reconciliation = new Reconciliation();
        reconciliation.reconcile(runId, requests, windows, mails, platform);
        return reconciliation;
    }

    private void reconcile(
            String runId, List<Request> requests, List<Window> windows, List<MailCatcher.Mail> mails, Platform platform)
            throws SQLException {
        Map<String, UUID> accounts = new HashMap<>();
        Map<String, Boolean> verified = new HashMap<>();
        try (Connection users = platform.connect("user_service");
                var query = users.prepareStatement("select id, email, email_verified from users where email like ?")) {
            query.setString(1, "fault-" + runId + "-%");
            var rows = query.executeQuery();
            while (rows.next()) {
                accounts.put(rows.getString("email"), rows.getObject("id", UUID.class));
                verified.put(rows.getString("email"), rows.getBoolean("email_verified"));
            }
        }
        Map<UUID, List<AuditRow>> streams = new HashMap<>();
        try (Connection audit = platform.connect("audit_service");
                var query = audit.prepareStatement(
                        "select event_id, user_id, type, version, source, occurred_at from audit_event where user_id = any(?)")) {
            query.setArray(1, audit.createArrayOf("uuid", accounts.values().toArray()));
            var rows = query.executeQuery();
            while (rows.next()) {
                streams.computeIfAbsent(rows.getObject("user_id", UUID.class), id -> new ArrayList<>())
                        .add(new AuditRow(
                                rows.getObject("event_id", UUID.class),
                                rows.getString("type"),
                                rows.getLong("version"),
                                rows.getString("source"),
                                rows.getTimestamp("occurred_at")));
            }
        }
        Map<String, List<MailCatcher.Mail>> mailTo =
                mails.stream().collect(Collectors.groupingBy(m -> m.to().toLowerCase()));
        mails.stream()
                .collect(Collectors.groupingBy(MailCatcher.Mail::messageId, Collectors.counting()))
                .forEach((id, count) -> {
                    if (count > 1) {
                        problems.add("mail " + id + " received " + count + " times");
                    }
                });

        Map<String, List<Request>> byPerson = requests.stream().collect(Collectors.groupingBy(Request::email));
        for (var person : byPerson.entrySet()) {
            String email = person.getKey();
            List<Request> own = person.getValue();
            UUID id = accounts.get(email);
            List<Request> signUps =
                    own.stream().filter(r -> r.op() == Op.SIGN_UP).toList();
            Request accepted = signUps.stream().filter(Request::ok).findFirst().orElse(null);
            if (signUps.isEmpty()) {
                continue;
            }
            String signUpWindow = windowOf(windows, (accepted != null ? accepted : signUps.getFirst()).at());
            if (id == null) {
                if (accepted != null) {
                    problems.add("sign-up of " + email + " was accepted but no account exists");
                    add(signUpWindow, new Effects(1, 0, 0, 1, 0, 0));
                }
                continue;
            }
            List<AuditRow> stream = streams.getOrDefault(id, List.of()).stream()
                    .sorted(Comparator.comparingLong(AuditRow::version))
                    .toList();
            checkOrder(email, stream);
            List<MailCatcher.Mail> inbox = mailTo.getOrDefault(email.toLowerCase(), List.of());

            long created = count(stream, UserCreated.TYPE);
            boolean createdAtOne = stream.stream().anyMatch(r -> r.type().equals(UserCreated.TYPE) && r.version() == 1);
            if (created > 0 && !createdAtOne) {
                problems.add(email + ": UserCreated is not at version 1");
            }
            long verificationMails = inbox.stream()
                    .filter(m -> m.subject().startsWith(VERIFICATION_SUBJECT))
                    .count();
            add(signUpWindow, effects(1, created, 1, verificationMails));

            List<Request> verifies =
                    own.stream().filter(r -> r.op() == Op.VERIFY).toList();
            Request verifiedBy =
                    verifies.stream().filter(Request::ok).findFirst().orElse(null);
            boolean isVerified = verified.getOrDefault(email, false);
            if (verifiedBy != null && !isVerified) {
                problems.add("verification of " + email + " was accepted but the account is not verified");
            }
            if (verifiedBy != null || isVerified) {
                String window = windowOf(windows, (verifiedBy != null ? verifiedBy : verifies.getLast()).at());
                long welcomeMails = inbox.stream()
                        .filter(m -> m.subject().startsWith(WELCOME_SUBJECT))
                        .count();
                add(window, effects(1, count(stream, EmailVerified.TYPE), 1, welcomeMails));
            }

            List<Request> updates =
                    own.stream().filter(r -> r.op() == Op.UPDATE).toList();
            long acceptedUpdates = updates.stream().filter(Request::ok).count();
            long unanswered = updates.stream().filter(Request::unanswered).count();
            long found = count(stream, UserUpdated.TYPE);
            if (!updates.isEmpty()) {
                String window = windowOf(windows, updates.getLast().at());
                int missing = (int) Math.max(0, acceptedUpdates - found);
                int duplicated = (int) Math.max(0, found - acceptedUpdates - unanswered);
                add(window, new Effects((int) acceptedUpdates, (int) acceptedUpdates - missing, duplicated, 0, 0, 0));
                if (missing > 0 || duplicated > 0) {
                    problems.add(email + ": " + acceptedUpdates + " changes accepted (" + unanswered + " unanswered), "
                            + found + " UserUpdated in the audit log");
                }
            }
        }
    }

    /** One effect expected: found once is complete, more is duplicated. */
    private static Effects effects(int events, long eventsFound, int mails, long mailsFound) {
        return new Effects(
                events,
                (int) Math.min(events, eventsFound),
                (int) Math.max(0, eventsFound - events),
                mails,
                (int) Math.min(mails, mailsFound),
                (int) Math.max(0, mailsFound - mails));
    }

    /** Versions 1..n without a gap, UserCreated first, and user-service's events in the order they happened. */
    private void checkOrder(String email, List<AuditRow> stream) {
        for (int i = 0; i < stream.size(); i++) {
            if (stream.get(i).version() != i + 1) {
                problems.add(email + ": audit stream versions not gap-free: "
                        + stream.stream().map(r -> String.valueOf(r.version())).collect(Collectors.joining(",")));
                return;
            }
        }
        if (!stream.isEmpty() && !stream.getFirst().type().equals(UserCreated.TYPE)) {
            problems.add(
                    email + ": audit stream starts with " + stream.getFirst().type());
        }
        Timestamp last = null;
        for (AuditRow row : stream) {
            if (!UserEvents.SOURCE.equals(row.source())) {
                continue;
            }
            if (last != null && row.occurredAt().before(last)) {
                problems.add(email + ": " + row.type() + " at version " + row.version()
                        + " happened before the event ahead of it");
            }
            last = row.occurredAt();
        }
    }

    private static long count(List<AuditRow> stream, String type) {
        return stream.stream().filter(r -> r.type().equals(type)).count();
    }

    private void add(String window, Effects effects) {
        byWindow.merge(window, effects, Effects::plus);
    }

    private static String windowOf(List<Window> windows, long at) {
        return windows.stream()
                .filter(w -> w.contains(at))
                .map(Window::name)
                .findFirst()
                .orElse("outside");
    }
}
