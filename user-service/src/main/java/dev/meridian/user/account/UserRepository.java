package dev.meridian.user.account;

import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.data.jdbc.repository.query.Modifying;
import org.springframework.data.jdbc.repository.query.Query;
import org.springframework.data.repository.ListCrudRepository;
import org.springframework.data.repository.PagingAndSortingRepository;
import org.springframework.transaction.annotation.Transactional;

public interface UserRepository extends ListCrudRepository<User, UUID>, PagingAndSortingRepository<User, UUID> {

    Optional<User> findByEmail(String email);

    boolean existsByEmail(String email);

    boolean existsByRole(Role role);

    /**
     * Stores a re-hash of the same password (a stronger scheme): not a change of the account, so no event and no new
     * version; only if the hash is still the one that was checked, so a password changed meanwhile is kept.
     */
    @Modifying
    @Transactional
    @Query("UPDATE users SET password_hash = :rehashed WHERE id = :id AND password_hash = :checked")
    boolean replacePasswordHash(UUID id, String checked, String rehashed);

    /**
     * The active administrators, their rows locked until the transaction ends: two administrators deleting each
     * other at once are serialised here, so the second sees the first one gone and the last one stays.
     */
    @Query("SELECT id FROM users WHERE role = 'ADMIN' AND status = 'ACTIVE' FOR UPDATE")
    List<UUID> lockActiveAdministrators();

    /** False when the row is gone already (a concurrent deletion won): no second {@code UserDeleted}. */
    @Modifying
    @Query("DELETE FROM users WHERE id = :id")
    boolean deleteAccount(UUID id);
}
