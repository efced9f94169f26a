// The engine itself: ids, tenants, scopes and who may do what. The rest of
// the engine is one file per concern: validate.cpp (input checks),
// catalogue.cpp, offer.cpp (is a start offered), booking.cpp (availability,
// book, cancel, reschedule), lifecycle.cpp (every state change), payments.cpp
// and notify.cpp (the outbox). See include/slotwise/engine.hpp.
#include <slotwise/engine.hpp>

#include "engine_internal.hpp"
#include "validate.hpp"

#include <algorithm>
#include <array>
#include <cerrno>
#include <random>

#include <unistd.h>
#include <sys/random.h>

namespace slotwise {

namespace detail {
namespace {

// Kernel randomness, read a few hundred bytes at a time: one getrandom call
// per id was a tenth of book()'s own time. The buffer belongs to one process:
// a forked child (by fork(), vfork, clone or _Fork alike) sees another pid
// and refills, so parent and child never hand out the same bytes.
struct RandomBytes {
    std::array<unsigned char, 384> bytes{};
    std::size_t used = bytes.size();
    pid_t owner = 0;

    void refill() {
        std::size_t got = 0;
        while (got < bytes.size()) {
            const auto n = getrandom(bytes.data() + got, bytes.size() - got, 0);
            if (n > 0) {
                got += static_cast<std::size_t>(n);
            } else if (n < 0 && errno != EINTR) {
                break;
            }
        }
        if (got < bytes.size()) {  // no getrandom (old kernel, seccomp)
            std::random_device rd;
            for (; got < bytes.size(); ++got) bytes[got] = static_cast<unsigned char>(rd());
        }
        used = 0;
    }
};

}  // namespace

std::string random_id(std::string_view prefix) {
    thread_local RandomBytes pool;
    constexpr std::size_t n = 12;
    const pid_t pid = getpid();  // a system call, but a cheap one next to a booking
    if (pool.used + n > pool.bytes.size() || pool.owner != pid) {
        pool.refill();
        pool.owner = pid;
    }
    std::string out(prefix);
    out += '_';
    static constexpr char hex[] = "0123456789abcdef";
    for (std::size_t i = 0; i < n; ++i) {
        const unsigned char b = pool.bytes[pool.used + i];
        out += hex[b >> 4];
        out += hex[b & 15];
    }
    pool.used += n;
    return out;
}

}  // namespace detail

using detail::check_name;
using detail::not_found;
using detail::random_id;

Instant system_now() { return std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now()); }

Engine::Engine(std::shared_ptr<Store> store, Clock clock) : Engine(std::move(store), EngineOptions{.clock = std::move(clock)}) {}

Engine::Engine(std::shared_ptr<Store> store, EngineOptions options)
    : store_(std::move(store)), clock_(std::move(options.clock)), payments_(std::move(options.payments)),
      events_(std::move(options.events)) {
    if (!store_) invalid("store", "no store given");
    if (!clock_) clock_ = system_now;
}

void Engine::emit(EngineEvent e) const noexcept {
    if (!events_) return;
    try {
        events_(e);
    } catch (...) {
        // A host's logging failure must not turn a committed change into an error.
    }
}

Instant Engine::now() const { return clock_(); }

Tenant Engine::create_tenant(const std::string& name) {
    check_name(name, "name");
    Tenant t{.id = {random_id("ten")}, .name = name, .created_at = now()};
    auto tx = store_->write();
    tx->insert_tenant(t);
    tx->commit();
    return t;
}

TenantScope Engine::scope(const Principal& principal) const {
    if (principal.tenant.empty()) invalid("tenant", "empty tenant id");
    // A customer's bookings are the ones made under its subject, and staff
    // act in a business's name: both must say who they are.
    if (principal.role != Role::admin && principal.subject.empty()) {
        invalid("subject", "a " + std::string(to_string(principal.role)) + " principal needs a subject");
    }
    detail::check_subject(principal.subject);
    detail::require_id_shape(principal.tenant, detail::tenant_prefix, "tenant");
    auto tx = store_->read();
    if (!tx->tenant(principal.tenant)) not_found("tenant");
    return TenantScope(*this, principal);
}

TenantScope::TenantScope(Engine engine, Principal principal)
    : engine_(std::move(engine)), principal_(std::move(principal)) {}

void TenantScope::require_admin() const {
    if (principal_.role == Role::admin) return;
    throw Error(Errc::permission_denied, "this operation needs the admin role");
}

void TenantScope::require_staff_or_admin() const {
    if (principal_.role == Role::admin || principal_.role == Role::staff) return;
    throw Error(Errc::permission_denied, "this operation needs the staff or admin role");
}

}  // namespace slotwise
