// The adapter's part of erasing a customer (Transaction::erase_customer):
// blank the personal data of one creator's bookings, of the outbox rows
// about them and of its waitlist entries, leaving no copy in the file or its
// WAL. See internal.hpp.
#include "internal.hpp"
#include "statements.hpp"

namespace slotwise::sqlite {

int erase_customer(Connection& c, const TenantId& t, const std::string& created_by, Instant now) {
    // Without it an UPDATE leaves the old cell's bytes in the page's free
    // space, where a scan of the file still finds them.
    c.exec("PRAGMA secure_delete = ON");
    try {
        c.statement(kEraseBookings).bind(t, created_by).run();
        c.statement(kEraseOutbox).bind(t, created_by, now).run();
        c.statement(kEraseWaitlist).bind(t, created_by).run();
    } catch (...) {
        try {
            c.exec("PRAGMA secure_delete = OFF");
        } catch (...) {
            // The connection keeps zeroing freed space: slower, never wrong.
        }
        throw;
    }
    c.exec("PRAGMA secure_delete = OFF");
    auto s = c.statement(kCountBookingsByCreator);
    s.bind(t, created_by);
    s.step();
    return static_cast<int>(s.integer(0));
}

void checkpoint_after_erasure(Connection& c) noexcept {
    try {
        c.exec("PRAGMA wal_checkpoint(TRUNCATE)");
    } catch (...) {
        // The erasure is committed; a busy checkpoint leaves the old frames
        // until a later one, which SQLite runs on its own.
    }
}

}  // namespace slotwise::sqlite
