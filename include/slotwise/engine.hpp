// slotwise/engine.hpp — the booking engine: tenants, scopes, availability,
// atomic book / cancel / reschedule.
//
// An `Engine` wraps a `Store` and a clock. Everything a tenant does goes
// through a `TenantScope`, built only from a `Principal` that the host app
// derives from its own authenticated session — the tenant never comes from
// request data, and an id of another tenant is answered exactly like an id
// that does not exist (`not_found`).
//
//   slotwise::Engine engine(slotwise::open_sqlite({.path = "bookings.db"}));
//   auto tenant = engine.create_tenant("Salon Bella");
//   auto admin = engine.scope({.tenant = tenant.id, .role = slotwise::Role::admin, .subject = "owner"});
//   auto anna = admin.create_resource({.name = "Anna", .timezone = "Europe/Rome"});
//   ...
//   auto booking = customer.book({.service = cut.id, .start = slot.start, .customer = {.name = "Ada"}});
//
// `book()` re-validates the slot against the rules, the capacity and the
// holds inside the same write transaction as the insert, and accepts exactly
// the starts `availability()` would offer at that moment: two customers racing
// for one slot never both win. Every call validates its input first and fails
// with `Error(invalid_argument)` naming the field; a failed call changes
// nothing.
//
// Bounded work for every input. Ids are checked by shape before any lookup:
// an id the engine hands out is a prefix ("ten", "res", "svc", "blk",
// "bkg"), '_' and 24 lowercase hex digits, and anything else (of any length)
// is answered `not_found` at once, never reaching the store or its caches.
// Strings are bounded, in bytes of UTF-8 without control characters:
// tenant, resource, service and customer names 200; principal subject 200;
// customer email 254, phone 40, locale 35; block reason 500; idempotency key
// 200; time zones are IANA names (unknown ones are refused). Availability
// covers at most `max_query_days` days and computes at most
// `max_slots_per_availability` slots (policy.hpp) per call; a list of
// bookings is a page of at most 1000. A tenant's policy (policy.hpp) further
// bounds what one customer may hold and how far ahead it may look.
//
// What each role sees: a customer sees only its own bookings (an id of
// another customer's booking, also as the `after` cursor of `bookings()`,
// reads exactly like an unknown one), time off as busy intervals without
// their reasons, and idempotency keys of its own (keys are scoped to the
// tenant and the subject).
//
// Thread-safety: an `Engine` and its scopes may be used from many threads at
// once (the store serialises what must be serialised).
#pragma once

#include <slotwise/availability.hpp>
#include <slotwise/events.hpp>
#include <slotwise/lifecycle.hpp>
#include <slotwise/message_texts.hpp>
#include <slotwise/model.hpp>
#include <slotwise/notify.hpp>
#include <slotwise/payment.hpp>
#include <slotwise/policy.hpp>
#include <slotwise/presets.hpp>
#include <slotwise/store.hpp>
#include <slotwise/waitlist.hpp>

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace slotwise {

/// The engine's notion of "now": notice, horizon and hold expiry use it.
using Clock = std::function<Instant()>;

/// The system clock, truncated to seconds.
Instant system_now();

/// How an engine is put together, besides its store.
struct EngineOptions {
    Clock clock{};                                     ///< empty = the system clock
    std::shared_ptr<const PaymentProviders> payments{};  ///< providers tenants may use; none = no paid bookings
    EventSink events{};                                ///< structured events (events.hpp); empty = off
};

/// A new resource.
struct NewResource {
    std::string name{};
    ResourceKind kind = ResourceKind::staff;
    std::string timezone{};
    int capacity = 1;
    std::optional<int> size{};  ///< guests a table seats (capacity 1 only); empty = not sized
};

/// A table combination to declare for group `group` of a party service.
struct NewTableCombination {
    ServiceId service{};
    std::size_t group = 0;
    std::vector<ResourceId> tables{};  ///< two or more tables of that group, each capacity 1 with a size
    int size = 0;                      ///< guests they seat together
};

/// A new service; `step` 0 means "same as duration".
struct NewService {
    std::string name{};
    Minutes duration{0};
    Minutes step{0};
    Minutes buffer_before{0};
    Minutes buffer_after{0};
    std::int64_t price = 0;
    std::string currency{};
    Minutes min_notice{0};
    Minutes horizon{0};
    Minutes hold{15};
    /// Who can perform it: one group (any one of these). Give either this or
    /// `resource_groups`.
    std::vector<ResourceId> resources{};
    Minutes cancel_notice{0};  ///< customers cancel or reschedule until start − this
    /// One resource from each group, all at once (a doctor and a room).
    ResourceGroups resource_groups{};
    std::vector<Segment> segments{};  ///< busy/free parts; empty = busy throughout
    BookingLimits limits{};           ///< per resource of the first group
    bool party = false;               ///< books parties: `seats` is the party size (Service::party)
    bool requires_confirmation = false;  ///< bookings are requests until staff confirm them
    Minutes request_expiry{24 * 60};     ///< a request lapses after this (never past the start)
    Minutes offer_time{60};              ///< a waitlist offer holds its seat this long (never past the start)
};

/// Fields of a resource to change; each left empty keeps its value.
struct ResourcePatch {
    std::optional<std::string> name{};
    std::optional<ResourceKind> kind{};
    std::optional<std::string> timezone{};
    std::optional<int> capacity{};
    std::optional<bool> active{};  ///< false deactivates (deactivate_resource)
    std::optional<int> size{};  ///< sets the size (a resource's size is cleared by update_resource(Resource))
};

/// Fields of a service to change; each left empty keeps its value.
struct ServicePatch {
    std::optional<std::string> name{};
    std::optional<Minutes> duration{};
    std::optional<Minutes> step{};
    std::optional<Minutes> buffer_before{};
    std::optional<Minutes> buffer_after{};
    std::optional<std::int64_t> price{};
    std::optional<std::string> currency{};
    std::optional<Minutes> min_notice{};
    std::optional<Minutes> horizon{};
    std::optional<Minutes> hold{};
    std::optional<std::vector<ResourceId>> resources{};  ///< replaces the groups by this one
    std::optional<Minutes> cancel_notice{};
    std::optional<ResourceGroups> resource_groups{};
    std::optional<std::vector<Segment>> segments{};
    std::optional<BookingLimits> limits{};
    std::optional<bool> active{};  ///< false deactivates (deactivate_service)
    std::optional<bool> party{};
    std::optional<bool> requires_confirmation{};
    std::optional<Minutes> request_expiry{};
    std::optional<Minutes> offer_time{};
};

/// An availability question.
struct AvailabilityRequest {
    ServiceId service{};
    Date from{};                           ///< first local date, inclusive
    Date to{};                             ///< last local date, inclusive
    /// Only these resources are considered for the groups they belong to; a
    /// group none of them belongs to offers all of its own (so empty = every
    /// resource linked to the service).
    std::vector<ResourceId> resources{};
    int seats = 1;
};

/// A free slot and the resources offering it.
struct ResourceSlot {
    Instant start{};
    Instant end{};
    ResourceId resource{};  ///< the chosen resource of the first group
    std::int64_t remaining = 0;  ///< the fewest seats left among the chosen resources
    /// The chosen resource of each further group, in group order (the first
    /// free by id); empty for a one-group service.
    std::vector<ResourceId> other_resources{};
    friend bool operator==(const ResourceSlot&, const ResourceSlot&) = default;
    /// Every chosen resource: `resource`, then `other_resources`.
    std::vector<ResourceId> resources() const {
        std::vector<ResourceId> out{resource};
        out.insert(out.end(), other_resources.begin(), other_resources.end());
        return out;
    }
};

/// A booking request.
struct BookingRequest {
    ServiceId service{};
    Instant start{};
    std::optional<ResourceId> resource{};  ///< the first group's; empty = any linked resource that is free
    /// Pins one resource per group, in group order (as a slot names them);
    /// empty = the first free of each group (by id). Give this or `resource`.
    std::vector<ResourceId> resources{};
    Customer customer{};
    int seats = 1;
    std::string idempotency_key{};         ///< empty = none
};

/// A place in line for a full start (`TenantScope::join_waitlist`).
struct WaitlistRequest {
    ServiceId service{};
    Instant start{};
    Customer customer{};
    int seats = 1;
    /// Pins one resource per group, in group order; empty = any.
    std::vector<ResourceId> resources{};
};

/// Which bookings to list.
struct BookingQuery {
    std::optional<Instant> from{};          ///< start >= from
    std::optional<Instant> to{};            ///< start < to
    std::optional<ResourceId> resource{};
    std::optional<BookingStatus> status{};  ///< as read now (`expired` included)
    std::optional<BookingId> after{};       ///< the last booking of the previous page
    int limit = 100;                        ///< 1 .. 1000
    std::optional<PaymentStatus> payment_status{};  ///< only bookings whose payment is in this state
    /// Only the bookings this customer subject made (a customer's own
    /// scope sees only its own whatever this says: another subject gives an
    /// empty page).
    std::optional<std::string> subject{};
    std::optional<SeriesId> series{};               ///< only the bookings of this series
};

/// The most occurrences one series may have (`SeriesRequest::count`).
inline constexpr int max_series_count = 52;
/// The longest gap between occurrences, in weeks (`SeriesRequest::every_weeks`).
inline constexpr int max_series_every_weeks = 52;

/// A request for a series: the same local wall time, every `every_weeks`
/// weeks, `count` times, starting at `first_start`.
struct SeriesRequest {
    ServiceId service{};
    Instant first_start{};   ///< the first occurrence; its local time (see below) is every occurrence's
    int every_weeks = 1;     ///< 1 .. max_series_every_weeks
    int count = 1;           ///< 1 .. max_series_count
    std::optional<ResourceId> resource{};  ///< as BookingRequest
    std::vector<ResourceId> resources{};   ///< as BookingRequest
    Customer customer{};
    int seats = 1;
    /// false: every occurrence or none (`slot_unavailable` naming the first
    /// start that is not offered). true: the offered ones are booked and the
    /// others listed in `Series::skipped`.
    bool partial = false;
    std::string idempotency_key{};  ///< empty = none; at most 190 bytes
};

/// What `book_series` made.
struct Series {
    SeriesId id{};
    std::vector<Booking> bookings{};  ///< by start; each carries `series == id`
    std::vector<Instant> skipped{};   ///< the starts not booked (partial), by start
};

/// A tenant's payment settings as any API shows them: never the secrets.
struct PaymentSettingsSummary {
    std::string provider{};  ///< "stripe"
    std::string key_hint{};  ///< e.g. "sk_test_…4242"
    bool live = false;       ///< a live key rather than a test key
};

/// One notification the host's notifier could not send.
struct DeliveryFailure {
    std::string notification_id{};
    NotificationKind kind = NotificationKind::booking_confirmed;
    std::string error{};  ///< what the notifier threw (`what()`), or "unknown exception"
};

/// What `deliver_notifications` did.
struct DeliveryReport {
    int sent = 0;                          ///< handed to the notifier and marked sent
    std::vector<DeliveryFailure> failed{};  ///< offered again after their backoff
};

/// What `Engine::expire_checkouts` did.
struct ExpiredCheckouts {
    int closed = 0;                    ///< sessions the provider closed (or that could take no payment)
    std::vector<std::string> failed{};  ///< "session id: error", tried again 5 minutes later
};

/// What `handle_webhook` did with an event.
struct WebhookOutcome {
    std::string event_id{};
    std::string type{};
    bool duplicate = false;               ///< seen before: nothing changed
    std::optional<Booking> booking{};     ///< the booking after the event, when it names one of this tenant's
    bool applied = false;                 ///< the event changed the booking (an unmatched payment flags it `refund_due`)
    /// Why a new event changed nothing, or why a payment was not the
    /// booking's (an unmatched payment, whose booking may still be flagged).
    std::string ignored_because{};
};

class TenantScope;

/// The booking engine. Cheap to copy (shares the store and clock).
class Engine {
public:
    /// An engine over `store`; without a clock, the system clock; no payment
    /// providers (a paid service cannot be booked: `not_configured`).
    explicit Engine(std::shared_ptr<Store> store, Clock clock = {});
    /// An engine over `store` with a clock, payment providers and an event sink.
    Engine(std::shared_ptr<Store> store, EngineOptions options);

    /// Creates a client business; its id is new and random.
    Tenant create_tenant(const std::string& name);

    /// A scope acting as `principal`. Throws `not_found` when the tenant does
    /// not exist, `invalid_argument` for an empty tenant id or a staff or
    /// customer principal without a subject.
    TenantScope scope(const Principal& principal) const;

    /// The engine's current time.
    Instant now() const;

    /// The store underneath.
    const std::shared_ptr<Store>& store() const noexcept { return store_; }
    /// The payment providers tenants may use (may be null).
    const std::shared_ptr<const PaymentProviders>& payments() const noexcept { return payments_; }
    /// True when an event sink is installed (so events are worth building).
    bool observed() const noexcept { return static_cast<bool>(events_); }
    /// Reports `e` to the event sink, if any (never throws).
    void emit(EngineEvent e) const noexcept;

    // --- notification outbox (for the host's delivery worker) ----------------
    /// Leases up to `limit` due notifications of every tenant, oldest first:
    /// each one's attempt count goes up and it is not offered again until its
    /// backoff passes, unless marked sent first.
    std::vector<Notification> take_notifications(int limit = 100);
    /// Marks a taken notification as delivered; `not_found` for an unknown id.
    void mark_notification_sent(const std::string& id);
    /// Takes due notifications, hands each to `notifier`, marks the ones it
    /// sent without throwing. Says how many were sent and which failed and
    /// why; a failed one is offered again after its backoff (and reported as
    /// a `notification_failed` event).
    DeliveryReport deliver_notifications(Notifier& notifier, int limit = 100);

    // --- checkout expiry (for the host's worker, beside notifications) -------
    /// Expires, through each tenant's provider and `http`, up to `limit`
    /// (1..1000) hosted checkouts whose booking's hold has ended but which
    /// the provider would keep open (Stripe takes `expires_at` only 30
    /// minutes or more ahead, and a hold is often shorter). Call it every
    /// minute or so: a checkout then stops taking money within that of its
    /// hold. A session the provider could not close is tried again 5 minutes
    /// later. No transaction is open while the provider is called.
    ExpiredCheckouts expire_checkouts(const HttpTransport& http, int limit = 100);

private:
    std::shared_ptr<Store> store_;
    Clock clock_;
    std::shared_ptr<const PaymentProviders> payments_;
    EventSink events_;
};

/// Everything one principal can do within its tenant. Obtain from
/// `Engine::scope`. Catalogue writes need `Role::admin` (`permission_denied`
/// otherwise); a customer sees and changes only the bookings it made.
class TenantScope {
public:
    /// Who this scope acts as.
    const Principal& principal() const noexcept { return principal_; }

    // --- catalogue -------------------------------------------------------
    /// Creates a resource (admin).
    Resource create_resource(const NewResource& r);
    /// Replaces a resource's name, kind, zone and capacity (admin).
    Resource update_resource(const Resource& r);
    /// Changes the fields `patch` sets, read and written in one transaction (admin).
    Resource update_resource(const ResourceId& id, const ResourcePatch& patch);
    /// A resource by id.
    Resource get_resource(const ResourceId& id);
    /// Every resource, ordered by id.
    std::vector<Resource> resources();
    /// Replaces the weekly hours of a resource (admin). Windows are sorted for you.
    void set_weekly_hours(const ResourceId& id, WeeklyHours hours);
    /// The weekly hours of a resource.
    WeeklyHours weekly_hours(const ResourceId& id);
    /// Sets the windows of one date, replacing the weekly ones; empty closes
    /// the day (admin).
    void set_date_override(const ResourceId& id, Date day, std::vector<LocalWindow> windows);
    /// Removes a date's override (admin); `not_found` when there is none.
    void clear_date_override(const ResourceId& id, Date day);
    /// Overrides of dates in [from, to].
    std::map<Date, std::vector<LocalWindow>> date_overrides(const ResourceId& id, Date from, Date to);
    /// Adds time off (admin or staff).
    Block add_block(const ResourceId& id, Interval when, const std::string& reason = {});
    /// Removes time off (admin or staff).
    void remove_block(const BlockId& id);
    /// Time off of a resource overlapping `range`. A customer gets the busy
    /// intervals only: every `reason` is empty.
    std::vector<Block> blocks(const ResourceId& id, Interval range);
    /// Creates a service (admin).
    Service create_service(const NewService& s);
    /// Replaces a service (admin); existing bookings keep their times and buffers.
    Service update_service(const Service& s);
    /// Changes the fields `patch` sets, read and written in one transaction (admin).
    Service update_service(const ServiceId& id, const ServicePatch& patch);
    /// A service by id.
    Service get_service(const ServiceId& id);
    /// Every service, ordered by id.
    std::vector<Service> services();
    /// Declares tables of one group of a party service that seat a large
    /// party together (admin): `invalid_argument` naming the field unless
    /// the service books parties, the group exists, and two or more distinct
    /// tables of that group, each of capacity 1 with a size, are named.
    TableCombination declare_table_combination(const NewTableCombination& c);
    /// The combinations declared for a service, ordered by id.
    std::vector<TableCombination> table_combinations(const ServiceId& service);
    /// Removes a combination (admin); `not_found` when there is none.
    void remove_table_combination(const CombinationId& id);

    // --- availability and booking ----------------------------------------
    /// Free slots of a service: any of the requested (or linked) resources,
    /// sorted by (start, resource id).
    /// `invalid_argument` naming "to" past `max_slots_per_availability` slots,
    /// and for a customer when `to` lies beyond the tenant's customer horizon
    /// (the local date of now + horizon in the resource's zone).
    std::vector<ResourceSlot> availability(const AvailabilityRequest& q);
    /// Slots that every requested resource offers at once (a doctor and a
    /// room), sorted by start; `remaining` is the smallest among them.
    std::vector<Slot> availability_together(const AvailabilityRequest& q);
    /// Books a slot atomically. Free services are confirmed at once; paid
    /// ones are pending and hold the slot for the service's hold time.
    /// For a party service `seats` is the party size: each group gives the
    /// smallest free resource that seats it, else the smallest free declared
    /// combination (every table held), re-checked in the write transaction.
    /// A customer is bound by the tenant's policy (policy.hpp): over a limit,
    /// `quota_exceeded` naming it ("max_pending_per_customer",
    /// "max_active_per_customer", "customer_horizon",
    /// "max_seats_per_customer_booking"), checked in the booking transaction.
    /// Throws `slot_unavailable` when the start is not offered right now,
    /// `idempotency_mismatch` when the key was used for another request,
    /// `not_configured` for a paid service while the tenant has no payment
    /// provider this engine knows.
    Booking book(const BookingRequest& r);
    /// Cancels an active booking (lifecycle.hpp: a customer until start −
    /// the service's `cancel_notice`, staff and admin until its end).
    Booking cancel(const BookingId& id);
    /// Moves a booking to `new_start` (and optionally another resource)
    /// atomically: if the new slot is not offered, the booking is unchanged
    /// and `slot_unavailable` is thrown.
    Booking reschedule(const BookingId& id, Instant new_start,
                       std::optional<ResourceId> resource = std::nullopt);
    /// Approves a `requested` booking (staff, admin): confirmed, or for a
    /// paid service pending with its hold starting now (the payment is taken
    /// only after approval). `invalid_transition` unless requested and
    /// not lapsed; `permission_denied` for a customer.
    Booking confirm(const BookingId& id);
    /// Turns a `requested` booking down (staff, admin): rejected, the
    /// customer told (booking_rejected), the seat passed to the waitlist.
    /// `reason` (at most 500 bytes) goes to the event feed.
    Booking reject(const BookingId& id, const std::string& reason = {});
    /// The offered customer takes a waitlist offer: confirmed, or pending
    /// with its hold starting now for a paid service. Anyone else:
    /// `permission_denied`; an offer that lapsed: `invalid_transition`.
    Booking accept_offer(const BookingId& id);
    /// Joins the waitlist of a start that is full for `r.seats` (waitlist.hpp).
    /// A start that is offered is refused (`invalid_argument` naming
    /// "start": book it instead), as is one not in the future. A customer
    /// is bound by `TenantPolicy::max_waitlist_per_customer`.
    WaitlistEntry join_waitlist(const WaitlistRequest& r);
    /// An entry with its position; a customer sees only its own.
    WaitlistEntry get_waitlist_entry(const WaitlistEntryId& id);
    /// Leaves the waitlist: a waiting entry becomes `left` (a customer, its
    /// own; staff and admin, any). `invalid_transition` when not waiting
    /// (an offer is declined by cancelling its booking).
    WaitlistEntry leave_waitlist(const WaitlistEntryId& id);
    /// A booking by id.
    Booking get_booking(const BookingId& id);
    /// Bookings matching `q`, ordered by (start, id); a page of at most
    /// `q.limit`. `q.after` must name a booking this principal may see
    /// (`not_found` naming "after" otherwise, as for an unknown id).
    std::vector<Booking> bookings(const BookingQuery& q);

    // --- series ---------------------------------------------------------------
    /// Books the occurrences of a series in one write transaction. Each
    /// occurrence is `first_start`'s local wall time, in the zone of the
    /// first resource (the pinned one, else the first the service's first
    /// group lists), on the date `every_weeks` weeks after the previous one:
    /// across a DST change the UTC instant moves. A local time that does not
    /// exist on a date (the spring-forward gap) is not shifted: that
    /// occurrence is not offered (skipped, or the whole series refused).
    /// Every occurrence is checked as `book()` checks one (notice, horizon,
    /// limits, groups, holds; for a customer the tenant's policy, counting
    /// the series' own earlier occurrences: over a quota the whole series is
    /// refused, partial or not). A retry with the same idempotency key
    /// returns the series it made.
    Series book_series(const SeriesRequest& r);
    /// Cancels the occurrences of series `id` that start at or after `from`
    /// and are still active, in one transaction, each by the lifecycle's
    /// cancel (a customer until start − the service's cancel notice; if one
    /// may not be cancelled, none is). Returns the cancelled bookings.
    /// `not_found` when this principal sees no booking of that series.
    std::vector<Booking> cancel_series(const SeriesId& id, Instant from);
    /// Cancels booking `id` and the later occurrences of its series, as
    /// `cancel_series(series, its start)`. `invalid_argument` naming
    /// "booking" when it belongs to no series (cancel it with `cancel`).
    std::vector<Booking> cancel_series_from(const BookingId& id);

    // --- administration ---------------------------------------------------
    /// GDPR erasure (admin): blanks the name, email and phone of every
    /// booking customer subject `subject` made in this tenant, and every
    /// copy the store keeps of them (Transaction::erase_customer: the
    /// idempotency fingerprints, the outbox rows, sent or not, whose unsent
    /// ones are withdrawn). Times, seats, statuses and payments are kept, so
    /// occupancy and the books do not change. Returns how many bookings the
    /// subject has (all now erased); calling it again changes nothing.
    /// Reported as a `customer_erased` event.
    int erase_customer(const std::string& subject);
    /// No new bookings of this resource (admin): availability offers it
    /// nowhere (nor through a group or a series); book(), book_series() and
    /// reschedule() onto it are refused (`slot_unavailable` naming
    /// "resource"). Its bookings are kept, listed and still cancellable.
    Resource deactivate_resource(const ResourceId& id);
    /// Takes new bookings of the resource again (admin).
    Resource reactivate_resource(const ResourceId& id);
    /// No new bookings of this service (admin): availability offers no slot,
    /// book(), book_series() and reschedule() are refused
    /// (`slot_unavailable` naming "service"). Its bookings are kept.
    Service deactivate_service(const ServiceId& id);
    /// Takes new bookings of the service again (admin).
    Service reactivate_service(const ServiceId& id);

    // --- tenant policy (policy.hpp) -------------------------------------------
    /// Replaces this tenant's policy (admin) and returns it; `invalid_argument`
    /// naming the member for a value out of its range.
    TenantPolicy set_policy(const TenantPolicy& p);
    /// This tenant's policy: the defaults until an admin sets one (any role).
    TenantPolicy policy();

    // --- presets (presets.hpp) ------------------------------------------------
    /// Seeds this tenant (admin) with the preset `name` (one of
    /// `preset_names`): its resources, their weekly hours in
    /// `options.timezone`, and its services, named in `options.locale`, all
    /// in one transaction (all or nothing). Applied twice, it makes a second
    /// set. `invalid_argument` naming `name`, `timezone`, `locale` or
    /// `currency`.
    Preset apply_preset(std::string_view name, const PresetOptions& options);

    // --- payments ----------------------------------------------------------
    /// Stores this tenant's payment provider and its secrets (admin). Nothing
    /// ever reads the secrets back. The provider must be registered with
    /// the engine (`not_configured` otherwise).
    void configure_payments(const PaymentSettings& settings);
    /// `configure_payments` for Stripe, checking the keys' shapes.
    void configure_stripe(const std::string& secret_key, const std::string& webhook_secret);
    /// The provider and a hint of the key (admin); nullopt when unconfigured.
    std::optional<PaymentSettingsSummary> payment_settings();
    /// Creates a hosted checkout for a pending booking through `http`; a
    /// retried call reuses the provider's idempotency key and so the session.
    /// `invalid_transition` unless the booking is pending with its hold
    /// running; `not_configured` when the tenant has no payment provider.
    Checkout start_checkout(const BookingId& id, const std::string& success_url,
                            const std::string& cancel_url, const HttpTransport& http);
    /// Verifies a webhook with this tenant's provider and endpoint secret and
    /// applies its event at most once, in one transaction with the event's
    /// record, by the lifecycle (lifecycle.hpp): paid → confirmed (and the
    /// confirmation queued); a payment after the hold expired confirms if
    /// the start is still offered (minimum notice aside), else flags
    /// `refund_due`; expired or failed checkouts release the hold. Any role
    /// may call it: the signature is the authentication. `not_configured`
    /// when the tenant has no provider.
    WebhookOutcome handle_webhook(std::string_view payload, const Headers& headers);
    /// `handle_webhook` for a tenant configured with Stripe (`not_configured` otherwise).
    WebhookOutcome handle_stripe_webhook(std::string_view payload, const Headers& headers);
    /// Asks the provider to refund a `refund_due` booking (admin or staff).
    /// The provider's answer moves the booking: `succeeded` → refunded,
    /// `pending` → refund_pending (its refund event completes it).
    Refund refund(const BookingId& id, const HttpTransport& http);
    /// Verified payments that could not be applied (a wrong amount or
    /// currency, an unknown session, a second payment, a slot gone, no
    /// booking of this tenant), newest first, at most `limit` (1..1000)
    /// (admin). Each is owed back; its booking, if it held no payment, is
    /// `refund_due`.
    std::vector<UnmatchedPayment> unmatched_payments(int limit = 100);
    /// The outbox rows about one booking, oldest first (admin or staff).
    std::vector<Notification> notifications(const BookingId& id);

    // --- notification texts (message_texts.hpp) --------------------------------
    /// Sets this tenant's subject and body of one kind in one language
    /// (admin), replacing its earlier text; returns what was stored.
    /// `invalid_argument` naming "locale" (not "en" or "it"), "subject" or
    /// "body" (empty, too long, a control character, a subject of more than
    /// one line, an unbalanced brace, a placeholder the kind does not know).
    MessageText set_message_text(const MessageText& m);
    /// This tenant's texts and, for every kind in "en" and "it", the text a
    /// notification is rendered from (admin).
    MessageTexts message_texts();
    /// Removes this tenant's text of `kind` in `locale` (admin): the built-in
    /// one applies again. `not_found` when the tenant has none.
    void clear_message_text(NotificationKind kind, const std::string& locale);

private:
    friend class Engine;
    TenantScope(Engine engine, Principal principal);
    void require_admin() const;
    void require_staff_or_admin() const;
    WebhookOutcome apply_webhook(const PaymentProvider& provider, std::string_view payload, const Headers& headers,
                                 Instant now);
    Engine engine_;
    Principal principal_;
};

}  // namespace slotwise
